"""Stream health shared through Redis: the streams process writes it, web reads it (`/readyz`, the API).

Two keys under the exchange runtime's prefix, both expiring after a few missed heartbeats, so a streams
process that died stops reporting instead of reporting stale "connected":
`<prefix>:streams:process` (pid, start, heartbeat time, config) and `<prefix>:streams:health` (one JSON
field per stream).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apps.streams.domain.health import StreamHealth, down_for_s, last_event_age_s, problem

if TYPE_CHECKING:
    import redis


def _keys(prefix: str) -> tuple[str, str]:
    return f"{prefix}:streams:process", f"{prefix}:streams:health"


def now_ms() -> int:
    return int(time.time() * 1000)


def health_write(
    client: redis.Redis, prefix: str, *, process: dict[str, Any], streams: list[StreamHealth], ttl_s: float
) -> None:
    """Replace what is published with the current picture, in one Redis transaction."""
    process_key, health_key = _keys(prefix)
    ttl_ms = max(1, int(ttl_s * 1000))
    pipe = client.pipeline(transaction=True)
    pipe.delete(health_key)
    if streams:
        pipe.hset(health_key, mapping={s.name: json.dumps(s.as_dict()) for s in streams})
        pipe.pexpire(health_key, ttl_ms)
    pipe.set(process_key, json.dumps(process), px=ttl_ms)
    pipe.execute()


def health_clear(client: redis.Redis, prefix: str) -> None:
    """A clean shutdown says so at once instead of leaving the keys to expire."""
    client.delete(*_keys(prefix))


@dataclass(frozen=True)
class StreamsStatus:
    running: bool
    process: dict[str, Any] | None
    streams: list[StreamHealth]
    now_ms: int

    def problems(self, *, down_after_s: float) -> list[str]:
        found = [problem(s, self.now_ms, down_after_s=down_after_s) for s in self.streams]
        return [p for p in found if p]

    def as_dict(self, *, down_after_s: float) -> dict[str, Any]:
        streams = []
        for s in self.streams:
            row = s.as_dict()
            row["down_for_s"] = down_for_s(s, self.now_ms)
            row["last_event_age_s"] = last_event_age_s(s, self.now_ms)
            row["ok"] = problem(s, self.now_ms, down_after_s=down_after_s) is None
            streams.append(row)
        return {
            "running": self.running,
            "process": self.process,
            "down_after_s": down_after_s,
            "ok": not self.problems(down_after_s=down_after_s),
            "streams": streams,
        }


def streams_status(client: redis.Redis | None = None, prefix: str | None = None) -> StreamsStatus:
    """What the streams process last published (defaults: this process's exchange runtime)."""
    if client is None or prefix is None:
        from apps.exchange.runtime import runtime

        rt = runtime()
        client, prefix = client or rt.redis, prefix or rt.prefix
    process_key, health_key = _keys(prefix)
    raw_process = client.get(process_key)
    raw_streams = client.hgetall(health_key) if raw_process is not None else {}
    streams = sorted(
        (StreamHealth.from_dict(json.loads(v)) for v in raw_streams.values()), key=lambda s: s.name
    )
    process = json.loads(raw_process) if raw_process is not None else None
    return StreamsStatus(running=process is not None, process=process, streams=streams, now_ms=now_ms())


def check_user_streams() -> None:
    """`/readyz` "user_streams": fails when a configured stream has been down beyond the threshold.

    No streams process reporting counts as "not running", which is healthy unless TRADER_STREAMS_REQUIRED
    says the deployment must have one (web alone, tests and management commands run without it).
    """
    from apps.streams.conf import streams_config

    config = streams_config()
    status = streams_status()
    if not status.running:
        if config.required:
            raise RuntimeError("no streams process is running (manage.py run_streams)")
        return
    found = status.problems(down_after_s=config.down_after_s)
    if found:
        raise RuntimeError("; ".join(found))
