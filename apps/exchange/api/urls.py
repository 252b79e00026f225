from django.urls import path

from apps.exchange.api.views import (
    CredentialActionApi,
    CredentialListCreateApi,
    CredentialRotateApi,
    ExchangeStatusApi,
)

urlpatterns = [
    path("status/", ExchangeStatusApi.as_view(), name="exchange-status"),
    path("credentials/", CredentialListCreateApi.as_view(), name="exchange-credentials"),
    path("credentials/rotate/", CredentialRotateApi.as_view(), name="exchange-credential-rotate"),
    *(
        path(
            f"credentials/<int:pk>/{action}/",
            CredentialActionApi.as_view(action_name=action),
            name=f"exchange-credential-{action}",
        )
        for action in ("verify", "activate", "retire")
    ),
]
