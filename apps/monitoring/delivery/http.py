"""The one way alert delivery reaches the network over HTTP: a JSON POST with a hard timeout.

Built on urllib from the standard library rather than requests: urllib3 logs every request line at
DEBUG, and a Telegram URL carries the bot token in its path. Nothing here logs, and errors are described
in our own words (never with the URL). Redirects are not followed: a webhook that moved is a
configuration to fix, and following it would re-post a signed body to wherever the redirect points.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Final

USER_AGENT: Final = "trader-alerts/1"
MAX_BODY: Final = 4096  # of the answer: enough for an error message, bounded against a firehose


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""


class TransportError(Exception):
    """No HTTP answer came back (refused, reset, dropped, timed out, TLS or DNS failure)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3XX status, which we report as is


_opener = urllib.request.build_opener(_NoRedirect)


def _describe(exc: BaseException) -> str:
    # Words only: str(exc) of some of these embeds the host, and a URL may carry a token.
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (http.client.RemoteDisconnected, http.client.BadStatusLine)):
        return "connection closed without a response"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({type(reason).__name__})"
    if isinstance(reason, socket.gaierror):
        return "host name could not be resolved"
    if isinstance(reason, http.client.HTTPException):
        return f"broken HTTP answer ({type(reason).__name__})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"network error: {reason.strerror}"
    return f"network error ({type(reason).__name__})"


def post_json(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> HttpAnswer:
    """POST `body` (JSON bytes) and return the answer, whatever its status; raise TransportError when
    there is none. `timeout` bounds the connect and every read."""
    request = urllib.request.Request(url, data=body, method="POST")
    for name, value in headers.items():
        request.add_header(name, value)
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", USER_AGENT)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return HttpAnswer(
                status=response.status,
                headers={k.lower(): v for k, v in response.headers.items()},
                body=response.read(MAX_BODY),
            )
    except urllib.error.HTTPError as answer:  # a non-2XX status is still an answer
        try:
            content = answer.read(MAX_BODY)
        except (OSError, http.client.HTTPException):
            content = b""
        finally:
            answer.close()
        return HttpAnswer(
            status=answer.code,
            headers={k.lower(): v for k, v in (answer.headers or {}).items()},
            body=content,
        )
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise TransportError(_describe(exc)) from None
