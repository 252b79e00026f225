"""Pure spot trading domain: enums, the order state machine, orders, balances, filters, wire formats."""
