"""One symbol's market on one market: its price path, synthetic book, published depth and history."""

from __future__ import annotations

import random
import zlib
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.market.book import DepthState, SyntheticBook, floor_to, merge
from simulator.market.history import History, Kline
from simulator.market.intervals import FUTURES_INTERVALS, SPOT_INTERVALS, bucket_end, bucket_start

if TYPE_CHECKING:
    from simulator.market.candles import PricePath
    from simulator.symbols import SymbolSpec

ZERO = Decimal(0)
# Nominal trade rate used to give backfilled candles trade-id ranges consistent with live ids.
MS_PER_TRADE = 100
BACKFILL_SPAN_MS = 3 * 365 * 86_400_000


class Feed:
    def __init__(
        self,
        spec: SymbolSpec,
        path: PricePath,
        *,
        seed: int,
        book_levels: int,
        keep_trades: int,
        price_factor: Decimal = Decimal(1),
    ) -> None:
        self.spec = spec
        self.path = path
        self.price_factor = price_factor
        name_seed = zlib.crc32(f"{spec.market}:{spec.symbol}".encode())
        self.rng = random.Random(seed * 1_000_003 + name_seed)
        self.synthetic = SyntheticBook(spec, book_levels, seed + name_seed)
        self.depth = DepthState(update_id=1_000_000 + name_seed % 1_000_000)
        intervals = SPOT_INTERVALS if spec.market == "spot" else FUTURES_INTERVALS
        self.history = History(intervals, keep_trades)
        self.mid = ZERO
        self.last_price = ZERO
        self.last_sim_ms = 0
        self.tick_no = 0

    # -- contract --------------------------------------------------------------------------------------
    @property
    def best_bid(self) -> Decimal:
        return max(self.synthetic.bids, default=ZERO)

    @property
    def best_ask(self) -> Decimal:
        return min(self.synthetic.asks, default=ZERO)

    def synthetic_levels(self, side: str, depth: int) -> list[tuple[Decimal, Decimal]]:
        """Synthetic liquidity a taker on `side`'s opposite would hit: side="BUY" → bids, "SELL" → asks."""
        levels = self.synthetic.bids if side == "BUY" else self.synthetic.asks
        return sorted(levels.items(), reverse=side == "BUY")[:depth]

    # -- price ---------------------------------------------------------------------------------------
    def path_price(self, sim_ms: int) -> Decimal:
        raw = self.path.price_at(sim_ms) * self.price_factor
        tick = self.spec.tick_size
        price = floor_to(raw, tick) if tick > 0 else raw
        return max(price, self.spec.min_price, tick)

    def start(self, now_ms: int, sim_ms: int, backfill: int, speed: float) -> None:
        self.mid = self.path_price(sim_ms)
        self.last_price = self.mid
        self.last_sim_ms = sim_ms
        # 24h tickers need 1440 one-minute candles; small test configs keep startup fast instead.
        minutes = max(backfill, 1500) if backfill >= 500 else backfill
        bases = {
            "1m": self._generate("1m", now_ms, sim_ms, minutes, speed),
            "1h": self._generate("1h", now_ms, sim_ms, backfill, speed),
            "1d": self._generate("1d", now_ms, sim_ms, backfill, speed),
        }
        self.history.backfill(bases)
        self.history.next_trade_id = self._id_at(now_ms, now_ms)
        self.history.next_agg_id = self.history.next_trade_id // 2
        self.synthetic.rebuild(self.mid, 0)
        self.depth.apply(dict(self.synthetic.bids), dict(self.synthetic.asks))

    def _id_at(self, time_ms: int, now_ms: int) -> int:
        return 5_000_000_000 - (now_ms - time_ms) // MS_PER_TRADE

    def _generate(self, interval: str, now_ms: int, sim_ms: int, count: int, speed: float) -> list[Kline]:
        """`count` candles up to the current (partial) bucket, sampled from the path."""
        if count <= 0:
            return []
        opens: list[int] = [bucket_start(interval, now_ms)]
        while len(opens) < count and now_ms - opens[-1] < BACKFILL_SPAN_MS:
            opens.append(bucket_start(interval, opens[-1] - 1))
        opens.reverse()
        out: list[Kline] = []
        prev_close: Decimal | None = None
        for open_ms in opens:
            end_ms = min(bucket_end(interval, open_ms), now_ms)

            def sim_of(wall: int) -> int:
                return sim_ms - int((now_ms - wall) * speed)

            o = prev_close if prev_close is not None else self.path_price(sim_of(open_ms))
            c = self.path_price(sim_of(end_ms))
            mids = [self.path_price(sim_of(open_ms + (end_ms - open_ms) * k // 3)) for k in (1, 2)]
            high, low = max(o, c, *mids), min(o, c, *mids)
            replayed = Decimal(max(end_ms - open_ms, 0)) * Decimal(str(speed))
            volume = floor_to(self.path.volume_rate(sim_of(open_ms)) * replayed, self.spec.step_size)
            mid_price = (high + low) / 2
            first = self._id_at(open_ms, now_ms)
            last = self._id_at(end_ms, now_ms) - 1
            taker = floor_to(volume / 2, self.spec.step_size)
            kline = Kline(
                open_ms,
                bucket_end(interval, open_ms) - 1,
                o,
                high,
                low,
                c,
                volume,
                volume * mid_price,
                max(last - first + 1, 0),
                taker,
                taker * mid_price,
                first,
                last,
            )
            out.append(kline)
            prev_close = c
        return out

    # -- live step -----------------------------------------------------------------------------------
    def step(self, sim_ms: int) -> list[tuple[Decimal, Decimal, bool]]:
        """Advance to `sim_ms`; return synthetic trades (price, qty, buyer_is_maker) in order."""
        self.tick_no += 1
        elapsed = max(sim_ms - self.last_sim_ms, 0)
        self.last_sim_ms = sim_ms
        if self.spec.status != "TRADING":
            return []
        new_mid = self.path_price(sim_ms)
        old_mid = self.mid
        self.mid = new_mid
        spec = self.spec
        prices: list[Decimal] = []
        if new_mid != old_mid:
            count = self.rng.randint(1, 3)
            for k in range(1, count + 1):
                price = old_mid + (new_mid - old_mid) * Decimal(k) / Decimal(count)
                prices.append(max(floor_to(price, spec.tick_size), spec.tick_size))
        elif self.rng.random() < 0.3:
            prices.append(new_mid)
        if not prices:
            return []
        down = new_mid < old_mid or (new_mid == old_mid and self.rng.random() < 0.5)
        volume = self.path.volume_rate(sim_ms) * Decimal(max(elapsed, 1))
        floor_qty = max(spec.min_qty, spec.step_size)
        trades: list[tuple[Decimal, Decimal, bool]] = []
        for price in prices:
            share = volume / len(prices) * Decimal(str(round(self.rng.uniform(0.3, 1.7), 3)))
            qty = max(floor_to(share, spec.step_size), floor_qty)
            if spec.max_qty > 0:
                qty = min(qty, spec.max_qty)
            trades.append((price, qty, down))
        return trades

    def rebuild_book(self, user: tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]] | None) -> None:
        # Centre the synthetic book on the last trade so best bid < last ≤ best ask.
        self.synthetic.rebuild(self.last_price if self.last_price > 0 else self.mid, self.tick_no)

    def merged_levels(
        self, user: tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]] | None
    ) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
        if user is None:
            return dict(self.synthetic.bids), dict(self.synthetic.asks)
        return merge(self.synthetic.bids, user[0]), merge(self.synthetic.asks, user[1])
