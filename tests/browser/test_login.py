"""A person logs into the dashboard in Chromium and sees the platform healthy."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture
def dashboard_user(transactional_db: None) -> User:
    user = User.objects.create_user(username="pat", password="a-long-browser-password")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    return user


@pytest.fixture
def exchange_runtime(local_exchange: Any) -> Iterator[Any]:
    """Point the platform's exchange door at the session's local exchange, as `make run` does."""
    from apps.exchange.runtime import build_runtime, set_runtime

    runtime = build_runtime(
        sim_url=local_exchange.url, prefix=f"test:browser:{uuid.uuid4().hex[:8]}", environment="sim"
    )
    set_runtime(runtime)
    yield runtime
    set_runtime(None)
    runtime.redis.close()


def test_logging_in_shows_the_health_indicator_green(
    live_server: Any,
    celery_worker_process: object,
    exchange_runtime: Any,
    dashboard_user: User,
    page: Any,
    screenshot_dir: Path,
    settings: Any,
) -> None:
    # Readiness wants a worker on the queues the platform sends to; this test's worker has a queue of its own.
    settings.TRADER_STATUS_WORKER_QUEUES = celery_worker_process.queue  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/orders")
    expect(page).to_have_url(f"{live_server.url}/login", timeout=15_000)
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("a-long-browser-password")
    page.get_by_role("button", name="Sign in").click()
    indicator = page.get_by_test_id("health-indicator")
    expect(indicator).to_have_attribute("data-status", "ok", timeout=30_000)
    expect(page).to_have_url(f"{live_server.url}/orders")
    expect(page.get_by_text("pat", exact=True)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "dashboard-after-login.png"))


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(
    live_server: Any, dashboard_user: User, page: Any
) -> None:
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Invalid username or password.")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("health-indicator")).to_have_count(0)
