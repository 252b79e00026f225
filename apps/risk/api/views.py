"""Risk API: trading state, kill switch, alerts, dead-man health. Views validate, call one service, render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.risk.api.serializers import (
    DeadmanSerializer,
    KillSwitchInputSerializer,
    KillSwitchRunSerializer,
    RiskAlertSerializer,
    TradingStateInputSerializer,
    TradingStateRowSerializer,
)
from apps.risk.deadman import check_deadman
from apps.risk.domain.state import GLOBAL
from apps.risk.selectors import (
    deadman_status,
    kill_switch_run_list,
    risk_alert_list,
    trading_state_effective,
    trading_state_history,
    trading_state_rows,
)
from apps.risk.services import (
    RiskActionInvalid,
    RiskActionRefused,
    kill_switch_engage,
    kill_switch_release,
    trading_state_set,
)
from apps.users.permissions import IsTrader, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


def _call(fn: Any, **kwargs: Any) -> Any:
    """Run a service; its refusals become 403 (role) and 400 (request)."""
    try:
        return fn(**kwargs)
    except RiskActionRefused as exc:
        raise PermissionDenied(str(exc)) from None
    except RiskActionInvalid as exc:
        raise ValidationError({"detail": str(exc)}) from None


class TradingStateApi(APIView):
    """GET (viewer): current states and recent history. POST (trader tightens, admin any): set one scope."""

    def get_permissions(self) -> list[BasePermission]:
        return [IsTrader()] if self.request.method == "POST" else [IsViewer()]

    @extend_schema(summary="Trading states: effective per market, every scope set, recent history")
    def get(self, request: Request) -> Response:
        rows = trading_state_rows()
        effective = {
            market: trading_state_effective(market=market, symbol="").state for market in ("SPOT", "USDM")
        }
        current = rows.get(GLOBAL)
        return Response(
            {
                "global": current.state if current is not None else "ACTIVE",
                "effective": effective,
                "scopes": TradingStateRowSerializer(
                    sorted(rows.values(), key=lambda r: (r.market, r.symbol)), many=True
                ).data,
                "history": TradingStateRowSerializer(trading_state_history(), many=True).data,
            }
        )

    @extend_schema(
        summary="Set the trading state of a scope (a trader may only tighten; reason required; audited)",
        request=TradingStateInputSerializer,
        responses={201: TradingStateRowSerializer},
    )
    def post(self, request: Request) -> Response:
        data = TradingStateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = _call(
            trading_state_set,
            actor=request.user,
            scope=data.validated_data["scope"],
            state=data.validated_data["state"],
            reason=data.validated_data["reason"],
        )
        return Response(TradingStateRowSerializer(row).data, status=status.HTTP_201_CREATED)


class KillSwitchApi(APIView):
    """GET (viewer): latest runs with their report. POST (trader engages, admin releases)."""

    def get_permissions(self) -> list[BasePermission]:
        return [IsTrader()] if self.request.method == "POST" else [IsViewer()]

    @extend_schema(
        summary="Latest kill switch runs, with steps and final report",
        responses=KillSwitchRunSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        runs = kill_switch_run_list(limit=10).prefetch_related("steps")
        return Response(KillSwitchRunSerializer(runs, many=True).data)

    @extend_schema(
        summary="Engage (HALT the scope now, cancel everything in it, optionally close) or release (admin)",
        request=KillSwitchInputSerializer,
        responses={200: KillSwitchRunSerializer, 202: KillSwitchRunSerializer},
    )
    def post(self, request: Request) -> Response:
        data = KillSwitchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["action"] == "release":
            row = _call(kill_switch_release, actor=request.user, scope=v["scope"], reason=v["reason"])
            return Response({"released": True, "state": TradingStateRowSerializer(row).data})
        engagement = _call(
            kill_switch_engage,
            actor=request.user,
            scope=v["scope"],
            close_positions=v["close_positions"],
            reason=v["reason"],
        )
        code = status.HTTP_202_ACCEPTED if engagement.created else status.HTTP_200_OK
        return Response(KillSwitchRunSerializer(engagement.run).data, status=code)


class RiskAlertListApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(
        summary="Risk alerts, newest first (?open=1: unresolved only)",
        responses=RiskAlertSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        open_only = request.query_params.get("open") in ("1", "true", "yes")
        return Response(RiskAlertSerializer(risk_alert_list(open_only=open_only), many=True).data)


class DeadmanApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(
        summary="The USD-M dead-man heartbeat: symbols covered, last success, last error",
        responses=DeadmanSerializer,
    )
    def get(self, request: Request) -> Response:
        body = deadman_status()
        try:
            check_deadman()
            body |= {"healthy": True, "problem": ""}
        except RuntimeError as exc:
            body |= {"healthy": False, "problem": str(exc)}
        return Response(DeadmanSerializer(body).data)
