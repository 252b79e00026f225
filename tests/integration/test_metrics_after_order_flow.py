"""/metrics after a real order flow: REST → daphne → a Celery worker → the local exchange, scraped over HTTP.

daphne and the worker run as separate processes sharing one PROMETHEUS_MULTIPROC_DIR, as `make run` and
docker-compose run them: the exchange calls and order transitions happen in the worker, so their samples
can only reach web's scrape through the multiprocess files. One LIMIT order rests (acked), one MARKET order
fills; a WebSocket client stays connected to /ws/account/ while the scrape runs.
"""

from __future__ import annotations

import re
import time
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any, Final

import pytest
import requests
from websockets.sync.client import connect

from tests.integration.platform_procs import Platform, platform_running

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.fixtures.local_exchange import LocalExchange

pytestmark = pytest.mark.integration

TOKEN: Final = "metrics-scrape-token"
SETTLE_S: Final = 20.0
SAMPLE: Final = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


@pytest.fixture(scope="module")
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, local_exchange: LocalExchange
) -> Iterator[Platform]:
    local_exchange.reset()
    account = local_exchange.create_account(balances={"USDT": "100000", "BTC": "1"})
    workdir = tmp_path_factory.mktemp("metrics-platform")
    built = Platform(workdir, local_exchange.url, account)
    metrics_dir = workdir / "prometheus"
    metrics_dir.mkdir()
    built.env.update(PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), TRADER_METRICS_TOKEN=TOKEN)
    built.env.pop("TRADER_METRICS_MULTIPROC_ROOT", None)
    with platform_running(built, request, local_exchange, "test_metrics_after_order_flow") as running:
        yield running


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _place(platform: Platform, body: dict[str, Any]) -> int:
    response = platform.api.post(f"{platform.url}/api/orders/", json=body, timeout=10)
    assert response.status_code == 202, (response.status_code, response.text, platform.logs())
    return int(response.json()["id"])


def _settle(platform: Platform, order_id: int, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + SETTLE_S
    while True:
        order = platform.api.get(f"{platform.url}/api/orders/{order_id}/", timeout=10).json()
        if order["status"] == status:
            return dict(order)
        assert time.monotonic() < deadline, f"order {order_id} is {order['status']}:\n{platform.logs()}"
        time.sleep(0.05)


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match is None or line.startswith("#"):
            continue
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match["labels"] or ""))
        found[match["name"], labels] = float(match["value"])
    return found


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels` (0 when there is none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def _scrape(platform: Platform) -> str:
    response = requests.get(
        f"{platform.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.text


def test_metrics_need_the_token(platform: Platform) -> None:
    response = requests.get(f"{platform.url}/metrics", timeout=10)
    assert response.status_code == 401
    assert response.text == "metrics need a bearer token\n"


def test_a_scrape_after_a_limit_and_a_market_order_shows_every_process(
    platform: Platform, local_exchange: LocalExchange
) -> None:
    book = requests.get(
        f"{local_exchange.url}/api/v3/ticker/bookTicker", params={"symbol": "BTCUSDT"}, timeout=5
    )
    bid, ask = Decimal(book.json()["bidPrice"]), Decimal(book.json()["askPrice"])
    symbol = platform.api.get(f"{platform.url}/api/symbols/SPOT/BTCUSDT/", timeout=10).json()
    tick, step = Decimal(symbol["filters"]["price"]["tick"]), Decimal(symbol["filters"]["quantity"]["step"])
    quantity = _plain((Decimal(20) / ask / step).to_integral_value(ROUND_UP) * step)
    resting_price = _plain((bid * Decimal("0.8") / tick).to_integral_value(ROUND_DOWN) * tick)
    spot = {"market": "SPOT", "symbol": "BTCUSDT"}

    limit_id = _place(
        platform, spot | {"side": "BUY", "type": "LIMIT", "quantity": quantity, "price": resting_price}
    )
    market_id = _place(platform, spot | {"side": "BUY", "type": "MARKET", "quantity": quantity})
    _settle(platform, limit_id, "NEW")
    _settle(platform, market_id, "FILLED")

    ws_url = platform.url.replace("http://", "ws://") + "/ws/account/"
    headers = {"Authorization": platform.api.headers["Authorization"]}
    with connect(ws_url, additional_headers=headers, origin=platform.url, open_timeout=10) as socket:  # type: ignore[arg-type]
        assert '"hello"' in str(socket.recv(timeout=10))
        samples = _samples(_scrape(platform))
        assert _value(samples, "trader_ws_clients", endpoint="/ws/account/") == 1

    # Exchange calls, made by the worker: counted by outcome, timed, and charged weight.
    placed = _value(samples, "trader_exchange_requests_total", endpoint="spot.order.place", outcome="ok")
    assert placed == 2, platform.logs()
    assert _value(samples, "trader_exchange_request_seconds_count", endpoint="spot.order.place") == 2
    assert _value(samples, "trader_exchange_weight_total", market="spot") >= 2
    assert _value(samples, "trader_exchange_breaker_state", market="spot", group="orders") == 0
    assert _value(samples, "trader_exchange_pool_limit", market="spot") > 0

    # Order path: both orders acked (submit → ack); the MARKET one filled (ack → fill, ack → filled).
    assert _value(samples, "trader_order_submit_ack_seconds_count", market="spot", outcome="acked") >= 2
    assert _value(samples, "trader_order_ack_first_fill_seconds_count", market="spot", type="MARKET") == 1
    assert _value(samples, "trader_order_ack_filled_seconds_count", market="spot", type="MARKET") == 1
    assert _value(samples, "trader_order_ack_filled_seconds_count", type="LIMIT") == 0
    assert _value(samples, "trader_order_rejects_total") == 0

    # Celery: this platform's own queue, drained by its worker.
    assert (("trader_celery_queue_length", frozenset({("queue", platform.queue)}))) in samples
    assert _value(samples, "trader_celery_queue_length", queue=platform.queue) == 0
    # Scrape-time state: trading is active everywhere, no kill switch, every collector read its source.
    assert _value(samples, "trader_trading_state", scope="all") == 0
    assert _value(samples, "trader_kill_switch_engaged") == 0
    for collector in ("celery", "trading_state", "exchange", "user_streams"):
        assert _value(samples, "trader_metrics_collector_up", collector=collector) == 1, collector


def test_the_closed_socket_leaves_the_client_gauge(platform: Platform) -> None:
    deadline = time.monotonic() + 10
    while _value(_samples(_scrape(platform)), "trader_ws_clients", endpoint="/ws/account/") != 0:
        assert time.monotonic() < deadline, "the closed /ws/account/ client is still counted"
        time.sleep(0.1)
