"""Writes of the exchange app: credential lifecycle (add, verify, activate, retire, rotate), master-key
rotation and bootstrap from the environment. Every change is audited with hints only, never secrets.

Lifecycle: pending --verify--> verified --activate--> active --(next activation / retire)--> retired.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from apps.exchange.crypto import keyring
from apps.exchange.domain.errors import AuthError, ExchangeError
from apps.exchange.domain.secrets import CredentialFormatError, mask, validate_credential
from apps.exchange.models import ApiCredential, CredentialStatus
from apps.monitoring.services import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from apps.exchange.domain.weights import Market
    from apps.exchange.runtime import Runtime

    Actor = AbstractBaseUser | AnonymousUser | None

logger = logging.getLogger(__name__)


class CredentialError(Exception):
    """A credential operation that cannot proceed; the message is safe to show (no secret in it)."""


def _snapshot(c: ApiCredential) -> dict[str, Any]:
    return {
        "environment": c.environment,
        "market": c.market,
        "version": c.version,
        "key_type": c.key_type,
        "api_key_hint": c.api_key_hint,
        "status": c.status,
        "master_key_id": c.master_key_id,
    }


def _audit(actor: Actor, action: str, c: ApiCredential, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="exchange.ApiCredential",
        target_id=str(c.pk),
        before=before,
        after=_snapshot(c),
    )


def credential_add(
    *,
    actor: Actor,
    environment: str,
    market: Market,
    key_type: str,
    api_key: str,
    secret: str,
    label: str = "",
) -> ApiCredential:
    """Validate and store a new version, encrypted; it is pending until verified."""
    try:
        material = validate_credential(api_key=api_key, key_type=key_type, secret=secret)
    except CredentialFormatError as exc:
        raise CredentialError(f"Credential refused: {exc}.") from None
    ring = keyring()
    for _ in range(3):  # two admins adding at once race for the version number; retry on the constraint
        try:
            with transaction.atomic():
                last = ApiCredential.objects.filter(environment=environment, market=market).aggregate(
                    v=Max("version")
                )
                credential = ApiCredential(
                    environment=environment,
                    market=market,
                    version=(last["v"] or 0) + 1,
                    label=label,
                    key_type=material.key_type,
                    api_key_hint=material.api_key.hint,
                    master_key_id=ring.current.key_id,
                    created_by=actor if actor is not None and actor.is_authenticated else None,
                )
                credential.api_key_encrypted = ring.encrypt(material.api_key, aad=credential.aad("api_key"))
                credential.secret_encrypted = ring.encrypt(material.secret, aad=credential.aad("secret"))
                credential.full_clean()
                credential.save()
                _audit(actor, "exchange.credential.add", credential, None)
                return credential
        except IntegrityError:
            continue
    raise CredentialError("Could not allocate a version number; try again.")


@dataclass
class Verification:
    ok: bool
    permissions: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    problem: str = ""


def _probe(rt: Runtime, name: str, credential: Any) -> tuple[dict[str, Any] | None, ExchangeError | None]:
    try:
        return rt.pipeline.call(name, credential=credential, timeout_s=10.0), None
    except ExchangeError as exc:
        return None, exc


def _verify_against_exchange(rt: Runtime, c: ApiCredential) -> Verification:
    from apps.exchange.selectors import credential_decrypt

    active = credential_decrypt(c)
    spot, spot_error = _probe(rt, "spot.account", active)
    futures, futures_error = _probe(rt, "futures.account", active)
    result = Verification(ok=True)
    result.permissions = {
        "spot": spot is not None,
        "futures": futures is not None,
        "can_trade": bool(spot.get("canTrade")) if spot else None,
        "can_withdraw": bool(spot.get("canWithdraw")) if spot else None,
        "account_permissions": list(spot.get("permissions", [])) if spot else [],
    }
    primary_error = spot_error if c.market == "spot" else futures_error
    if primary_error is not None:
        if not isinstance(primary_error, AuthError):
            raise primary_error  # the exchange is unreachable: no verdict on the key
        return Verification(
            ok=False, permissions=result.permissions, problem=f"The exchange refused the key: {primary_error}"
        )
    # The account's canWithdraw is account-wide; whether this key may withdraw is a key restriction read
    # from /sapi apiRestrictions (live and the local exchange serve it; the spot testnet does not, so there
    # the check is reported as not possible).
    restrictions, restrictions_error = _probe(rt, "spot.api_restrictions", active)
    if restrictions is not None:
        result.permissions["key_restrictions"] = restrictions
        if restrictions.get("enableWithdrawals"):
            return Verification(
                ok=False,
                permissions=result.permissions,
                problem="This key can withdraw funds. Create a key without withdrawal permission.",
            )
        if c.market == "futures" and restrictions.get("enableFutures") is False:
            return Verification(
                ok=False, permissions=result.permissions, problem="This key has no futures permission."
            )
    else:
        status = restrictions_error.http_status if restrictions_error else "?"
        result.warnings.append(
            f"Withdrawal permission could not be checked on this environment (HTTP {status}); "
            "make sure the key cannot withdraw."
        )
    if c.market == "spot" and spot is not None and not spot.get("canTrade", False):
        return Verification(ok=False, permissions=result.permissions, problem="This key cannot trade spot.")
    if futures is None:
        result.warnings.append("This key has no USD-M futures permission; futures trading will be refused.")
    return result


def credential_verify(*, actor: Actor, credential: ApiCredential, rt: Runtime | None = None) -> Verification:
    """Call the exchange with this version's key (account endpoints) and record what it may do.

    Refuses keys that can withdraw. Network I/O happens outside any transaction.
    """
    from apps.exchange.runtime import runtime

    if credential.status == CredentialStatus.RETIRED:
        raise CredentialError("A retired credential cannot be verified again; add a new version.")
    result = _verify_against_exchange(rt or runtime(), credential)
    before = _snapshot(credential)
    with transaction.atomic():
        c = ApiCredential.objects.select_for_update().get(pk=credential.pk)
        c.permissions = result.permissions
        c.warnings = result.warnings if result.ok else [result.problem]
        if result.ok:
            if c.status == CredentialStatus.PENDING:
                c.status = CredentialStatus.VERIFIED
            c.verified_at = timezone.now()
        c.save(update_fields=["permissions", "warnings", "status", "verified_at"])
        audit_record(
            actor=actor,
            action="exchange.credential.verify" if result.ok else "exchange.credential.refuse",
            target_type="exchange.ApiCredential",
            target_id=str(c.pk),
            before=before,
            after=_snapshot(c) | {"warnings": c.warnings, "permissions": c.permissions},
        )
    credential.refresh_from_db()
    return result


def _bump_generation(market: str) -> None:
    from apps.exchange.runtime import runtime

    rt = runtime()
    rt.redis.incr(rt.limiter.generation_key(market))  # type: ignore[arg-type]


def credential_activate(
    *, actor: Actor, credential: ApiCredential, rt: Runtime | None = None
) -> ApiCredential:
    """Make a verified version the one every process signs with; retire the previous one atomically.

    Locks every version of the environment/market (select_for_update) so two activations serialise.
    Processes switch on their next call (generation counter bumped after commit); in-flight calls finish
    with the key they started with, which stays valid at the exchange until the operator deletes it there.
    """
    with transaction.atomic():
        rows = list(
            ApiCredential.objects.select_for_update().filter(
                environment=credential.environment, market=credential.market
            )
        )
        target = next(r for r in rows if r.pk == credential.pk)
        if target.status == CredentialStatus.ACTIVE:
            return target
        if target.status != CredentialStatus.VERIFIED:
            raise CredentialError(
                f"Only a verified credential can be activated (this one is {target.status})."
            )
        now = timezone.now()
        for old in rows:
            if old.status == CredentialStatus.ACTIVE:
                before = _snapshot(old)
                old.status, old.retired_at = CredentialStatus.RETIRED, now
                old.save(update_fields=["status", "retired_at"])
                _audit(actor, "exchange.credential.retire", old, before)
        before = _snapshot(target)
        target.status, target.activated_at = CredentialStatus.ACTIVE, now
        target.save(update_fields=["status", "activated_at"])
        _audit(actor, "exchange.credential.activate", target, before)
        transaction.on_commit(lambda: _bump_generation(target.market))
    credential.refresh_from_db()
    return credential


def credential_retire(*, actor: Actor, credential: ApiCredential) -> ApiCredential:
    with transaction.atomic():
        c = ApiCredential.objects.select_for_update().get(pk=credential.pk)
        if c.status == CredentialStatus.RETIRED:
            return c
        was_active = c.status == CredentialStatus.ACTIVE
        before = _snapshot(c)
        c.status, c.retired_at = CredentialStatus.RETIRED, timezone.now()
        c.save(update_fields=["status", "retired_at"])
        _audit(actor, "exchange.credential.retire", c, before)
        if was_active:
            transaction.on_commit(lambda: _bump_generation(c.market))
    credential.refresh_from_db()
    return credential


def credential_rotate(
    *,
    actor: Actor,
    environment: str,
    market: Market,
    key_type: str,
    api_key: str,
    secret: str,
    label: str = "",
    rt: Runtime | None = None,
) -> tuple[ApiCredential, Verification]:
    """Hot rotation in one step: add the new version, verify it against the exchange, activate it."""
    credential = credential_add(
        actor=actor,
        environment=environment,
        market=market,
        key_type=key_type,
        api_key=api_key,
        secret=secret,
        label=label,
    )
    result = credential_verify(actor=actor, credential=credential, rt=rt)
    if not result.ok:
        raise CredentialError(result.problem)
    return credential_activate(actor=actor, credential=credential, rt=rt), result


def master_key_rotate(*, actor: Actor = None) -> int:
    """Re-encrypt every stored secret under the current TRADER_MASTER_KEY; returns how many rows changed."""
    ring = keyring()
    changed = 0
    with transaction.atomic():
        for c in ApiCredential.objects.select_for_update().exclude(master_key_id=ring.current.key_id):
            old_id = c.master_key_id
            api_key = ring.decrypt(c.api_key_encrypted, aad=c.aad("api_key"))
            secret = ring.decrypt(c.secret_encrypted, aad=c.aad("secret"))
            c.api_key_encrypted = ring.encrypt(api_key, aad=c.aad("api_key"))
            c.secret_encrypted = ring.encrypt(secret, aad=c.aad("secret"))
            c.master_key_id = ring.current.key_id
            c.save(update_fields=["api_key_encrypted", "secret_encrypted", "master_key_id"])
            changed += 1
            audit_record(
                actor=actor,
                action="exchange.credential.reencrypt",
                target_type="exchange.ApiCredential",
                target_id=str(c.pk),
                before={"master_key_id": old_id},
                after={"master_key_id": ring.current.key_id},
            )
    return changed


def _bootstrap_values(market: str) -> tuple[str | None, str | None, str | None]:
    if market == "futures" and settings.TRADER_EXCHANGE_FUTURES_API_KEY:
        return (
            settings.TRADER_EXCHANGE_FUTURES_API_KEY,
            settings.TRADER_EXCHANGE_FUTURES_API_SECRET,
            settings.TRADER_EXCHANGE_FUTURES_PRIVATE_KEY,
        )
    return (
        settings.TRADER_EXCHANGE_API_KEY,
        settings.TRADER_EXCHANGE_API_SECRET,
        settings.TRADER_EXCHANGE_PRIVATE_KEY,
    )


def credential_get_active_locked(*, environment: str, market: str) -> ApiCredential | None:
    return (
        ApiCredential.objects.select_for_update()
        .filter(environment=environment, market=market, status=CredentialStatus.ACTIVE)
        .first()
    )


def credential_bootstrap_from_settings(*, environment: str, market: Market) -> ApiCredential | None:
    """Store and activate the key given in environment variables when no credential is active yet.

    Bootstrap keys are activated without an exchange round trip (this runs inside the first call); the
    admin's Verify action checks them later. Invalid values fail with a readable reason, never the value.
    """
    api_key, hmac_secret, private_key = _bootstrap_values(market)
    if not api_key:
        return None
    if private_key:
        key_type, secret = "ED25519", private_key
    elif hmac_secret:
        key_type, secret = "HMAC", hmac_secret
    else:
        raise CredentialError("TRADER_EXCHANGE_API_KEY is set but neither _API_SECRET nor _PRIVATE_KEY is.")
    try:
        material = validate_credential(api_key=api_key, key_type=key_type, secret=secret)
    except CredentialFormatError as exc:
        raise CredentialError(f"The exchange key in the environment is unusable: {exc}.") from None
    try:
        with transaction.atomic():
            existing = credential_get_active_locked(environment=environment, market=market)
            if existing is not None:
                return existing
            c = credential_add(
                actor=None,
                environment=environment,
                market=market,
                key_type=material.key_type,
                api_key=material.api_key.reveal(),
                secret=material.secret.reveal(),
                label="bootstrap from environment",
            )
            before = _snapshot(c)
            c.status, c.activated_at = CredentialStatus.ACTIVE, timezone.now()
            c.warnings = [
                "Activated from environment variables without verification; use Verify in the admin."
            ]
            c.save(update_fields=["status", "activated_at", "warnings"])
            _audit(None, "exchange.credential.bootstrap", c, before)
    except IntegrityError:
        # Another process bootstrapped the same market a moment earlier (one-active constraint): use theirs.
        return ApiCredential.objects.filter(
            environment=environment, market=market, status=CredentialStatus.ACTIVE
        ).first()
    logger.info(
        "exchange credential %s/%s v%s bootstrapped from the environment (%s)",
        environment,
        market,
        c.version,
        mask(api_key),
    )
    return c
