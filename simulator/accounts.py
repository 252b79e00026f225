"""Accounts and their API keys (balances live in the spot and futures extensions)."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from simulator.errors import BinanceError

KeyType = Literal["HMAC", "ED25519", "RSA"]
KEY_TYPES: tuple[KeyType, ...] = ("HMAC", "ED25519", "RSA")
PERMISSIONS = ("SPOT", "FUTURES")
_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 64) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class Account:
    account_id: str
    api_key: str
    key_type: KeyType
    secret: str | None = None
    public_key_pem: str | None = None
    permissions: set[str] = field(default_factory=lambda: {"SPOT", "FUTURES"})
    read_only: bool = False
    # Key restrictions as /sapi/v1/account/apiRestrictions reports them; a platform must refuse such keys.
    enable_withdrawals: bool = False
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    # Parsed public key, cached because loading PEM on every request costs more than verifying.
    _public_key: Any = field(default=None, repr=False, compare=False)

    def public_key(self) -> Any:
        if self._public_key is None and self.public_key_pem:
            self._public_key = serialization.load_pem_public_key(self.public_key_pem.encode())
        return self._public_key

    def to_state(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "api_key": self.api_key,
            "key_type": self.key_type,
            "secret": self.secret,
            "public_key_pem": self.public_key_pem,
            "permissions": sorted(self.permissions),
            "read_only": self.read_only,
            "enable_withdrawals": self.enable_withdrawals,
            "created_ms": self.created_ms,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Account:
        return cls(
            account_id=data["account_id"],
            api_key=data["api_key"],
            key_type=data["key_type"],
            secret=data.get("secret"),
            public_key_pem=data.get("public_key_pem"),
            permissions=set(data.get("permissions", PERMISSIONS)),
            read_only=bool(data.get("read_only", False)),
            enable_withdrawals=bool(data.get("enable_withdrawals", False)),
            created_ms=int(data.get("created_ms") or time.time() * 1000),
        )


@dataclass
class CreatedAccount:
    account: Account
    private_key_pem: str | None = None


def _generate_key_pair(key_type: KeyType) -> tuple[str, str]:
    """Return (private PEM in PKCS#8, public PEM) for the asymmetric key types."""
    private: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
    if key_type == "ED25519":
        private = ed25519.Ed25519PrivateKey.generate()
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def _check_public_key(key_type: KeyType, pem: str) -> None:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise BinanceError(-1130, "Data sent for parameter 'public_key' is not valid.") from None
    expected = ed25519.Ed25519PublicKey if key_type == "ED25519" else rsa.RSAPublicKey
    if not isinstance(key, expected):
        raise BinanceError(-1130, f"public_key is not an {key_type} key.")
    if isinstance(key, rsa.RSAPublicKey) and not 2048 <= key.key_size <= 4096:
        raise BinanceError(-1130, "RSA keys must be 2048 to 4096 bits.")


def _permissions(requested: list[str] | None) -> tuple[set[str], bool]:
    perms = set(requested) if requested is not None else {"SPOT", "FUTURES"}
    read_only = "READ_ONLY" in perms
    perms.discard("READ_ONLY")
    if read_only and not perms:
        # ["READ_ONLY"] alone is Binance's "Enable Reading"-only key: reads both markets, trades neither.
        perms = {"SPOT", "FUTURES"}
    if not perms <= set(PERMISSIONS):
        raise BinanceError(-1130, "Data sent for parameter 'permissions' is not valid.")
    return perms, read_only


class AccountStore:
    def __init__(self) -> None:
        self._by_id: dict[str, Account] = {}
        self._by_key: dict[str, Account] = {}
        self._next_id = 1

    def __len__(self) -> int:
        return len(self._by_id)

    def all(self) -> list[Account]:
        return list(self._by_id.values())

    def get(self, account_id: str) -> Account | None:
        return self._by_id.get(account_id)

    def by_api_key(self, api_key: str) -> Account | None:
        return self._by_key.get(api_key)

    def add(self, account: Account) -> Account:
        # The first key names the account; later keys of the same account (rotation) only authenticate.
        self._by_id.setdefault(account.account_id, account)
        self._by_key[account.api_key] = account
        return account

    def keys_of(self, account_id: str) -> list[Account]:
        return [key for key in self._by_key.values() if key.account_id == account_id]

    def add_key(
        self,
        account_id: str,
        *,
        key_type: KeyType = "HMAC",
        public_key: str | None = None,
        permissions: list[str] | None = None,
        enable_withdrawals: bool = False,
    ) -> CreatedAccount:
        """Give an existing account another API key, as a user does before retiring the old one."""
        if account_id not in self._by_id:
            raise BinanceError(-1130, f"Unknown account {account_id}.", status=404)
        return self._new_key(
            account_id,
            key_type=key_type,
            public_key=public_key,
            permissions=permissions,
            api_key=None,
            secret=None,
            enable_withdrawals=enable_withdrawals,
        )

    def revoke_key(self, account_id: str, api_key: str) -> None:
        key = self._by_key.get(api_key)
        if key is None or key.account_id != account_id:
            raise BinanceError(-1130, f"Account {account_id} has no key {api_key[:8]}....", status=404)
        if len(self.keys_of(account_id)) == 1:
            raise BinanceError(
                -1130, "An account keeps at least one key; add another before revoking this one."
            )
        del self._by_key[api_key]
        if self._by_id[account_id] is key:
            self._by_id[account_id] = self.keys_of(account_id)[0]

    def create(
        self,
        *,
        key_type: KeyType = "HMAC",
        public_key: str | None = None,
        permissions: list[str] | None = None,
        account_id: str | None = None,
        api_key: str | None = None,
        secret: str | None = None,
        enable_withdrawals: bool = False,
    ) -> CreatedAccount:
        if account_id is None:
            while str(self._next_id) in self._by_id:
                self._next_id += 1
            account_id = str(self._next_id)
            self._next_id += 1
        elif account_id in self._by_id:
            raise BinanceError(-1130, f"Account {account_id} already exists.")
        return self._new_key(
            account_id,
            key_type=key_type,
            public_key=public_key,
            permissions=permissions,
            api_key=api_key,
            secret=secret,
            enable_withdrawals=enable_withdrawals,
        )

    def _new_key(
        self,
        account_id: str,
        *,
        key_type: KeyType,
        public_key: str | None,
        permissions: list[str] | None,
        api_key: str | None,
        secret: str | None,
        enable_withdrawals: bool,
    ) -> CreatedAccount:
        if key_type not in KEY_TYPES:
            raise BinanceError(-1130, "Data sent for parameter 'key_type' is not valid.")
        perms, read_only = _permissions(permissions)
        if api_key is not None and api_key in self._by_key:
            raise BinanceError(-1130, "That API key is already in use.")
        private_pem: str | None = None
        public_pem: str | None = None
        if key_type == "HMAC":
            secret = secret or random_token()
        elif public_key:
            _check_public_key(key_type, public_key)
            public_pem = public_key
        else:
            private_pem, public_pem = _generate_key_pair(key_type)
        account = Account(
            account_id=account_id,
            api_key=api_key or random_token(),
            key_type=key_type,
            secret=secret if key_type == "HMAC" else None,
            public_key_pem=public_pem,
            permissions=perms,
            read_only=read_only,
            enable_withdrawals=enable_withdrawals,
        )
        self.add(account)
        return CreatedAccount(account=account, private_key_pem=private_pem)

    def remove(self, account_id: str) -> None:
        self._by_id.pop(account_id, None)
        for key in [k for k, a in self._by_key.items() if a.account_id == account_id]:
            del self._by_key[key]

    def reset(self) -> None:
        self._by_id.clear()
        self._by_key.clear()
        self._next_id = 1

    def dump_state(self) -> list[dict[str, Any]]:
        # Every key, primaries first: after a restart rotated keys still work and name the same accounts.
        primaries = list(self._by_id.values())
        others = [key for key in self._by_key.values() if all(key is not p for p in primaries)]
        return [account.to_state() for account in primaries + others]

    def load_state(self, data: list[dict[str, Any]]) -> None:
        self.reset()
        for item in data:
            self.add(Account.from_state(item))
        numeric = [int(a) for a in self._by_id if a.isdigit()]
        self._next_id = max(numeric, default=0) + 1
