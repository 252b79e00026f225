"""Rolling correlation of symbol returns and the groups of symbols that move together. Pure: no ORM, no I/O.

The statistic is numpy's (float64 while computing, float32 at rest): a correlation is a dimensionless
measure, never an amount, so floats are the right tool here. Amounts summed over a group stay Decimal in
the checks.

- `correlation_matrix`: log returns of the last `window` intervals every series covers, then Pearson's r.
  A series missing any of those candles (listed later, or halted) is left out, not padded.
- `correlated_groups`: symbols joined when r >= threshold, and groups as connected components: if A moves
  with B and B with C, exposure in A, B and C is counted together even when A and C correlate less.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from decimal import Decimal

    from numpy.typing import NDArray


def correlation_matrix(
    series: Mapping[str, Sequence[tuple[int, Decimal]]], window: int
) -> tuple[list[str], NDArray[np.float64]]:
    """(keys, r) over the last `window` returns (window + 1 closes) common to the series; keys sorted."""
    grid_times = sorted({t for rows in series.values() for t, _ in rows})[-(window + 1) :]
    keys: list[str] = []
    rows: list[list[float]] = []
    if len(grid_times) < window + 1:
        return [], np.zeros((0, 0))
    for key in sorted(series):
        by_time = {t: close for t, close in series[key]}
        closes = [by_time.get(t) for t in grid_times]
        if any(c is None or c <= 0 for c in closes):
            continue
        keys.append(key)
        rows.append([float(c) for c in closes])  # type: ignore[arg-type]
    if not keys:
        return [], np.zeros((0, 0))
    returns = np.diff(np.log(np.asarray(rows, dtype=np.float64)), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.atleast_2d(np.corrcoef(returns))
    # A flat series (no trades, a stablecoin) has no variance: it correlates with nothing.
    r = np.nan_to_num(r, nan=0.0)
    np.fill_diagonal(r, 1.0)
    return keys, r


def correlated_groups(
    keys: Sequence[str], matrix: NDArray[np.floating], threshold: float
) -> dict[str, frozenset[str]]:
    """key → every key connected to it through pairs with r >= threshold (itself included)."""
    n = len(keys)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n:
        pairs = np.argwhere(np.triu(matrix >= threshold, 1))
        for i, j in pairs:
            a, b = root(int(i)), root(int(j))
            if a != b:
                parent[a] = b
    members: dict[int, set[str]] = {}
    for i, key in enumerate(keys):
        members.setdefault(root(i), set()).add(key)
    return {key: frozenset(members[root(i)]) for i, key in enumerate(keys)}


def matrix_to_bytes(matrix: NDArray[np.floating]) -> bytes:
    return np.asarray(matrix, dtype=np.float32).tobytes()


def matrix_from_bytes(data: bytes, size: int) -> NDArray[np.float32]:
    return np.frombuffer(data, dtype=np.float32).reshape(size, size)
