"""`GET /api/streams/health/` (viewer): what the streams process last reported, for the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.streams.conf import streams_config
from apps.streams.health import streams_status
from apps.users.permissions import IsViewer

if TYPE_CHECKING:
    from rest_framework.request import Request


class StreamsHealthApi(APIView):
    permission_classes = (IsViewer,)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        config = streams_config()
        return Response(streams_status().as_dict(down_after_s=config.down_after_s))
