"""Decimal fields for the orders API: decimals travel as plain strings, never as JSON numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Digits with an optional fraction: no sign, exponent, NaN, Infinity, hex or thousands separators. A JSON
# number is refused too: by the time it reaches us it may already have been through a binary float.
_PLAIN: Final = re.compile(r"^[0-9]{1,18}(\.[0-9]{1,18})?$")


DECIMAL_SCHEMA: Final = {"type": "string", "format": "decimal", "pattern": _PLAIN.pattern, "example": "0.001"}


@extend_schema_field(DECIMAL_SCHEMA)
class DecimalStringField(serializers.Field):
    """A positive decimal sent as a string such as "0.001"; rendered back as its plain string."""

    default_error_messages = {
        "not_string": 'Send decimals as strings, e.g. "0.001", not as JSON numbers.',
        "invalid": 'Not a plain decimal number: use digits and one optional point, e.g. "0.001".',
        "not_positive": "Must be greater than zero.",
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_string")
        text = data.strip()
        if not _PLAIN.match(text):
            self.fail("invalid")
        value = Decimal(text)
        if value <= 0:
            self.fail("not_positive")
        return value

    def to_representation(self, value: Decimal) -> str:
        return plain_decimal(value)


def plain_decimal(value: Decimal | int) -> str:
    """ "0.001000000000000000" → "0.001"; whole numbers keep no exponent ("100", not "1E+2").

    An int arrives from a model default (executed quantity 0) on a row not re-read since its insert."""
    normalized = Decimal(value).normalize()
    return format(normalized, "f")
