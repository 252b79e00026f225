"""Where each environment lives. The only place that knows; the code path is the same for all three."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ExchangeUrls:
    api: str  # python-binance API_URL: spot REST base, ".../api"
    futures: str  # FUTURES_URL: ".../fapi"
    sapi: str  # MARGIN_API_URL: wallet/account endpoints (live only; elsewhere they answer 404)
    ws_api: str  # spot WebSocket API
    ws_futures: str  # futures WebSocket API
    stream: str  # spot market streams base (ends with "/")
    fstream: str  # futures streams base (ends with "/")


LIVE = ExchangeUrls(
    api="https://api.binance.com/api",
    futures="https://fapi.binance.com/fapi",
    sapi="https://api.binance.com/sapi",
    ws_api="wss://ws-api.binance.com:443/ws-api/v3",
    ws_futures="wss://ws-fapi.binance.com/ws-fapi/v1",
    stream="wss://stream.binance.com:9443/",
    fstream="wss://fstream.binance.com/",
)

TESTNET = ExchangeUrls(
    api="https://testnet.binance.vision/api",
    futures="https://testnet.binancefuture.com/fapi",
    sapi="https://testnet.binance.vision/sapi",
    ws_api="wss://ws-api.testnet.binance.vision/ws-api/v3",
    ws_futures="wss://testnet.binancefuture.com/ws-fapi/v1",
    stream="wss://stream.testnet.binance.vision/",
    fstream="wss://fstream.binancefuture.com/",
)


def sim_urls(base: str) -> ExchangeUrls:
    """The local exchange serves everything on one port (simulator/CONTRACT.md, URL map)."""
    base = base.rstrip("/")
    parts = urlsplit(base)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    ws = f"{ws_scheme}://{parts.netloc}"
    return ExchangeUrls(
        api=f"{base}/api",
        futures=f"{base}/fapi",
        sapi=f"{base}/sapi",
        ws_api=f"{ws}/ws-api/v3",
        ws_futures=f"{ws}/ws-fapi/v1",
        stream=f"{ws}/",
        fstream=f"{ws}/fstream/",
    )


def urls_for(environment: str, sim_url: str) -> ExchangeUrls:
    if environment == "sim":
        return sim_urls(sim_url)
    if environment == "testnet":
        return TESTNET
    if environment == "live":
        return LIVE
    raise ValueError(f"unknown exchange environment {environment!r}")
