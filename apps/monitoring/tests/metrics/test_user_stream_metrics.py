"""User-stream metrics from the real stream client against a scripted exchange: messages, lag, reconnects."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from apps.monitoring.tests.metrics.conftest import sample
from apps.streams.tests.test_user_stream import Recorder, balance, fake, spot_stream, stop, until

__all__ = ["fake"]  # the scripted exchange fixture, shared with the stream client's own tests


async def test_messages_lag_reconnects_and_failed_handlers_are_counted(fake: Any) -> None:
    exchange, server = fake
    recorder = Recorder()
    stream = spot_stream(server, recorder)
    messages = sample("trader_user_stream_messages_total", stream="spot", event="SpotBalanceUpdate")
    lagged = sample("trader_user_stream_lag_seconds_count", stream="spot")
    slow = sample("trader_user_stream_lag_seconds_bucket", stream="spot", le="0.25")
    reconnects = sample("trader_user_stream_reconnects_total", stream="spot")
    failures = sample("trader_user_stream_apply_errors_total", stream="spot")
    recorder.fail_on = {7}
    task = asyncio.create_task(stream.run())
    try:
        await exchange.live()
        sent = int(time.time() * 1000) - 500  # stamped half a second ago by the exchange
        await exchange.push(balance(sent))
        await exchange.push(balance(7))  # this one's handler fails
        await until(lambda: sent in recorder.log and recorder.log.count("resync") == 2)
        await exchange.drop()
        await exchange.live(count=2)
        await until(lambda: stream.health.reconnects == 1)
    finally:
        await stop(task)

    assert (
        sample("trader_user_stream_messages_total", stream="spot", event="SpotBalanceUpdate") == messages + 2
    )
    assert sample("trader_user_stream_lag_seconds_count", stream="spot") == lagged + 1  # applied ones only
    assert sample("trader_user_stream_lag_seconds_bucket", stream="spot", le="0.25") == slow  # 0.5 s late
    assert sample("trader_user_stream_reconnects_total", stream="spot") == reconnects + 1
    assert sample("trader_user_stream_apply_errors_total", stream="spot") == failures + 1
