"""Secret values and the checks on API credentials (pure).

`Secret` never shows its value in str/repr/format, so a secret that slips into a log line, an exception
or a debugger prints as `Secret('…AbCd')`. Code that must sign calls `reveal()` explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

KeyType = Literal["HMAC", "ED25519"]

_API_KEY = re.compile(r"^[A-Za-z0-9]{16,128}$")
_HMAC_SECRET = re.compile(r"^[A-Za-z0-9]{16,128}$")


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def hint(self) -> str:
        return mask(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.hint!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Refuse pickling: a secret must never travel in task arguments or caches.
        raise TypeError("Secret values cannot be pickled")


def mask(value: str) -> str:
    """The only form of a key or secret ever shown: its last 4 characters."""
    return f"…{value[-4:]}" if len(value) >= 8 else "…"


@dataclass(frozen=True)
class CredentialMaterial:
    api_key: Secret
    key_type: KeyType
    secret: Secret  # the HMAC secret, or the Ed25519 private key in PEM


class CredentialFormatError(ValueError):
    """A key that cannot work, explained without echoing it."""


def validate_credential(*, api_key: str, key_type: str, secret: str) -> CredentialMaterial:
    """Check format, length and key type before anything is stored; raise with a readable reason."""
    api_key, secret = api_key.strip(), secret.strip()
    if key_type not in ("HMAC", "ED25519"):
        raise CredentialFormatError(f"key type must be HMAC or ED25519, not {key_type!r}")
    if not _API_KEY.match(api_key):
        raise CredentialFormatError("the API key must be 16 to 128 letters and digits")
    if key_type == "HMAC":
        if "PRIVATE KEY" in secret:
            raise CredentialFormatError("an HMAC secret was expected but a PEM private key was given")
        if not _HMAC_SECRET.match(secret):
            raise CredentialFormatError("the HMAC secret must be 16 to 128 letters and digits")
    else:
        _check_ed25519_pem(secret)
    return CredentialMaterial(api_key=Secret(api_key), key_type=key_type, secret=Secret(secret))  # type: ignore[arg-type]


def _check_ed25519_pem(pem: str) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if "BEGIN" not in pem or "PRIVATE KEY" not in pem:
        raise CredentialFormatError("the Ed25519 key must be a PEM private key (-----BEGIN PRIVATE KEY-----)")
    if "ENCRYPTED" in pem:
        raise CredentialFormatError("the Ed25519 private key must not be password-protected")
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise CredentialFormatError("the Ed25519 private key PEM cannot be parsed") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CredentialFormatError("the private key is not an Ed25519 key (RSA keys are not supported)")
