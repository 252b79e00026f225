"""Refuse unsafe production settings, saying why. Pure so the rules can be tested as a table."""

from __future__ import annotations


def production_problems(
    *,
    secret_key_set: bool,
    debug: bool,
    db_engine: str,
    allowed_hosts: list[str],
    master_key_set: bool = True,
) -> list[str]:
    """Return every reason the given settings are unsafe for production (empty when they are safe)."""
    problems: list[str] = []
    if not secret_key_set:
        problems.append("SECRET_KEY (or SECRET_KEY_FILE) must be set; a generated key is for local runs only")
    if debug:
        problems.append(
            "DEBUG must be off: it leaks settings and stack traces to anyone who triggers an error"
        )
    if db_engine.endswith("sqlite3"):
        problems.append(
            "DATABASE_URL must point at PostgreSQL; SQLite is the zero-setup default for one machine"
        )
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS must list the host names the platform is served under (no '*')")
    if not master_key_set:
        problems.append(
            "TRADER_MASTER_KEY (or TRADER_MASTER_KEY_FILE) must be set: it encrypts the exchange API secrets"
        )
    return problems
