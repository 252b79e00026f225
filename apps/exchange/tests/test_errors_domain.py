"""The code table and classification: every answer maps to what the caller does next."""

from __future__ import annotations

import pytest

from apps.exchange.domain.errors import (
    AuthError,
    OperationalError,
    OrderNotFoundError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
    UnknownOutcomeError,
    classify,
    classify_transport,
)


@pytest.mark.parametrize(
    ("status", "code", "message", "is_write", "expected"),
    [
        (400, -1013, "Filter failure: LOT_SIZE", True, RejectedError),
        (400, -2010, "Account has insufficient balance for requested action.", True, RejectedError),
        (400, -2019, "Margin is insufficient.", True, RejectedError),
        (400, -4061, "Order's position side does not match user's setting.", True, RejectedError),
        (400, -4120, "Order type not supported for this endpoint.", True, RejectedError),
        (400, -1021, "Timestamp for this request is outside of the recvWindow.", True, RejectedError),
        (400, -2013, "Order does not exist.", False, OrderNotFoundError),
        (401, -2014, "API-key format invalid.", False, AuthError),
        (401, -2015, "Invalid API-key, IP, or permissions for action.", True, AuthError),
        (400, -1022, "Signature for this request is not valid.", True, AuthError),
        (429, -1003, "Too much request weight used", False, RateLimitedError),
        (429, -1015, "Too many new orders", True, RateLimitedError),
        (418, -1003, "Way too much request weight used; IP banned", False, RateLimitedError),
        (503, -1008, "Request throttled by system-level protection.", True, OperationalError),
        (503, -1001, "Service Unavailable.", True, OperationalError),
        (503, -1007, "Timeout waiting for response from backend server.", True, UnknownOutcomeError),
        (503, -1007, "Timeout waiting for response from backend server.", False, TemporaryError),
        (
            500,
            -1000,
            "Unknown error, please check your request or try again later.",
            True,
            UnknownOutcomeError,
        ),
        (502, None, "Bad gateway", False, TemporaryError),
        (408, None, "Request timeout", True, UnknownOutcomeError),
        (
            503,
            -1001,
            "Internal error; unable to process your request. Please try again.",
            True,
            TemporaryError,
        ),
    ],
)
def test_each_binance_answer_maps_to_the_class_of_the_callers_next_step(
    status: int, code: int | None, message: str, is_write: bool, expected: type
) -> None:
    error = classify(http_status=status, code=code, message=message, is_write=is_write, endpoint="x")
    assert type(error) is expected
    assert error.code == code
    assert error.message == message


@pytest.mark.parametrize(
    ("code", "message", "needle"),
    [
        (-1013, "Filter failure: PRICE_FILTER", "PRICE_FILTER"),
        (-2010, "Account has insufficient balance for requested action.", "Insufficient balance"),
        (-2019, "Margin is insufficient.", "margin"),
        (-4061, "Order's position side does not match user's setting.", "one-way vs hedge"),
        (-4120, "Order type not supported for this endpoint.", "algo order"),
        (-1021, "Timestamp for this request is outside of the recvWindow.", "clock"),
    ],
)
def test_common_rejections_carry_a_plain_language_explanation(code: int, message: str, needle: str) -> None:
    error = classify(http_status=400, code=code, message=message, is_write=True)
    assert needle.lower() in error.explanation.lower()
    assert needle.lower() in str(error).lower()


def test_a_rate_limit_keeps_the_retry_after_the_exchange_sent() -> None:
    error = classify(http_status=429, code=-1003, message="x", is_write=False, retry_after_s=7.0)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after_s == 7.0


def test_a_connection_lost_after_sending_a_write_is_an_unknown_outcome() -> None:
    assert isinstance(
        classify_transport(sent=True, is_write=True, endpoint="o", detail="d"), UnknownOutcomeError
    )


def test_a_connection_that_never_opened_is_temporary_even_for_a_write() -> None:
    assert isinstance(classify_transport(sent=False, is_write=True, endpoint="o", detail="d"), TemporaryError)


def test_a_read_that_timed_out_is_temporary() -> None:
    assert isinstance(classify_transport(sent=True, is_write=False, endpoint="o", detail="d"), TemporaryError)
