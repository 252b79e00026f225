from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


def tamper(sql: str, params: list[object]) -> None:
    """Change rows behind the ORM's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The append-only trigger refuses this; only a superuser may switch triggers off for a session.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                pytest.skip("tampering on PostgreSQL needs a superuser to bypass the append-only trigger")
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def admin_client(db: None) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x" * 20))
    return client
