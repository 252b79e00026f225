"""Masking of secrets in text and structures before they are logged or stored.

`redact(value)` walks strings, dicts, lists and tuples: a dict entry whose key names a secret (password,
secret, token, api_key, signature, listen_key, ...) becomes "***" whatever its value; strings are scanned for
the secret forms this platform handles (Binance API keys and HMAC secrets, `signature=` and `apiKey`
parameters, `X-MBX-APIKEY` headers, listenKeys, PEM private keys, DRF `Token`/`Bearer` credentials, session
cookies, Telegram bot tokens, URL passwords, our AES-GCM and Fernet ciphertexts) and for the exact values of
the secrets configured in settings. Ordinary text (symbols, order ids, prices, hashes) is left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

MASK = "***"

# Settings whose values are secrets: redacted verbatim wherever they appear, whatever surrounds them.
SECRET_SETTINGS: tuple[str, ...] = (
    "SECRET_KEY",
    "TRADER_MASTER_KEY",
    "TRADER_MASTER_KEY_PREVIOUS",
    "TRADER_METRICS_TOKEN",
    "TRADER_ADMIN_PASSWORD",
    "TRADER_EXCHANGE_API_KEY",
    "TRADER_EXCHANGE_API_SECRET",
    "TRADER_EXCHANGE_PRIVATE_KEY",
    "TRADER_EXCHANGE_FUTURES_API_KEY",
    "TRADER_EXCHANGE_FUTURES_API_SECRET",
    "TRADER_EXCHANGE_FUTURES_PRIVATE_KEY",
    "TRADER_WEBHOOK_SECRET",
    "TRADER_TELEGRAM_BOT_TOKEN",
    "EMAIL_HOST_PASSWORD",
)
# Shorter values would mask ordinary words; every real secret we hold is longer.
_MIN_KNOWN_SECRET = 8

# Secret-ish names, as a dict key or before `=`/`:`. "pass" must start a word so "bypass" is not one.
_NAME = (
    r"(?:api[_-]?key|apikey|x-mbx-apikey|api[_-]?secret|secret(?:[_-]?key)?|[a-z]*[_-]secret|"
    r"signature|listen[_-]?key|pass(?:word|wd|phrase)?|pwd|"
    r"(?:access|refresh|auth|bot|api|metrics|csrf|session|bearer|webhook|hmac)?[_-]?token|"
    r"session[_-]?id|sessionid|csrftoken|private[_-]?key|master[_-]?key|hmac[_-]?key|"
    r"credentials?|cookie)"
)
# As a dict key, an Authorization header is a secret whole (in text, _AUTH_HEADER keeps its scheme word).
_SECRET_KEY_NAME = re.compile(rf"^(?:[a-z0-9]+[_-])*(?:{_NAME}|authorization)$", re.IGNORECASE)

_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)", re.DOTALL
)
# `Authorization: Token abc`, `"Authorization": "Bearer abc"`, `Authorization=Basic abc`.
_AUTH_HEADER = re.compile(
    r"""(?P<head>(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:(?:token|bearer|basic)\s+)?)"""
    r"""(?P<value>[^\s"',;}\]]+)""",
    re.IGNORECASE,
)
# A bare credential after its scheme word anywhere in text (headers printed as tuples, curl lines, ...).
_SCHEME_CRED = re.compile(r"(?P<head>\b(?:Token|Bearer)\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})")
# name=value, name: value, "name": "value", 'name': 'value' (JSON, reprs, query strings, headers).
_KEY_VALUE = re.compile(
    rf"""(?P<head>(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_-])*{_NAME}["']?\s*(?:=|:)\s*["']?)"""
    r"""(?P<value>(?!\*\*\*)[^\s"'&,;}\]<>)]+)""",
    re.IGNORECASE,
)
# A secret named in prose: "token 9944b0…", "listen key pqia91…" (no = or :, so _KEY_VALUE misses it).
_NAME_SPACE_VALUE = re.compile(
    r"(?P<head>\b(?:token|secret|password|api[ _-]?key|listen[ _-]?key|signature)s?\s+)"
    r"(?P<value>(?=[A-Za-z0-9+/=_.-]*[0-9])[A-Za-z0-9+/=_.-]{16,})",
    re.IGNORECASE,
)
# Our webhook signature header `X-Trader-Signature: t=…,v1=<hex>` (the comma ends _KEY_VALUE's match).
_SIGNATURE_PARAM = re.compile(r"(?P<head>\bv1=)(?P<value>[0-9a-fA-F]{32,})")
# A USD-M listenKey in a user stream URL: <fstream>private/ws/<listenKey>, <stream>/ws/<listenKey>.
_WS_PATH_KEY = re.compile(r"(?P<head>/ws/)(?P<value>[A-Za-z0-9]{20,})")
# Telegram bot tokens `123456789:AA…`, also inside the bot URL path `/bot<token>/sendMessage`.
_TELEGRAM = re.compile(r"(?<![0-9])[0-9]{6,12}:[A-Za-z0-9_-]{30,}")
# A password in a URL: scheme://user:password@host.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/\s:@]*:)(?P<value>[^@\s/]+)(?=@)", re.IGNORECASE)
# Our at-rest ciphertexts (crypto.py: v1$<key id>$<base64>) and Fernet tokens (gAAAAA…).
_CIPHERTEXT = re.compile(r"v1\$[0-9a-f]{6,32}\$[A-Za-z0-9+/=_-]{16,}|\bgAAAAA[A-Za-z0-9_=-]{40,}")
# Binance API keys and HMAC secrets are 64 mixed-case letters and digits. A long run of them in free text
# is masked unless it is plain hex (hashes, HMAC signatures are handled by name) or all digits.
_LONG_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{40,256}(?![A-Za-z0-9])")
_HEX_OR_DIGITS = re.compile(r"^(?:[0-9a-f]+|[0-9A-F]+)$")


_known_cache: tuple[int, list[str]] | None = None


def _known_secret_values() -> list[str]:
    """The configured secret values, longest first so a value containing another is masked whole.

    Cached per settings object: override_settings swaps that object, so tests see their own values."""
    global _known_cache
    try:
        from django.conf import settings

        if not settings.configured:
            return []
        wrapped = id(settings._wrapped)
        if _known_cache is not None and _known_cache[0] == wrapped:
            return _known_cache[1]
        values: list[str] = []
        for name in SECRET_SETTINGS:
            values.extend(_strings(getattr(settings, name, None)))
    except Exception:  # redaction must work before and outside Django setup
        return []
    known = sorted({v for v in values if len(v) >= _MIN_KNOWN_SECRET}, key=len, reverse=True)
    _known_cache = (wrapped, known)
    return known


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _strings(item)


def _sub_value(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        return pattern.sub(lambda m: m.group("head") + MASK, text)

    return apply


def _mask_long(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if _HEX_OR_DIGITS.match(token) else MASK


def _mask_pem(match: re.Match[str]) -> str:
    return f"-----BEGIN {match.group(1)}-----{MASK}-----END {match.group(1)}-----"


_STEPS: tuple[Callable[[str], str], ...] = (
    lambda t: _PEM.sub(_mask_pem, t),
    _sub_value(_AUTH_HEADER),
    _sub_value(_SCHEME_CRED),
    lambda t: _TELEGRAM.sub(MASK, t),
    _sub_value(_URL_PASSWORD),
    lambda t: _CIPHERTEXT.sub(MASK, t),
    _sub_value(_KEY_VALUE),
    _sub_value(_NAME_SPACE_VALUE),
    _sub_value(_SIGNATURE_PARAM),
    _sub_value(_WS_PATH_KEY),
    lambda t: _LONG_TOKEN.sub(_mask_long, t),
)


def redact_text(text: str, *, known: list[str] | None = None) -> str:
    """`text` with every secret form and every configured secret value replaced by ***."""
    for value in _known_secret_values() if known is None else known:
        if value in text:
            text = text.replace(value, MASK)
    for step in _STEPS:
        text = step(text)
    return text


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_KEY_NAME.match(name.strip()))


def redact(value: Any) -> Any:
    """A copy of `value` with secrets masked: strings scanned, secret-named dict entries replaced,
    containers walked. Other values (numbers, Decimals, None, dates) are returned unchanged; bytes are
    decoded as text."""
    return _redact(value, _known_secret_values(), depth=0)


_MAX_DEPTH = 20


def _redact(value: Any, known: list[str], *, depth: int) -> Any:
    if isinstance(value, str):
        return redact_text(value, known=known)
    if isinstance(value, (bytes, bytearray)):
        return redact_text(bytes(value).decode("utf-8", errors="replace"), known=known)
    if depth >= _MAX_DEPTH:
        return MASK if isinstance(value, (dict, list, tuple, set)) else value
    if isinstance(value, dict):
        return {
            k: (
                MASK
                if isinstance(k, str) and is_secret_name(k) and v not in (None, "")
                else _redact(v, known, depth=depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_redact(v, known, depth=depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if type(value).__name__ == "Secret":  # apps.exchange.domain.secrets.Secret: its repr is already masked
        return repr(value)
    return value
