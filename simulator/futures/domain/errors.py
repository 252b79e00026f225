"""Futures rejections as Binance codes; the API layer turns them into core's BinanceError."""

from __future__ import annotations


class FuturesError(Exception):
    def __init__(self, code: int, msg: str, status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status


def margin_insufficient() -> FuturesError:
    return FuturesError(-2019, "Margin is insufficient.")


def reduce_only_rejected() -> FuturesError:
    return FuturesError(-2022, "ReduceOnly Order is rejected.")


def position_side_mismatch() -> FuturesError:
    return FuturesError(-4061, "Order's position side does not match user's setting.")


def order_not_found() -> FuturesError:
    return FuturesError(-2013, "Order does not exist.")


def unknown_order() -> FuturesError:
    return FuturesError(-2011, "Unknown order sent.")


def algo_type_on_order_endpoint() -> FuturesError:
    return FuturesError(
        -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."
    )
