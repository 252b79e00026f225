"""The redaction filter against every form of secret we hold, in every position a log record carries text.

Positions: the message itself, a %-argument, `extra` fields (flat and nested), the exception text (raised
with the secret in its message) and stack info; both formats (JSON and plain). Ordinary trading text
(symbols, order ids, prices, hashes, request ids) must come through unchanged.
"""

from __future__ import annotations

import io
import json
import logging
from typing import TYPE_CHECKING, Any

import pytest
from django.test import override_settings

from apps.common.logging import JsonFormatter, PlainFormatter, RedactingFilter, RequestIdFilter
from apps.common.redaction import MASK, is_secret_name, redact, redact_text
from apps.common.tests.secret_forms import ORDINARY, Case, Secrets, all_cases, configured_secrets
from apps.exchange.domain.secrets import Secret

if TYPE_CHECKING:
    from collections.abc import Iterator

CONF = configured_secrets()
CASES = all_cases(CONF)


@pytest.fixture(autouse=True)
def _configured(settings: Any) -> Iterator[Secrets]:
    with override_settings(
        SECRET_KEY=CONF.secret_key,
        TRADER_MASTER_KEY=CONF.master_key,
        TRADER_METRICS_TOKEN=CONF.metrics_token,
        TRADER_ADMIN_PASSWORD=CONF.admin_password,
        TRADER_EXCHANGE_API_KEY=CONF.exchange_api_key,
        TRADER_EXCHANGE_API_SECRET=CONF.exchange_api_secret,
    ):
        yield CONF


def _logger(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    """A logger wired like settings.LOGGING's console handler, writing to a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(formatter)
    logger = logging.getLogger(f"test.redaction.{type(formatter).__name__}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, out


def _emit_everywhere(logger: logging.Logger, text: str) -> None:
    logger.info(text)
    logger.info("exchange call: %s", text)
    logger.info("with %s and %r", "BTCUSDT", {"detail": text})
    logger.info("extra fields", extra={"detail": text, "payload": {"nested": [text]}, "api_key": text})
    try:
        raise RuntimeError(f"call failed: {text}")
    except RuntimeError:
        logger.exception("failed: %s", ORDINARY)
    try:
        try:
            raise ValueError(text)
        except ValueError as inner:
            raise ConnectionError("exchange unreachable") from inner
    except ConnectionError:
        logger.warning("chained", exc_info=True)
    logger.info("stack", stack_info=True, extra={"note": text})


def _assert_no_needle(output: str, case: Case) -> None:
    for needle in case.needles:
        assert needle not in output, f"{case.name}: {needle[:24]}… survived:\n{output}"
        # JSON output escapes newlines and slashes differently: look for the escaped form too.
        assert json.dumps(needle)[1:-1] not in output, f"{case.name}: escaped {needle[:24]}… survived"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_no_secret_survives_any_position(case: Case, formatter: logging.Formatter) -> None:
    logger, out = _logger(formatter)
    _emit_everywhere(logger, case.text)
    output = out.getvalue()
    _assert_no_needle(output, case)
    assert MASK in output
    assert output.count("RuntimeError: call failed:") == 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_redact_masks_every_form_in_strings_dicts_and_lists(case: Case) -> None:
    structure = {"note": case.text, "items": [case.text, (case.text,)], "raw": case.text.encode()}
    cleaned = json.dumps(redact(structure))
    _assert_no_needle(cleaned, case)
    _assert_no_needle(redact_text(case.text), case)


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_ordinary_text_is_left_alone(formatter: logging.Formatter) -> None:
    logger, out = _logger(formatter)
    logger.info("placed %s", ORDINARY, extra={"order_id": 123456789, "symbol": "BTCUSDT"})
    assert ORDINARY in out.getvalue()
    assert redact_text(ORDINARY) == ORDINARY
    assert redact({"symbol": "BTCUSDT", "price": "43250.10", "order_id": 7}) == {
        "symbol": "BTCUSDT",
        "price": "43250.10",
        "order_id": 7,
    }


def test_every_secret_text_keeps_its_ordinary_neighbours() -> None:
    for case in CASES:
        cleaned = redact_text(f"BTCUSDT order 123456789 {case.text} price 43250.10")
        assert cleaned.startswith("BTCUSDT order 123456789 "), (case.name, cleaned)
        assert cleaned.endswith(" price 43250.10"), (case.name, cleaned)


def test_secret_named_dict_entries_are_masked_whatever_their_value() -> None:
    payload = {
        "password": "x",
        "api_key": "short",
        "apiKey": "k",
        "secret": 1234,
        "webhook_secret": "w",
        "listen_key": "l",
        "listenKey": "l2",
        "signature": "s",
        "X-MBX-APIKEY": "h",
        "Authorization": "Token abc",
        "bot_token": "t",
        "private_key": "p",
        "sessionid": "s",
        "symbol": "BTCUSDT",
        "key_type": "HMAC",
        "credential_version": 3,
        "params": {"apiKey": "k", "timestamp": 1, "signature": "s"},
        "password_changed": None,
    }
    cleaned = redact(payload)
    for key in (
        "password",
        "api_key",
        "apiKey",
        "secret",
        "webhook_secret",
        "listen_key",
        "listenKey",
        "signature",
        "X-MBX-APIKEY",
        "Authorization",
        "bot_token",
        "private_key",
        "sessionid",
    ):
        assert cleaned[key] == MASK, key
    assert cleaned["params"] == {"apiKey": MASK, "timestamp": 1, "signature": MASK}
    assert cleaned["symbol"] == "BTCUSDT"
    assert cleaned["key_type"] == "HMAC"
    assert cleaned["credential_version"] == 3
    assert payload["password"] == "x", "redact returns a copy"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("api_key", True),
        ("apiKey", True),
        ("X-MBX-APIKEY", True),
        ("listenKey", True),
        ("signature", True),
        ("webhook_secret", True),
        ("TRADER_METRICS_TOKEN", True),
        ("bypass", False),
        ("symbol", False),
        ("api_key_hint", False),
        ("tokens_used", False),
        ("key_type", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_secret_objects_show_only_their_hint() -> None:
    value = CASES[0].needles[0]
    assert value not in str(redact({"material": Secret(value)}))


def test_json_lines_parse_and_carry_the_context() -> None:
    logger, out = _logger(JsonFormatter())
    try:
        raise KeyError("boom")
    except KeyError:
        logger.exception("order %s failed", 42, extra={"symbol": "BTCUSDT"})
    (line,) = out.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "order 42 failed"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "test.redaction.JsonFormatter"
    assert entry["ts"].endswith("Z") and "T" in entry["ts"]
    assert entry["request_id"] == "-"
    assert entry["process"]
    assert entry["symbol"] == "BTCUSDT"
    assert "KeyError: 'boom'" in entry["exc"]
