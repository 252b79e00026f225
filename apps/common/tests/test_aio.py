"""wait_stop: returns when stopped or timed out, and never swallows its own cancellation."""

from __future__ import annotations

import asyncio

import pytest

from apps.common.aio import wait_stop


async def test_it_answers_false_after_the_timeout_and_true_once_stopped() -> None:
    stop = asyncio.Event()
    assert await wait_stop(stop, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, stop.set)
    assert await wait_stop(stop, 5) is True


async def test_a_cancellation_arriving_as_the_stop_is_set_still_cancels() -> None:
    for _ in range(50):  # the race the helper exists for: both happen in the same loop iteration
        stop = asyncio.Event()
        waiter = asyncio.create_task(wait_stop(stop, 5))
        await asyncio.sleep(0)
        stop.set()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
