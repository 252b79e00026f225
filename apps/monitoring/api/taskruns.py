"""Task runs API: GET /api/task-runs/ (filtered, paged, newest first) and GET /api/task-runs/{task_id}/.

Readable by any role. The list leaves out tracebacks (they can be long); the detail has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.monitoring.models import TaskRun, TaskState
from apps.monitoring.taskruns.selectors import taskrun_list
from apps.users.permissions import IsViewer

if TYPE_CHECKING:
    from rest_framework.permissions import BasePermission
    from rest_framework.request import Request

_LIST_FIELDS = (
    "task_id",
    "name",
    "state",
    "args",
    "kwargs",
    "queued_at",
    "started_at",
    "finished_at",
    "duration_ms",
    "queue_wait_ms",
    "worker",
    "request_id",
    "retries",
    "error_type",
    "error_message",
)


class TaskRunListInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, max_length=200)
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)
    since = serializers.DateTimeField(required=False)


class TaskRunOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskRun
        fields = _LIST_FIELDS


class TaskRunDetailOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskRun
        fields = (*_LIST_FIELDS, "traceback")


class TaskRunPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class TaskRunListApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(
        summary="Celery task runs, newest first",
        parameters=[
            OpenApiParameter("name", str, description="task name, exactly (e.g. orders.submit)"),
            OpenApiParameter("state", str, enum=list(TaskState.values)),
            OpenApiParameter("since", str, description="ISO 8601 time; runs finished from then on"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=TaskRunOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = TaskRunListInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = TaskRunPagination()
        page = paginator.paginate_queryset(taskrun_list(**params.validated_data), request, view=self)
        return paginator.get_paginated_response(TaskRunOutputSerializer(page, many=True).data)


class TaskRunDetailApi(APIView):
    permission_classes: ClassVar[list[type[BasePermission]]] = [IsViewer]

    @extend_schema(summary="One task run, with its traceback", responses=TaskRunDetailOutputSerializer)
    def get(self, request: Request, task_id: str) -> Response:
        row = TaskRun.objects.filter(task_id=task_id).first()
        if row is None:
            raise Http404
        return Response(TaskRunDetailOutputSerializer(row).data)


urlpatterns = [
    path("task-runs/", TaskRunListApi.as_view(), name="task-run-list"),
    path("task-runs/<str:task_id>/", TaskRunDetailApi.as_view(), name="task-run-detail"),
]
