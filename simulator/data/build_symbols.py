"""Regenerate symbols.json from the recorded exchangeInfo payloads (run by hand, not at start-up).

`python -m simulator.data.build_symbols /work/shared/reference/payloads` writes symbols.json next to this
file. Symbol objects are copied from the newest recording that has them; symbols only present in the
2021 snapshot keep their own tick/step/notional values inside the 2026 schema (NOTIONAL and
PERCENT_PRICE_BY_SIDE instead of MIN_NOTIONAL and PERCENT_PRICE).
"""

from __future__ import annotations

import copy
import gzip
import json
import sys
from pathlib import Path
from typing import Any

SPOT = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT", "ETHBTC", "XRPETH"]
FUTURES = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "LTCUSDT", "BNBUSDT", "SOLUSDT"]


def _load(path: Path) -> dict[str, Any]:
    if path.suffix == ".gz":
        with gzip.open(path) as fh:
            return json.load(fh)
    return json.loads(path.read_text())


def _by_symbol(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["symbol"]: s for s in doc["symbols"]}


def _filter(symbol: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(f for f in symbol["filters"] if f["filterType"] == kind)


def _modernise(old: dict[str, Any], template: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(template)
    for key in (
        "symbol",
        "baseAsset",
        "quoteAsset",
        "baseAssetPrecision",
        "quotePrecision",
        "quoteAssetPrecision",
        "baseCommissionPrecision",
        "quoteCommissionPrecision",
    ):
        new[key] = old[key]
    filters = []
    for f in new["filters"]:
        kind = f["filterType"]
        if kind in ("PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE"):
            filters.append(_filter(old, kind))
        elif kind == "NOTIONAL":
            f = dict(f, minNotional=_filter(old, "MIN_NOTIONAL")["minNotional"])
            filters.append(f)
        elif kind == "PERCENT_PRICE_BY_SIDE":
            pp = _filter(old, "PERCENT_PRICE")
            up, down = pp["multiplierUp"], pp["multiplierDown"]
            filters.append(
                dict(
                    f, bidMultiplierUp=up, bidMultiplierDown=down, askMultiplierUp=up, askMultiplierDown=down
                )
            )
        else:
            filters.append(f)
    new["filters"] = filters
    return new


def build(payloads: Path) -> dict[str, Any]:
    testnet = _load(payloads / "spot_exchangeInfo_testnet_2026.json")
    modern = _by_symbol(testnet) | {
        k: v
        for k, v in _by_symbol(_load(payloads / "spot_exchangeInfo_2025-08.json")).items()
        if k in ("ETHUSDT", "ETHBTC")
    }
    old = _by_symbol(_load(payloads / "spot_exchangeInfo_full_2021-10.json.gz"))
    template = modern["BTCUSDT"]
    spot = []
    for name in SPOT:
        symbol = copy.deepcopy(modern[name]) if name in modern else _modernise(old[name], template)
        # The recorded TRD_GRP lists run to hundreds of entries; the simulator's accounts only know SPOT.
        margin = symbol.get("isMarginTradingAllowed")
        symbol["permissionSets"] = [["SPOT", "MARGIN"]] if margin else [["SPOT"]]
        spot.append(symbol)
    fut_doc = _load(payloads / "futures_exchangeInfo_2025-08.json")
    fut = _by_symbol(fut_doc)
    futures = []
    for name in FUTURES:
        if name in fut:
            futures.append(fut[name])
            continue
        # SOLUSDT is not in the recording: BNBUSDT's object with SOL's live increments.
        sol = copy.deepcopy(fut["BNBUSDT"])
        sol.update(
            symbol="SOLUSDT",
            pair="SOLUSDT",
            baseAsset="SOL",
            pricePrecision=4,
            quantityPrecision=0,
            onboardDate=1631232000000,
        )
        for f in sol["filters"]:
            if f["filterType"] == "PRICE_FILTER":
                f.update(minPrice="0.4200", maxPrice="6857", tickSize="0.0100")
            elif f["filterType"] == "LOT_SIZE":
                f.update(minQty="1", maxQty="1000000", stepSize="1")
            elif f["filterType"] == "MARKET_LOT_SIZE":
                f.update(minQty="1", maxQty="5000", stepSize="1")
        futures.append(sol)
    return {
        "spot": {
            "rateLimits": testnet["rateLimits"],
            "exchangeFilters": testnet["exchangeFilters"],
            "symbols": spot,
        },
        "futures": {
            "rateLimits": fut_doc["rateLimits"],
            "exchangeFilters": fut_doc["exchangeFilters"],
            "assets": fut_doc["assets"],
            "symbols": futures,
        },
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("symbols.json")
    out.write_text(json.dumps(build(Path(sys.argv[1])), indent=1) + "\n")
