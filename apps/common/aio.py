"""Small asyncio helpers shared by the long-running loops (streams, market data)."""

from __future__ import annotations

import asyncio


async def wait_stop(stop: asyncio.Event, timeout: float) -> bool:
    """Wait until `stop` is set or `timeout` seconds pass; True when it was set.

    Uses asyncio.timeout rather than wait_for: on Python 3.11 wait_for can swallow a cancellation that
    arrives just as the inner wait completes, and a loop that ignores its cancellation never shuts down.
    """
    try:
        async with asyncio.timeout(timeout):
            await stop.wait()
    except TimeoutError:
        return False
    return True
