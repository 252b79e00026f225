"""The one module that sends HTTP to the exchange: python-binance's Client / AsyncClient, pointed by URL.

It signs (through python-binance), applies the per-call timeout, captures response headers for the limiter
and turns python-binance's and requests' exceptions into two neutral failures the pipeline classifies.
Nothing here logs parameters or headers, and failure texts carry no query string.
"""

from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
from binance.async_client import AsyncClient
from binance.client import Client
from binance.exceptions import BinanceAPIException, BinanceRequestException

if TYPE_CHECKING:
    from collections.abc import Mapping

    from apps.exchange.domain.weights import Endpoint
    from apps.exchange.gateway.credentials import ActiveCredential
    from apps.exchange.gateway.urls import ExchangeUrls


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: Mapping[str, str]
    data: Any


class HttpFailure(Exception):
    """The exchange answered with a non-2xx status."""

    def __init__(self, *, status: int, headers: Mapping[str, str], code: int | None, message: str) -> None:
        super().__init__(f"HTTP {status} [{code}] {message}")
        self.status = status
        self.headers = headers
        self.code = code
        self.message = message


class TransportFailure(Exception):
    """No answer. `sent` is False only when the request certainly never left (connect failed)."""

    def __init__(self, *, sent: bool, detail: str) -> None:
        super().__init__(detail)
        self.sent = sent
        self.detail = detail


def _client_attrs(urls: ExchangeUrls) -> dict[str, str]:
    # Plain strings without "{}" survive python-binance's .format(tld) in BaseClient.__init__.
    return {
        "API_URL": urls.api,
        "FUTURES_URL": urls.futures,
        "MARGIN_API_URL": urls.sapi,
        "WS_API_URL": urls.ws_api,
        "WS_FUTURES_URL": urls.ws_futures,
    }


