"""Recording audit events in the database: chained, append-only, verifiable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from apps.common.request_context import request_id_var
from apps.monitoring.domain.audit_chain import GENESIS
from apps.monitoring.models import AuditEvent, AuditImmutableError
from apps.monitoring.selectors import audit_chain_verify
from apps.monitoring.services import audit_record

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list[object]) -> None:
    """Change rows behind the ORM's back, as an attacker with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Needs superuser; switches off the append-only trigger for this session only.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_the_first_event_links_to_the_genesis_hash() -> None:
    event = audit_record(actor=None, action="test.first")
    assert event.prev_hash == GENESIS
    assert len(event.hash) == 64


def test_each_event_links_to_the_one_before(trader_user) -> None:
    first = audit_record(actor=trader_user, action="order.place", target_type="order", target_id="1")
    second = audit_record(actor=trader_user, action="order.cancel", target_type="order", target_id="1")
    assert second.prev_hash == first.hash
    assert second.actor_label == "tom-trader"
    assert audit_chain_verify() == (2, None)


def test_decimals_are_stored_as_the_strings_that_were_hashed() -> None:
    event = audit_record(
        actor=None, action="risk.limits.update", before={"max": Decimal("1.10")}, after={"max": Decimal("2")}
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.before == {"max": "1.10"}
    assert audit_chain_verify() == (1, None)


def test_the_request_id_in_context_is_recorded() -> None:
    token = request_id_var.set("req-42")
    try:
        event = audit_record(actor=None, action="test.request")
    finally:
        request_id_var.reset(token)
    assert event.request_id == "req-42"


def test_the_orm_refuses_to_update_or_delete_events() -> None:
    event = audit_record(actor=None, action="test.immutable")
    event.action = "rewritten"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_postgresql_refuses_raw_updates_and_deletes() -> None:
    event = audit_record(actor=None, action="test.trigger")
    for sql in (
        "UPDATE monitoring_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM monitoring_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


def test_verify_command_reports_an_intact_chain(capsys) -> None:
    for n in range(3):
        audit_record(actor=None, action=f"test.{n}")
    call_command("verify_audit_chain")
    assert "Audit chain intact: 3 events verified." in capsys.readouterr().out


def test_verify_command_names_the_first_changed_event() -> None:
    events = [audit_record(actor=None, action=f"test.{n}", after={"n": n}) for n in range(4)]
    _tamper("UPDATE monitoring_auditevent SET action = %s WHERE id = %s", ["test.forged", events[2].pk])
    with pytest.raises(CommandError, match=rf"broken at event #{events[2].pk} .*changed"):
        call_command("verify_audit_chain")


def test_verify_command_names_the_event_after_a_deleted_one() -> None:
    events = [audit_record(actor=None, action=f"test.{n}") for n in range(4)]
    _tamper("DELETE FROM monitoring_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=rf"broken at event #{events[2].pk} .*previous-hash"):
        call_command("verify_audit_chain")
