"""What a rule's condition reads, judged: each function turns plain source values into a Reading.

Pure (no ORM, no I/O): conditions.py fetches the source values and calls these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Reading:
    firing: bool
    summary: str
    value: dict[str, Any] = field(default_factory=dict)
    # What the alert is about (stream names, symbols, pools): a change is a value change of the alert.
    subjects: frozenset[str] = frozenset()


def _fire(summary: str, value: dict[str, Any], subjects: frozenset[str] = frozenset()) -> Reading:
    return Reading(firing=True, summary=summary, value=value, subjects=subjects)


def _clear(summary: str, value: dict[str, Any]) -> Reading:
    return Reading(firing=False, summary=summary, value=value)


def _pct(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def judge_error_rate(
    *, series: str, count: int, errors: int, rate_pct: Decimal | None, params: dict
) -> Reading:
    threshold = Decimal(params["threshold_pct"])
    value = {
        "series": series,
        "count": count,
        "errors": errors,
        "error_rate_pct": None if rate_pct is None else _pct(rate_pct),
        "threshold_pct": params["threshold_pct"],
        "window_s": params["window_s"],
    }
    if rate_pct is None or count < params["min_count"]:
        return _clear(f"{count} calls in {params['window_s']} s: too few to judge", value)
    firing = rate_pct > threshold
    summary = f"{series} error rate {_pct(rate_pct)} % over {params['window_s']} s ({errors}/{count} calls)"
    return Reading(firing, summary + (f", above {threshold} %" if firing else ""), value)


def judge_p95(*, series: str, count: int, p95_ms: Decimal | None, params: dict) -> Reading:
    threshold = Decimal(params["threshold_ms"])
    value = {
        "series": series,
        "count": count,
        "p95_ms": None if p95_ms is None else _pct(p95_ms),
        "threshold_ms": params["threshold_ms"],
        "window_s": params["window_s"],
    }
    if p95_ms is None or count < params["min_count"]:
        return _clear(f"{count} samples of {series} in {params['window_s']} s: too few to judge", value)
    firing = p95_ms > threshold
    summary = f"{series} p95 latency {_pct(p95_ms)} ms over {params['window_s']} s"
    return Reading(firing, summary + (f", above {threshold} ms" if firing else ""), value)


def judge_stale_streams(*, stale: list[str], params: dict) -> Reading:
    market, text = params["market"], params["stream"]
    found = sorted(s for s in stale if (not market or s.startswith(market + ".")) and (not text or text in s))
    value = {"stale": found}
    if not found:
        return _clear("no market data stream stale", value)
    return _fire(f"{len(found)} market data stream(s) stale: " + ", ".join(found), value, frozenset(found))


def judge_user_streams(*, running: bool, streams: list[dict[str, Any]], params: dict) -> Reading:
    """`streams`: {"name", "connected", "down_for_s", "last_error"} per configured user stream. A streams
    process that does not run is the streams_missing rule's business, not this one's."""
    market = params["market"]
    down = [s for s in streams if (not market or s["name"] == market) and not s["connected"]]
    names = sorted(s["name"] for s in down)
    value = {
        "running": running,
        "down": [{k: s.get(k) for k in ("name", "down_for_s", "last_error")} for s in down],
    }
    if not down:
        return _clear("user streams connected" if running else "no streams process reporting", value)
    parts = [
        f"{s['name']}" + (f" (down {int(s['down_for_s'])} s)" if s.get("down_for_s") is not None else "")
        for s in sorted(down, key=lambda s: s["name"])
    ]
    return _fire("user stream down: " + ", ".join(parts), value, frozenset(names))


def judge_rate_budget(*, pools: list[dict[str, Any]], params: dict) -> Reading:
    """`pools`: {"market", "scope", "pool", "used", "limit"}."""
    threshold = Decimal(params["threshold_pct"])
    rows = []
    over = []
    for p in pools:
        limit = int(p["limit"])
        used_pct = Decimal(int(p["used"]) * 100) / Decimal(limit) if limit > 0 else Decimal(0)
        row = {**p, "used_pct": _pct(used_pct)}
        rows.append(row)
        if used_pct > threshold:
            over.append(row)
    names = frozenset(f"{p['market']}:{p['scope']}:{p['pool']}" for p in over)
    value = {
        "threshold_pct": params["threshold_pct"],
        "over": over,
        "max_used_pct": max((r["used_pct"] for r in rows), key=Decimal, default=None),
    }
    if not over:
        return _clear(f"every rate limit pool under {threshold} %", value)
    worst = max(over, key=lambda r: Decimal(r["used_pct"]))
    summary = (
        f"{len(over)} rate limit pool(s) over {threshold} %: worst {worst['market']} {worst['pool']} "
        f"{worst['used']}/{worst['limit']} ({worst['used_pct']} %)"
    )
    return _fire(summary, value, names)


def judge_breakers(*, breakers: list[dict[str, Any]], params: dict) -> Reading:
    """`breakers`: {"market", "group", "state"} with state closed/open/half_open."""
    bad_states = {"open", "half_open"} if params["include_half_open"] else {"open"}
    market = params["market"]
    bad = [b for b in breakers if b["state"] in bad_states and (not market or b["market"] == market)]
    names = frozenset(f"{b['market']}:{b['group']}" for b in bad)
    value = {"open": bad}
    if not bad:
        return _clear("every circuit breaker closed", value)
    return _fire("circuit breaker open: " + ", ".join(sorted(names)), value, names)


def judge_symbols(*, halted: list[dict[str, Any]]) -> Reading:
    """`halted`: {"market", "symbol", "status", "why"} of symbols not trading that we care about."""
    names = frozenset(f"{h['market']}:{h['symbol']}" for h in halted)
    value = {"halted": sorted(halted, key=lambda h: (h["market"], h["symbol"]))}
    if not halted:
        return _clear("every symbol we hold, order or watch is trading", value)
    parts = [f"{h['market']}:{h['symbol']} {h['status']} ({', '.join(h['why'])})" for h in value["halted"]]
    return _fire("symbol not trading: " + "; ".join(parts), value, names)


def judge_trading_state(
    *, halted_scopes: list[dict[str, Any]], running_runs: list[dict[str, Any]]
) -> Reading:
    """`halted_scopes`: {"scope", "reason"} of scopes whose current state is HALTED; `running_runs`:
    {"id", "scope", "reason"} of kill switch runs still working."""
    names = frozenset(
        [f"state:{h['scope']}" for h in halted_scopes] + [f"run:{r['id']}" for r in running_runs]
    )
    value = {"halted": halted_scopes, "kill_switch_runs": running_runs}
    if not names:
        return _clear("trading active, no kill switch running", value)
    parts = [f"{h['scope']} HALTED ({h['reason']})" for h in halted_scopes]
    parts += [f"kill switch run #{r['id']} on {r['scope']} running ({r['reason']})" for r in running_runs]
    return _fire("; ".join(parts), value, names)


def judge_reconciliation(*, fixes: dict[str, int], params: dict) -> Reading:
    """`fixes`: audit action -> number of differences reconciliation fixed in the window."""
    total = sum(fixes.values())
    value = {"fixes": dict(sorted(fixes.items())), "total": total, "window_s": params["window_s"]}
    if total < params["min_fixes"]:
        return _clear(f"{total} reconciliation fix(es) in {params['window_s']} s", value)
    parts = ", ".join(
        f"{k.split('.', 2)[-1] if k.count('.') >= 2 else k} x{n}" for k, n in sorted(fixes.items())
    )
    summary = f"reconciliation fixed {total} difference(s) in {params['window_s']} s: {parts}"
    return _fire(summary, value, frozenset(fixes))


def judge_component(*, name: str, state: str | None, message: str, since: str | None) -> Reading:
    value = {"component": name, "state": state, "message": message, "since": since}
    if state is None:
        return _clear(f"{name}: no status known", value)
    if state == "down":
        return _fire(f"{name} down: {message}" if message else f"{name} down", value)
    return _clear(f"{name} {state}", value)


def judge_disk(*, path: str, total: int, free: int, params: dict) -> Reading:
    threshold = Decimal(params["threshold_pct"])
    free_pct = Decimal(free * 100) / Decimal(total) if total > 0 else Decimal(0)
    value = {
        "path": path,
        "total_bytes": total,
        "free_bytes": free,
        "free_pct": _pct(free_pct),
        "threshold_pct": params["threshold_pct"],
    }
    firing = free_pct < threshold
    summary = f"{path}: {_pct(free_pct)} % free ({free // 2**20} MiB of {total // 2**20} MiB)"
    return Reading(firing, summary + (f", below {threshold} %" if firing else ""), value)


def judge_database(*, state: str | None, message: str, probe_error: str | None) -> Reading:
    """Down when the status component says so or when our own probe query failed."""
    value = {"component_state": state, "message": message, "probe_error": probe_error}
    if probe_error:
        return _fire(f"database query failed: {probe_error}", value)
    if state == "down":
        return _fire(f"database down: {message}", value)
    return _clear("database answering", value)


def judge_audit_chain(*, latest: dict[str, Any] | None) -> Reading:
    """`latest`: the last chain verification {"verified_at", "ok", "events", "broken_at_id", "message"}."""
    if latest is None:
        return _clear("audit chain never verified yet", {"latest": None})
    if latest["ok"]:
        return _clear(f"audit chain verified ({latest['events']} events)", {"latest": latest})
    summary = f"audit chain broken at event #{latest['broken_at_id']}: {latest['message']}"
    return _fire(summary, {"latest": latest}, frozenset([f"event:{latest['broken_at_id']}"]))
