"""Asientos are never deleted (Ley 39/2015, art. 16): the database refuses it too."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION registro_asiento_no_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'los asientos registrales no se borran; se anulan';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registro_asiento_no_delete BEFORE DELETE ON registro_asiento
    FOR EACH ROW EXECUTE FUNCTION registro_asiento_no_delete();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS registro_asiento_no_delete ON registro_asiento;
DROP FUNCTION IF EXISTS registro_asiento_no_delete();
"""


class Migration(migrations.Migration):
    dependencies = [("registro", "0001_initial")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
