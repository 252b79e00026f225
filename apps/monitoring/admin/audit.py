"""The audit trail in the back office: read-only for everyone, with filters (actor, action, object type,
time range), a per-object history with before/after diffs, CSV export of what is filtered, and the hash
chain's verification (last result, "Verify now") on the list."""

from __future__ import annotations

import csv
import json
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from apps.monitoring.audit_review.diff import field_changes
from apps.monitoring.audit_review.services import audit_verification_run
from apps.monitoring.models import AuditEvent, AuditVerification, VerificationTrigger
from apps.monitoring.selectors import audit_verification_latest

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse
    from django.urls import URLPattern

CSV_COLUMNS = (
    "id", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
    "request_id", "before", "after", "prev_hash", "hash",
)  # fmt: skip
# Spreadsheets run a cell starting with these as a formula; text from users must not become one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _parse_bound(raw: str, *, end: bool) -> datetime:
    """A date (the whole day) or a date and time; naive values are in the site's time zone."""
    day = parse_date(raw)  # first: a bare date would also parse as a date-time at midnight
    if day is not None:
        moment = datetime.combine(day, time.max if end else time.min)
    else:
        parsed = parse_datetime(raw)
        if parsed is None:
            raise ValueError(raw)
        moment = parsed
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class CreatedRangeFilter(admin.FieldListFilter):
    """created_at from/to (inclusive), typed as dates or date-times."""

    template = "admin/monitoring/date_range_filter.html"

    def __init__(
        self, field: Any, request: HttpRequest, params: Any, model: Any, model_admin: Any, field_path: str
    ):
        self.lookup_from = f"{field_path}__from"
        self.lookup_to = f"{field_path}__to"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.value_from = _single(self.used_parameters.get(self.lookup_from))
        self.value_to = _single(self.used_parameters.get(self.lookup_to))

    def expected_parameters(self) -> list[str]:
        return [self.lookup_from, self.lookup_to]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        try:
            if self.value_from:
                start = _parse_bound(self.value_from, end=False)
                queryset = queryset.filter(**{f"{self.field_path}__gte": start})
            if self.value_to:
                end = _parse_bound(self.value_to, end=True)
                queryset = queryset.filter(**{f"{self.field_path}__lte": end})
        except ValueError as exc:
            raise IncorrectLookupParameters(f"not a date: {exc}") from exc
        return queryset

    def choices(self, changelist: Any) -> Iterable[dict[str, Any]]:
        # The template renders a small form; the hidden fields keep every other filter applied.
        others = {
            k: v for k, v in changelist.get_filters_params().items() if k not in self.expected_parameters()
        }
        yield {
            "from_name": self.lookup_from,
            "to_name": self.lookup_to,
            "from_value": self.value_from or "",
            "to_value": self.value_to or "",
            "others": [(k, _single(v)) for k, v in others.items()],
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
        }


def _single(value: Any) -> str | None:
    # Django 5 hands filter parameters over as lists.
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV text, row by row, read in chunks: an export of the whole trail never sits in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in events.iterator(chunk_size=2000):
        text = [_cell(v) for v in (e.actor_label, e.action, e.target_type, e.target_id, e.request_id)]
        row = [e.pk, e.created_at.isoformat(), e.actor_id or "", *text, _json(e.before), _json(e.after)]
        yield writer.writerow([*row, e.prev_hash, e.hash])


def csv_response(events: QuerySet[AuditEvent]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    return response


@admin.action(description="Export selected events to CSV", permissions=["view"])
def export_selected_csv(
    modeladmin: AuditEventAdmin, request: HttpRequest, queryset: QuerySet[AuditEvent]
) -> StreamingHttpResponse:
    return csv_response(queryset.order_by("id"))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "actor_label", "action", "target", "request_id", "history")
    list_display_links = ("id",)
    list_filter = (
        "actor_label",
        "action",
        "target_type",
        ("created_at", CreatedRangeFilter),
    )
    search_fields = ("target_id", "request_id", "action", "actor_label", "=hash")
    search_help_text = "Object id, request id, action, actor or hash."
    date_hierarchy = "created_at"
    ordering = ("-id",)
    list_per_page = 100
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)
    actions = (export_selected_csv,)

    # ------------------------------------------------------------------ read-only for everyone
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # ------------------------------------------------------------------ columns
    @admin.display(description="Object", ordering="target_type")
    def target(self, obj: AuditEvent) -> str:
        if not obj.target_type and not obj.target_id:
            return "—"
        return format_html(
            '<a href="{}" title="Every event of this object">{} {}</a>',
            self._history_url(obj.target_type, obj.target_id),
            obj.target_type,
            obj.target_id,
        )

    @admin.display(description="History")
    def history(self, obj: AuditEvent) -> str:
        if not obj.target_type and not obj.target_id:
            return ""
        return format_html('<a href="{}">history</a>', self._history_url(obj.target_type, obj.target_id))

    def _history_url(self, target_type: str, target_id: str) -> str:
        return reverse(
            "admin:monitoring_auditevent_object_events",
            kwargs={"target_type": target_type or "-", "target_id": target_id or "-"},
        )

    # ------------------------------------------------------------------ extra views
    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                "history/<str:target_type>/<path:target_id>/",
                wrap(self.object_events_view),
                name="monitoring_auditevent_object_events",
            ),
            path("export/", wrap(self.export_view), name="monitoring_auditevent_export"),
            path("verify/", wrap(require_POST(self.verify_view)), name="monitoring_auditevent_verify"),
        ]
        return own + super().get_urls()

    def object_events_view(self, request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
        """Every event of one object, oldest first, each with what it changed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        target_type = "" if target_type == "-" else target_type
        target_id = "" if target_id == "-" else target_id
        events = AuditEvent.objects.filter(target_type=target_type, target_id=target_id).order_by("id")
        rows = [{"event": e, "changes": field_changes(e.before, e.after)} for e in events]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"History of {target_type or '(no type)'} {target_id or '(no id)'}",
            "target_type": target_type,
            "target_id": target_id,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/monitoring/audit_object_history.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The whole filtered list as CSV: the same filters and search as the list it was clicked on."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return csv_response(changelist.get_queryset(request).order_by("id"))

    def verify_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        verification = audit_verification_run(triggered_by=VerificationTrigger.ADMIN)
        level = messages.SUCCESS if verification.ok else messages.ERROR
        self.message_user(request, verification.message, level=level)
        return HttpResponseRedirect(reverse("admin:monitoring_auditevent_changelist"))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        query = request.GET.copy()
        context = {
            **(extra_context or {}),
            "verification": audit_verification_latest(),
            "export_query": query.urlencode(),
        }
        return super().changelist_view(request, extra_context=context)


@admin.register(AuditVerification)
class AuditVerificationAdmin(admin.ModelAdmin):
    list_display = ("verified_at", "ok", "events", "broken_at_id", "triggered_by", "duration_ms", "message")
    list_filter = ("ok", "triggered_by")
    date_hierarchy = "verified_at"
    ordering = ("-verified_at", "-id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
