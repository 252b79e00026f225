"""Pure position arithmetic: P&L fold (`pnl`), margin and liquidation (`liquidation`), pre-checks (`margin`).

No Django here: frozen dataclasses in, frozen dataclasses or Decimals out.
"""
