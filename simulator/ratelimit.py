"""REQUEST_WEIGHT / RAW_REQUESTS per IP and ORDERS per account, with 429 → 418 escalation.

Buckets are wall-clock aligned as on Binance (the minute, 10-second and UTC-day boundaries). A client that
keeps sending after a 429 is banned with 418; each further ban doubles, from 2 minutes up to 3 days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from simulator.errors import BinanceError

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.clock import Clock
    from simulator.config import RateLimitConfig

Market = Literal["spot", "futures"]
MINUTE_MS = 60_000
WEIGHT_KEY = "sim_used_weight"
ORDER_COUNT_KEY = "sim_order_counts"


@dataclass
class _Window:
    start: int = -1
    count: int = 0

    def add(self, window_start: int, amount: int) -> int:
        if window_start != self.start:
            self.start = window_start
            self.count = 0
        self.count += amount
        return self.count

    def current(self, window_start: int) -> int:
        return self.count if window_start == self.start else 0


@dataclass
class _IpState:
    weight: dict[Market, _Window] = field(default_factory=lambda: {"spot": _Window(), "futures": _Window()})
    raw: _Window = field(default_factory=_Window)
    rejected: int = 0
    banned_until_ms: int = 0
    ban_level: int = 0


def client_ip(request: web.Request) -> str:
    return request.remote or "unknown"


class RateLimiter:
    def __init__(self, config: RateLimitConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._ips: dict[str, _IpState] = defaultdict(_IpState)
        self._orders: dict[tuple[str, Market, str], _Window] = defaultdict(_Window)
        # The counts dict handed to the latest order request per account, so a fill during that request
        # shows in its X-MBX-ORDER-COUNT-* headers (Binance reports the count after the decrement).
        self._latest: dict[tuple[str, Market], dict[str, int]] = {}

    def reset(self) -> None:
        self._ips.clear()
        self._orders.clear()
        self._latest.clear()

    def _now(self) -> int:
        return self.clock.now_ms()

    def weight_limit(self, market: Market) -> int:
        return self.config.spot_weight_per_min if market == "spot" else self.config.futures_weight_per_min

    def used_weight(self, ip: str, market: Market) -> int:
        now = self._now()
        return self._ips[ip].weight[market].current(now - now % MINUTE_MS)

    def charge(self, request: web.Request | str, market: Market, weight: int) -> int:
        """Add `weight` for the caller's IP; raise 418 while banned, 429 over the limit."""
        ip = request if isinstance(request, str) else client_ip(request)
        state = self._ips[ip]
        now = self._now()
        self._check_ban(state, now)
        minute = now - now % MINUTE_MS
        used = state.weight[market].add(minute, weight)
        if not isinstance(request, str):
            request[WEIGHT_KEY] = used
        limit = self.weight_limit(market)
        if market == "spot":
            five = now - now % (5 * MINUTE_MS)
            raw = state.raw.add(five, 1)
            if raw > self.config.spot_raw_per_5min:
                self._reject(
                    state,
                    now,
                    five + 5 * MINUTE_MS,
                    f"Too many requests; current limit is {self.config.spot_raw_per_5min} "
                    "requests per 5 MINUTE.",
                )
        if used > limit:
            self._reject(
                state,
                now,
                minute + MINUTE_MS,
                f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
                "Please use WebSocket Streams for live updates to avoid polling the API.",
            )
        return used

    def _check_ban(self, state: _IpState, now: int) -> None:
        if state.banned_until_ms > now:
            retry = max(1, (state.banned_until_ms - now + 999) // 1000)
            raise BinanceError(
                -1003,
                f"Way too much request weight used; IP banned until {state.banned_until_ms}. "
                "Please use WebSocket Streams for live updates to avoid polling the API.",
                status=418,
                headers={"Retry-After": str(retry)},
            )

    def _reject(self, state: _IpState, now: int, window_end: int, msg: str) -> None:
        state.rejected += 1
        if state.rejected > self.config.ban_after_429s:
            duration = min(self.config.ban_initial_s * (2**state.ban_level), self.config.ban_max_s)
            state.ban_level += 1
            state.rejected = 0
            state.banned_until_ms = now + duration * 1000
            self._check_ban(state, now)
        retry = max(1, (window_end - now + 999) // 1000)
        raise BinanceError(-1003, msg, status=429, headers={"Retry-After": str(retry)})

    def storm(self, request: web.Request) -> BinanceError:
        """A fault-injected 429 counts like a real one, so clients that ignore it get banned too."""
        state = self._ips[client_ip(request)]
        now = self._now()
        try:
            self._check_ban(state, now)
            self._reject(
                state,
                now,
                now - now % MINUTE_MS + MINUTE_MS,
                # The message quotes the real limit of the market asked, as a genuine breach would.
                f"Too much request weight used; current limit is "
                f"{self.weight_limit('futures' if request.path.startswith('/fapi') else 'spot')} "
                "request weight per 1 MINUTE. "
                "Please use WebSocket Streams for live updates to avoid polling the API.",
            )
        except BinanceError as err:
            return err
        raise AssertionError("unreachable")  # pragma: no cover

    def _order_windows(self, market: Market) -> list[tuple[str, int, int, str]]:
        """(header suffix, window ms, limit, human interval) per ORDERS limit of `market`."""
        cfg = self.config
        if market == "spot":
            return [
                ("10S", 10_000, cfg.spot_orders_per_10s, "10 SECOND"),
                ("1D", 86_400_000, cfg.spot_orders_per_day, "1 DAY"),
            ]
        return [
            ("10S", 10_000, cfg.futures_orders_per_10s, "10 SECOND"),
            ("1M", MINUTE_MS, cfg.futures_orders_per_min, "1 MINUTE"),
        ]

    def charge_order(self, request: web.Request | None, account_id: str, market: Market) -> dict[str, int]:
        """Count one new order for the account; raise 429/-1015 when a window is full."""
        now = self._now()
        counts: dict[str, int] = {}
        windows = self._order_windows(market)
        for suffix, span, limit, human in windows:
            window = self._orders[(account_id, market, suffix)]
            start = now - now % span
            if window.current(start) >= limit:
                retry = max(1, (start + span - now + 999) // 1000)
                msg = f"Too many new orders; current limit is {limit} orders per {human}."
                raise BinanceError(-1015, msg, status=429, headers={"Retry-After": str(retry)})
        for suffix, span, _limit, _human in windows:
            start = now - now % span
            counts[suffix] = self._orders[(account_id, market, suffix)].add(start, 1)
        if request is not None:
            request[ORDER_COUNT_KEY] = counts
        self._latest[(account_id, market)] = counts
        return counts

    def order_filled(self, account_id: str, market: Market) -> None:
        """Take one order off every ORDERS interval: spot counts *unfilled* orders, so an order's first fill
        releases it; a placement that failed is released the same way (only successful ones count)."""
        now = self._now()
        latest = self._latest.get((account_id, market), {})
        for suffix, span, _limit, _human in self._order_windows(market):
            window = self._orders.get((account_id, market, suffix))
            if window is None or window.current(now - now % span) <= 0:
                continue
            window.count -= 1
            if suffix in latest:
                latest[suffix] = window.count

    def order_counts(self, account_id: str, market: Market) -> list[dict[str, object]]:
        """For GET /api/v3/rateLimit/order and WS API `rateLimits`."""
        now = self._now()
        out: list[dict[str, object]] = []
        for suffix, span, limit, _human in self._order_windows(market):
            count = self._orders[(account_id, market, suffix)].current(now - now % span)
            interval = {"S": "SECOND", "M": "MINUTE", "D": "DAY"}[suffix[-1]]
            out.append(
                {
                    "rateLimitType": "ORDERS",
                    "interval": interval,
                    "intervalNum": int(suffix[:-1]),
                    "limit": limit,
                    "count": count,
                }
            )
        return out

    def exchange_info_limits(self, market: Market) -> list[dict[str, object]]:
        cfg = self.config
        if market == "spot":
            return [
                _limit("REQUEST_WEIGHT", "MINUTE", 1, cfg.spot_weight_per_min),
                _limit("ORDERS", "SECOND", 10, cfg.spot_orders_per_10s),
                _limit("ORDERS", "DAY", 1, cfg.spot_orders_per_day),
                _limit("RAW_REQUESTS", "MINUTE", 5, cfg.spot_raw_per_5min),
            ]
        return [
            _limit("REQUEST_WEIGHT", "MINUTE", 1, cfg.futures_weight_per_min),
            _limit("ORDERS", "MINUTE", 1, cfg.futures_orders_per_min),
            _limit("ORDERS", "SECOND", 10, cfg.futures_orders_per_10s),
        ]


def _limit(kind: str, interval: str, num: int, limit: int) -> dict[str, object]:
    return {"rateLimitType": kind, "interval": interval, "intervalNum": num, "limit": limit}
