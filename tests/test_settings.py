"""Settings come from the environment only; production refuses unsafe combinations and says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trader.settings.safety import production_problems

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "debug": settings.DEBUG, "exchange": settings.TRADER_EXCHANGE, "sim_url": settings.TRADER_SIM_URL,
    "hosts": settings.ALLOWED_HOSTS, "redis": settings.REDIS_URL, "broker": settings.CELERY_BROKER_URL,
    "serializer": settings.CELERY_TASK_SERIALIZER, "accept": settings.CELERY_ACCEPT_CONTENT,
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"], "log_level": settings.LOG_LEVEL,
    "secret_len": len(settings.SECRET_KEY),
}, default=str))
"""


def load_settings(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """Import the real settings in a fresh interpreter with exactly the given environment."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "trader.settings",
        "TRADER_RUN_DIR": str(tmp_path / "run"),
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def loaded(tmp_path: Path, **overrides: str) -> dict[str, object]:
    result = load_settings(tmp_path, **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_need_nothing_set(tmp_path: Path) -> None:
    values = loaded(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "run" / "db.sqlite3")
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["options"]["init_command"]
    assert values["debug"] is False
    assert values["exchange"] == "sim"
    assert values["sim_url"] == "http://127.0.0.1:9900"
    assert values["redis"] == values["broker"] == "redis://127.0.0.1:6379/0"
    assert values["serializer"] == "json" and values["accept"] == ["json"]
    assert values["layer"] == "channels_redis.core.RedisChannelLayer"


def test_a_local_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    loaded(tmp_path)
    key_file = tmp_path / "run" / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text()
    assert len(key) >= 50
    loaded(tmp_path)
    assert key_file.read_text() == key


def test_postgresql_urls_use_the_connection_pool(tmp_path: Path) -> None:
    values = loaded(tmp_path, DATABASE_URL="postgres://trader:pw@db.example:5432/trader")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "trader"
    assert values["options"]["pool"]["max_size"] == 10


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        ({"TRADER_EXCHANGE": "testnet"}, "exchange", "testnet"),
        ({"SIM_PORT": "9911"}, "sim_url", "http://127.0.0.1:9911"),
        ({"DEBUG": "true"}, "debug", True),
        ({"ALLOWED_HOSTS": "trader.example,10.0.0.5"}, "hosts", ["trader.example", "10.0.0.5"]),
        ({"TRADER_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
        ({"TRADER_CHANNEL_LAYER": "memory"}, "layer", "channels.layers.InMemoryChannelLayer"),
    ],
)
def test_each_setting_is_read_from_its_variable(
    tmp_path: Path, env: dict[str, str], key: str, expected: object
) -> None:
    assert loaded(tmp_path, **env)[key] == expected


def test_an_unknown_exchange_is_refused_with_the_allowed_values(tmp_path: Path) -> None:
    result = load_settings(tmp_path, TRADER_EXCHANGE="binance")
    assert result.returncode != 0
    assert "TRADER_EXCHANGE='binance' is not one of: sim, testnet, live" in result.stderr


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("k" * 64 + "\n")
    assert loaded(tmp_path, SECRET_KEY_FILE=str(secret_file))["secret_len"] == 64


def test_an_unreadable_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    result = load_settings(tmp_path, SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr and "cannot be read" in result.stderr


PG = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    ("secret_set", "debug", "engine", "hosts", "complaints"),
    [
        (True, False, PG, ["trader.example"], []),
        (False, False, PG, ["trader.example"], ["SECRET_KEY"]),
        (True, True, PG, ["trader.example"], ["DEBUG"]),
        (True, False, SQLITE, ["trader.example"], ["PostgreSQL"]),
        (True, False, PG, ["*"], ["ALLOWED_HOSTS"]),
        (False, True, SQLITE, [], ["SECRET_KEY", "DEBUG", "PostgreSQL", "ALLOWED_HOSTS"]),
    ],
)
def test_production_problems_table(
    secret_set: bool, debug: bool, engine: str, hosts: list[str], complaints: list[str]
) -> None:
    problems = production_problems(
        secret_key_set=secret_set, debug=debug, db_engine=engine, allowed_hosts=hosts
    )
    assert len(problems) == len(complaints)
    for problem, word in zip(problems, complaints, strict=True):
        assert word in problem


def test_production_needs_the_master_key_that_encrypts_exchange_secrets() -> None:
    problems = production_problems(
        secret_key_set=True, debug=False, db_engine=PG, allowed_hosts=["trader.example"], master_key_set=False
    )
    assert len(problems) == 1 and "TRADER_MASTER_KEY" in problems[0]


def test_production_refuses_to_start_with_defaults_and_says_why(tmp_path: Path) -> None:
    result = load_settings(tmp_path, TRADER_MODE="production")
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert "SECRET_KEY" in result.stderr and "PostgreSQL" in result.stderr


def test_production_starts_when_every_setting_is_safe(tmp_path: Path) -> None:
    values = loaded(
        tmp_path,
        TRADER_MODE="production",
        SECRET_KEY="s" * 60,
        DATABASE_URL="postgres://trader:pw@db:5432/trader",
        ALLOWED_HOSTS="trader.example",
        TRADER_MASTER_KEY="A" * 43 + "=",
    )
    assert values["debug"] is False
    assert not (tmp_path / "run" / "secret_key").exists()
