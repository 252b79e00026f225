"""Price paths, intervals, trade listeners, user book sources and record_trade."""

from __future__ import annotations

import itertools
from decimal import Decimal

from simulator.config import DATA_DIR
from simulator.market.candles import Candle, PricePath, find_data_files, load_csv, random_walk
from simulator.market.intervals import bucket_end, bucket_start
from simulator.tests.conftest import Sim


def test_replay_visits_open_extremes_close_and_never_jumps() -> None:
    candles = [
        Candle(0, Decimal(100), Decimal(110), Decimal(95), Decimal(105), Decimal(10)),
        Candle(60_000, Decimal(105), Decimal(106), Decimal(90), Decimal(92), Decimal(10)),
    ]
    path = PricePath(candles, seed=1, name="t")
    samples = [path.price_at(t) for t in range(0, 240_000, 250)]
    assert samples[0] == Decimal(100)
    assert min(samples[:240]) >= Decimal(95) and max(samples[:240]) <= Decimal(110)
    assert max(samples[:240]) > Decimal(108) and min(samples[:240]) < Decimal(97)
    # Ping-pong: at the end of the data the path turns back instead of jumping to the first open.
    steps = [abs(b - a) for a, b in itertools.pairwise(samples)]
    assert max(steps) < Decimal(3)


def test_shipped_data_covers_every_symbol() -> None:
    files = find_data_files(DATA_DIR)
    for symbol in ("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "ETHBTC", "XRPETH"):
        assert ("spot", symbol) in files
    assert ("futures", "XRPUSDT") in files and ("futures", "LTCUSDT") in files
    candles = load_csv(files[("spot", "BTCUSDT")])
    assert len(candles) == 500 and all(c.low <= min(c.open, c.close) for c in candles)


def test_random_walk_is_seeded() -> None:
    a = random_walk("FOO", 3, Decimal(50), count=100)
    b = random_walk("FOO", 3, Decimal(50), count=100)
    c = random_walk("FOO", 4, Decimal(50), count=100)
    assert a == b and a != c and all(k.low <= k.high for k in a)


def test_bucket_boundaries() -> None:
    monday = 1_795_392_000_000  # 2026-11-23 00:00 UTC, a Monday
    assert bucket_start("1w", monday + 3 * 86_400_000) == monday
    assert bucket_start("1M", monday) == 1_793_491_200_000  # 2026-11-01
    assert bucket_end("1M", 1_793_491_200_000) == 1_796_083_200_000  # 2026-12-01
    assert bucket_start("4h", monday + 5 * 3_600_000) == monday + 4 * 3_600_000


async def test_listeners_see_synthetic_trades_only(sim: Sim) -> None:
    seen: list[tuple[str, str, Decimal, Decimal, int]] = []
    sim.exchange.market.add_trade_listener(lambda *args: seen.append(args))
    sim.ticks(30)
    assert seen and {s[0] for s in seen} == {"spot", "futures"}
    count = len(seen)
    sim.exchange.market.record_trade(
        "spot", "BTCUSDT", Decimal("41000.5"), Decimal("0.5"), False, sim.exchange.clock.now_ms()
    )
    assert len(seen) == count
    feed = sim.exchange.market.feed("spot", "BTCUSDT")
    last = feed.history.last_trade()
    assert last is not None and last.price == Decimal("41000.5") and not last.buyer_is_maker
    assert feed.history.series["1m"].current().close == Decimal("41000.5")  # type: ignore[union-attr]


async def test_book_source_is_merged_into_depth(sim: Sim) -> None:
    feed = sim.exchange.market.feed("spot", "ETHUSDT")
    user_price = feed.best_bid - Decimal("0.01") * 3
    sim.exchange.market.register_book_source(
        "spot", lambda symbol: ({user_price: Decimal("7")}, {}) if symbol == "ETHUSDT" else ({}, {})
    )
    sim.ticks(1)
    feed = sim.exchange.market.feed("spot", "ETHUSDT")
    synthetic = dict(feed.synthetic_levels("BUY", 1000)).get(user_price, Decimal(0))
    body = await (await sim.client.get("/api/v3/depth?symbol=ETHUSDT&limit=1000")).json()
    levels = {Decimal(p): Decimal(q) for p, q in body["bids"]}
    assert levels[user_price] == synthetic + 7


async def test_synthetic_levels_contract(sim: Sim) -> None:
    feed = sim.exchange.market.feed("futures", "BTCUSDT")
    bids, asks = feed.synthetic_levels("BUY", 5), feed.synthetic_levels("SELL", 5)
    assert bids[0][0] == feed.best_bid and asks[0][0] == feed.best_ask and feed.best_bid < feed.best_ask
    assert [p for p, _ in bids] == sorted((p for p, _ in bids), reverse=True)
    assert feed.last_price > 0
