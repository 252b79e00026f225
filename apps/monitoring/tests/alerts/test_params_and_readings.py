"""Rule parameters (validation tables) and the pure judgements of each condition."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.monitoring.alerts.domain import readings as judge
from apps.monitoring.alerts.domain.params import SPECS, defaults, validate_params
from apps.monitoring.models.alerts import RuleType


def test_every_rule_type_has_a_spec_and_its_defaults_validate() -> None:
    assert set(SPECS) == set(RuleType.values)
    for rule_type in SPECS:
        clean, errors = validate_params(rule_type, {})
        assert errors == {}
        assert clean == defaults(rule_type)


@pytest.mark.parametrize(
    ("rule_type", "params", "clean_or_errors"),
    [
        ("error_rate", {"threshold_pct": "12.50"}, {"threshold_pct": "12.5"}),
        ("error_rate", {"threshold_pct": 7}, {"threshold_pct": "7"}),
        ("error_rate", {"threshold_pct": 7.5}, {"!threshold_pct": "decimal number given as a string"}),
        ("error_rate", {"threshold_pct": "abc"}, {"!threshold_pct": "Must be a decimal number."}),
        ("error_rate", {"threshold_pct": "101"}, {"!threshold_pct": "at most 100"}),
        ("error_rate", {"threshold_pct": "NaN"}, {"!threshold_pct": "finite"}),
        ("error_rate", {"window_s": 5}, {"!window_s": "at least 10"}),
        ("error_rate", {"window_s": "60"}, {"window_s": 60}),
        ("error_rate", {"window_s": True}, {"!window_s": "whole number"}),
        ("error_rate", {"market": "usdm"}, {"!market": "one of"}),
        ("error_rate", {"bogus": 1}, {"!bogus": "Unknown parameter"}),
        ("p95_latency", {"series": "order_submit", "threshold_ms": "750"}, {"series": "order_submit"}),
        ("p95_latency", {"series": "orders"}, {"!series": "one of"}),
        ("breaker_open", {"include_half_open": "yes"}, {"!include_half_open": "true or false"}),
        ("disk_space", {"path": 5}, {"!path": "string"}),
        ("reconciliation_drift", {"min_fixes": 0}, {"!min_fixes": "at least 1"}),
        ("kill_switch_engaged", {"x": 1}, {"!x": "known: none"}),
    ],
)
def test_validate_params(rule_type: str, params: dict[str, Any], clean_or_errors: dict[str, Any]) -> None:
    clean, errors = validate_params(rule_type, params)
    for key, expected in clean_or_errors.items():
        if key.startswith("!"):
            assert expected in " ".join(errors[key[1:]])
        else:
            assert not errors
            assert clean[key] == expected


def test_params_must_be_an_object_and_the_type_known() -> None:
    assert validate_params("error_rate", [1]) == ({}, {"params": ["Must be a JSON object."]})
    assert "rule_type" in validate_params("nope", {})[1]


ER = {"threshold_pct": "5", "window_s": 300, "min_count": 20}


@pytest.mark.parametrize(
    ("count", "errors", "rate", "firing"),
    [
        (10, 10, Decimal(100), False),  # too few calls to judge
        (100, 5, Decimal(5), False),  # at the threshold is not over it
        (100, 6, Decimal(6), True),
        (0, 0, None, False),
    ],
)
def test_judge_error_rate(count: int, errors: int, rate: Decimal | None, firing: bool) -> None:
    reading = judge.judge_error_rate(series="exchange", count=count, errors=errors, rate_pct=rate, params=ER)
    assert reading.firing is firing
    assert reading.value["count"] == count


def test_judge_rate_budget_names_the_pools_over_the_threshold() -> None:
    pools = [
        {"market": "spot", "scope": "ip", "pool": "REQUEST_WEIGHT:1m", "used": 5000, "limit": 6000},
        {"market": "futures", "scope": "ip", "pool": "REQUEST_WEIGHT:1m", "used": 100, "limit": 2400},
        {"market": "futures", "scope": "acct", "pool": "ORDERS:10s", "used": 0, "limit": 0},
    ]
    reading = judge.judge_rate_budget(pools=pools, params={"threshold_pct": "80"})
    assert reading.firing
    assert reading.subjects == frozenset({"spot:ip:REQUEST_WEIGHT:1m"})
    assert reading.value["over"][0]["used_pct"] == "83.33"


def test_judge_component_and_audit_chain() -> None:
    assert judge.judge_component(name="worker", state="down", message="0 answered", since=None).firing
    assert not judge.judge_component(name="worker", state="degraded", message="", since=None).firing
    assert not judge.judge_component(name="worker", state=None, message="", since=None).firing
    assert not judge.judge_audit_chain(latest=None).firing
    broken = {"verified_at": "x", "ok": False, "events": 9, "broken_at_id": 4, "message": "hash mismatch"}
    assert judge.judge_audit_chain(latest=broken).subjects == frozenset({"event:4"})


def test_judge_disk_and_streams() -> None:
    assert judge.judge_disk(path="/", total=1000, free=50, params={"threshold_pct": "10"}).firing
    assert not judge.judge_disk(path="/", total=1000, free=100, params={"threshold_pct": "10"}).firing
    stale = judge.judge_stale_streams(
        stale=["spot.btcusdt.kline_1m", "usdm.btcusdt.markprice"],
        params={"market": "usdm", "stream": ""},
    )
    assert stale.subjects == frozenset({"usdm.btcusdt.markprice"})
