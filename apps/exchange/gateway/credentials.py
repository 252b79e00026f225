"""The credential each process signs with, reloaded whenever the shared generation counter moves.

Activation bumps a counter in Redis (after commit); the limiter returns it with every admission, so the next
call of every process notices a rotation without an extra round trip and without a restart. Calls already in
flight finish with the client they started with.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.exchange.domain.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable

    from apps.exchange.domain.secrets import KeyType, Secret
    from apps.exchange.domain.weights import Market


@dataclass(frozen=True)
class ActiveCredential:
    id: int
    version: int
    environment: str
    market: Market
    key_type: KeyType
    api_key: Secret
    secret: Secret

    def __repr__(self) -> str:
        return f"ActiveCredential({self.environment}/{self.market} v{self.version} {self.api_key.hint})"


class CredentialCache:
    def __init__(self, environment: str, loader: Callable[[str, Market], ActiveCredential | None]) -> None:
        self.environment = environment
        self.loader = loader
        self._cached: dict[Market, tuple[int, ActiveCredential]] = {}
        self._lock = threading.Lock()

    def get(self, market: Market, generation: int) -> ActiveCredential:
        with self._lock:
            hit = self._cached.get(market)
        if hit is not None and hit[0] == generation:
            return hit[1]
        credential = self.loader(self.environment, market)
        if credential is None:
            raise ConfigurationError(
                f"No active API credential for {self.environment}/{market}: add one in the admin or set "
                "TRADER_EXCHANGE_API_KEY and TRADER_EXCHANGE_API_SECRET (or _PRIVATE_KEY for Ed25519)",
                endpoint=market,
            )
        with self._lock:
            self._cached[market] = (generation, credential)
        return credential

    def active_ids(self) -> set[int]:
        with self._lock:
            return {c.id for _, c in self._cached.values()}

    def invalidate(self) -> None:
        with self._lock:
            self._cached.clear()
