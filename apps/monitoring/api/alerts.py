"""Alerts (`/api/alerts/`: list, summary, detail with history, acknowledge, resolve) and alert rules
(`/api/alert-rules/`: CRUD, evaluate now). Any role reads; trader acknowledges and resolves; admin changes
rules. Bad input is a 400 with field-level messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.monitoring.alerts.evaluation import evaluate_rules
from apps.monitoring.alerts.selectors import (
    STATE_FILTERS,
    alert_get,
    alert_history,
    alert_list,
    alert_summary,
    rule_list,
)
from apps.monitoring.alerts.services import (
    NOTE_MAX,
    AlertStateError,
    RuleInvalid,
    alert_acknowledge,
    alert_resolve,
    rule_create,
    rule_delete,
    rule_update,
)
from apps.monitoring.models import Alert, AlertRule
from apps.monitoring.models.alerts import RuleType, Severity
from apps.users.permissions import IsAdminRole, IsTrader, IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request


class AlertPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


# ---------------------------------------------------------------- serializers


class AlertOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.IntegerField(source="rule_id", allow_null=True)
    rule_name = serializers.SerializerMethodField()
    rule_type = serializers.SerializerMethodField()
    key = serializers.CharField()
    title = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.CharField()
    state = serializers.CharField()
    opened_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.SerializerMethodField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    last_value = serializers.JSONField(allow_null=True)
    labels = serializers.JSONField()

    def get_rule_name(self, alert: Alert) -> str | None:
        return alert.rule.name if alert.rule is not None else None

    def get_rule_type(self, alert: Alert) -> str | None:
        if alert.rule is not None:
            return alert.rule.rule_type
        return (alert.labels or {}).get("rule_type") if isinstance(alert.labels, dict) else None

    def get_acknowledged_by(self, alert: Alert) -> str | None:
        return alert.acknowledged_by.get_username() if alert.acknowledged_by is not None else None


class AlertEventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    actor = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_actor(self, event: Any) -> str | None:
        return event.actor.get_username() if event.actor is not None else None


class AlertDetailOutputSerializer(AlertOutputSerializer):
    history = serializers.SerializerMethodField()

    def get_history(self, alert: Alert) -> list[dict[str, Any]]:
        return AlertEventOutputSerializer(alert_history(alert), many=True).data  # type: ignore[return-value]


class AlertListInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATE_FILTERS, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.values, required=False, allow_blank=True)
    rule_type = serializers.ChoiceField(choices=RuleType.values, required=False, allow_blank=True)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, trim_whitespace=True)


class SummaryOutputSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    by_severity = serializers.DictField(child=serializers.IntegerField())


class RuleOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rule_type = serializers.CharField()
    params = serializers.JSONField()
    severity = serializers.CharField()
    for_duration_s = serializers.IntegerField()
    cooldown_s = serializers.IntegerField()
    enabled = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    pending_since = serializers.DateTimeField(allow_null=True)
    last_evaluated_at = serializers.DateTimeField(allow_null=True)
    last_value = serializers.JSONField(allow_null=True)
    last_error = serializers.CharField()


_WEEK_S = 7 * 86400


class RuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    rule_type = serializers.ChoiceField(choices=RuleType.values)
    params = serializers.JSONField(required=False)
    severity = serializers.ChoiceField(choices=Severity.values, required=False)
    for_duration_s = serializers.IntegerField(min_value=0, max_value=_WEEK_S, required=False)
    cooldown_s = serializers.IntegerField(min_value=0, max_value=_WEEK_S, required=False)
    enabled = serializers.BooleanField(required=False)


class EvaluateInputSerializer(serializers.Serializer):
    rule_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class OutcomeOutputSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule_id")
    action = serializers.CharField()
    error = serializers.CharField()


# ---------------------------------------------------------------- alerts


class AlertListApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Alerts, newest first (active = open + acknowledged)",
        parameters=[AlertListInputSerializer, OpenApiParameter("page", int)],
        responses=AlertOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = AlertListInputSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paginator = AlertPagination()
        page = paginator.paginate_queryset(alert_list(**filters.validated_data), request, view=self)
        return paginator.get_paginated_response(AlertOutputSerializer(page, many=True).data)


class AlertSummaryApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(summary="Counts of the active alerts", responses=SummaryOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(SummaryOutputSerializer(alert_summary()).data)


class AlertDetailApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(summary="One alert with its history", responses=AlertDetailOutputSerializer)
    def get(self, request: Request, alert_id: int) -> Response:
        try:
            alert = alert_get(alert_id)
        except Alert.DoesNotExist:
            return Response({"detail": "No such alert."}, status=status.HTTP_404_NOT_FOUND)
        return Response(AlertDetailOutputSerializer(alert).data)


class _AlertActionApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsTrader]
    service: ClassVar[Any]

    def post(self, request: Request, alert_id: int) -> Response:
        body = NoteInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            type(self).service(
                alert_id=alert_id, actor=request.user, note=body.validated_data.get("note", "")
            )
        except Alert.DoesNotExist:
            return Response({"detail": "No such alert."}, status=status.HTTP_404_NOT_FOUND)
        except AlertStateError as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(AlertOutputSerializer(alert_get(alert_id)).data)


class AlertAcknowledgeApi(_AlertActionApi):
    service = staticmethod(alert_acknowledge)

    @extend_schema(
        summary="Acknowledge an open alert (trader)",
        request=NoteInputSerializer,
        responses=AlertOutputSerializer,
    )
    def post(self, request: Request, alert_id: int) -> Response:
        return super().post(request, alert_id)


class AlertResolveApi(_AlertActionApi):
    service = staticmethod(alert_resolve)

    @extend_schema(
        summary="Resolve an open or acknowledged alert (trader)",
        request=NoteInputSerializer,
        responses=AlertOutputSerializer,
    )
    def post(self, request: Request, alert_id: int) -> Response:
        return super().post(request, alert_id)


# ---------------------------------------------------------------- rules


class _ReadViewerWriteAdmin(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [IsViewer()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsAdminRole()]


class RuleListApi(_ReadViewerWriteAdmin):
    @extend_schema(summary="Every alert rule", responses=RuleOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(RuleOutputSerializer(rule_list(), many=True).data)

    @extend_schema(
        summary="Create an alert rule (admin)",
        request=RuleInputSerializer,
        responses={201: RuleOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        body = RuleInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            rule = rule_create(actor=request.user, data=dict(body.validated_data))
        except RuleInvalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(RuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(_ReadViewerWriteAdmin):
    @extend_schema(summary="One alert rule", responses=RuleOutputSerializer)
    def get(self, request: Request, rule_id: int) -> Response:
        rule = AlertRule.objects.filter(pk=rule_id).first()
        if rule is None:
            return Response({"detail": "No such rule."}, status=status.HTTP_404_NOT_FOUND)
        return Response(RuleOutputSerializer(rule).data)

    def _update(self, request: Request, rule_id: int, *, partial: bool) -> Response:
        body = RuleInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        try:
            rule = rule_update(actor=request.user, rule_id=rule_id, changes=dict(body.validated_data))
        except AlertRule.DoesNotExist:
            return Response({"detail": "No such rule."}, status=status.HTTP_404_NOT_FOUND)
        except RuleInvalid as error:
            return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(RuleOutputSerializer(rule).data)

    @extend_schema(
        summary="Replace an alert rule (admin)", request=RuleInputSerializer, responses=RuleOutputSerializer
    )
    def put(self, request: Request, rule_id: int) -> Response:
        return self._update(request, rule_id, partial=False)

    @extend_schema(
        summary="Change an alert rule (admin)", request=RuleInputSerializer, responses=RuleOutputSerializer
    )
    def patch(self, request: Request, rule_id: int) -> Response:
        return self._update(request, rule_id, partial=True)

    @extend_schema(summary="Delete an alert rule (admin); its alerts stay", responses={204: None})
    def delete(self, request: Request, rule_id: int) -> Response:
        try:
            rule_delete(actor=request.user, rule_id=rule_id)
        except AlertRule.DoesNotExist:
            return Response({"detail": "No such rule."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleEvaluateApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsAdminRole]

    @extend_schema(
        summary="Evaluate the enabled rules now (admin)",
        request=EvaluateInputSerializer,
        responses=OutcomeOutputSerializer(many=True),
    )
    def post(self, request: Request) -> Response:
        body = EvaluateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = evaluate_rules(rule_ids=body.validated_data.get("rule_ids"))
        return Response({"results": OutcomeOutputSerializer(outcomes, many=True).data})


alert_urlpatterns = [
    path("alerts/", AlertListApi.as_view(), name="alerts"),
    path("alerts/summary/", AlertSummaryApi.as_view(), name="alerts-summary"),
    path("alerts/<int:alert_id>/", AlertDetailApi.as_view(), name="alert-detail"),
    path("alerts/<int:alert_id>/acknowledge/", AlertAcknowledgeApi.as_view(), name="alert-acknowledge"),
    path("alerts/<int:alert_id>/resolve/", AlertResolveApi.as_view(), name="alert-resolve"),
    path("alert-rules/", RuleListApi.as_view(), name="alert-rules"),
    path("alert-rules/evaluate/", RuleEvaluateApi.as_view(), name="alert-rules-evaluate"),
    path("alert-rules/<int:rule_id>/", RuleDetailApi.as_view(), name="alert-rule-detail"),
]
