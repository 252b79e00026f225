"""Spot trading/account operations shared by REST (/api/v3) and the WebSocket API (/ws-api/v3)."""
