"""Alert delivery: the mail server, outbound HTTP limits and the retry policy of notification channels.

Email goes through Django's mail backend. Outside production the console backend is the default, so a
development machine prints mails instead of needing an SMTP server; production configures SMTP
(TRADER_EMAIL_BACKEND=smtp plus host, port, user, password or EMAIL_HOST_PASSWORD_FILE, TLS).
"""

from __future__ import annotations

from trader.settings.env import choice, env, secret

_production = choice("TRADER_MODE", ("development", "production"), "development") == "production"
_backend = choice("TRADER_EMAIL_BACKEND", ("smtp", "console", "locmem"), "smtp" if _production else "console")
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}[_backend]
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# A dead mail server must not hold a worker: the delivery is retried later instead.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trader alerts <trader@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where links in notifications point (the dashboard's alert centre is {url}/alerts).
TRADER_PUBLIC_URL = env.str("TRADER_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")

# Webhook and Telegram requests: per-socket-operation timeout, at most 5 s so one slow receiver cannot
# hold a worker for long.
TRADER_NOTIFY_HTTP_TIMEOUT_S = min(5.0, env.float("TRADER_NOTIFY_HTTP_TIMEOUT_S", default=5.0))
TRADER_NOTIFY_MAX_ATTEMPTS = env.int("TRADER_NOTIFY_MAX_ATTEMPTS", default=6)
TRADER_NOTIFY_BACKOFF_BASE_S = env.float("TRADER_NOTIFY_BACKOFF_BASE_S", default=5.0)
TRADER_NOTIFY_BACKOFF_MAX_S = env.float("TRADER_NOTIFY_BACKOFF_MAX_S", default=900.0)
