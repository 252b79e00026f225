"""--state FILE: accounts, symbol changes and every extension's state, written atomically."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.exchange import Exchange

log = logging.getLogger(__name__)
VERSION = 1


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def snapshot(exchange: Exchange) -> dict[str, Any]:
    return {
        "version": VERSION,
        "saved_at": exchange.clock.now_ms(),
        "sim_ms": exchange.clock.sim_ms(),
        "accounts": exchange.accounts.dump_state(),
        "symbols": exchange.symbols.dump_state(),
        "extensions": {name: ext.dump_state() for name, ext in exchange.extensions.items()},
    }


def save(exchange: Exchange, path: Path) -> None:
    """Write to a temporary file in the same directory, fsync, then rename over the old file."""
    data = json.dumps(snapshot(exchange), default=_default, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(exchange: Exchange, path: Path) -> bool:
    """Restore from `path` if it exists; False when there was nothing to load."""
    if not path.exists():
        return False
    data = json.loads(path.read_text())
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported state file version {data.get('version')!r} in {path}")
    exchange.accounts.load_state(data.get("accounts", []))
    exchange.symbols.load_state(data.get("symbols", {}))
    if "sim_ms" in data:
        exchange.clock.set_sim(int(data["sim_ms"]))
    for name, ext in exchange.extensions.items():
        saved = data.get("extensions", {}).get(name)
        if saved is not None:
            ext.load_state(saved)
    log.info("loaded state from %s (%d accounts)", path, len(exchange.accounts))
    return True
