"""The futures engine: account state, matching, margin, funding, liquidation and user events."""
