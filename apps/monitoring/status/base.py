"""What a component probe returns, and how a probe says "down" with a message of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

State = Literal["ok", "degraded", "down"]
STATES: Final[tuple[State, ...]] = ("ok", "degraded", "down")
_RANK: Final = {state: i for i, state in enumerate(STATES)}


@dataclass(frozen=True)
class Probe:
    state: State
    message: str
    detail: dict[str, Any] = field(default_factory=dict)


class ComponentDown(RuntimeError):
    """Raised by a probe that found its component down; the message is shown as is."""

    def __init__(self, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.detail = detail or {}


def worst(states: list[State]) -> State:
    return max(states, key=_RANK.__getitem__, default="ok")


def by_threshold(value: float, *, degraded_over: float, down_over: float | None = None) -> State:
    if down_over is not None and value > down_over:
        return "down"
    return "degraded" if value > degraded_over else "ok"
