"""API-key authentication and request signatures, verified the way Binance verifies them.

The signature covers the raw bytes as sent, `query + body` with no separator, minus the `signature`
parameter itself; re-encoding parsed parameters would break clients that order or quote differently.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from simulator.errors import BinanceError, illegal_chars
from simulator.params import Params, parse_pairs

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.accounts import Account, AccountStore
    from simulator.clock import Clock
    from simulator.symbols import SymbolRegistry

Security = Literal["NONE", "MARKET_DATA", "USER_STREAM", "TRADE", "USER_DATA"]
Market = Literal["spot", "futures"]

API_KEY_RE = re.compile(r"^[A-Za-z0-9]{64}$")
SIGNED: frozenset[str] = frozenset({"TRADE", "USER_DATA"})
KEYED: frozenset[str] = frozenset({"MARKET_DATA", "USER_STREAM", "TRADE", "USER_DATA"})
MAX_RECV_WINDOW = Decimal(60000)
DEFAULT_RECV_WINDOW = Decimal(5000)


def key_format_invalid() -> BinanceError:
    return BinanceError(-2014, "API-key format invalid.", status=401)


def invalid_key() -> BinanceError:
    return BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", status=401)


def missing_signature() -> BinanceError:
    return BinanceError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.")


def bad_signature() -> BinanceError:
    return BinanceError(-1022, "Signature for this request is not valid.")


@dataclass
class AuthResult:
    account: Account | None
    params: Params


def strip_signature(raw: str) -> tuple[str, str | None]:
    """Remove `signature=...` from a raw query/body string; return (rest, raw signature)."""
    if "signature=" not in raw:
        return raw, None
    kept: list[str] = []
    signature: str | None = None
    for piece in raw.split("&"):
        if piece.startswith("signature="):
            signature = piece[len("signature=") :]
        else:
            kept.append(piece)
    return "&".join(kept), signature


def hmac_signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def signature_valid(account: Account, payload: str, signature: str) -> bool:
    """Check `signature` (already URL-decoded) over `payload` with the account's key."""
    if account.key_type == "HMAC":
        if account.secret is None:
            return False
        # HMAC signatures are hex and Binance compares them case-insensitively.
        return hmac.compare_digest(hmac_signature(account.secret, payload), signature.lower())
    try:
        raw_sig = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    key = account.public_key()
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(raw_sig, payload.encode())
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(raw_sig, payload.encode(), padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


class Auth:
    def __init__(self, accounts: AccountStore, clock: Clock, symbols: SymbolRegistry) -> None:
        self.accounts = accounts
        self.clock = clock
        self.symbols = symbols

    async def raw_parts(self, request: web.Request) -> tuple[str, str]:
        query = request.rel_url.raw_query_string
        body = ""
        if request.method in ("POST", "PUT", "DELETE") and request.can_read_body:
            body = (await request.read()).decode("utf-8", errors="replace")
            if request.content_type == "application/json":
                # Binance takes parameters only as form/query; a JSON body is an unread parameter blob.
                raise BinanceError(-1130, "Data sent for parameter 'body' is not valid.")
        return query, body

    async def verify(self, request: web.Request, security: Security, market: Market) -> AuthResult:
        query, body = await self.raw_parts(request)
        params = Params(parse_pairs(query) + parse_pairs(body), self.symbols)
        account: Account | None = None
        if security in KEYED:
            account = self.account_for_key(request.headers.get("X-MBX-APIKEY"), market)
        if security in SIGNED:
            assert account is not None
            query_unsigned, sig_q = strip_signature(query)
            body_unsigned, sig_b = strip_signature(body)
            signature = sig_q if sig_q is not None else sig_b
            params.mark_read("signature")
            if not signature:
                raise missing_signature()
            self.check_timestamp(params, market)
            if not signature_valid(account, query_unsigned + body_unsigned, unquote(signature)):
                raise bad_signature()
            if security == "TRADE" and account.read_only:
                raise invalid_key()
        return AuthResult(account=account, params=params)

    def account_for_key(self, api_key: str | None, market: Market) -> Account:
        if not api_key:
            raise key_format_invalid()
        if not API_KEY_RE.match(api_key):
            raise key_format_invalid()
        account = self.accounts.by_api_key(api_key)
        if account is None:
            if market == "futures":
                # A key from another environment is -2008 on USD-M (observed, ccxt #29099).
                raise BinanceError(-2008, "Invalid Api-Key ID.", status=401)
            raise invalid_key()
        needed = "SPOT" if market == "spot" else "FUTURES"
        if needed not in account.permissions:
            raise invalid_key()
        return account

    def check_timestamp(self, params: Params, market: Market) -> None:
        timestamp = params.int("timestamp")
        recv_raw = params.str("recvWindow", required=False)
        recv_window = DEFAULT_RECV_WINDOW
        if recv_raw is not None:
            try:
                recv_window = Decimal(recv_raw)
            except InvalidOperation:
                raise illegal_chars("recvWindow", "^[0-9]{1,20}$") from None
            if recv_window > MAX_RECV_WINDOW or recv_window <= 0:
                raise BinanceError(-1131, "recvWindow must be less than 60000")
        server = self.clock.now_ms()
        if market == "spot" and timestamp > 10**14:
            # Spot accepts microsecond timestamps.
            timestamp //= 1000
        if timestamp >= server + 1000:
            raise BinanceError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        if Decimal(server - timestamp) > recv_window:
            raise BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.")

    def verify_ws_params(self, params: dict[str, Any], security: Security, market: Market) -> AuthResult:
        """WebSocket API: payload is every param but `signature`, sorted by name, not percent-encoded."""
        values = {k: v for k, v in params.items() if v is not None}
        account: Account | None = None
        if security in KEYED:
            account = self.account_for_key(_ws_str(values.get("apiKey")), market)
        wrapped = Params.from_dict(values, self.symbols)
        wrapped.mark_read("apiKey")
        if security in SIGNED:
            assert account is not None
            signature = _ws_str(values.get("signature"))
            wrapped.mark_read("signature")
            if not signature:
                raise missing_signature()
            self.check_timestamp(wrapped, market)
            payload = "&".join(f"{k}={_ws_str(values[k])}" for k in sorted(values) if k != "signature")
            if not signature_valid(account, payload, signature):
                raise bad_signature()
            if security == "TRADE" and account.read_only:
                raise invalid_key()
        return AuthResult(account=account, params=wrapped)


def _ws_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
