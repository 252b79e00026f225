from django.urls import path

from apps.users.api.views import LoginApi, LogoutApi, SessionApi, TokenApi

urlpatterns = [
    path("session/", SessionApi.as_view(), name="auth-session"),
    path("login/", LoginApi.as_view(), name="auth-login"),
    path("logout/", LogoutApi.as_view(), name="auth-logout"),
    path("token/", TokenApi.as_view(), name="auth-token"),
]
