"""WebSocket API session and user-data methods (session.*, userDataStream.*, ping, time, exchangeInfo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import BinanceError
from simulator.params import Params
from simulator.spot.wsapi_market import MARKET_METHODS

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.spot.wsapi import WsApi, WsApiState


# SPOT-DOCS: at most 1000 active user-data subscriptions per connection.
MAX_SUBSCRIPTIONS = 1000


def _no_params(api: WsApi, params: dict[str, Any]) -> Params:
    wrapped = Params.from_dict(params, api.exchange.symbols)
    return wrapped


def _session_view(api: WsApi, state: WsApiState) -> dict[str, Any]:
    account = state.logged_in
    return {
        "apiKey": account.api_key if account else None,
        "authorizedSince": state.authorized_since,
        "connectedSince": state.connected_since,
        "returnRateLimits": True,
        "serverTime": api.exchange.clock.now_ms(),
        "userDataStream": any(from_logon for _, from_logon in state.subscriptions.values()),
    }


def logon(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    result = api.exchange.auth.verify_ws_params(params, "USER_DATA", "spot")
    result.params.finish()
    account = result.account
    assert account is not None
    if account.key_type != "ED25519":
        # SPOT-DOCS: only Ed25519 keys may log on; HMAC and RSA sign every request instead.
        raise BinanceError(
            -4056, f"{'HMAC_SHA256' if account.key_type == 'HMAC' else 'RSA'} API key is not supported."
        )
    state.logged_in = account
    state.authorized_since = api.exchange.clock.now_ms()
    return _session_view(api, state)


def status(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    return _session_view(api, state)


def logout(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    for sub_id, (_, from_logon) in list(state.subscriptions.items()):
        if from_logon:
            api._terminate(state, sub_id)
    state.logged_in = None
    state.authorized_since = None
    return _session_view(api, state)


def _subscribe(state: WsApiState, account_id: str, *, from_logon: bool) -> dict[str, Any]:
    if any(owner == account_id for owner, _ in state.subscriptions.values()):
        raise BinanceError(-2035, "User Data Stream subscription already active.")
    if len(state.subscriptions) >= MAX_SUBSCRIPTIONS:
        raise BinanceError(-1003, "Too many subscriptions on this connection.")
    sub_id = state.next_subscription
    state.next_subscription += 1
    state.subscriptions[sub_id] = (account_id, from_logon)
    return {"subscriptionId": sub_id}


def subscribe(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    if state.logged_in is None:
        raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", status=401)
    return _subscribe(state, state.logged_in.account_id, from_logon=True)


def subscribe_signature(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    result = api.exchange.auth.verify_ws_params(params, "USER_DATA", "spot")
    result.params.finish()
    assert result.account is not None
    return _subscribe(state, result.account.account_id, from_logon=False)


def unsubscribe(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    wrapped = _no_params(api, params)
    sub_id = wrapped.int("subscriptionId", False)
    wrapped.finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    if sub_id is None:
        for existing in list(state.subscriptions):
            api._terminate(state, existing)
        return {}
    if sub_id not in state.subscriptions:
        raise BinanceError(-2036, "User Data Stream subscription not active.")
    api._terminate(state, sub_id)
    return {}


def subscriptions(api: WsApi, state: WsApiState, params: dict[str, Any]) -> list[dict[str, Any]]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 2)
    return [{"subscriptionId": sub_id} for sub_id in sorted(state.subscriptions)]


def ping(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 1)
    return {}


def server_time(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    _no_params(api, params).finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 1)
    return {"serverTime": api.exchange.clock.now_ms()}


def exchange_info(api: WsApi, state: WsApiState, params: dict[str, Any]) -> dict[str, Any]:
    wrapped = _no_params(api, params)
    single = wrapped.symbol("symbol", "spot", required=False)
    many = wrapped.symbols_list("symbols", "spot")
    wrapped.finish()
    api.exchange.ratelimit.charge(state.ip, "spot", 20)
    specs = [single] if single else many or api.exchange.symbols.all("spot")
    return {
        "timezone": "UTC",
        "serverTime": api.exchange.clock.now_ms(),
        "rateLimits": api.exchange.ratelimit.exchange_info_limits("spot"),
        "exchangeFilters": [],
        "symbols": [spec.exchange_info() for spec in specs],
    }


SESSION_METHODS: dict[str, Callable[[WsApi, WsApiState, dict[str, Any]], Any]] = {
    "session.logon": logon,
    "session.status": status,
    "session.logout": logout,
    "session.subscriptions": subscriptions,
    "userDataStream.subscribe": subscribe,
    "userDataStream.subscribe.signature": subscribe_signature,
    "userDataStream.unsubscribe": unsubscribe,
    "ping": ping,
    "time": server_time,
    "exchangeInfo": exchange_info,
}

SESSION_METHODS.update(MARKET_METHODS)
