"""migrate_schemas skips schemas that have nothing pending and records each one's state."""

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from provincial.migrations_executor import pending_by_schema
from provincial.models import SchemaMigrationState
from tenants import provisioning
from tenants.models import Entity

pytestmark = pytest.mark.django_db


def test_noop_migrate_skips_every_schema_and_records_them(province, capsys):
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    # Every entity's schema (the session's and any a test committed), the template, spares.
    entities = Entity.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    schemas = [*entities, provisioning.template_schema(), *provisioning.spare_schemas()]
    assert f"0 of {len(schemas)} schemas have pending migrations" in out
    states = {s.schema_name: s for s in SchemaMigrationState.objects.all()}
    assert set(states) == set(schemas)
    assert all(state.is_up_to_date for state in states.values())


def test_a_schema_missing_a_migration_is_migrated_and_only_it(province, capsys):
    from django.db.migrations.loader import MigrationLoader

    # The latest migration of a shared app (a no-op in an entity's schema) that no other
    # migration depends on: deleting the record of a dependency would make the history
    # inconsistent.
    graph = MigrationLoader(None).graph
    app, latest = next(node for node in graph.leaf_nodes()
                       if node[0] in ("soporte", "codigos", "tenants")
                       and not graph.node_map[node].children)
    with schema_context("castalla"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s",
                       [app, latest])
    assert pending_by_schema(["agost", "castalla"]) == {
        "agost": [], "castalla": [f"{app}.{latest}"]}
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1,
                 executor="standard")
    out = capsys.readouterr().out
    assert "1 of" in out
    assert "castalla" in out
    assert "[standard:agost]" not in out
    assert pending_by_schema(["castalla"]) == {"castalla": []}
    assert SchemaMigrationState.objects.get(schema_name="castalla").migrated_at is not None


def test_admin_shows_the_migration_dashboard(province, client_for):
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    from tests.conftest import HOST_PROVINCIAL

    page = client_for(province.provincial_admin, HOST_PROVINCIAL).get(
        "/admin/provincial/schemamigrationstate/")
    assert page.status_code == 200
    assert "castalla" in page.content.decode()


def test_noop_migrate_does_not_touch_the_public_schema_either(province, capsys):
    call_command("migrate_schemas", interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert ":public]" not in out
    assert "0 of" in out
