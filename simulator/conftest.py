"""Keep the simulator's tests independent of Django.

The project-wide conftest clears Django's cache before every test (autouse); the simulator imports no Django,
so this same-named fixture replaces that one for everything under simulator/ (run with `-p no:django`).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    return None
