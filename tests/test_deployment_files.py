"""docker-compose.yml and the Dockerfile, checked by reading them (no Docker engine runs here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|API_KEY|MASTER_KEY)", re.IGNORECASE)
INTERPOLATION = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")
URL_PASSWORD = re.compile(r"://[^:/@]+:([^@]+)@")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_every_platform_process_is_a_service(compose: dict[str, Any]) -> None:
    assert {"postgres", "redis", "web", "worker", "beat", "exchange"} <= set(compose["services"])


def test_every_service_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"


def test_app_services_read_their_settings_from_dot_env(compose: dict[str, Any]) -> None:
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["env_file"] == ".env"
        assert _environment(compose["services"][name])["TRADER_MODE"] == "production"


def test_no_secret_is_hard_coded(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key):
                assert INTERPOLATION.match(value), f"{name}.{key} must come from .env, not be written here"
            for password in URL_PASSWORD.findall(value):
                assert INTERPOLATION.match(password), f"{name}.{key} embeds a literal password"


def test_the_image_builds_the_frontend_and_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\w+)", dockerfile, flags=re.MULTILINE | re.IGNORECASE)
    assert stages == ["frontend", "runtime"]
    assert "npm run build" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}


def test_the_env_example_documents_every_variable_compose_needs(compose: dict[str, Any]) -> None:
    example = (ROOT / ".env.example").read_text()
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in set(re.findall(r"\$\{([A-Z0-9_]+)", text)):
        assert re.search(rf"^#?\s*{variable}=", example, flags=re.MULTILINE), (
            f"{variable} missing from .env.example"
        )
