"""Which exchange the platform trades on. Only URLs differ between them; no code branches on it."""

from __future__ import annotations

from trader.settings.env import choice, env, secret

TRADER_EXCHANGE = choice("TRADER_EXCHANGE", ("sim", "testnet", "live"), "sim")
SIM_PORT = env.int("SIM_PORT", default=9900)
TRADER_SIM_URL = env.str("TRADER_SIM_URL", default=f"http://127.0.0.1:{SIM_PORT}")

# ---------------------------------------------------------------- secrets at rest
# AES-256-GCM key (32 bytes, URL-safe base64) sealing exchange secrets in the database. Outside production a
# missing key is generated into .run/master_key. PREVIOUS: retired keys still accepted while rotating.
TRADER_MASTER_KEY = secret("TRADER_MASTER_KEY")
TRADER_MASTER_KEY_PREVIOUS: list[str] = [
    k for k in (secret("TRADER_MASTER_KEY_PREVIOUS") or "").split(",") if k.strip()
]

# ---------------------------------------------------------------- bootstrap credentials
# Used once, when no active credential exists for the environment and market: validated, encrypted, stored.
# HMAC: API_KEY + API_SECRET; Ed25519: API_KEY + PRIVATE_KEY (PEM). FUTURES_* override for USD-M.
# On `sim` they default to the local exchange's published dev key pair, so nothing needs configuring.
_SIM_DEV_KEY = "simDevKeyHmac000000000000000000000000000000000000000000000000001"
_SIM_DEV_SECRET = "simDevSecretHmac000000000000000000000000000000000000000000000001"
_is_sim = TRADER_EXCHANGE == "sim"
TRADER_EXCHANGE_API_KEY = secret("TRADER_EXCHANGE_API_KEY") or (_SIM_DEV_KEY if _is_sim else None)
TRADER_EXCHANGE_API_SECRET = secret("TRADER_EXCHANGE_API_SECRET") or (_SIM_DEV_SECRET if _is_sim else None)
TRADER_EXCHANGE_PRIVATE_KEY = secret("TRADER_EXCHANGE_PRIVATE_KEY")
TRADER_EXCHANGE_FUTURES_API_KEY = secret("TRADER_EXCHANGE_FUTURES_API_KEY")
TRADER_EXCHANGE_FUTURES_API_SECRET = secret("TRADER_EXCHANGE_FUTURES_API_SECRET")
TRADER_EXCHANGE_FUTURES_PRIVATE_KEY = secret("TRADER_EXCHANGE_FUTURES_PRIVATE_KEY")

# ---------------------------------------------------------------- gateway behaviour
# Seconds one exchange call may take in total (limiter wait + retries); per-call deadlines may be shorter.
TRADER_EXCHANGE_TIMEOUT_S = env.float("TRADER_EXCHANGE_TIMEOUT_S", default=10.0)
# Keys of the shared limiter, breaker and time offset in Redis (per environment by default).
TRADER_EXCHANGE_REDIS_PREFIX = env.str(
    "TRADER_EXCHANGE_REDIS_PREFIX", default=f"trader:exchange:{TRADER_EXCHANGE}"
)
TRADER_EXCHANGE_BREAKER_FAILURES = env.int("TRADER_EXCHANGE_BREAKER_FAILURES", default=5)
TRADER_EXCHANGE_BREAKER_COOLDOWN_S = env.float("TRADER_EXCHANGE_BREAKER_COOLDOWN_S", default=30.0)
TRADER_EXCHANGE_TIME_SYNC_S = env.float("TRADER_EXCHANGE_TIME_SYNC_S", default=300.0)
# Fraction of successful calls written to the ApiCallLog table (errors are always written) and its row cap.
TRADER_EXCHANGE_CALL_LOG_SAMPLE = env.float("TRADER_EXCHANGE_CALL_LOG_SAMPLE", default=0.05)
TRADER_EXCHANGE_CALL_LOG_MAX = env.int("TRADER_EXCHANGE_CALL_LOG_MAX", default=20000)
# When set, GET /metrics requires `Authorization: Bearer <token>`.
TRADER_METRICS_TOKEN = secret("TRADER_METRICS_TOKEN")
