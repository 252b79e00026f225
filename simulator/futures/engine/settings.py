"""Account settings: leverage, margin type, position mode, multi-assets, isolated margin, countdown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.futures.domain import brackets as br
from simulator.futures.domain.errors import FuturesError
from simulator.futures.engine import events
from simulator.futures.engine.placing import PlacingMixin

if TYPE_CHECKING:
    from simulator.futures.domain.position import Position

ZERO = Decimal(0)


class SettingsMixin(PlacingMixin):
    def _has_position(self, account_id: str, symbol: str | None = None) -> bool:
        acc = self.account(account_id)
        return any(p.amount != 0 for p in acc.positions.values() if symbol is None or p.symbol == symbol)

    def change_leverage(self, account_id: str, symbol: str, leverage: int) -> tuple[int, Decimal]:
        table = self.spec(symbol).bracket_table()
        if not 1 <= leverage <= br.max_leverage(table):
            raise FuturesError(-4028, f"Leverage {leverage} is not valid")
        acc = self.account(account_id)
        cap = br.max_notional_for_leverage(table, leverage)
        held = sum(
            (abs(p.amount) * self.mark(symbol) for p in acc.positions.values() if p.symbol == symbol), ZERO
        )
        if held > cap:
            raise FuturesError(-2027, "Exceeded the maximum allowable position at current leverage.")
        old = acc.lev(symbol)
        acc.leverage[symbol] = leverage
        if self._has_position(account_id, symbol) and self.account_risk(account_id).available < 0:
            acc.leverage[symbol] = old
            raise FuturesError(-2028, "Leverage is smaller than permitted: insufficient margin balance.")
        now = self.now()
        self.emit(account_id, events.account_config_leverage(event_ms=now, symbol=symbol, leverage=leverage))
        self.flush()
        return leverage, cap

    def change_margin_type(self, account_id: str, symbol: str, margin_type: str) -> None:
        self.spec(symbol)
        acc = self.account(account_id)
        current = acc.margin_type.get(symbol, "CROSSED")
        if current == margin_type:
            raise FuturesError(-4046, "No need to change margin type.")
        if self.open_orders(account_id, symbol):
            raise FuturesError(-4047, "Margin type cannot be changed if there exists open orders.")
        if self._has_position(account_id, symbol):
            raise FuturesError(-4048, "Margin type cannot be changed if there exists position.")
        acc.margin_type[symbol] = margin_type

    def change_position_mode(self, account_id: str, dual: bool) -> None:  # noqa: FBT001
        acc = self.account(account_id)
        if acc.dual_side == dual:
            raise FuturesError(-4059, "No need to change position side.")
        if self.open_orders(account_id):
            raise FuturesError(-4067, "Position side cannot be changed if there exists open orders.")
        if self._has_position(account_id):
            raise FuturesError(-4068, "Position side cannot be changed if there exists position.")
        acc.dual_side = dual
        # Flat position rows of the old mode would show up as phantom legs in positionRisk.
        acc.positions = {k: p for k, p in acc.positions.items() if p.amount != 0}

    def change_multi_assets(self, account_id: str, enabled: bool) -> None:  # noqa: FBT001
        acc = self.account(account_id)
        if acc.multi_assets == enabled:
            raise FuturesError(-4171, "Multi-Assets mode is already set.")
        if enabled and any(acc.isolated(s) for s in acc.margin_type):
            raise FuturesError(
                -4168,
                "Unable to adjust to Multi-Assets mode with symbols of USDⓈ-M Futures "
                "under isolated-margin mode.",
            )
        acc.multi_assets = enabled
        self.emit(account_id, events.account_config_multi_assets(event_ms=self.now(), enabled=enabled))
        self.flush()

    def modify_isolated_margin(
        self, account_id: str, symbol: str, position_side: str, amount: Decimal, kind: int
    ) -> None:
        acc = self.account(account_id)
        if (acc.dual_side and position_side == "BOTH") or (not acc.dual_side and position_side != "BOTH"):
            raise FuturesError(-4061, "Order's position side does not match user's setting.")
        pos: Position = acc.position(symbol, position_side)
        if not acc.isolated(symbol) or pos.amount == 0:
            raise FuturesError(
                -4046,
                "No need to change margin type."
                if not acc.isolated(symbol)
                else "Position is not sufficient.",
            )
        spec = self.spec(symbol)
        if kind == 1:
            if amount > self.account_risk(account_id, spec.margin_asset).available:
                raise FuturesError(-4050, "Cross balance insufficient.")
            new_iw = pos.isolated_wallet + amount
        else:
            im = abs(pos.amount) * self.mark(symbol) / acc.lev(symbol)
            if (
                amount
                > pos.isolated_wallet + min(ZERO, pos.amount * (self.mark(symbol) - pos.entry_price)) - im
            ):
                raise FuturesError(-4051, "Isolated balance insufficient.")
            new_iw = pos.isolated_wallet - amount
        acc.positions[(symbol, position_side)] = replace(pos, isolated_wallet=new_iw, update_time=self.now())
        self.emit(
            account_id,
            self.position_account_update(account_id, symbol, position_side, "MARGIN_TRANSFER", self.now()),
        )
        self.flush()

    def set_countdown(self, account_id: str, symbol: str, countdown_ms: int) -> None:
        self.spec(symbol)
        acc = self.account(account_id)
        if countdown_ms == 0:
            acc.countdown.pop(symbol, None)
        else:
            acc.countdown[symbol] = (countdown_ms, self.now() + countdown_ms)
