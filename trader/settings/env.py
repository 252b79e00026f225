"""Typed readers for the environment: the only place settings look at os.environ.

Secrets can come from `NAME_FILE` (a path, as Docker and systemd credentials provide them) instead of
`NAME`, so they need not sit in the process environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
RUN_DIR = Path(os.environ.get("TRADER_RUN_DIR", str(BASE_DIR / ".run")))

env = environ.Env()


def secret(name: str) -> str | None:
    """Return the secret `name` from the environment or from the file named by `name_FILE`."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if not path:
        return None
    try:
        content = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
    if not content:
        raise ImproperlyConfigured(f"{name}_FILE={path} is empty")
    return content


def local_secret_key(run_dir: Path) -> str:
    """A secret key generated once for this checkout and kept under .run/ (mode 600) for local runs."""
    path = run_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    run_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    """Read an enumerated setting and refuse anything outside `allowed` with a readable message."""
    value = os.environ.get(name, default).strip().lower()
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(allowed)}")
    return value
