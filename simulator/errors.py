"""Binance-shaped errors and the middleware that renders them.

Every failure a client can observe is `{"code": int, "msg": str}` JSON with Binance's HTTP status, so an
unmodified SDK parses it into its own exception type.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

UNKNOWN_ERROR_MSG = "An unknown error occurred while processing the request."


class BinanceError(Exception):
    """An error that reaches the client as Binance's `{"code","msg"}` body with `status`."""

    def __init__(self, code: int, msg: str, status: int = 400, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.status = status
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "msg": self.msg}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Compact separators match Binance's bodies byte for byte closely enough for size-sensitive clients.
    return web.Response(
        text=json.dumps(data, separators=(",", ":")),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def error_response(err: BinanceError) -> web.Response:
    return json_response(err.body(), status=err.status, headers=err.headers)


# Common errors, named after Binance's own wording so call sites read like the docs.
def mandatory(name: str) -> BinanceError:
    return BinanceError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def illegal_chars(name: str, legal: str) -> BinanceError:
    return BinanceError(-1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal}'.")


def invalid_symbol() -> BinanceError:
    return BinanceError(-1121, "Invalid symbol.")


def not_found() -> web.Response:
    # Binance answers unknown paths with a bare 404 and an empty body.
    return web.Response(status=404, text="")


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Turn BinanceError into its JSON body, unknown paths into 404 and anything else into -1000."""
    try:
        return await handler(request)
    except BinanceError as err:
        return error_response(err)
    except web.HTTPNotFound:
        return not_found()
    except web.HTTPMethodNotAllowed:
        # Binance routes by path+method; a wrong method on a known path looks like an unknown path.
        return not_found()
    except web.HTTPException as exc:
        if exc.status >= 400:
            return json_response({"code": -1000, "msg": UNKNOWN_ERROR_MSG}, status=exc.status)
        raise
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_response({"code": -1000, "msg": UNKNOWN_ERROR_MSG}, status=500)