class _CapturingClient(Client):
    """Client that remembers the last response per thread, so headers of concurrent calls never mix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._captured = threading.local()
        super().__init__(*args, **kwargs)

    def _handle_response(self, response: requests.Response) -> Any:  # type: ignore[override]
        self._captured.response = response
        return Client._handle_response(response)

    def last_response(self) -> requests.Response | None:
        return getattr(self._captured, "response", None)


def client_kwargs(credential: ActiveCredential | None) -> dict[str, Any]:
    if credential is None:
        return {}
    if credential.key_type == "ED25519":
        return {"api_key": credential.api_key.reveal(), "private_key": credential.secret.reveal()}
    return {"api_key": credential.api_key.reveal(), "api_secret": credential.secret.reveal()}


def _connect_failed(exc: requests.exceptions.ConnectionError) -> bool:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc.args[0]) if exc.args else ""
    return "NewConnectionError" in text or "Connection refused" in text


def _where(endpoint: Endpoint) -> str:
    return f"{endpoint.method.upper()} {endpoint.market}/{endpoint.path}"


class BinanceTransport:
    """Sync transport for workers and web: one python-binance Client per credential version.

    Clients of retired versions are kept, never closed: a call still in flight on one must finish.
    """

    def __init__(self, urls: ExchangeUrls) -> None:
        self.urls = urls
        self._cls = type("TraderBinanceClient", (_CapturingClient,), _client_attrs(urls))
        self._clients: dict[int, _CapturingClient] = {}
        self._lock = threading.Lock()

    def client(self, credential: ActiveCredential | None) -> _CapturingClient:
        key = credential.id if credential is not None else 0
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._cls(ping=False, **client_kwargs(credential))
                self._clients[key] = found
            return found

    def send(
        self,
        endpoint: Endpoint,
        params: Mapping[str, str],
        *,
        credential: ActiveCredential | None,
        timeout_s: float,
        offset_ms: int,
    ) -> RawResponse:
        client = self.client(credential)
        client.timestamp_offset = offset_ms
        data: dict[str, Any] = dict(params)
        data["requests_params"] = {"timeout": max(0.05, timeout_s)}
        try:
            if endpoint.family == "api":
                result = client._request_api(endpoint.method, endpoint.path, endpoint.signed, "v3", data=data)
            elif endpoint.family == "sapi":
                result = client._request_margin_api(
                    endpoint.method, endpoint.path, endpoint.signed, endpoint.version, data=data
                )
            else:
                result = client._request_futures_api(
                    endpoint.method, endpoint.path, endpoint.signed, endpoint.version, data=data
                )
        except BinanceAPIException as exc:
            headers = dict(exc.response.headers) if exc.response is not None else {}
            raise HttpFailure(
                status=int(exc.status_code), headers=headers, code=exc.code or None, message=str(exc.message)
            ) from None
        except BinanceRequestException:
            raise TransportFailure(sent=True, detail=f"unreadable answer to {_where(endpoint)}") from None
        except requests.exceptions.ConnectionError as exc:
            sent = not _connect_failed(exc)
            raise TransportFailure(sent=sent, detail=f"{type(exc).__name__} on {_where(endpoint)}") from None
        except requests.exceptions.Timeout as exc:
            raise TransportFailure(sent=True, detail=f"{type(exc).__name__} on {_where(endpoint)}") from None
        response = client.last_response()
        status = response.status_code if response is not None else 200
        headers = dict(response.headers) if response is not None else {}
        return RawResponse(status=status, headers=headers, data=result)


# Concurrent tasks share one AsyncClient, so its `response` attribute would mix their answers; each task
# reads the response it awaited from its own context instead.
_async_response: contextvars.ContextVar[Any] = contextvars.ContextVar("exchange_async_response", default=None)


class _CapturingAsyncClient(AsyncClient):
    async def _handle_response(self, response: Any) -> Any:  # type: ignore[override]
        _async_response.set(response)
        return await AsyncClient._handle_response(self, response)


class AsyncBinanceTransport:
    """Async transport for the streams process (python-binance AsyncClient on aiohttp)."""

    def __init__(self, urls: ExchangeUrls) -> None:
        self.urls = urls
        self._cls = type("TraderAsyncBinanceClient", (_CapturingAsyncClient,), _client_attrs(urls))
        self._clients: dict[int, AsyncClient] = {}

    async def client(self, credential: ActiveCredential | None) -> AsyncClient:
        key = credential.id if credential is not None else 0
        found = self._clients.get(key)
        if found is None:
            # Built directly (not AsyncClient.create) so no ping or time call bypasses the limiter.
            found = self._cls(**client_kwargs(credential))
            self._clients[key] = found
        return found

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close_connection()
        self._clients.clear()

    async def send(
        self,
        endpoint: Endpoint,
        params: Mapping[str, str],
        *,
        credential: ActiveCredential | None,
        timeout_s: float,
        offset_ms: int,
    ) -> RawResponse:
        import aiohttp

        client = await self.client(credential)
        client.timestamp_offset = offset_ms
        data: dict[str, Any] = dict(params)
        data["requests_params"] = {"timeout": aiohttp.ClientTimeout(total=max(0.05, timeout_s))}
        _async_response.set(None)
        try:
            if endpoint.family == "api":
                result = await client._request_api(
                    endpoint.method, endpoint.path, endpoint.signed, "v3", data=data
                )
            elif endpoint.family == "sapi":
                result = await client._request_margin_api(
                    endpoint.method, endpoint.path, endpoint.signed, endpoint.version, data=data
                )
            else:
                result = await client._request_futures_api(
                    endpoint.method, endpoint.path, endpoint.signed, endpoint.version, data=data
                )
        except BinanceAPIException as exc:
            headers = dict(exc.response.headers) if exc.response is not None else {}
            raise HttpFailure(
                status=int(exc.status_code), headers=headers, code=exc.code or None, message=str(exc.message)
            ) from None
        except BinanceRequestException:
            raise TransportFailure(sent=True, detail=f"unreadable answer to {_where(endpoint)}") from None
        except aiohttp.ClientConnectorError as exc:
            raise TransportFailure(sent=False, detail=f"{type(exc).__name__} on {_where(endpoint)}") from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransportFailure(sent=True, detail=f"{type(exc).__name__} on {_where(endpoint)}") from None
        response = _async_response.get()
        status = int(response.status) if response is not None else 200
        headers = dict(response.headers) if response is not None else {}
        return RawResponse(status=status, headers=headers, data=result)
