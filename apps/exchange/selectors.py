"""Reads of the exchange app: credentials (never their secrets in clear, except for signing), breaker and
limiter state, and the call log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.exchange.crypto import keyring
from apps.exchange.domain.weights import ENDPOINTS
from apps.exchange.gateway.credentials import ActiveCredential
from apps.exchange.models import ApiCallLog, ApiCredential, CredentialStatus

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.exchange.breaker import BreakerState
    from apps.exchange.domain.weights import Market
    from apps.exchange.limiter import PoolUsage
    from apps.exchange.runtime import Runtime


def credential_list(*, environment: str | None = None) -> QuerySet[ApiCredential]:
    qs = ApiCredential.objects.all()
    return qs.filter(environment=environment) if environment else qs


def credential_get_active(*, environment: str, market: Market) -> ApiCredential | None:
    return ApiCredential.objects.filter(
        environment=environment, market=market, status=CredentialStatus.ACTIVE
    ).first()


def credential_decrypt(credential: ApiCredential) -> ActiveCredential:
    ring = keyring()
    return ActiveCredential(
        id=credential.pk,
        version=credential.version,
        environment=credential.environment,
        market=credential.market,  # type: ignore[arg-type]
        key_type=credential.key_type,  # type: ignore[arg-type]
        api_key=ring.decrypt(credential.api_key_encrypted, aad=credential.aad("api_key")),
        secret=ring.decrypt(credential.secret_encrypted, aad=credential.aad("secret")),
    )


def credential_load_active(environment: str, market: Market) -> ActiveCredential | None:
    """The credential to sign with; bootstraps one from the environment variables on first use.

    Only when the environment and market never had a credential: a key an admin retired must not come
    back by itself from the environment.
    """
    from apps.exchange.services import credential_bootstrap_from_settings

    found = credential_get_active(environment=environment, market=market)
    if found is None and not ApiCredential.objects.filter(environment=environment, market=market).exists():
        found = credential_bootstrap_from_settings(environment=environment, market=market)
    return credential_decrypt(found) if found is not None else None


# ---------------------------------------------------------------- limiter and breaker state
GROUPS: tuple[tuple[str, str], ...] = tuple(sorted({(e.market, e.group) for e in ENDPOINTS}))


def breaker_states(*, rt: Runtime | None = None) -> list[BreakerState]:
    from apps.exchange.runtime import runtime

    rt = rt or runtime()
    return [rt.breaker.state(market, group) for market, group in GROUPS]


def limiter_usage(*, rt: Runtime | None = None) -> list[PoolUsage]:
    from apps.exchange.gateway.pipeline import ACCOUNT
    from apps.exchange.runtime import runtime

    rt = rt or runtime()
    usage: list[PoolUsage] = []
    for market in ("spot", "futures"):
        usage += rt.limiter.usage(market, ACCOUNT)  # type: ignore[arg-type]
    return usage


@dataclass(frozen=True)
class ExchangeStatus:
    environment: str
    breakers: list[BreakerState]
    pools: list[PoolUsage]
    blocked_for_s: dict[str, float]
    time_offset_ms: int


def exchange_status(*, rt: Runtime | None = None) -> ExchangeStatus:
    from apps.exchange.runtime import runtime

    rt = rt or runtime()
    return ExchangeStatus(
        environment=rt.environment,
        breakers=breaker_states(rt=rt),
        pools=limiter_usage(rt=rt),
        blocked_for_s={m: rt.limiter.blocked_for_s(m) for m in ("spot", "futures")},  # type: ignore[arg-type]
        time_offset_ms=rt.timesync.offset_ms,
    )


def call_log_recent(*, limit: int = 100) -> QuerySet[ApiCallLog]:
    return ApiCallLog.objects.order_by("-id")[:limit]
