"""Django settings, read from the environment only (see .env.example for every variable).

Concerns with many knobs have their own module (celery, channels, exchange); this file holds the core
Django settings and the production safety gate.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from trader.settings.celery import (  # noqa: F401 -- re-exported as Django settings
    CELERY_ACCEPT_CONTENT,
    CELERY_BEAT_SCHEDULER,
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP,
    CELERY_BROKER_URL,
    CELERY_RESULT_BACKEND,
    CELERY_RESULT_EXPIRES,
    CELERY_RESULT_SERIALIZER,
    CELERY_TASK_ACKS_LATE,
    CELERY_TASK_DEFAULT_QUEUE,
    CELERY_TASK_REJECT_ON_WORKER_LOST,
    CELERY_TASK_SERIALIZER,
    CELERY_TIMEZONE,
    CELERY_WORKER_PREFETCH_MULTIPLIER,
)
from trader.settings.channels import ASGI_APPLICATION, CHANNEL_LAYERS  # noqa: F401
from trader.settings.env import BASE_DIR, RUN_DIR, choice, env, local_secret_key, secret
from trader.settings.exchange import (  # noqa: F401
    SIM_PORT,
    TRADER_EXCHANGE,
    TRADER_EXCHANGE_API_KEY,
    TRADER_EXCHANGE_API_SECRET,
    TRADER_EXCHANGE_BREAKER_COOLDOWN_S,
    TRADER_EXCHANGE_BREAKER_FAILURES,
    TRADER_EXCHANGE_CALL_LOG_MAX,
    TRADER_EXCHANGE_CALL_LOG_SAMPLE,
    TRADER_EXCHANGE_FUTURES_API_KEY,
    TRADER_EXCHANGE_FUTURES_API_SECRET,
    TRADER_EXCHANGE_FUTURES_PRIVATE_KEY,
    TRADER_EXCHANGE_PRIVATE_KEY,
    TRADER_EXCHANGE_REDIS_PREFIX,
    TRADER_EXCHANGE_TIME_SYNC_S,
    TRADER_EXCHANGE_TIMEOUT_S,
    TRADER_MASTER_KEY,
    TRADER_MASTER_KEY_PREVIOUS,
    TRADER_METRICS_TOKEN,
    TRADER_SIM_URL,
)
from trader.settings.safety import production_problems

# ---------------------------------------------------------------- mode, secrets, hosts
TRADER_MODE = choice("TRADER_MODE", ("development", "production"), "development")
PRODUCTION = TRADER_MODE == "production"

_secret_from_env = secret("SECRET_KEY")
SECRET_KEY = _secret_from_env or local_secret_key(RUN_DIR)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------- applications
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "apps.common",
    "apps.users",
    "apps.monitoring",
    "apps.exchange",
    "apps.symbols",
    "apps.orders",
    "apps.positions",
    "apps.config",
    "apps.risk",
    "apps.streams",
    "apps.marketdata",
    "apps.realtime",
    "apps.spa",
]

MIDDLEWARE = [
    "apps.common.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "trader.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{RUN_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    if str(_db["NAME"]) != ":memory:":
        RUN_DIR.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"].endswith("postgresql"):
    _db["ENGINE"] = "django.db.backends.postgresql"
    _pool_max = env.int("TRADER_DB_POOL_MAX", default=10)
    _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": _pool_max, "timeout": 10}
    _db["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- redis, cache
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------- auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("TRADER_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# ---------------------------------------------------------------- i18n, time
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static files and the SPA
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [p for p in (BASE_DIR / "static", FRONTEND_DIST) if p.is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Vite already puts content hashes in asset names, so no manifest is needed; compression helps.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Vite names assets by content hash, so browsers may cache them forever.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/assets/.+-[A-Za-z0-9_-]{8,}\.(?:js|css|svg|png|woff2?)$"
WHITENOISE_AUTOREFRESH = DEBUG

# ---------------------------------------------------------------- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": env.str("TRADER_LOGIN_RATE", default="20/min")},
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trader API",
    "DESCRIPTION": "REST API of the self-hosted Binance Spot and USD-M trading platform. "
    "Money and quantities are decimal strings.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# ---------------------------------------------------------------- logging
# JSON lines (one object per line) for log shippers in production; readable lines in development. Every
# handler stamps the request id / process role / task and masks secrets (apps/common/logging.py).
LOG_LEVEL = env.str("TRADER_LOG_LEVEL", default="INFO").upper()
TRADER_LOG_FORMAT = choice("TRADER_LOG_FORMAT", ("json", "plain"), "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "apps.common.logging.RequestIdFilter"},
        "redact": {"()": "apps.common.logging.RedactingFilter"},
    },
    "formatters": {
        "plain": {"()": "apps.common.logging.PlainFormatter"},
        "json": {"()": "apps.common.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": TRADER_LOG_FORMAT,
            "filters": ["request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}
# Celery task runs (apps/monitoring/taskruns): rows older than this are pruned daily. Successful runs of the
# tasks named in TRADER_TASKRUN_SKIP_SUCCESS are not recorded (a 10 s heartbeat would bury the rest);
# their failures still are.
TRADER_TASKRUN_RETENTION_DAYS = env.int("TRADER_TASKRUN_RETENTION_DAYS", default=14)
TRADER_TASKRUN_SKIP_SUCCESS: list[str] = env.list(
    "TRADER_TASKRUN_SKIP_SUCCESS", default=["monitoring.heartbeat"]
)

# ---------------------------------------------------------------- first-run admin
TRADER_ADMIN_PASSWORD = secret("TRADER_ADMIN_PASSWORD")

# ---------------------------------------------------------------- production gate
if PRODUCTION:
    _problems = production_problems(
        secret_key_set=bool(_secret_from_env),
        debug=DEBUG,
        db_engine=DATABASES["default"]["ENGINE"],
        allowed_hosts=ALLOWED_HOSTS,
        master_key_set=bool(TRADER_MASTER_KEY),
    )
    if _problems:
        raise ImproperlyConfigured(
            "Refusing to start in production mode (TRADER_MODE=production):\n- " + "\n- ".join(_problems)
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ---------------------------------------------------------------- monitoring: metrics, alert delivery, status
from trader.settings.metrics import *  # noqa: E402, F403
from trader.settings.notifications import *  # noqa: E402, F403
from trader.settings.status import *  # noqa: E402, F403
