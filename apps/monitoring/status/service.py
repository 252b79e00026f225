"""Compute the system status: every probe in parallel (each bounded), the time each component last
changed state kept in Redis across processes, and the whole answer reused for TRADER_STATUS_CACHE_S."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from apps.monitoring import health
from apps.monitoring.status.base import Probe, State, worst
from apps.monitoring.status.components import all_probes, run_probe
from apps.monitoring.status.conf import status_config

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

# Keep `since` when the state is unchanged, else stamp it now: atomically, since several processes
# compute the status. ARGV: now, then name/state pairs; returns "state|since" per pair.
_SINCE_LUA: Final = """
local out = {}
for i = 2, #ARGV, 2 do
  local name, state = ARGV[i], ARGV[i + 1]
  local current = redis.call('HGET', KEYS[1], name)
  if current and string.sub(current, 1, string.len(state) + 1) == state .. '|' then
    table.insert(out, current)
  else
    local value = state .. '|' .. ARGV[1]
    redis.call('HSET', KEYS[1], name, value)
    table.insert(out, value)
  end
end
return out
"""


@dataclass(frozen=True)
class Component:
    name: str
    state: State
    message: str
    detail: dict[str, Any]
    since: datetime  # last time `state` changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "message": self.message,
            "detail": self.detail,
            "since": self.since.isoformat().replace("+00:00", "Z"),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Component:
        since = datetime.fromisoformat(data["since"].replace("Z", "+00:00"))
        return cls(data["name"], data["state"], data["message"], data["detail"], since)


@dataclass(frozen=True)
class SystemStatus:
    generated_at: datetime
    components: list[Component]

    @property
    def overall(self) -> State:
        return worst([c.state for c in self.components])


def _redis() -> tuple[redis.Redis, str]:
    from apps.exchange.runtime import runtime

    rt = runtime()
    return rt.redis, f"{rt.prefix}:status"


def _track_since(probes: dict[str, Probe], now: datetime) -> dict[str, datetime]:
    client, base = _redis()
    args: list[str] = [now.isoformat()]
    for name, probe in probes.items():
        args += [name, probe.state]
    values = client.eval(_SINCE_LUA, 1, f"{base}:since", *args)
    out: dict[str, datetime] = {}
    for name, raw in zip(probes, values, strict=True):
        text = raw.decode() if isinstance(raw, bytes) else raw
        out[name] = datetime.fromisoformat(text.split("|", 1)[1])
    return out


def compute_status() -> SystemStatus:
    now = datetime.now(tz=UTC)
    outcomes = health.run_parallel({name: (lambda fn=fn: run_probe(fn)) for name, fn in all_probes().items()})
    probes: dict[str, Probe] = {}
    for name, outcome in outcomes.items():
        if isinstance(outcome, Probe):
            probes[name] = outcome
        else:  # only a timeout gets here: run_probe turns every other failure into a Probe
            probes[name] = Probe("down", f"no answer within {health.CHECK_TIMEOUT_S:g} s", {})
    try:
        since = _track_since(probes, now)
    except Exception:
        # Redis is down (its own component says so): report without history rather than not at all.
        logger.warning("status: could not track state changes in Redis", exc_info=True)
        since = dict.fromkeys(probes, now)
    components = [Component(n, p.state, p.message, p.detail, since[n]) for n, p in probes.items()]
    return SystemStatus(generated_at=now, components=components)


def system_status_snapshot(*, fresh: bool = False) -> SystemStatus:
    """The status, reused from Redis while younger than TRADER_STATUS_CACHE_S unless `fresh`."""
    key = None
    try:
        client, base = _redis()
        key = f"{base}:snapshot"
        raw = None if fresh else client.get(key)
        if raw is not None:
            data = json.loads(raw)
            return SystemStatus(
                generated_at=datetime.fromisoformat(data["generated_at"]),
                components=[Component.from_dict(c) for c in data["components"]],
            )
    except Exception:
        logger.warning("status: cached status unreadable", exc_info=True)
    status = compute_status()
    if key is not None:
        payload = {
            "generated_at": status.generated_at.isoformat(),
            "components": [c.as_dict() for c in status.components],
        }
        try:
            client.set(key, json.dumps(payload, default=str), px=max(1, int(status_config().cache_s * 1000)))
        except Exception:
            logger.warning("status: could not cache the status", exc_info=True)
    return status


def system_status(*, fresh: bool = False) -> list[Component]:
    return system_status_snapshot(fresh=fresh).components


def component(name: str) -> Component | None:
    return next((c for c in system_status() if c.name == name), None)
