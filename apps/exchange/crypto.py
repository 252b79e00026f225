"""Encryption of exchange secrets at rest: AES-256-GCM under the master key, with a key id per ciphertext.

`TRADER_MASTER_KEY` (or `TRADER_MASTER_KEY_FILE`) is the current key: 32 bytes, URL-safe base64.
`TRADER_MASTER_KEY_PREVIOUS` lists retired keys (comma-separated) still accepted for decryption, so the
master key can be rotated: set the new key, move the old one to PREVIOUS, run `manage.py rotate_master_key`,
then drop PREVIOUS. Each ciphertext records the id (a hash prefix) of the key that sealed it. The AAD binds
a ciphertext to its row and field, so one cannot be swapped into another credential.

Outside production, a missing master key is generated once into `.run/master_key` (mode 600).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from apps.exchange.domain.errors import ConfigurationError
from apps.exchange.domain.secrets import Secret

_FORMAT = "v1"


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    _key: bytes

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r})"


def _parse_key(text: str, source: str) -> MasterKey:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"{source} is not URL-safe base64") from None
    if len(raw) != 32:
        raise ConfigurationError(
            f"{source} must decode to 32 bytes (got {len(raw)}); generate one with "
            "`python -c 'import secrets,base64;print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'`"  # noqa: E501
        )
    return MasterKey(key_id=hashlib.sha256(raw).hexdigest()[:12], _key=raw)


def generate_key_text() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _local_key(run_dir: Path) -> str:
    path = run_dir / "master_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    run_dir.mkdir(parents=True, exist_ok=True)
    text = generate_key_text()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return text


class Keyring:
    def __init__(self, current: MasterKey, previous: list[MasterKey]) -> None:
        self.current = current
        self._by_id = {k.key_id: k for k in [*previous, current]}

    @classmethod
    def from_settings(cls) -> Keyring:
        text = getattr(settings, "TRADER_MASTER_KEY", None)
        if not text:
            if getattr(settings, "PRODUCTION", False):
                raise ConfigurationError(
                    "TRADER_MASTER_KEY (or TRADER_MASTER_KEY_FILE) is required in production"
                )
            text = _local_key(Path(settings.RUN_DIR))
        previous = [
            _parse_key(t, "TRADER_MASTER_KEY_PREVIOUS")
            for t in getattr(settings, "TRADER_MASTER_KEY_PREVIOUS", [])
            if t.strip()
        ]
        return cls(_parse_key(text, "TRADER_MASTER_KEY"), previous)

    def encrypt(self, plaintext: Secret, *, aad: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.current._key).encrypt(nonce, plaintext.reveal().encode(), aad.encode())
        return f"{_FORMAT}${self.current.key_id}${base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, aad: str) -> Secret:
        try:
            fmt, key_id, body = token.split("$", 2)
        except ValueError:
            raise ConfigurationError("stored secret has an unknown format") from None
        key = self._by_id.get(key_id)
        if fmt != _FORMAT or key is None:
            raise ConfigurationError(
                f"stored secret was sealed with master key {key_id}, which is neither TRADER_MASTER_KEY nor "
                "in "
                "TRADER_MASTER_KEY_PREVIOUS"
            )
        raw = base64.b64decode(body)
        try:
            plain = AESGCM(key._key).decrypt(raw[:12], raw[12:], aad.encode())
        except InvalidTag:
            raise ConfigurationError("stored secret failed authentication (tampered or moved)") from None
        return Secret(plain.decode())

    @staticmethod
    def key_id_of(token: str) -> str:
        parts = token.split("$", 2)
        return parts[1] if len(parts) == 3 else ""


def keyring() -> Keyring:
    return Keyring.from_settings()
