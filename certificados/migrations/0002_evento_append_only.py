"""A certificate's history is append-only: PostgreSQL refuses UPDATE and DELETE on it."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION certificados_evento_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'el historial de los certificados no se modifica ni se borra';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certificados_evento_append_only
    BEFORE UPDATE OR DELETE ON certificados_evento
    FOR EACH ROW EXECUTE FUNCTION certificados_evento_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS certificados_evento_append_only ON certificados_evento;
DROP FUNCTION IF EXISTS certificados_evento_append_only();
"""


def only_public(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.schema_name == "public":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("certificados", "0001_initial")]

    operations = [migrations.RunPython(only_public(FORWARD), only_public(BACKWARD))]
