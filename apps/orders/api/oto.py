"""POST /api/orders/ with type OTO or OTOCO: the input serializers and the handler the orders view calls.

OTO: `working` and `pending` legs, each with its own side and quantity.
OTOCO: a `working` leg, then `pending_side`, `pending_quantity` and `pending_above`/`pending_below` legs
(an OCO pair the exchange places once the working order fills). Answers with every leg, like OCO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.orders.api.fields import DecimalStringField
from apps.orders.api.serializers import (
    _CLIENT_ID,
    OCO_LEG_TYPES,
    OcoLegInputSerializer,
    OrderListOutputSerializer,
    _OptionalDecimal,
)
from apps.orders.domain.intent import PlacementIntent, field_errors
from apps.orders.lists_oto import order_oto_place
from apps.orders.placement import OrderRefused

if TYPE_CHECKING:
    from rest_framework.request import Request

WORKING_TYPES: Final = ("LIMIT", "LIMIT_MAKER")
PENDING_TYPES: Final = ("LIMIT", "MARKET", *OCO_LEG_TYPES)


class _LegInputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["BUY", "SELL"])
    quantity = DecimalStringField()
    price = _OptionalDecimal()
    stop_price = _OptionalDecimal()
    trailing_delta = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=20000)
    time_in_force = serializers.ChoiceField(choices=["GTC", "IOC", "FOK"], required=False, allow_blank=True)


class WorkingLegInputSerializer(_LegInputSerializer):
    type = serializers.ChoiceField(choices=WORKING_TYPES)


class PendingLegInputSerializer(_LegInputSerializer):
    type = serializers.ChoiceField(choices=PENDING_TYPES)


class _ListInputSerializer(serializers.Serializer):
    market = serializers.ChoiceField(choices=["SPOT"])
    symbol = serializers.RegexField(r"^[A-Za-z0-9]{2,32}$")
    client_order_id = serializers.RegexField(_CLIENT_ID, required=False, allow_blank=True)
    working = WorkingLegInputSerializer()

    leg_names: tuple[str, ...] = ()

    def validate_market(self, value: str) -> str:
        return value.upper()

    def leg_values(self, attrs: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {name: attrs[name] for name in self.leg_names}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        for name, leg in self.leg_values(attrs).items():
            given = {k: v for k, v in leg.items() if k not in ("type", "side") and v not in (None, "")}
            for field, messages in field_errors("SPOT", leg["type"], given).items():
                errors[f"{name}.{field}"] = messages
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def legs(self) -> list[PlacementIntent]:
        symbol = self.validated_data["symbol"].upper()

        def leg(values: dict[str, Any]) -> PlacementIntent:
            return PlacementIntent(
                market="SPOT",
                symbol=symbol,
                side=values["side"],
                type=values["type"],
                quantity=values["quantity"],
                price=values.get("price"),
                stop_price=values.get("stop_price"),
                trailing_delta=values.get("trailing_delta"),
                time_in_force=values.get("time_in_force")
                or ("GTC" if values["type"] == "LIMIT" or values["type"].endswith("_LIMIT") else ""),
            )

        return [leg(values) for values in self.leg_values(self.validated_data).values()]


class OtoPlaceInputSerializer(_ListInputSerializer):
    type = serializers.ChoiceField(choices=["OTO"])
    pending = PendingLegInputSerializer()

    leg_names = ("working", "pending")


class OtocoPlaceInputSerializer(_ListInputSerializer):
    type = serializers.ChoiceField(choices=["OTOCO"])
    pending_side = serializers.ChoiceField(choices=["BUY", "SELL"])
    pending_quantity = DecimalStringField()
    pending_above = OcoLegInputSerializer()
    pending_below = OcoLegInputSerializer()

    leg_names = ("working", "pending_above", "pending_below")

    def leg_values(self, attrs: dict[str, Any]) -> dict[str, dict[str, Any]]:
        shared = {"side": attrs["pending_side"], "quantity": attrs["pending_quantity"]}
        return {
            "working": attrs["working"],
            "pending_above": {**attrs["pending_above"], **shared},
            "pending_below": {**attrs["pending_below"], **shared},
        }


SERIALIZERS: Final = {"OTO": OtoPlaceInputSerializer, "OTOCO": OtocoPlaceInputSerializer}


def place_oto_list(request: Request, key: str) -> Response:
    """Validate, place (PENDING_NEW legs + one submission after commit) and answer with every leg."""
    data = SERIALIZERS[request.data["type"]](data=request.data)
    data.is_valid(raise_exception=True)
    try:
        placed = order_oto_place(
            actor=request.user,
            contingency=data.validated_data["type"],
            legs=data.legs(),
            idempotency_key=key or data.validated_data.get("client_order_id", ""),
        )
    except OrderRefused as refused:
        raise ValidationError(refused.errors) from refused
    first = placed.orders[0]
    body = {
        "list_client_order_id": first.list_client_order_id,
        "contingency_type": first.contingency_type,
        "orders": placed.orders,
    }
    code = status.HTTP_202_ACCEPTED if placed.created else status.HTTP_200_OK
    return Response(OrderListOutputSerializer(body).data, status=code)
