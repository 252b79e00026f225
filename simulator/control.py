"""The /_sim/ control API: accounts, orders, faults, symbols, clock, reset, health (JSON in, JSON out)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.auth import API_KEY_RE
from simulator.errors import BinanceError, json_response, mandatory
from simulator.faults import parse_faults

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.accounts import Account
    from simulator.exchange import Exchange


def _exchange(request: web.Request) -> Exchange:
    return request.app["exchange"]


async def _body(request: web.Request) -> dict[str, Any]:
    text = await request.text()
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except ValueError:
        raise BinanceError(-1130, "Body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise BinanceError(-1130, "Body must be a JSON object.")
    return body


def _check_amounts(key: str, value: object) -> None:
    if not isinstance(value, dict):
        raise BinanceError(-1130, f"'{key}' must be an object of asset -> amount.")
    for asset, amount in value.items():
        try:
            ok = not isinstance(amount, bool) and Decimal(str(amount)) >= 0
        except ArithmeticError:
            ok = False
        if not ok or not asset:
            raise BinanceError(-1130, f"'{key}.{asset}' must be a non-negative decimal.")


async def create_account(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    body = await _body(request)
    for key in ("balances", "futures_balances"):
        if key in body:
            _check_amounts(key, body[key])
    for key in ("key_type", "public_key", "account_id", "api_key", "api_secret"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise BinanceError(-1130, f"'{key}' must be a string.")
    if body.get("api_key") is not None and not API_KEY_RE.match(body["api_key"]):
        raise BinanceError(-1130, "'api_key' must be 64 letters or digits.")
    _check_key_fields(body)
    account, private_pem = exchange.create_account(body)
    return json_response(_key_view(account, private_pem), status=201)


def _check_key_fields(body: dict[str, Any]) -> None:
    if "permissions" in body and not (
        isinstance(body["permissions"], list) and all(isinstance(p, str) for p in body["permissions"])
    ):
        raise BinanceError(-1130, "'permissions' must be a list of strings.")
    if "enable_withdrawals" in body and not isinstance(body["enable_withdrawals"], bool):
        raise BinanceError(-1130, "'enable_withdrawals' must be true or false.")


def _key_view(account: Account, private_pem: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "account_id": account.account_id,
        "api_key": account.api_key,
        "api_secret": account.secret,
        "key_type": account.key_type,
    }
    if private_pem is not None:
        out["private_key"] = private_pem
    if account.public_key_pem is not None:
        out["public_key"] = account.public_key_pem
    return out


async def add_key(request: web.Request) -> web.Response:
    """Another API key for an existing account (key rotation): same balances, orders and positions."""
    exchange = _exchange(request)
    body = await _body(request)
    for key in ("key_type", "public_key"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise BinanceError(-1130, f"'{key}' must be a string.")
    _check_key_fields(body)
    created = exchange.accounts.add_key(
        request.match_info["account_id"],
        key_type=body.get("key_type", "HMAC"),
        public_key=body.get("public_key"),
        permissions=body.get("permissions"),
        enable_withdrawals=bool(body.get("enable_withdrawals", False)),
    )
    return json_response(_key_view(created.account, created.private_key_pem), status=201)


async def revoke_key(request: web.Request) -> web.Response:
    _exchange(request).accounts.revoke_key(request.match_info["account_id"], request.match_info["api_key"])
    return json_response({})


async def list_accounts(request: web.Request) -> web.Response:
    accounts = _exchange(request).accounts.all()
    return json_response(
        [
            {
                "account_id": a.account_id,
                "api_key": a.api_key,
                "key_type": a.key_type,
                "permissions": sorted(a.permissions),
                "read_only": a.read_only,
            }
            for a in accounts
        ]
    )


async def get_account(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    account_id = request.match_info["account_id"]
    if exchange.accounts.get(account_id) is None:
        raise BinanceError(-1130, f"Unknown account {account_id}.", status=404)
    return json_response(exchange.account_view(account_id))


async def set_balances(request: web.Request) -> web.Response:
    """Deposit/withdraw: set absolute spot and futures balances of an existing account.

    Subscribed clients see it as Binance shows a deposit: spot `balanceUpdate` (+ outboundAccountPosition),
    futures `ACCOUNT_UPDATE` with reason DEPOSIT/WITHDRAW. Assets not named keep their balance.
    """
    exchange = _exchange(request)
    account = exchange.accounts.get(request.match_info["account_id"])
    if account is None:
        raise BinanceError(-1130, f"Unknown account {request.match_info['account_id']}.", status=404)
    body = await _body(request)
    changes = {key: body[key] for key in ("balances", "futures_balances") if key in body}
    for key, amounts in changes.items():
        _check_amounts(key, amounts)
    # The extensions' on_account_created applies exactly these two keys, whether the account is new or not.
    for ext in exchange.extensions.values():
        ext.on_account_created(account, changes)
    return json_response(exchange.account_view(account.account_id))


async def find_orders(request: web.Request) -> web.Response:
    client_order_id = request.query.get("client_order_id") or request.query.get("clientOrderId")
    if not client_order_id:
        raise mandatory("client_order_id")
    return json_response(_exchange(request).find_orders(client_order_id))


async def set_faults(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    exchange.faults = parse_faults(await _body(request), exchange.faults)
    return json_response(exchange.faults.as_dict())


async def get_faults(request: web.Request) -> web.Response:
    return json_response(_exchange(request).faults.as_dict())


async def clear_faults(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    exchange.faults = parse_faults({"clear": True}, exchange.faults)
    return json_response(exchange.faults.as_dict())


async def update_symbol(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    body = await _body(request)
    market = body.get("market", "spot")
    if market not in ("spot", "futures"):
        raise BinanceError(-1130, "'market' must be 'spot' or 'futures'.")
    filters = body.get("filters")
    if filters is not None and not (isinstance(filters, list) and all(isinstance(f, dict) for f in filters)):
        raise BinanceError(-1130, "'filters' must be a list of filter objects.")
    status = body.get("status")
    if status is not None and not isinstance(status, str):
        raise BinanceError(-1130, "'status' must be a string.")
    symbol = request.match_info["symbol"].upper()
    spec = exchange.symbols.update(market, symbol, status=status, filters=filters)
    return json_response(spec.exchange_info() | {"delisted": spec.delisted})


async def clock(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    body = await _body(request)
    action = body.get("action")
    if action not in (None, "pause", "resume", "step"):
        # A typo must not look like success: the caller would think time moved.
        raise BinanceError(-1130, "Invalid clock request: action must be pause, resume or step.")
    try:
        if action == "pause" or body.get("pause") is True:
            exchange.clock.pause()
        if action == "resume" or body.get("resume") is True or body.get("pause") is False:
            exchange.clock.resume()
        if "speed" in body:
            exchange.clock.set_speed(float(body["speed"]))
        if "step_ms" in body or action == "step":
            exchange.clock.step(int(body.get("step_ms", body.get("ms", 0))))
        ticks = int(body.get("ticks", 0))
    except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
        raise BinanceError(-1130, f"Invalid clock request: {exc}") from None
    for _ in range(max(0, min(ticks, 1_000))):
        exchange.market.tick()
    return json_response(exchange.clock.state())


async def get_clock(request: web.Request) -> web.Response:
    return json_response(_exchange(request).clock.state())


async def reset(request: web.Request) -> web.Response:
    _exchange(request).reset()
    return json_response({"reset": True})


async def ratelimits(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    body = await _body(request)
    cfg = exchange.config.rate_limits
    for key, value in body.items():
        if key == "reset_counters":
            continue
        if not hasattr(cfg, key) or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BinanceError(-1130, f"Unknown or invalid rate-limit setting '{key}'.")
        setattr(cfg, key, value)
    if body.get("reset_counters", True):
        exchange.ratelimit.reset()
    return json_response(vars(cfg))


async def health(request: web.Request) -> web.Response:
    exchange = _exchange(request)
    return json_response(
        {
            "status": "ok",
            "server_time": exchange.clock.now_ms(),
            "clock": exchange.clock.state(),
            "accounts": len(exchange.accounts),
            "extensions": sorted(exchange.extensions),
            "ws_connections": len(exchange.ws_sessions),
            "ticks": exchange.market.tick_count,
            "symbols": {m: [s.symbol for s in exchange.symbols.all(m)] for m in ("spot", "futures")},
        }
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/_sim/accounts", create_account)
    r.add_get("/_sim/accounts", list_accounts)
    r.add_get("/_sim/accounts/{account_id}", get_account)
    r.add_post("/_sim/accounts/{account_id}/balances", set_balances)
    r.add_post("/_sim/accounts/{account_id}/keys", add_key)
    r.add_delete("/_sim/accounts/{account_id}/keys/{api_key}", revoke_key)
    r.add_get("/_sim/orders", find_orders)
    r.add_post("/_sim/faults", set_faults)
    r.add_get("/_sim/faults", get_faults)
    r.add_delete("/_sim/faults", clear_faults)
    r.add_post("/_sim/symbols/{symbol}", update_symbol)
    r.add_post("/_sim/clock", clock)
    r.add_get("/_sim/clock", get_clock)
    r.add_post("/_sim/reset", reset)
    r.add_post("/_sim/ratelimits", ratelimits)
    r.add_get("/_sim/health", health)
