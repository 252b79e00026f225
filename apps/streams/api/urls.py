from django.urls import path

from apps.streams.api.views import StreamsHealthApi

urlpatterns = [
    path("health/", StreamsHealthApi.as_view(), name="streams-health"),
]
