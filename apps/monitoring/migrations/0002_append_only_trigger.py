"""On PostgreSQL, make audit events append-only in the database itself, not just through the ORM.

A trigger rejects UPDATE and DELETE of any row, so even raw SQL cannot rewrite history quietly
(TRUNCATE, which needs table-owner rights, stays possible for test databases).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION monitoring_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER monitoring_auditevent_append_only
    BEFORE UPDATE OR DELETE ON monitoring_auditevent
    FOR EACH ROW EXECUTE FUNCTION monitoring_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS monitoring_auditevent_append_only ON monitoring_auditevent;
DROP FUNCTION IF EXISTS monitoring_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
