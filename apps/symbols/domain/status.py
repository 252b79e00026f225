"""Whether a symbol takes new orders, and if not, a reason a trader understands."""

from __future__ import annotations

from typing import Final

# What each exchange status means for someone about to place an order (spot and USD-M spellings).
_STATUS_MEANING: Final[dict[str, str]] = {
    "HALT": "trading is halted on Binance",
    "BREAK": "trading is on a break on Binance (often before a delisting or during maintenance)",
    "END_OF_DAY": "the market has closed for the day",
    "CANCEL_ONLY": "Binance accepts only cancellations on it",
    "AUCTION_MATCH": "it is in an auction",
    "PRE_TRADING": "trading has not opened yet",
    "POST_TRADING": "trading has ended",
    "PENDING_TRADING": "the contract is listed but trading has not opened yet",
    "PRE_DELIVERING": "the contract is about to be delivered",
    "DELIVERING": "the contract is being delivered",
    "DELIVERED": "the contract has been delivered",
    "PRE_SETTLE": "the contract is about to be settled",
    "SETTLING": "the contract is being settled",
    "CLOSE": "the contract is closed",
}


def blocked_reason(*, market: str, symbol: str, status: str, is_listed: bool) -> str | None:
    """None when new orders may be placed; otherwise why not, in one sentence."""
    if not is_listed:
        return f"{symbol} is no longer listed on Binance {market}; new orders are blocked."
    if status == "TRADING":
        return None
    meaning = _STATUS_MEANING.get(status, "Binance does not allow trading on it right now")
    return (
        f"New orders on {symbol} ({market}) are blocked: its status is {status}, which means {meaning}. "
        "They resume when Binance reports TRADING again."
    )
