"""Exchange errors, named after what the caller does next, and the one table mapping Binance codes to them.

- TemporaryError: nothing happened; retry later with backoff (reads and cancels do so automatically).
- RejectedError: final; the exchange refused the request. Keeps Binance's code and message and adds a
  plain-language explanation for the common ones.
- UnknownOutcomeError: a write may or may not have executed (5XX, timeout, connection lost after sending).
  The caller must reconcile by querying with its clientOrderId; it must never re-send blindly.
- AuthError: the key is wrong, lacks a permission or signs badly. Alert and stop trading.
- RateLimitedError: the exchange said 429/418, or our own limiter cannot fit the call before its deadline.
- OperationalError: maintenance or system-level throttling. Halt trading until it clears.

Messages never contain request parameters or headers, so a secret can never leak through an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["ok", "temporary", "rejected", "unknown", "auth", "rate_limited", "operational"]


class ExchangeError(Exception):
    """Base of every error the gateway raises. `outcome` names the class for metrics and logs."""

    outcome: Outcome = "temporary"

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        endpoint: str = "",
        explanation: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.endpoint = endpoint
        self.explanation = explanation

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.insert(0, f"[{self.code}]")
        if self.explanation:
            parts.append(f"({self.explanation})")
        if self.endpoint:
            parts.append(f"on {self.endpoint}")
        return " ".join(parts)


class TemporaryError(ExchangeError):
    outcome: Outcome = "temporary"


class CircuitOpenError(TemporaryError):
    """The breaker for this endpoint group is open: failing fast instead of adding load."""


class RejectedError(ExchangeError):
    outcome: Outcome = "rejected"


class OrderNotFoundError(RejectedError):
    """-2013 / -2011 'Unknown order': useful on its own when reconciling."""


class UnknownOutcomeError(ExchangeError):
    outcome: Outcome = "unknown"


class AuthError(ExchangeError):
    outcome: Outcome = "auth"


class RateLimitedError(ExchangeError):
    outcome: Outcome = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after_s = retry_after_s


class RateBudgetExhaustedError(RateLimitedError):
    """Raised before sending: the shared limiter cannot fit the call within the caller's deadline."""


class OperationalError(ExchangeError):
    outcome: Outcome = "operational"


class ConfigurationError(ExchangeError):
    """No usable credential or master key; a human has to act. Never carries secret material."""

    outcome: Outcome = "auth"


@dataclass(frozen=True)
class CodeRule:
    error: type[ExchangeError]
    explanation: str = ""


# The one table of Binance codes. Codes not listed fall back to the HTTP status (see classify).
CODE_TABLE: dict[int, CodeRule] = {
    # Rate limits
    -1003: CodeRule(
        RateLimitedError, "Too much request weight used; requests are paused until the window resets."
    ),
    -1015: CodeRule(
        RateLimitedError, "Too many new orders; order placement is paused until the window resets."
    ),
    # Authentication and permissions: alert a human and stop trading
    -1002: CodeRule(AuthError, "This key is not authorised for the request."),
    -1022: CodeRule(AuthError, "The signature was refused: the secret does not match the API key."),
    -2008: CodeRule(AuthError, "The API key belongs to another environment (testnet vs live)."),
    -2014: CodeRule(AuthError, "The API key format is invalid."),
    -2015: CodeRule(AuthError, "Invalid API key, IP restriction or missing permission for this action."),
    # Operational: the venue protects itself; halt trading until it clears
    -1008: CodeRule(
        OperationalError, "The exchange is throttling requests system-wide; retry in a few minutes."
    ),
    -1016: CodeRule(OperationalError, "This service is no longer available."),
    # Outcome unknown: the request may have executed
    -1006: CodeRule(
        UnknownOutcomeError,
        "Unexpected answer from the matching engine; the order may exist. Reconcile by clientOrderId.",
    ),
    -1007: CodeRule(
        UnknownOutcomeError, "The backend timed out; the order may have executed. Reconcile by clientOrderId."
    ),
    # Temporary, definitely not executed
    -1001: CodeRule(TemporaryError, "Internal error at the exchange; the request was not processed."),
    -1004: CodeRule(TemporaryError, "The exchange is busy; retry shortly."),
    # Rejected, with plain-language explanations for the common ones
    -1013: CodeRule(
        RejectedError, "The order violates a symbol filter (price, quantity or notional limits)."
    ),
    -1021: CodeRule(
        RejectedError,
        "The request timestamp is outside the receive window: the local clock drifted; time is resynced.",
    ),
    -1100: CodeRule(RejectedError, "A parameter holds illegal characters (e.g. a float in exponent form)."),
    -1102: CodeRule(RejectedError, "A mandatory parameter was missing or malformed."),
    -1111: CodeRule(RejectedError, "Price or quantity has more decimals than the symbol allows."),
    -1121: CodeRule(RejectedError, "The symbol does not exist on this market."),
    -1125: CodeRule(RejectedError, "The listenKey has expired; open a new user data stream."),
    -2010: CodeRule(RejectedError, "The order was rejected by the matching engine."),
    -2011: CodeRule(RejectedError, "The cancel was rejected (the order may already be filled or canceled)."),
    -2013: CodeRule(OrderNotFoundError, "No such order."),
    -2019: CodeRule(RejectedError, "Insufficient margin for this futures order."),
    -2022: CodeRule(RejectedError, "ReduceOnly order rejected: it would not reduce the position."),
    -2027: CodeRule(RejectedError, "The position would exceed the maximum allowed at this leverage."),
    -4003: CodeRule(RejectedError, "Quantity must be greater than zero."),
    -4028: CodeRule(RejectedError, "This leverage is not allowed for the symbol."),
    -4046: CodeRule(RejectedError, "No need to change: the symbol already has this margin type."),
    -4047: CodeRule(RejectedError, "The margin type cannot change while the symbol has open orders."),
    -4048: CodeRule(RejectedError, "The margin type cannot change while the symbol has a position."),
    -4059: CodeRule(RejectedError, "No need to change: the account already uses this position mode."),
    -4067: CodeRule(RejectedError, "The position mode cannot change while there are open orders."),
    -4068: CodeRule(RejectedError, "The position mode cannot change while there is an open position."),
    -4061: CodeRule(
        RejectedError,
        "The order's positionSide does not match the account's position mode (one-way vs hedge).",
    ),
    -4120: CodeRule(
        RejectedError,
        "Conditional orders (STOP/TAKE_PROFIT/TRAILING) must go through the futures algo order endpoint.",
    ),
    -4164: CodeRule(RejectedError, "The order's notional is below the symbol's minimum."),
}

