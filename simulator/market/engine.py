"""MarketData: every feed, the tick that advances them, and what each tick publishes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.errors import invalid_symbol
from simulator.market import payloads, tzkline
from simulator.market import ticker as tickers
from simulator.market.book import DepthDiff, Levels
from simulator.market.candles import PricePath, find_data_files, load_csv, random_walk
from simulator.market.feed import Feed

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.clock import Clock
    from simulator.config import Config
    from simulator.market.history import AggTrade, Kline, Trade
    from simulator.streams.hub import StreamHub
    from simulator.symbols import Market, SymbolRegistry, SymbolSpec

log = logging.getLogger(__name__)

# Depth cadences (ms) per market: the diff stream suffix for each, and the default one (no suffix).
CADENCES: dict[str, dict[int, list[str]]] = {
    "spot": {100: ["@100ms"], 1000: ["", "@1000ms"]},
    "futures": {100: ["@100ms"], 250: ["", "@250ms"], 500: ["@500ms"]},
}
PARTIAL_LEVELS = (5, 10, 20)
# Spot rolling-window ticker streams: @ticker_<w> and !ticker_<w>@arr.
WINDOWS = (("1h", 3_600_000), ("4h", 14_400_000), ("1d", 86_400_000))
# Futures data without its own file replays the spot candles with a small premium.
FUTURES_BASIS = Decimal("1.0003")
DEFAULT_PRICES = {
    "BTC": "42000",
    "ETH": "2300",
    "BNB": "310",
    "SOL": "100",
    "XRP": "0.6",
    "ADA": "0.55",
    "LTC": "70",
}


@dataclass
class _Cadence:
    every_ticks: int
    bids: Levels = field(default_factory=dict)
    asks: Levels = field(default_factory=dict)
    first_id: int = -1
    prev_u: int = -1

    def add(self, diff: DepthDiff) -> None:
        if self.first_id < 0:
            self.first_id = diff.first_id
        self.bids.update(diff.bids)
        self.asks.update(diff.asks)


class MarketData:
    def __init__(self, config: Config, clock: Clock, symbols: SymbolRegistry, streams: StreamHub) -> None:
        self.config = config
        self.clock = clock
        self.symbols = symbols
        self.streams = streams
        self.feeds: dict[tuple[str, str], Feed] = {}
        self._listeners: list[Callable[[str, str, Decimal, Decimal, int], None]] = []
        self._book_sources: dict[str, Callable[[str], tuple[Levels, Levels]]] = {}
        self._cadences: dict[tuple[str, str], dict[int, _Cadence]] = {}
        self.after_tick: list[Callable[[int, int], None]] = []
        self.tick_count = 0
        self._files = find_data_files(config.data_dir)
        self._paths: dict[tuple[str, str], tuple[PricePath, Decimal]] = {}

    # -- set-up --------------------------------------------------------------------------------------
    def _path_for(self, spec: SymbolSpec) -> tuple[PricePath, Decimal]:
        key = (spec.market, spec.symbol)
        if key in self._paths:
            return self._paths[key]
        own = self._files.get(key)
        spot_file = self._files.get(("spot", spec.symbol))
        factor = Decimal(1)
        if own is not None:
            candles = load_csv(own)
        elif spec.market == "futures" and spot_file is not None:
            candles, factor = load_csv(spot_file), FUTURES_BASIS
        else:
            start = Decimal(DEFAULT_PRICES.get(spec.base_asset, "10"))
            if spec.quote_asset != "USDT":
                quote = Decimal(DEFAULT_PRICES.get(spec.quote_asset, "1"))
                start = start / quote
            log.info("no candle data for %s %s; using a seeded random walk", spec.market, spec.symbol)
            candles = random_walk(spec.symbol, self.config.seed, start)
        path = PricePath(candles, self.config.seed, f"{spec.market}:{spec.symbol}")
        self._paths[key] = (path, factor)
        return path, factor

    def start(self) -> None:
        """Create every feed at the current clock position, with backfilled history."""
        now, sim = self.clock.now_ms(), self.clock.sim_ms()
        for market in ("spot", "futures"):
            for spec in self.symbols.all(market):
                self._create(spec, now, sim)

    def sim_origin(self) -> int | None:
        """Replay start (the first candle of the first data file), so replay begins at real data."""
        for path, _f in (self._path_for(s) for s in self.symbols.all("spot")):
            return path.start_ms + path.span_ms // 2
        return None

    def _create(self, spec: SymbolSpec, now: int, sim: int) -> Feed:
        path, factor = self._path_for(spec)
        feed = Feed(
            spec,
            path,
            seed=self.config.seed,
            book_levels=self.config.book_levels,
            keep_trades=self.config.history_trades,
            price_factor=factor,
        )
        feed.start(now, sim, self.config.backfill_candles, self.clock.speed)
        self.feeds[(spec.market, spec.symbol)] = feed
        tick_ms = max(self.config.tick_ms, 1)
        self._cadences[(spec.market, spec.symbol)] = {
            ms: _Cadence(every_ticks=max(1, ms // tick_ms), prev_u=feed.depth.update_id)
            for ms in CADENCES[spec.market]
        }
        return feed

    # -- contract ------------------------------------------------------------------------------------
    def feed(self, market: Market, symbol: str) -> Feed:
        found = self.feeds.get((market, symbol))
        if found is None:
            spec = self.symbols.find(market, symbol)
            if spec is None:
                raise invalid_symbol()
            found = self._create(spec, self.clock.now_ms(), self.clock.sim_ms())
        return found

    def add_trade_listener(self, callback: Callable[[str, str, Decimal, Decimal, int], None]) -> None:
        self._listeners.append(callback)

    def register_book_source(self, market: Market, fn: Callable[[str], tuple[Levels, Levels]]) -> None:
        self._book_sources[market] = fn

    def record_trade(
        self,
        market: Market,
        symbol: str,
        price: Decimal,
        qty: Decimal,
        buyer_is_maker: bool,  # noqa: FBT001
        time_ms: int,
    ) -> Trade:
        """A user trade: enters history, klines, tickers and trade streams like a synthetic one.

        Trade listeners are not called: the engine that reports the trade already matched it.
        """
        feed = self.feed(market, symbol)
        return self._record(feed, price, qty, buyer_is_maker, time_ms)

    def _record(self, feed: Feed, price: Decimal, qty: Decimal, buyer_is_maker: bool, time_ms: int) -> Trade:  # noqa: FBT001
        trade, agg, closed = feed.history.record(price, qty, buyer_is_maker, time_ms)
        feed.last_price = price
        self._publish_trade(feed, trade, agg)
        for interval, kline in closed:
            self._publish_kline(feed, interval, kline, closed=True)
        return trade

    # -- tick ----------------------------------------------------------------------------------------
    def tick(self) -> None:
        """Advance every feed one step, publish streams, then let extensions react (expiry, funding)."""
        self.tick_count += 1
        now, sim = self.clock.now_ms(), self.clock.sim_ms()
        for feed in list(self.feeds.values()):
            self._tick_feed(feed, now, sim)
        self._publish_arrays(now)
        for callback in self.after_tick:
            try:
                callback(now, sim)
            except Exception:
                log.exception("after-tick callback failed")

    def _tick_feed(self, feed: Feed, now: int, sim: int) -> None:
        spec = feed.spec
        for price, qty, buyer_is_maker in feed.step(sim):
            self._record(feed, price, qty, buyer_is_maker, now)
            for listener in self._listeners:
                try:
                    listener(spec.market, spec.symbol, price, qty, now)
                except Exception:
                    log.exception("trade listener failed for %s %s", spec.market, spec.symbol)
        for interval, kline in feed.history.roll(now, feed.last_price):
            self._publish_kline(feed, interval, kline, closed=True)
        feed.rebuild_book(None)
        source = self._book_sources.get(spec.market)
        user = None
        if source is not None:
            try:
                user = source(spec.symbol)
            except Exception:
                log.exception("book source failed for %s %s", spec.market, spec.symbol)
        old_top = (feed.depth.top("BUY", 1), feed.depth.top("SELL", 1))
        bids, asks = feed.merged_levels(user)
        diff = feed.depth.apply(bids, asks)
        cadences = self._cadences[(spec.market, spec.symbol)]
        for cadence in cadences.values():
            if diff is not None:
                cadence.add(diff)
        if diff is not None and (feed.depth.top("BUY", 1), feed.depth.top("SELL", 1)) != old_top:
            self._publish_book_ticker(feed, now)
        self._publish_depth(feed, cadences, now)
        self._publish_periodic(feed, now)

    # -- publishing ----------------------------------------------------------------------------------
    def _name(self, feed: Feed, suffix: str) -> str:
        return feed.spec.symbol.lower() + suffix

    def _publish_trade(self, feed: Feed, trade: Trade, agg: AggTrade) -> None:
        market = feed.spec.market
        now = self.clock.now_ms()
        name = self._name(feed, "@trade")
        if self.streams.wants(market, name):
            self.streams.publish(market, name, payloads.ws_trade(feed.spec, trade, now))
        name = self._name(feed, "@aggTrade")
        if self.streams.wants(market, name):
            self.streams.publish(market, name, payloads.ws_agg_trade(feed.spec, agg, now))

    def _publish_kline(self, feed: Feed, interval: str, kline: Kline, *, closed: bool) -> None:
        name = self._name(feed, f"@kline_{interval}")
        if self.streams.wants(feed.spec.market, name):
            payload = payloads.ws_kline(feed.spec, interval, kline, self.clock.now_ms(), closed=closed)
            self.streams.publish(feed.spec.market, name, payload)
        tz_name = name + tzkline.SUFFIX
        if feed.spec.market == "spot" and self.streams.wants("spot", tz_name):
            # Aligned intervals reuse the UTC candle (closing ones too); the others are rebuilt while open.
            tz_kline = (
                kline
                if tzkline.aligned(interval)
                else None
                if closed
                else tzkline.current(feed.history, interval)
            )
            if tz_kline is not None:
                payload = payloads.ws_kline(feed.spec, interval, tz_kline, self.clock.now_ms(), closed=closed)
                self.streams.publish("spot", tz_name, payload)
        if feed.spec.market == "futures":
            # python-binance's kline_futures_socket subscribes to the perpetual contract's continuous kline.
            name = self._name(feed, f"_perpetual@continuousKline_{interval}")
            if self.streams.wants("futures", name):
                payload = payloads.ws_continuous_kline(
                    feed.spec, interval, kline, self.clock.now_ms(), closed=closed
                )
                self.streams.publish("futures", name, payload)

    def _publish_book_ticker(self, feed: Feed, now: int) -> None:
        market = feed.spec.market
        name = self._name(feed, "@bookTicker")
        wants_one, wants_all = self.streams.wants(market, name), self.streams.wants(market, "!bookTicker")
        if not (wants_one or wants_all):
            return
        bid, ask = feed.depth.top("BUY", 1), feed.depth.top("SELL", 1)
        if not bid or not ask:
            return
        payload = payloads.book_ticker(feed.spec, feed.depth.update_id, bid[0], ask[0], now)
        if wants_one:
            self.streams.publish(market, name, payload)
        if wants_all:
            self.streams.publish(market, "!bookTicker", payload)

    def _publish_depth(self, feed: Feed, cadences: dict[int, _Cadence], now: int) -> None:
        spec = feed.spec
        for ms, cadence in cadences.items():
            if self.tick_count % cadence.every_ticks:
                continue
            suffixes = CADENCES[spec.market][ms]
            if cadence.first_id >= 0:
                diff = DepthDiff(cadence.first_id, feed.depth.update_id, cadence.bids, cadence.asks)
                for suffix in suffixes:
                    name = self._name(feed, "@depth" + suffix)
                    if self.streams.wants(spec.market, name):
                        payload = payloads.ws_depth_diff(spec, diff, now, cadence.prev_u)
                        self.streams.publish(spec.market, name, payload)
            first = cadence.first_id if cadence.first_id >= 0 else feed.depth.update_id
            for levels in PARTIAL_LEVELS:
                for suffix in suffixes:
                    name = self._name(feed, f"@depth{levels}{suffix}")
                    if self.streams.wants(spec.market, name):
                        payload = payloads.ws_partial_depth(
                            spec,
                            feed.depth.update_id,
                            feed.depth.top("BUY", levels),
                            feed.depth.top("SELL", levels),
                            now,
                            first,
                            cadence.prev_u,
                        )
                        self.streams.publish(spec.market, name, payload)
            if cadence.first_id >= 0:
                cadence.prev_u = feed.depth.update_id
                cadence.first_id = -1
                cadence.bids = {}
                cadence.asks = {}

    def _every(self, ms: int) -> bool:
        return self.tick_count % max(1, ms // max(self.config.tick_ms, 1)) == 0

    def _publish_periodic(self, feed: Feed, now: int) -> None:
        spec = feed.spec
        kline_ms = 1000 if spec.market == "spot" else 250
        if self._every(kline_ms):
            for interval, series in feed.history.series.items():
                current = series.current()
                if current is not None:
                    self._publish_kline(feed, interval, current, closed=False)
        if self._every(1000):
            ticker_name, mini_name = self._name(feed, "@ticker"), self._name(feed, "@miniTicker")
            if self.streams.wants(spec.market, ticker_name) or self.streams.wants(spec.market, mini_name):
                stats = tickers.compute(feed, now)
                self.streams.publish(spec.market, ticker_name, tickers.ws_ticker(feed, stats, now))
                self.streams.publish(spec.market, mini_name, tickers.ws_mini_ticker(feed, stats, now))
            if spec.market == "spot":
                self._publish_spot_extras(feed, now)

    def _publish_spot_extras(self, feed: Feed, now: int) -> None:
        """Spot-only streams: @avgPrice and the rolling-window @ticker_<1h|4h|1d>."""
        spec = feed.spec
        name = self._name(feed, "@avgPrice")
        if self.streams.wants("spot", name):
            stats = tickers.compute(feed, now, 5 * 60_000)
            last = feed.history.last_trade()
            self.streams.publish(
                "spot",
                name,
                {
                    "e": "avgPrice",
                    "E": now,
                    "s": spec.symbol,
                    "i": "5m",
                    "w": spec.fmt_price(stats.weighted_avg),
                    "T": last.time if last else now,
                },
            )
        for window, window_ms in WINDOWS:
            name = self._name(feed, f"@ticker_{window}")
            if self.streams.wants("spot", name):
                stats = tickers.compute(feed, now, window_ms)
                self.streams.publish("spot", name, tickers.ws_window_ticker(feed, stats, now, window))

    def _publish_arrays(self, now: int) -> None:
        if not self._every(1000):
            return
        for market in ("spot", "futures"):
            names = {
                "!ticker@arr": tickers.ws_ticker,
                "!miniTicker@arr": tickers.ws_mini_ticker,
                "!miniTicker@arr@1000ms": tickers.ws_mini_ticker,
            }
            for name, build in names.items():
                if not self.streams.wants(market, name):
                    continue
                rows: list[dict[str, Any]] = []
                for (feed_market, _symbol), feed in self.feeds.items():
                    if feed_market == market:
                        rows.append(build(feed, tickers.compute(feed, now), now))
                self.streams.publish(market, name, rows)  # type: ignore[arg-type]
        # Spot "All Market Rolling Window Statistics": !ticker_<1h|4h|1d>@arr.
        for window, window_ms in WINDOWS:
            name = f"!ticker_{window}@arr"
            if self.streams.wants("spot", name):
                rows = [
                    tickers.ws_window_ticker(feed, tickers.compute(feed, now, window_ms), now, window)
                    for (feed_market, _symbol), feed in self.feeds.items()
                    if feed_market == "spot"
                ]
                self.streams.publish("spot", name, rows)

    # -- persistence / reset -------------------------------------------------------------------------
    def reset(self) -> None:
        self.feeds.clear()
        self._cadences.clear()
        self.start()
