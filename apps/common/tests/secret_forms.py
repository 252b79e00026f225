"""Every form of secret the platform holds, freshly generated, each inside text the way code would log it.

Shared by the redaction tests: each `Case` is a carrier text (a URL, a header, a JSON request, a PEM, an
exception message...) and the secret strings (`needles`) that must not survive redaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import string
import urllib.parse
from dataclasses import dataclass

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

ALNUM = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    needles: tuple[str, ...]


def binance_key(rng: random.Random) -> str:
    """64 letters and digits, mixed case, like Binance API keys and HMAC secrets."""
    return "".join(rng.choice(ALNUM) for _ in range(61)) + "aZ9"


def _pem_body_lines(pem: str) -> tuple[str, ...]:
    return tuple(line for line in pem.splitlines() if line and not line.startswith("-----"))


@dataclass(frozen=True)
class Secrets:
    """The configured secrets (settings) of the test, besides the ones found only in text."""

    secret_key: str
    master_key: str
    metrics_token: str
    admin_password: str
    exchange_api_key: str
    exchange_api_secret: str


def configured_secrets() -> Secrets:
    rng = random.Random(secrets.randbits(64))
    return Secrets(
        secret_key=secrets.token_urlsafe(50),
        master_key=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        metrics_token=secrets.token_urlsafe(32),
        admin_password="Tr0ub4dor&3-horse",
        exchange_api_key=binance_key(rng),
        exchange_api_secret=binance_key(rng),
    )


def all_cases(conf: Secrets) -> list[Case]:
    rng = random.Random(secrets.randbits(64))
    api_key, hmac_secret = binance_key(rng), binance_key(rng)
    query = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.001&price=43250.10&timestamp=1700000000000"
    hmac_sig = hmac.new(hmac_secret.encode(), query.encode(), hashlib.sha256).hexdigest()

    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_pem = ed_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    ed_sig = base64.b64encode(ed_key.sign(query.encode())).decode()
    rsa_pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        .decode()
    )
    listen_key = secrets.token_urlsafe(48).replace("-", "a").replace("_", "b")[:64]
    drf_token = secrets.token_hex(20)  # rest_framework Token.generate_key()
    session_id = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(32))
    csrf = "".join(rng.choice(ALNUM) for _ in range(32))
    webhook_secret = secrets.token_urlsafe(32)
    webhook_sig = hmac.new(webhook_secret.encode(), b"1700000000.{}", hashlib.sha256).hexdigest()
    telegram = f"{rng.randint(10**8, 10**10)}:AA{''.join(rng.choice(ALNUM + '_-') for _ in range(33))}"
    redis_password = secrets.token_urlsafe(16)
    fernet_token = Fernet(Fernet.generate_key()).encrypt(b"an exchange secret").decode()
    our_ciphertext = f"v1${secrets.token_hex(6)}${base64.b64encode(secrets.token_bytes(48)).decode()}"
    user_password = "s3cret-Passw0rd!"
    ws_request = {
        "id": "e2a85d9f-07a5-4f94-8d5f-789dc3deb097",
        "method": "userDataStream.subscribe.signature",
        "params": {"apiKey": api_key, "timestamp": 1700000000000, "signature": ed_sig},
    }
    return [
        Case("signature query param", f"POST /api/v3/order?{query}&signature={hmac_sig}", (hmac_sig,)),
        Case(
            "ed25519 signature url-encoded",
            f"GET /api/v3/account?timestamp=1&signature={urllib.parse.quote(ed_sig, safe='')}",
            (urllib.parse.quote(ed_sig, safe=""),),
        ),
        Case("X-MBX-APIKEY header", f"headers={{'X-MBX-APIKEY': '{api_key}'}}", (api_key,)),
        Case("X-MBX-APIKEY raw header", f"X-MBX-APIKEY: {api_key}\r\nAccept: */*", (api_key,)),
        Case("WS-API request JSON", json.dumps(ws_request), (api_key, ed_sig)),
        Case("WS-API request repr", repr(ws_request), (api_key, ed_sig)),
        Case("bare key and secret", f"using key {api_key} and secret {hmac_secret}", (api_key, hmac_secret)),
        Case(
            "api_key=", f"credential check api_key={api_key} secret_key={hmac_secret}", (api_key, hmac_secret)
        ),
        Case("listenKey JSON", json.dumps({"listenKey": listen_key}), (listen_key,)),
        Case(
            "listenKey URL", f"connecting to wss://fstream.binance.com/private/ws/{listen_key}", (listen_key,)
        ),
        Case("listenKey query", f"PUT /fapi/v1/listenKey?listenKey={listen_key}", (listen_key,)),
        Case("Ed25519 PEM", f"credential material: {ed_pem}", _pem_body_lines(ed_pem)),
        Case("Ed25519 PEM in JSON", json.dumps({"key": ed_pem}), _pem_body_lines(ed_pem)),
        Case("RSA PEM", rsa_pem, _pem_body_lines(rsa_pem)),
        Case("password form", f"login failed: username=ada&password={user_password}", (user_password,)),
        Case("password JSON", json.dumps({"username": "ada", "password": user_password}), (user_password,)),
        Case("session cookie", f"Cookie: sessionid={session_id}; csrftoken={csrf}", (session_id, csrf)),
        Case("DRF token header", f"Authorization: Token {drf_token}", (drf_token,)),
        Case("DRF token prose", f"issued token {drf_token} for ada", (drf_token,)),
        Case("DRF token in headers dict", repr({"Authorization": f"Token {drf_token}"}), (drf_token,)),
        Case("metrics bearer", f"Authorization: Bearer {conf.metrics_token}", (conf.metrics_token,)),
        Case("metrics token bare", f"scrape with {conf.metrics_token} refused", (conf.metrics_token,)),
        Case(
            "webhook secret",
            json.dumps({"url": "http://127.0.0.1/h", "secret": webhook_secret}),
            (webhook_secret,),
        ),
        Case(
            "webhook signature header", f"X-Trader-Signature: t=1700000000,v1={webhook_sig}", (webhook_sig,)
        ),
        Case("telegram token", f"bot token {telegram} set", (telegram, telegram.split(":")[1])),
        Case("telegram URL", f"POST https://api.telegram.org/bot{telegram}/sendMessage", (telegram,)),
        Case("redis URL password", f"broker redis://:{redis_password}@127.0.0.1:6379/4", (redis_password,)),
        Case("master key", f"loaded master key {conf.master_key}", (conf.master_key,)),
        Case("SECRET_KEY", f"settings: {conf.secret_key}", (conf.secret_key,)),
        Case("admin password", f"first admin with {conf.admin_password}", (conf.admin_password,)),
        Case(
            "configured exchange key",
            f"{conf.exchange_api_key}/{conf.exchange_api_secret}",
            (conf.exchange_api_key, conf.exchange_api_secret),
        ),
        Case("Fernet ciphertext", f"stored {fernet_token}", (fernet_token, fernet_token[10:40])),
        Case("our ciphertext", f"secret_encrypted {our_ciphertext}", (our_ciphertext, our_ciphertext[20:50])),
    ]


# What must survive redaction untouched.
ORDINARY = (
    "order 123456789 BTCUSDT BUY 0.00123000 @ 43250.10 client_order_id=tmp-5f1c2a9b0d3e4f5a6b7c8d9e "
    "request 9f8e7d6c5b4a39281706f5e4d3c2b1a0 "
    "audit 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 "
    "task 2d1b0a7e-3c4f-4e5d-9a8b-7c6d5e4f3a2b ETHUSDT qty 1.5 notional 4321.00000000 code -2010"
)