# Messages that refine a code: Binance reuses -2010/-2011 for many engine rejections.
MESSAGE_EXPLANATIONS: tuple[tuple[str, str], ...] = (
    ("insufficient balance", "Insufficient balance: the account does not hold enough of the asset."),
    ("duplicate order", "Duplicate clientOrderId: an order with this id already exists."),
    ("unknown order", "No such order (already filled, canceled or never placed)."),
    ("would immediately match", "A LIMIT_MAKER / post-only order would have taken liquidity."),
    ("filter failure", "The order violates a symbol filter (price, quantity or notional limits)."),
    ("margin is insufficient", "Insufficient margin for this futures order."),
)

WRITE_UNKNOWN_STATUSES = frozenset({408, 500, 502, 503, 504})


def explain(code: int | None, message: str) -> str:
    lowered = message.lower()
    for needle, text in MESSAGE_EXPLANATIONS:
        if needle in lowered:
            if needle == "filter failure":
                return f"{text} Failed filter: {message.split(':', 1)[-1].strip()}."
            return text
    rule = CODE_TABLE.get(code) if code is not None else None
    return rule.explanation if rule else ""


def classify(
    *,
    http_status: int | None,
    code: int | None,
    message: str,
    is_write: bool,
    endpoint: str = "",
    retry_after_s: float | None = None,
) -> ExchangeError:
    """Turn an HTTP error answer from the exchange into the error class the caller acts on."""
    kwargs = {
        "code": code,
        "http_status": http_status,
        "endpoint": endpoint,
        "explanation": explain(code, message),
    }
    if http_status in (418, 429):
        return RateLimitedError(message, retry_after_s=retry_after_s, **kwargs)
    if http_status == 503 and "service unavailable" in message.lower():
        # Futures: "Service Unavailable." is a definite failure, also used for maintenance windows.
        kwargs["explanation"] = kwargs["explanation"] or "The exchange is unavailable (maintenance)."
        return OperationalError(message, **kwargs)
    rule = CODE_TABLE.get(code) if code is not None else None
    if rule is not None:
        error_class = rule.error
        if error_class is RateLimitedError:
            return RateLimitedError(message, retry_after_s=retry_after_s, **kwargs)
        if error_class is UnknownOutcomeError and not is_write:
            error_class = TemporaryError
        return error_class(message, **kwargs)
    if http_status is not None and (http_status in WRITE_UNKNOWN_STATUSES or http_status >= 500):
        if is_write:
            kwargs["explanation"] = "The exchange failed mid-request; the write may have executed. Reconcile."
            return UnknownOutcomeError(message, **kwargs)
        return TemporaryError(message, **kwargs)
    if http_status == 401 or http_status == 403:
        return AuthError(message, **kwargs)
    return RejectedError(message, **kwargs)


def classify_transport(*, sent: bool, is_write: bool, endpoint: str, detail: str) -> ExchangeError:
    """A timeout or lost connection: before the request left nothing happened; after, a write is unknown."""
    if sent and is_write:
        return UnknownOutcomeError(
            f"Connection lost after sending: {detail}",
            endpoint=endpoint,
            explanation="The write may have executed; reconcile by clientOrderId before doing anything else.",
        )
    return TemporaryError(f"Connection problem: {detail}", endpoint=endpoint)
