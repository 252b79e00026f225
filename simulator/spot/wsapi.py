"""The spot WebSocket API at /ws-api/v3: order/account methods, session logon and user-data subscriptions.

Requests are `{"id","method","params"}`; answers `{"id","status","result","rateLimits"}` or
`{"id","status","error":{"code","msg"}}`. User-data events reach every subscription of the account as
`{"subscriptionId": N, "event": {...}}` (SPOT-DOCS web-socket-api.md, 2025-08 format).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator import wsutil
from simulator.errors import UNKNOWN_ERROR_MSG, BinanceError
from simulator.params import Params
from simulator.ratelimit import client_ip
from simulator.spot.api.context import Ctx, DataError
from simulator.spot.api.table import WS, run
from simulator.spot.wsapi_session import SESSION_METHODS

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.accounts import Account
    from simulator.exchange import Exchange
    from simulator.spot.engine import SpotEngine

log = logging.getLogger(__name__)
CONNECT_WEIGHT = 2
CONNECTION_WINDOW_MS = 5 * 60 * 1000


class ApiSession(wsutil.WsSession):
    """The WebSocket API is limited by request weight, not by the 5 frames/s of market streams."""

    def count_incoming(self) -> bool:
        return True


@dataclass(eq=False)
class WsApiState:
    session: ApiSession
    ip: str
    connected_since: int
    logged_in: Account | None = None
    authorized_since: int | None = None
    # subscriptionId → (account_id, came from session.logon)
    subscriptions: dict[int, tuple[str, bool]] = field(default_factory=dict)
    next_subscription: int = 0
    # The account the current request acted for; its ORDERS counts go into `rateLimits`.
    request_account: Account | None = None


class WsApi:
    def __init__(self, exchange: Exchange, engine: SpotEngine) -> None:
        self.exchange = exchange
        self.engine = engine
        self.states: set[WsApiState] = set()
        # ip -> (5-minute window start, handshakes in it)
        self.connections: dict[str, tuple[int, int]] = {}
        engine.listeners.append(self.deliver)

    # -- events --------------------------------------------------------------------------------------
    def deliver(self, account_id: str, event: dict[str, Any]) -> None:
        for state in self.states:
            for sub_id, (owner, _) in state.subscriptions.items():
                if owner == account_id:
                    state.session.send_json({"subscriptionId": sub_id, "event": event})

    def _terminate(self, state: WsApiState, sub_id: int) -> None:
        state.subscriptions.pop(sub_id, None)
        event = {"e": "eventStreamTerminated", "E": self.exchange.clock.now_ms()}
        state.session.send_json({"subscriptionId": sub_id, "event": event})

    # -- connection ----------------------------------------------------------------------------------
    def _admit(self, ip: str) -> None:
        """CONNECTIONS: at most `ws_api_connections_per_5min` handshakes per IP per 5-minute window."""
        now = self.exchange.clock.now_ms()
        window = now - now % CONNECTION_WINDOW_MS
        start, count = self.connections.get(ip, (window, 0))
        count = count + 1 if start == window else 1
        self.connections[ip] = (window, count)
        limit = self.exchange.config.ws.ws_api_connections_per_5min
        if count > limit:
            retry = (window + CONNECTION_WINDOW_MS - now + 999) // 1000
            raise BinanceError(
                -1003,
                f"Too many requests; current limit is {limit} connections per 5 MINUTE.",
                status=429,
                headers={"Retry-After": str(retry)},
            )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ip = client_ip(request)
        self._admit(ip)
        self.exchange.ratelimit.charge(ip, "spot", CONNECT_WEIGHT)

        def on_open(session: wsutil.WsSession) -> None:
            assert isinstance(session, ApiSession)
            state = WsApiState(session=session, ip=ip, connected_since=self.exchange.clock.now_ms())
            session.info["state"] = state
            self.states.add(state)

        def on_close(session: wsutil.WsSession) -> None:
            self.states.discard(session.info.get("state"))

        async def on_text(session: wsutil.WsSession, text: str) -> None:
            session.send_json(self.answer(session.info["state"], text))

        # Core's serve_ws gives the same pings, 24 h limit and fault disconnects as market streams;
        # ApiSession lifts the market streams' 5 messages/s (the WS API is limited by request weight).
        return await wsutil.serve_ws(
            request,
            self.exchange,
            "spot",
            on_text,
            on_open=on_open,
            on_close=on_close,
            session_cls=ApiSession,
        )

    # -- requests ------------------------------------------------------------------------------------
    def answer(self, state: WsApiState, text: str) -> dict[str, Any]:
        request_id: Any = None
        state.request_account = None
        try:
            try:
                message = json.loads(text)
            except ValueError:
                raise BinanceError(-1100, "Malformed request: invalid JSON.") from None
            if not isinstance(message, dict):
                raise BinanceError(-1100, "Malformed request: expected a JSON object.")
            request_id = message.get("id")
            method = message.get("method")
            params = message.get("params") or {}
            if not isinstance(method, str) or not isinstance(params, dict):
                raise BinanceError(
                    -1102, "Mandatory parameter 'method' was not sent, was empty/null, or malformed."
                )
            return_limits = params.pop("returnRateLimits", True) not in (False, "false")
            result = self.dispatch(state, method, params)
            out: dict[str, Any] = {"id": request_id, "status": 200, "result": result}
        except BinanceError as err:
            body = err.body() if isinstance(err, DataError) else {"code": err.code, "msg": err.msg}
            out = {"id": request_id, "status": err.status, "error": body}
            return_limits = True
        except Exception:
            # A bug must cost one request, not the connection and its subscriptions.
            log.exception("WebSocket API request failed: %.200s", text)
            out = {"id": request_id, "status": 500, "error": {"code": -1000, "msg": UNKNOWN_ERROR_MSG}}
            return_limits = True
        if return_limits:
            out["rateLimits"] = self.rate_limits(state)
        return out

    def rate_limits(self, state: WsApiState) -> list[dict[str, Any]]:
        rl = self.exchange.ratelimit
        limits: list[dict[str, Any]] = [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": rl.weight_limit("spot"),
                "count": rl.used_weight(state.ip, "spot"),
            }
        ]
        account = state.request_account or state.logged_in
        if account is not None:
            limits.extend(rl.order_counts(account.account_id, "spot"))
        return limits

    def dispatch(self, state: WsApiState, method: str, params: dict[str, Any]) -> Any:
        handler = SESSION_METHODS.get(method)
        if handler is not None:
            return handler(self, state, params)
        operation = WS.get(method)
        if operation is None:
            raise BinanceError(-1100, f"Unknown method '{method}'.")
        account, wrapped = self.authenticate(state, params, operation.security)
        state.request_account = account
        ctx = Ctx(self.exchange, self.engine, account, None, state.ip)
        return run(operation, ctx, wrapped)

    def authenticate(
        self, state: WsApiState, params: dict[str, Any], security: str
    ) -> tuple[Account, Params]:
        """Signed params, or (after session.logon) just a timestamp on the logged-in account."""
        auth = self.exchange.auth
        if state.logged_in is not None and "signature" not in params:
            wrapped = Params.from_dict(params, self.exchange.symbols)
            auth.check_timestamp(wrapped, "spot")
            if security == "TRADE" and state.logged_in.read_only:
                raise BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", status=401)
            return state.logged_in, wrapped
        result = auth.verify_ws_params(params, security, "spot")  # type: ignore[arg-type]
        assert result.account is not None
        return result.account, result.params


def add_routes(app: web.Application, exchange: Exchange, engine: SpotEngine) -> WsApi:
    api = WsApi(exchange, engine)
    app.router.add_get("/ws-api/v3", api.handle)
    return api
