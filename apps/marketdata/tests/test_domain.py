"""Pure domain: stream names, payload parsing/validation, sequencing, staleness, planning."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.marketdata.domain.events import AggTrade, BookTicker, Kline, MarkPrice, Rejected, parse_event
from apps.marketdata.domain.health import is_silent
from apps.marketdata.domain.messages import message
from apps.marketdata.domain.plan import TokenBucket, place
from apps.marketdata.domain.sequence import Gap, Sequencer, Verdict
from apps.marketdata.domain.streams import from_wire, kline_aligned, next_open_ms, parse_stream

KNOWN = frozenset({"BTCUSDT"})


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        ("spot.btcusdt.kline_1m", "btcusdt@kline_1m"),
        ("spot.btcusdt.ticker", "btcusdt@ticker"),
        ("spot.btcusdt.miniticker", "btcusdt@miniTicker"),
        ("spot.btcusdt.bookticker", "btcusdt@bookTicker"),
        ("spot.btcusdt.depth", "btcusdt@depth@100ms"),
        ("spot.btcusdt.trade", "btcusdt@aggTrade"),
        ("usdm.btcusdt.markprice", "btcusdt@markPrice@1s"),
        ("usdm.btcusdt.forceorder", "btcusdt@forceOrder"),
        ("usdm.ethusdt.kline_1M", "ethusdt@kline_1M"),
    ],
)
def test_stream_names_round_trip(name: str, wire: str) -> None:
    stream = parse_stream(name)
    assert stream is not None and stream.wire == wire
    assert from_wire(stream.market, wire) == stream


@pytest.mark.parametrize(
    "name",
    [
        "spot.btcusdt.markprice",
        "spot.BTCUSDT.ticker",
        "coin.btcusdt.ticker",
        "spot.btcusdt.kline_2m",
        "spot..ticker",
    ],
)
def test_invalid_stream_names(name: str) -> None:
    assert parse_stream(name) is None


@pytest.mark.parametrize(
    ("interval", "open_ms", "aligned"),
    [
        ("1m", 1_700_000_040_000, True),
        ("1m", 1_700_000_040_001, False),
        ("1h", 1_699_999_200_000, True),
        ("1w", 1_699_833_600_000, True),  # Monday 2023-11-13
        ("1w", 1_700_006_400_000, False),
        ("1M", 1_698_796_800_000, True),  # 2023-11-01
        ("1M", 1_698_883_200_000, False),
    ],
)
def test_kline_alignment(interval: str, open_ms: int, aligned: bool) -> None:
    assert kline_aligned(interval, open_ms) is aligned


def test_next_month() -> None:
    assert next_open_ms("1M", 1_701_388_800_000) == 1_704_067_200_000  # 2023-12-01 → 2024-01-01


def kline_payload(t: int = 1_700_000_040_000, **k: object) -> dict[str, object]:
    body = {"t": t, "T": t + 59_999, "s": "BTCUSDT", "i": "1m", "o": "10.0", "c": "11.0", "h": "12.0",
            "l": "9.5", "v": "1.5", "q": "15.0", "n": 3, "x": False} | k  # fmt: skip
    return {"e": "kline", "E": t + 1000, "s": "BTCUSDT", "k": body}


def test_kline_parses_to_decimals_and_normalizes() -> None:
    stream = parse_stream("spot.btcusdt.kline_1m")
    assert stream is not None
    event = parse_event(stream, kline_payload(), known=KNOWN, received_ms=0)
    assert isinstance(event, Kline) and event.o == Decimal("10.0")
    msg = message(stream.name, event)
    assert msg["stream"] == "spot.btcusdt.kline_1m" and msg["E"] == 1_700_000_041_000
    assert msg["data"]["c"] == "11.0" and msg["data"]["n"] == "3" and msg["data"]["x"] is False


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("spot.btcusdt.kline_1m", kline_payload(t=1_700_000_040_500), "boundary"),
        ("spot.btcusdt.kline_1m", kline_payload(o=10.0), "not a string"),
        ("spot.btcusdt.kline_1m", kline_payload(o="0"), "not positive"),
        ("spot.btcusdt.kline_1m", kline_payload(h="10.5"), "bound"),
        (
            "spot.btcusdt.trade",
            {"E": 1, "s": "ETHUSDT", "a": 1, "p": "1", "q": "1", "T": 1, "m": True},
            "stream",
        ),
        (
            "spot.btcusdt.bookticker",
            {"u": 5, "s": "BTCUSDT", "b": "2", "B": "1", "a": "1", "A": "1"},
            "crossed",
        ),
        (
            "usdm.btcusdt.markprice",
            {"E": 1, "s": "BTCUSDT", "p": "-1", "i": "1", "r": "0", "T": 1},
            "not positive",
        ),
        ("spot.btcusdt.ticker", [], "object"),
    ],
)
def test_rejections(name: str, payload: object, reason: str) -> None:
    stream = parse_stream(name)
    assert stream is not None
    event = parse_event(stream, payload, known=KNOWN, received_ms=0)
    assert isinstance(event, Rejected) and reason in event.reason and event.kind == stream.family


def test_unknown_symbol_rejected() -> None:
    stream = parse_stream("spot.btcusdt.trade")
    assert stream is not None
    payload = {"E": 1, "s": "BTCUSDT", "a": 1, "p": "1", "q": "1", "T": 1, "m": True}
    assert isinstance(parse_event(stream, payload, known=frozenset(), received_ms=0), Rejected)


def test_spot_book_ticker_uses_receive_time() -> None:
    stream = parse_stream("spot.btcusdt.bookticker")
    assert stream is not None
    payload = {"u": 5, "s": "BTCUSDT", "b": "1", "B": "1", "a": "2", "A": "1"}
    event = parse_event(stream, payload, known=KNOWN, received_ms=42)
    assert isinstance(event, BookTicker) and event.E == 42 and event.u == 5


def test_sequencer_drops_duplicates_and_out_of_order() -> None:
    seq = Sequencer()

    def trade(a: int) -> AggTrade:
        return AggTrade(E=a, a=a, p=Decimal(1), q=Decimal(1), T=a, m=True)

    assert seq.check("s", trade(5)) is Verdict.ACCEPT
    assert seq.check("s", trade(5)) is Verdict.DUPLICATE
    assert seq.check("s", trade(4)) is Verdict.OUT_OF_ORDER
    assert seq.check("s", trade(6)) is Verdict.ACCEPT
    mark = MarkPrice(E=10, p=Decimal(1), i=Decimal(1), r=Decimal(0), T=0)
    assert seq.check("m", mark) is Verdict.ACCEPT
    assert seq.check("m", mark) is Verdict.DUPLICATE


def _k(t: int, e: int, *, x: bool) -> Kline:
    one = Decimal(1)
    return Kline(E=e, t=t, T=t + 59_999, i="1m", o=one, h=one, l=one, c=one, v=one, q=one, n=1, x=x)


def test_kline_sequence_and_missed_close() -> None:
    seq, m = Sequencer(), 60_000
    assert seq.kline("k", _k(0, 1000, x=False)) == (Verdict.ACCEPT, None)
    assert seq.kline("k", _k(0, 1000, x=False))[0] is Verdict.DUPLICATE  # overlap copy
    assert seq.kline("k", _k(0, 2000, x=False))[0] is Verdict.ACCEPT
    assert seq.kline("k", _k(0, 60_000, x=True))[0] is Verdict.ACCEPT
    assert seq.kline("k", _k(0, 60_000, x=True))[0] is Verdict.DUPLICATE
    assert seq.kline("k", _k(m, 61_000, x=False)) == (Verdict.ACCEPT, None)
    # the close of candle m was missed (disconnected): candles m and 2m must come from REST
    assert seq.kline("k", _k(3 * m, 181_000, x=False)) == (Verdict.ACCEPT, Gap(m, 3 * m))
    assert seq.kline("k", _k(m, 120_000, x=True))[0] is Verdict.OUT_OF_ORDER


@pytest.mark.parametrize(
    ("last_seen", "since", "now", "cadence", "silent"),
    [
        (None, 0, 2999, 2000, False),
        (None, 0, 3001, 2000, True),
        (10_000, 0, 12_000, 1000, True),
        (10_000, 0, 11_400, 1000, False),
        (None, 0, 10**9, None, False),
    ],
)
def test_silence(last_seen: int | None, since: int, now: int, cadence: int | None, silent: bool) -> None:
    assert (
        is_silent(last_seen_ms=last_seen, since_ms=since, now_ms=now, cadence_ms=cadence, factor=1.5)
        is silent
    )


def test_placement_fills_then_opens() -> None:
    plan = place([f"s{i:02}" for i in range(7)], {1: 3, 2: 1}, max_streams=4)
    assert plan.existing == {1: ["s00"], 2: ["s01", "s02", "s03"]}
    assert plan.new == [["s04", "s05", "s06"]]
    assert place(["a"] * 0, {}, 4).new == []


def test_token_bucket_paces() -> None:
    bucket = TokenBucket(rate=5, capacity=1)
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(0.2)
    assert bucket.take(0.0) == pytest.approx(0.4)
    assert bucket.take(10.0) == 0.0


def test_tiny_and_trailing_zero_decimals_are_published_without_exponents() -> None:
    from apps.marketdata.domain.book import BookTop
    from apps.marketdata.domain.messages import depth_message

    top = BookTop(
        last_update_id=9,
        event_ms=1,
        bids=((Decimal("0.00000010"), Decimal("1E+3")),),
        asks=((Decimal("0.00000011"), Decimal("0E-8")),),
    )
    data = depth_message("spot.shibusdt.depth", top)["data"]
    assert data["bids"] == [["0.00000010", "1000"]]
    assert data["asks"] == [["0.00000011", "0.00000000"]]


def test_the_symbol_list_is_read_again_soon_while_it_is_empty_or_a_client_asks_for_an_unknown_one() -> None:
    from apps.marketdata.supervisor import SYMBOLS_REFRESH_S, SYMBOLS_RETRY_S, symbols_refresh_s

    listed = {"spot": frozenset({"BTCUSDT"}), "usdm": frozenset()}
    assert symbols_refresh_s({"spot": frozenset(), "usdm": frozenset()}, set()) == SYMBOLS_RETRY_S
    assert symbols_refresh_s(listed, {"spot.ethusdt.depth"}) == SYMBOLS_RETRY_S
    assert symbols_refresh_s(listed, set()) == SYMBOLS_REFRESH_S
