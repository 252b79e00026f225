"""Exchange credentials (encrypted, versioned, one active per environment and market) and the API call log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Environment(models.TextChoices):
    SIM = "sim", "Local exchange"
    TESTNET = "testnet", "Binance testnet"
    LIVE = "live", "Binance live"


class MarketChoice(models.TextChoices):
    SPOT = "spot", "Spot"
    FUTURES = "futures", "USD-M futures"


class KeyTypeChoice(models.TextChoices):
    HMAC = "HMAC", "HMAC-SHA256"
    ED25519 = "ED25519", "Ed25519"


class CredentialStatus(models.TextChoices):
    PENDING = "pending", "Added, not verified"
    VERIFIED = "verified", "Verified against the exchange"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class ApiCredential(models.Model):
    """One version of an API key for an environment and market.

    The key and secret are stored only encrypted (see crypto.py); `api_key_hint` keeps the last 4 characters
    so people can tell versions apart. At most one version is active per environment and market; rotation
    activates a verified version and retires the previous one in one transaction.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    environment = models.CharField(max_length=8, choices=Environment.choices)
    market = models.CharField(max_length=8, choices=MarketChoice.choices)
    version = models.PositiveIntegerField()
    label = models.CharField(max_length=100, blank=True)
    key_type = models.CharField(max_length=8, choices=KeyTypeChoice.choices)
    status = models.CharField(
        max_length=8, choices=CredentialStatus.choices, default=CredentialStatus.PENDING
    )
    api_key_encrypted = models.TextField(editable=False)
    secret_encrypted = models.TextField(editable=False)
    # Id of the master key that sealed both fields; rotate_master_key rewrites rows whose id is not current.
    master_key_id = models.CharField(max_length=16, editable=False)
    api_key_hint = models.CharField(max_length=8, editable=False)
    permissions = models.JSONField(default=dict, blank=True, editable=False)
    warnings = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("environment", "market", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("environment", "market", "version"), name="exchange_cred_unique_version"
            ),
            models.UniqueConstraint(
                fields=("environment", "market"),
                condition=models.Q(status="active"),
                name="exchange_cred_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.environment}/{self.market} v{self.version} {self.api_key_hint} {self.status}"

    def aad(self, field: str) -> str:
        # Binds a ciphertext to this row and field: swapping ciphertexts between rows fails to decrypt.
        return f"apicredential:{self.uid}:{field}"


class ApiCallLog(models.Model):
    """A sampled, capped record of exchange calls (all failures, a fraction of successes)."""

    created_at = models.DateTimeField(db_index=True)
    endpoint = models.CharField(max_length=64)
    market = models.CharField(max_length=8)
    method = models.CharField(max_length=8)
    weight = models.PositiveIntegerField(default=0)
    latency_ms = models.DecimalField(max_digits=10, decimal_places=2)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    binance_code = models.IntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=16)
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    credential_version = models.PositiveIntegerField(null=True, blank=True)
    # The web request or task that caused the call, so a failed call can be traced to its origin.
    request_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("outcome", "-created_at"), name="exchange_calllog_outcome")]

    def __str__(self) -> str:
        return f"{self.created_at:%H:%M:%S} {self.endpoint} {self.outcome}"
