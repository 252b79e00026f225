"""The one wallet endpoint a trading platform needs: what an API key is allowed to do.

Binance publishes key restrictions only under /sapi (`GET /sapi/v1/account/apiRestrictions`); a platform
uses it to refuse keys that can withdraw. The rest of /sapi (wallet, margin, earn) is out of scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import json_response

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.exchange import Exchange


async def api_restrictions(request: web.Request) -> web.Response:
    exchange: Exchange = request.app["exchange"]
    auth = await exchange.auth.verify(request, "USER_DATA", "spot")
    auth.params.finish()
    exchange.ratelimit.charge(request, "spot", 1)
    key = auth.account
    assert key is not None  # USER_DATA always resolves a key or raises
    trading = "SPOT" in key.permissions and not key.read_only
    return json_response(
        {
            "ipRestrict": False,
            "createTime": key.created_ms,
            "enableReading": True,
            "enableWithdrawals": key.enable_withdrawals,
            "enableInternalTransfer": False,
            "enableMargin": False,
            "enableFutures": "FUTURES" in key.permissions and not key.read_only,
            "permitsUniversalTransfer": False,
            "enableVanillaOptions": False,
            "enableFixApiTrade": False,
            "enableFixReadOnly": False,
            "enableSpotAndMarginTrading": trading,
            "enablePortfolioMarginTrading": False,
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sapi/v1/account/apiRestrictions", api_restrictions)
