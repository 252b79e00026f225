"""Typed readers over a request's parameters that fail the way Binance fails.

Auth builds one `Params` per request from the query string plus the form body. Handlers read what they
accept and call `finish()`; anything sent but never read is -1104, as on Binance.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Literal, overload
from urllib.parse import parse_qsl

from simulator.errors import BinanceError, illegal_chars, invalid_symbol, mandatory

if TYPE_CHECKING:
    from collections.abc import Iterable

    from simulator.symbols import SymbolRegistry, SymbolSpec

DECIMAL_RE = re.compile(r"^([0-9]{1,20})(\.[0-9]{1,20})?$")
DECIMAL_LEGAL = "^([0-9]{1,20})(\\.[0-9]{1,20})?$"
INT_RE = re.compile(r"^-?[0-9]{1,20}$")
INT_LEGAL = "^[0-9]{1,20}$"
SYMBOL_RE = re.compile(r"^[A-Z0-9\-_.]{1,20}$")
SYMBOL_LEGAL = "^[A-Z0-9-_.]{1,20}$"

Market = Literal["spot", "futures"]


def parse_pairs(text: str) -> list[tuple[str, str]]:
    # keep_blank_values: "symbol=" must be seen (and rejected) rather than silently dropped.
    return parse_qsl(text, keep_blank_values=True)


class Params:
    """Parameters of one request; readers record what was read so `finish()` can spot extras."""

    def __init__(self, pairs: Iterable[tuple[str, str]], symbols: SymbolRegistry | None = None) -> None:
        self._values: dict[str, str] = {}
        for key, value in pairs:
            if key in self._values:
                raise BinanceError(-1101, "Duplicate values for a parameter detected.")
            self._values[key] = value
        self._read: set[str] = set()
        self._symbols = symbols

    @classmethod
    def from_dict(cls, values: dict[str, object], symbols: SymbolRegistry | None = None) -> Params:
        """For the WebSocket API, whose params arrive as a JSON object."""
        pairs: list[tuple[str, str]] = []
        for key, value in values.items():
            if isinstance(value, bool):
                pairs.append((key, "true" if value else "false"))
            elif isinstance(value, (list, dict)):
                pairs.append((key, json.dumps(value, separators=(",", ":"))))
            elif value is None:
                continue
            else:
                pairs.append((key, str(value)))
        return cls(pairs, symbols)

    # -- plumbing ------------------------------------------------------------------------------------
    def __contains__(self, name: str) -> bool:
        return name in self._values

    def names(self) -> list[str]:
        return list(self._values)

    def as_dict(self) -> dict[str, str]:
        return dict(self._values)

    def raw(self, name: str) -> str | None:
        """The value without marking it read (for logging and fault injection)."""
        return self._values.get(name)

    def mark_read(self, *names: str) -> None:
        self._read.update(names)

    def finish(self) -> None:
        unread = [name for name in self._values if name not in self._read]
        if unread:
            raise BinanceError(
                -1104,
                f"Not all sent parameters were read; read '{len(self._read & self._values.keys())}' "
                f"parameter(s) but was sent '{len(self._values)}'.",
            )

    def _take(self, name: str, *, required: bool) -> str | None:
        self._read.add(name)
        value = self._values.get(name)
        if value is None:
            if required:
                raise mandatory(name)
            return None
        if value == "":
            if required:
                raise mandatory(name)
            raise BinanceError(-1105, f"Parameter '{name}' was empty.")
        return value

    # -- typed readers -------------------------------------------------------------------------------
    @overload
    def str(self, name: str, required: Literal[True] = True) -> str: ...  # noqa: FBT002
    @overload
    def str(self, name: str, required: bool) -> str | None: ...  # noqa: FBT001
    def str(self, name: str, required: bool = True) -> str | None:  # noqa: FBT001, FBT002
        return self._take(name, required=required)

    @overload
    def decimal(self, name: str, required: Literal[True] = True, *, positive: bool = ...) -> Decimal: ...  # noqa: FBT002
    @overload
    def decimal(self, name: str, required: bool, *, positive: bool = ...) -> Decimal | None: ...  # noqa: FBT001
    def decimal(self, name: str, required: bool = True, *, positive: bool = False) -> Decimal | None:  # noqa: FBT001, FBT002
        value = self._take(name, required=required)
        if value is None:
            return None
        if not DECIMAL_RE.match(value):
            raise illegal_chars(name, DECIMAL_LEGAL)
        try:
            number = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the regex already guarantees a valid literal
            raise illegal_chars(name, DECIMAL_LEGAL) from None
        if positive and number <= 0:
            raise illegal_chars(name, "> 0")
        return number

    @overload
    def int(
        self,
        name: str,
        required: Literal[True] = True,  # noqa: FBT002
        *,
        default: None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int: ...
    @overload
    def int(
        self,
        name: str,
        required: bool,  # noqa: FBT001
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None: ...
    def int(
        self,
        name: str,
        required: bool = True,  # noqa: FBT001, FBT002
        *,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self._take(name, required=required and default is None)
        if value is None:
            return default
        if not INT_RE.match(value):
            raise illegal_chars(name, INT_LEGAL)
        number = int(value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return number

    def bool(self, name: str, *, default: bool = False) -> bool:
        value = self._take(name, required=False)
        if value is None:
            return default
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return lowered == "true"

    @overload
    def enum(
        self,
        name: str,
        allowed: Iterable[str],
        required: Literal[True] = True,  # noqa: FBT002
        *,
        default: None = None,
        error: BinanceError | None = None,
    ) -> str: ...
    @overload
    def enum(
        self,
        name: str,
        allowed: Iterable[str],
        required: bool,
        *,
        default: str | None = None,
        error: BinanceError | None = None,
    ) -> str | None: ...
    def enum(
        self,
        name: str,
        allowed: Iterable[str],
        required: bool = True,  # noqa: FBT002
        *,
        default: str | None = None,
        error: BinanceError | None = None,
    ) -> str | None:
        value = self._take(name, required=required and default is None)
        if value is None:
            return default
        if value not in set(allowed):
            raise error or BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return value

    def json_list(self, name: str, required: bool = True) -> list[str] | None:  # noqa: FBT002
        """A JSON array of strings such as `symbols=["BTCUSDT","ETHUSDT"]`."""
        value = self._take(name, required=required)
        if value is None:
            return None
        try:
            parsed = json.loads(value)
        except ValueError:
            raise illegal_chars(name, '["A","B"]') from None
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed) or not parsed:
            raise illegal_chars(name, '["A","B"]')
        return parsed

    @overload
    def symbol(self, name: str, market: Market, required: Literal[True] = True) -> SymbolSpec: ...  # noqa: FBT002
    @overload
    def symbol(self, name: str, market: Market, required: bool) -> SymbolSpec | None: ...
    def symbol(self, name: str, market: Market, required: bool = True) -> SymbolSpec | None:  # noqa: FBT002
        value = self._take(name, required=required)
        if value is None:
            return None
        return self.resolve_symbol(name, value, market)

    def symbols_list(self, name: str, market: Market) -> list[SymbolSpec] | None:
        values = self.json_list(name, required=False)
        if values is None:
            return None
        return [self.resolve_symbol(name, value, market) for value in values]

    def resolve_symbol(self, name: str, value: str, market: Market) -> SymbolSpec:
        if market == "futures":
            # USD-M upper-cases symbols itself; spot insists on the canonical spelling.
            value = value.upper()
        if not SYMBOL_RE.match(value):
            raise illegal_chars(name, SYMBOL_LEGAL)
        if self._symbols is None:
            raise invalid_symbol()
        return self._symbols.get(market, value)
