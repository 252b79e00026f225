"""Credential lifecycle: add (encrypted), verify, activate (atomic, audited), retire, master-key rotation,
bootstrap from the environment."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError

from apps.exchange import selectors, services
from apps.exchange.crypto import generate_key_text
from apps.exchange.domain.errors import AuthError, ConfigurationError
from apps.exchange.models import ApiCredential, CredentialStatus
from apps.monitoring.models import AuditEvent

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
ACCOUNT = {"canTrade": True, "canWithdraw": True, "permissions": ["SPOT"], "balances": []}


class StubPipeline:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, Any]] = []

    def call(self, name: str, params: Any = None, **kw: Any) -> Any:
        self.calls.append((name, kw.get("credential")))
        answer = self.answers[name]
        if isinstance(answer, Exception):
            raise answer
        return answer


def _rt(**answers: Any) -> Any:
    defaults: dict[str, Any] = {
        "spot.account": ACCOUNT,
        "futures.account": {"assets": []},
        "spot.api_restrictions": {"enableWithdrawals": False, "enableFutures": True},
    }
    return SimpleNamespace(pipeline=StubPipeline(defaults | answers))


@pytest.fixture
def installed_runtime(runtime_for: Any) -> Any:
    return runtime_for("http://127.0.0.1:9")


def _add(admin_user: Any, **kw: Any) -> ApiCredential:
    args = {
        "environment": "testnet",
        "market": "spot",
        "key_type": "HMAC",
        "api_key": API_KEY,
        "secret": SECRET,
    }
    return services.credential_add(actor=admin_user, **(args | kw))


def test_a_new_credential_is_stored_encrypted_with_only_a_hint_in_clear(admin_user) -> None:
    c = _add(admin_user)
    assert c.status == CredentialStatus.PENDING and c.version == 1
    assert c.api_key_hint == "…Eh8A"
    raw = ApiCredential.objects.filter(pk=c.pk).values().get()
    assert SECRET not in str(raw) and API_KEY not in str(raw)
    decrypted = selectors.credential_decrypt(c)
    assert decrypted.secret.reveal() == SECRET and decrypted.api_key.reveal() == API_KEY
    assert SECRET not in repr(decrypted)
    event = AuditEvent.objects.get(action="exchange.credential.add")
    assert event.actor == admin_user and SECRET not in str(event.after) and API_KEY not in str(event.after)


def test_versions_count_up_per_environment_and_market(admin_user) -> None:
    assert [_add(admin_user).version for _ in range(3)] == [1, 2, 3]
    assert _add(admin_user, market="futures").version == 1


def test_an_invalid_key_is_refused_with_a_reason_and_nothing_stored(admin_user) -> None:
    with pytest.raises(services.CredentialError, match="HMAC secret") as info:
        _add(admin_user, secret="bad secret!")
    assert "bad secret" not in str(info.value)
    assert not ApiCredential.objects.exists()


def test_verification_records_permissions_and_promotes_the_key(admin_user) -> None:
    c = _add(admin_user)
    rt = _rt()
    result = services.credential_verify(actor=admin_user, credential=c, rt=rt)
    assert result.ok and c.status == CredentialStatus.VERIFIED
    assert c.permissions["spot"] and c.permissions["futures"]
    assert all(
        cred.api_key.reveal() == API_KEY for _, cred in rt.pipeline.calls
    )  # the new key, not the active one
    assert AuditEvent.objects.filter(action="exchange.credential.verify").exists()


def test_a_key_that_can_withdraw_is_refused(admin_user) -> None:
    c = _add(admin_user)
    result = services.credential_verify(
        actor=admin_user, credential=c, rt=_rt(**{"spot.api_restrictions": {"enableWithdrawals": True}})
    )
    assert not result.ok and "withdraw" in result.problem
    assert c.status == CredentialStatus.PENDING
    assert AuditEvent.objects.filter(action="exchange.credential.refuse").exists()


def test_missing_futures_permission_is_a_warning_for_a_spot_key(admin_user) -> None:
    c = _add(admin_user)
    refused = AuthError("Invalid API-key, IP, or permissions for action.", code=-2015)
    result = services.credential_verify(
        actor=admin_user, credential=c, rt=_rt(**{"futures.account": refused})
    )
    assert result.ok
    assert any("futures" in w for w in result.warnings)


def test_a_key_the_exchange_refuses_is_not_verified(admin_user) -> None:
    c = _add(admin_user)
    refused = AuthError("Invalid API-key, IP, or permissions for action.", code=-2015)
    result = services.credential_verify(actor=admin_user, credential=c, rt=_rt(**{"spot.account": refused}))
    assert not result.ok and "-2015" in result.problem


def test_where_key_restrictions_are_not_published_verification_warns(admin_user) -> None:
    c = _add(admin_user)
    missing = services.ExchangeError("Not found", http_status=404)
    result = services.credential_verify(
        actor=admin_user, credential=c, rt=_rt(**{"spot.api_restrictions": missing})
    )
    assert result.ok and any("could not be checked" in w for w in result.warnings)


def test_activation_retires_the_previous_version_atomically_and_bumps_the_generation(
    admin_user, installed_runtime, django_capture_on_commit_callbacks
) -> None:
    first, second = _add(admin_user), _add(admin_user)
    for c in (first, second):
        services.credential_verify(actor=admin_user, credential=c, rt=_rt())
    gen_key = installed_runtime.limiter.generation_key("spot")
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_activate(actor=admin_user, credential=first)
    with django_capture_on_commit_callbacks(execute=True):
        services.credential_activate(actor=admin_user, credential=second)
    first.refresh_from_db()
    assert first.status == CredentialStatus.RETIRED and first.retired_at is not None
    assert second.status == CredentialStatus.ACTIVE
    assert int(installed_runtime.redis.get(gen_key)) == 2
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["exchange.credential.retire", "exchange.credential.activate"]


def test_only_a_verified_credential_can_be_activated(admin_user) -> None:
    with pytest.raises(services.CredentialError, match="verified"):
        services.credential_activate(actor=admin_user, credential=_add(admin_user))


def test_the_database_allows_one_active_version_per_environment_and_market(admin_user) -> None:
    a, b = _add(admin_user), _add(admin_user)
    ApiCredential.objects.filter(pk=a.pk).update(status="active")
    with pytest.raises(IntegrityError):
        ApiCredential.objects.filter(pk=b.pk).update(status="active")


def test_rotating_the_master_key_reencrypts_everything(admin_user, settings) -> None:
    old_key = generate_key_text()
    settings.TRADER_MASTER_KEY = old_key
    c = _add(admin_user)
    from apps.monitoring.delivery.channels import channel_create
    from apps.monitoring.delivery.selectors import channel_secret

    hook = channel_create(
        actor=admin_user,
        data={"name": "ops hook", "kind": "webhook", "config": {"url": "https://hooks.example.test/x"}},
        secret="an-hmac-secret-of-some-length",
    )
    settings.TRADER_MASTER_KEY = generate_key_text()
    settings.TRADER_MASTER_KEY_PREVIOUS = [old_key]
    from django.core.management import call_command

    out = io.StringIO()
    call_command("rotate_master_key", stdout=out)
    assert "1 credential(s) and 1 notification channel secret(s)" in out.getvalue()
    settings.TRADER_MASTER_KEY_PREVIOUS = []
    c.refresh_from_db()
    hook.refresh_from_db()
    assert selectors.credential_decrypt(c).secret.reveal() == SECRET
    secret = channel_secret(hook)
    assert secret is not None and secret.reveal() == "an-hmac-secret-of-some-length"
    assert AuditEvent.objects.filter(action="exchange.credential.reencrypt").count() == 1


def test_without_the_old_master_key_secrets_cannot_be_opened(admin_user, settings) -> None:
    c = _add(admin_user)
    settings.TRADER_MASTER_KEY = generate_key_text()
    with pytest.raises(ConfigurationError, match="TRADER_MASTER_KEY_PREVIOUS"):
        selectors.credential_decrypt(c)


def test_the_first_call_bootstraps_the_key_from_the_environment(db, settings) -> None:
    settings.TRADER_EXCHANGE_API_KEY = API_KEY
    settings.TRADER_EXCHANGE_API_SECRET = SECRET
    loaded = selectors.credential_load_active("live", "spot")
    assert loaded is not None and loaded.api_key.reveal() == API_KEY
    stored = ApiCredential.objects.get(environment="live", market="spot")
    assert stored.status == CredentialStatus.ACTIVE and stored.warnings
    assert AuditEvent.objects.filter(action="exchange.credential.bootstrap").exists()
    assert selectors.credential_load_active("live", "spot").id == stored.pk  # type: ignore[union-attr]


def test_a_malformed_key_in_the_environment_fails_with_a_clear_message(db, settings) -> None:
    settings.TRADER_EXCHANGE_API_KEY = API_KEY
    settings.TRADER_EXCHANGE_API_SECRET = "has spaces in it"
    with pytest.raises(services.CredentialError, match="environment is unusable") as info:
        selectors.credential_load_active("live", "spot")
    assert "has spaces" not in str(info.value)


def test_no_key_anywhere_is_a_configuration_error_naming_the_variables(db, settings) -> None:
    settings.TRADER_EXCHANGE_API_KEY = None
    from apps.exchange.gateway.credentials import CredentialCache

    with pytest.raises(ConfigurationError, match="TRADER_EXCHANGE_API_KEY"):
        CredentialCache("live", selectors.credential_load_active).get("spot", 0)


def test_a_retired_key_does_not_come_back_from_the_environment(db, settings) -> None:
    settings.TRADER_EXCHANGE_API_KEY = API_KEY
    settings.TRADER_EXCHANGE_API_SECRET = SECRET
    selectors.credential_load_active("live", "spot")
    stored = ApiCredential.objects.get(environment="live", market="spot")
    services.credential_retire(actor=None, credential=stored)
    assert selectors.credential_load_active("live", "spot") is None
    assert ApiCredential.objects.filter(environment="live", market="spot").count() == 1
