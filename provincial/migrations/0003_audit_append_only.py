"""Audit rows are append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION provincial_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'provincial_auditevent is append-only: ' || TG_OP || ' refused';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS provincial_audit_append_only ON provincial_auditevent;
CREATE TRIGGER provincial_audit_append_only
    BEFORE UPDATE OR DELETE ON provincial_auditevent
    FOR EACH ROW EXECUTE FUNCTION provincial_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS provincial_audit_append_only ON provincial_auditevent;
DROP FUNCTION IF EXISTS provincial_audit_append_only();
"""


def forward(apps, schema_editor):
    # The audit table exists only in the public schema (SHARED_APPS).
    if schema_editor.connection.schema_name == "public":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.schema_name == "public":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("provincial", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
