"""A trader and a viewer use the dashboard in Chromium against the whole platform on the local exchange.

One platform (`scripts/devrun.py run`: web, worker, beat, streams, local exchange) serves the module. The
trader logs in, picks a pair, watches the chart and book move, places and cancels a limit order, buys at
market and sees the fill and the position, engages and releases the kill switch; the viewer sees the same
screens but cannot trade. Each main view is saved as a screenshot (test artefacts, and the README's guide).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.stack import PASSWORD, Stack, platform_stack

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
# The README's user guide shows these; a run refreshes them only when asked to, so ordinary test runs
# never dirty the checkout.
GUIDE_DIR = ROOT / "docs" / "screenshots"
UPDATE_GUIDE = os.environ.get("TRADER_UPDATE_SCREENSHOTS") == "1"
LIVE_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform_stack(tmp_path_factory.mktemp("e2e-platform")) as running:
        yield running


@pytest.fixture(scope="module")
def artefacts() -> Path:
    """Where each run's screenshots stay for a person (or CI) to look at: TRADER_SCREENSHOT_DIR, else
    .run/test-artifacts/screenshots (ignored by git)."""
    where = os.environ.get("TRADER_SCREENSHOT_DIR")
    path = Path(where) if where else ROOT / ".run" / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(browser: Any, stack: Stack, *, dark: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, base_url=stack.url, color_scheme="dark" if dark else "light"
    )
    context.set_default_timeout(LIVE_TIMEOUT)
    return context.new_page()


def _login(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/trade"))


def _shoot(page: Page, artefacts: Path, name: str) -> None:
    page.wait_for_timeout(500)  # let the last live frames paint
    target = artefacts / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    if UPDATE_GUIDE:
        GUIDE_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, GUIDE_DIR / f"{name}.png")


def _pick_pair(page: Page, market: str, symbol: str) -> None:
    selector = page.get_by_test_id("pair-selector")
    selector.click()
    page.keyboard.type(symbol)
    page.get_by_test_id(f"pair-option-{market}-{symbol}").click()
    expect(page).to_have_url(re.compile(rf"/trade/{market.lower()}/{symbol}", re.IGNORECASE))


def _last_candle(chart: Any) -> str:
    names = ("data-last-time", "data-last-close", "data-last-volume")
    return " ".join(chart.get_attribute(name) or "" for name in names)


def _wait_changed(page: Page, read: Any, first: str, what: str, timeout_s: float = 30) -> str:
    for _ in range(int(timeout_s * 4)):
        now = read()
        if now and now != first:
            return str(now)
        page.wait_for_timeout(250)
    pytest.fail(f"{what} did not move in {timeout_s}s (stayed at {first!r})")


def test_a_trader_watches_a_pair_trades_and_uses_the_kill_switch(
    browser: Any, stack: Stack, artefacts: Path
) -> None:
    page = _page(browser, stack)
    _login(page, "tina")
    _pick_pair(page, "SPOT", "ETHUSDT")

    # The chart and the book are live: the last candle and the best levels change on their own.
    chart = page.get_by_test_id("price-chart")
    expect(chart).to_have_attribute("data-last-close", re.compile(r"^\d"))
    first_candle = _last_candle(chart)
    book = page.get_by_test_id("order-book")
    expect(book.locator("[data-testid^='book-bid-']").first).to_be_visible()
    first_book = book.inner_text()
    # Replayed prices can rest a while; every trade still grows the live candle's volume.
    _wait_changed(page, lambda: _last_candle(chart), first_candle, "the chart's live candle")
    _wait_changed(page, book.inner_text, first_book, "the order book")
    expect(page.get_by_test_id("book-spread")).to_be_visible()
    expect(page.get_by_test_id("recent-trades")).to_be_visible()
    _shoot(page, artefacts, "trade")

    # A limit buy far below the market rests on the book; it shows as open, then cancels.
    best_bid = book.locator("[data-testid^='book-bid-']").first.get_attribute("data-testid") or ""
    bid = best_bid.removeprefix("book-bid-")
    low_price = _scaled(bid, "0.8")
    ticket = page.get_by_test_id("order-ticket")
    _order_type(page, "Limit")
    ticket.get_by_test_id("ticket-price").fill(low_price)
    ticket.get_by_test_id("ticket-quantity").fill("0.05")
    ticket.get_by_test_id("ticket-submit").click()
    _confirm_if_asked(page)
    expect(page.get_by_test_id("ticket-result-status")).to_have_text(re.compile(r"\bNEW\b"))
    page.get_by_role("link", name="Orders").first.click()
    table = page.get_by_test_id("open-orders-table")
    row = table.locator("[data-testid^='order-row-']").filter(has_text="ETHUSDT").first
    expect(row).to_be_visible()
    order_id = (row.get_attribute("data-testid") or "").removeprefix("order-row-")
    _shoot(page, artefacts, "orders")
    page.get_by_test_id(f"cancel-order-{order_id}").click()
    _confirm_if_asked(page)
    expect(table.get_by_test_id(f"order-row-{order_id}")).to_have_count(0)
    status, body = stack.api("GET", f"/api/orders/{order_id}/", token=stack.token("tina"))
    assert status == 200 and body["status"] == "CANCELED", body  # type: ignore[index]

    # A futures market buy fills, and the position appears.
    page.goto("/trade/usdm/BTCUSDT")
    ticket = page.get_by_test_id("order-ticket")
    _order_type(page, "Market")
    ticket.get_by_test_id("ticket-quantity").fill("0.010")
    ticket.get_by_test_id("ticket-submit").click()
    _confirm_if_asked(page)
    expect(page.get_by_test_id("ticket-result-status")).to_have_text(re.compile("FILLED"))
    page.get_by_role("link", name="Positions").first.click()
    position = page.get_by_test_id("positions-table").locator("[data-testid^='position-row-USDM-BTCUSDT']")
    expect(position.first).to_be_visible()
    # The fill's ACCOUNT_UPDATE carries no leverage: it is read from the exchange as the position opens.
    expect(position.first).to_contain_text(re.compile(r"\d+x"), timeout=20_000)
    _shoot(page, artefacts, "positions")

    page.get_by_role("link", name="Portfolio").first.click()
    expect(page.get_by_test_id("equity-chart")).to_be_visible()
    _shoot(page, artefacts, "portfolio")

    # The kill switch halts trading and reports what it did; releasing it is an admin's call.
    page.get_by_role("link", name="Risk").first.click()
    expect(page.get_by_test_id("trading-state-global")).to_have_text("ACTIVE")
    _shoot(page, artefacts, "risk")
    page.get_by_test_id("kill-switch-button").click()
    dialog = page.get_by_test_id("kill-switch-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("kill-switch-reason").fill("end-to-end test")
    dialog.get_by_test_id("kill-switch-confirm").click()
    expect(page.get_by_test_id("kill-switch-report")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("trading-state-global")).to_have_text("HALTED")
    _shoot(page, artefacts, "kill-switch")
    expect(page.get_by_test_id("kill-switch-release")).to_be_disabled()  # a trader cannot release

    admin = _page(browser, stack)
    _login(admin, "ada")
    admin.goto("/risk")
    admin.get_by_test_id("kill-switch-release").click()
    admin.get_by_test_id("kill-switch-release-reason").fill("end-to-end test over")
    admin.get_by_test_id("kill-switch-release-confirm").click()
    expect(admin.get_by_test_id("trading-state-global")).to_have_text("ACTIVE")
    admin.context.close()
    expect(page.get_by_test_id("trading-state-global")).to_have_text("ACTIVE")  # live on the trader's screen

    page.get_by_role("link", name="Alerts").first.click()
    expect(page.get_by_test_id("alerts-table")).to_be_visible()
    _shoot(page, artefacts, "alerts")
    page.get_by_role("link", name="System").first.click()
    expect(page.get_by_test_id("system-components")).to_be_visible()
    # The status is cached for a few seconds; the release must show here too.
    expect(page.get_by_test_id("component-trading_state")).not_to_contain_text("halted", timeout=20_000)
    _shoot(page, artefacts, "system")
    page.context.close()


def test_a_viewer_sees_everything_but_cannot_trade(browser: Any, stack: Stack, artefacts: Path) -> None:
    page = _page(browser, stack, dark=False)
    _login(page, "vic")
    _pick_pair(page, "SPOT", "BTCUSDT")
    ticket = page.get_by_test_id("order-ticket")
    expect(ticket).to_be_visible()
    expect(ticket.get_by_test_id("ticket-submit")).to_be_disabled()
    _shoot(page, artefacts, "trade-viewer-light")
    page.get_by_role("link", name="Risk").first.click()
    expect(page.get_by_test_id("kill-switch-button")).to_be_disabled()
    page.get_by_role("link", name="Orders").first.click()
    expect(page.get_by_test_id("cancel-all")).to_be_disabled()
    # The server refuses anyway.
    status, _ = stack.api(
        "POST",
        "/api/orders/",
        token=stack.token("vic"),
        body={"market": "SPOT", "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"},
    )
    assert status == 403
    page.context.close()


def _order_type(page: Page, label: str) -> None:
    page.get_by_test_id("order-ticket").get_by_role("combobox", name="Order type").click()
    page.get_by_role("option", name=label, exact=True).click()


def _confirm_if_asked(page: Page) -> None:
    """Large or live orders and destructive actions ask first; confirm when a dialog shows up."""
    dialog = page.get_by_role("dialog")
    try:
        dialog.first.wait_for(state="visible", timeout=1500)
    except Exception:
        return
    confirm = re.compile(r"^(Confirm|Yes|Place|Cancel order|Release)", re.I)
    dialog.first.get_by_role("button", name=confirm).click()


def _scaled(price: str, factor: str) -> str:
    """The price times factor, cut to the price's own decimals (the ticket rounds to the tick anyway)."""
    from decimal import ROUND_DOWN, Decimal

    value = Decimal(price)
    return str((value * Decimal(factor)).quantize(value, rounding=ROUND_DOWN))
