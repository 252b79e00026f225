"""The pipeline with a scripted transport: retries, no blind order retries, limiter and breaker feedback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.exchange.breaker import CircuitBreaker
from apps.exchange.calllog import CallLogBuffer
from apps.exchange.domain.backoff import BackoffPolicy
from apps.exchange.domain.errors import (
    CircuitOpenError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
    UnknownOutcomeError,
)
from apps.exchange.domain.ratelimits import Pool
from apps.exchange.domain.secrets import Secret
from apps.exchange.gateway.credentials import ActiveCredential, CredentialCache
from apps.exchange.gateway.pipeline import Pipeline
from apps.exchange.gateway.transport import HttpFailure, RawResponse, TransportFailure
from apps.exchange.limiter import RateLimiter
from apps.exchange.timesync import TimeSync

CRED = ActiveCredential(1, 1, "sim", "spot", "HMAC", Secret("k" * 64), Secret("s" * 64))
Step = RawResponse | Exception | Callable[[], RawResponse]


class ScriptedTransport:
    def __init__(self) -> None:
        self.script: list[Step] = []
        self.sent: list[tuple[str, dict[str, str], int]] = []

    def send(
        self, endpoint: Any, params: Any, *, credential: Any, timeout_s: float, offset_ms: int
    ) -> RawResponse:
        self.sent.append((endpoint.name, dict(params), offset_ms))
        step = self.script.pop(0) if self.script else RawResponse(200, {}, {"serverTime": 1})
        if isinstance(step, Exception):
            raise step
        return step() if callable(step) else step


def ok(data: Any = None, **headers: str) -> RawResponse:
    return RawResponse(200, headers, data if data is not None else {})


def http(status: int, code: int, msg: str, **headers: str) -> HttpFailure:
    return HttpFailure(status=status, headers=headers, code=code, message=msg)


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()


@pytest.fixture
def pipeline(redis_client, prefix, transport) -> Pipeline:
    timesync = TimeSync(redis_client, prefix=prefix, interval_s=3600)
    limiter = RateLimiter(redis_client, prefix=prefix, clock_ms=timesync.now_ms)
    for market in ("spot", "futures"):
        limiter.limits_store(market, [Pool("weight", 60_000, 6000), Pool("orders", 10_000, 50)])
    timesync.offset_ms, timesync._synced_at = 0, float("inf")  # no time sync unless a test asks for it
    return Pipeline(
        limiter=limiter,
        breaker=CircuitBreaker(redis_client, prefix=prefix, clock_ms=timesync.now_ms, failure_threshold=5),
        timesync=timesync,
        credentials=CredentialCache("sim", lambda env, market: CRED),
        calllog=CallLogBuffer(sample=0.0, cap=100),
        transport=transport,  # type: ignore[arg-type]
        backoff=BackoffPolicy(base_s=0.001, max_s=0.002, max_attempts=4),
        sleep=lambda s: None,
    )


def test_a_read_is_retried_after_a_temporary_failure(pipeline, transport) -> None:
    transport.script = [
        http(502, 0, "Bad gateway"),
        TransportFailure(sent=True, detail="reset"),
        ok({"a": 1}),
    ]
    assert pipeline.call("spot.account") == {"a": 1}
    assert [s[0] for s in transport.sent] == ["spot.account"] * 3


def test_reads_give_up_after_the_attempt_budget(pipeline, transport) -> None:
    transport.script = [http(502, 0, "Bad gateway")] * 10
    with pytest.raises(TemporaryError):
        pipeline.call("spot.depth", {"symbol": "BTCUSDT"})
    assert len(transport.sent) == 4


def test_an_order_is_never_resent_after_an_unknown_outcome(pipeline, transport) -> None:
    transport.script = [http(503, -1007, "Timeout waiting for response from backend server.")]
    with pytest.raises(UnknownOutcomeError) as info:
        pipeline.call("spot.order.place", {"symbol": "BTCUSDT", "newClientOrderId": "c1"})
    assert "reconcile" in str(info.value).lower()
    assert len(transport.sent) == 1


def test_an_order_is_not_retried_after_a_temporary_failure_either(pipeline, transport) -> None:
    transport.script = [TransportFailure(sent=False, detail="refused")]
    with pytest.raises(TemporaryError):
        pipeline.call("futures.order.place", {"symbol": "BTCUSDT"})
    assert len(transport.sent) == 1


def test_a_cancel_is_retried_because_cancelling_twice_is_harmless(pipeline, transport) -> None:
    transport.script = [TransportFailure(sent=True, detail="reset"), ok({"status": "CANCELED"})]
    assert pipeline.call("spot.order.cancel", {"symbol": "BTCUSDT", "orderId": "1"})["status"] == "CANCELED"


def test_minus_1021_resyncs_the_clock_and_resends_once_even_an_order(pipeline, transport) -> None:
    transport.script = [
        http(400, -1021, "Timestamp for this request is outside of the recvWindow."),
        ok({"serverTime": 10**13}),  # the resync's server time call
        ok({"orderId": 5}),
    ]
    assert pipeline.call("spot.order.place", {"symbol": "BTCUSDT"}) == {"orderId": 5}
    names = [s[0] for s in transport.sent]
    assert names == ["spot.order.place", "spot.time", "spot.order.place"]
    assert transport.sent[2][2] == pipeline.timesync.offset_ms > 10**12


def test_a_second_minus_1021_is_final(pipeline, transport) -> None:
    err = http(400, -1021, "Timestamp for this request is outside of the recvWindow.")
    transport.script = [err, ok({"serverTime": 1}), err]
    with pytest.raises(RejectedError):
        pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})


def test_a_429_blocks_every_process_for_the_retry_after(pipeline, transport) -> None:
    transport.script = [http(429, -1003, "Too much request weight used", **{"Retry-After": "30"})]
    with pytest.raises(RateLimitedError):
        pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    assert 29 < pipeline.limiter.blocked_for_s("spot") <= 30
    with pytest.raises(RateLimitedError, match="Retry-After"):
        pipeline.call("spot.account", timeout_s=1.0)
    assert len(transport.sent) == 1  # nothing else was sent while blocked


def test_repeated_temporary_failures_open_the_breaker_but_rejections_do_not(pipeline, transport) -> None:
    transport.script = [http(400, -1013, "Filter failure: LOT_SIZE")] * 5
    for _ in range(5):
        with pytest.raises(RejectedError):
            pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    assert pipeline.breaker.state("spot", "orders").state == "closed"
    transport.script = [http(503, -1007, "Timeout waiting for response from backend server.")] * 5
    for _ in range(5):
        with pytest.raises(UnknownOutcomeError):
            pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    sent = len(transport.sent)
    with pytest.raises(CircuitOpenError):
        pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    assert len(transport.sent) == sent


def test_the_kill_switch_gets_through_an_open_breaker(pipeline, transport) -> None:
    transport.script = [http(503, -1007, "Timeout waiting for response from backend server.")] * 5
    for _ in range(5):
        with pytest.raises(UnknownOutcomeError):
            pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    transport.script = [ok([])]
    assert pipeline.call("spot.order.cancel_all", {"symbol": "BTCUSDT"}, kill_switch=True) == []


def test_response_headers_correct_the_shared_counters(pipeline, transport) -> None:
    transport.script = [ok({}, **{"X-MBX-USED-WEIGHT-1M": "4321", "X-MBX-ORDER-COUNT-10S": "7"})]
    pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    usage = {u.pool: u.used for u in pipeline.limiter.usage("spot", "main")}
    assert usage == {"weight:1m": 4321, "orders:10s": 7}


def test_every_failure_lands_in_the_call_log_buffer(pipeline, transport) -> None:
    transport.script = [http(400, -1013, "Filter failure: LOT_SIZE")]
    with pytest.raises(RejectedError):
        pipeline.call("spot.order.place", {"symbol": "BTCUSDT"})
    rows = pipeline.calllog._rows
    assert rows[-1].outcome == "rejected" and rows[-1].binance_code == -1013
    assert rows[-1].credential_version == 1
