"""Creation of entity schemas: rename a pre-cloned spare, or clone the template.

Replaying every migration for a new schema takes seconds and grows with the app count;
cloning the migrated template schema takes about a second; renaming a spare clone takes
milliseconds. migrate_schemas keeps the template and the spares migrated
(provincial.migrations_executor), and `refill_spares` tops the pool up in a worker.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

SPARE_PREFIX = "_reserva_"
# Any constant: serialises the claiming of spare schemas between processes.
_SPARE_LOCK_ID = 7_301_977


def template_schema() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def spare_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [SPARE_PREFIX.replace("_", r"\_") + "%"])
        return [row[0] for row in cursor.fetchall()]


def service_schemas() -> list[str]:
    """The template (created empty if missing) and the spares, for migrate_schemas."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template_schema()}"')
    return [template_schema(), *spare_schemas()]


def _migrations_missing(schema: str, reference: str) -> bool:
    """True if `schema` lacks a migration that `reference` has applied."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{reference}".django_migrations '
            f'EXCEPT SELECT app, name FROM "{schema}".django_migrations LIMIT 1')
        return cursor.fetchone() is not None


def template_is_ready() -> bool:
    template = template_schema()
    if not schema_exists(template):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{template}".django_migrations'])
        return cursor.fetchone()[0] is not None


def clone_template(target: str) -> None:
    CloneSchema().clone_schema(template_schema(), target, "DATA")


def create_entity_schema(schema_name: str) -> str:
    """Create `schema_name` ready to use; returns how: 'spare', 'clone' or 'migrate'."""
    connection.set_schema_to_public()
    if template_is_ready():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SPARE_LOCK_ID])
            for spare in spare_schemas():
                if _migrations_missing(spare, template_schema()):
                    with connection.cursor() as cursor:
                        cursor.execute(f'DROP SCHEMA "{spare}" CASCADE')
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f'ALTER SCHEMA "{spare}" RENAME TO "{schema_name}"')
                return "spare"
        clone_template(schema_name)
        return "clone"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    # Inside the caller's transaction: the standard executor, never a forking one.
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False,
                 verbosity=0, executor="standard")
    connection.set_schema_to_public()
    return "migrate"


def refill_spares(count: int | None = None) -> int:
    """Clone the template until `count` spares exist; returns how many were made."""
    wanted = settings.TENANT_SPARE_SCHEMAS if count is None else count
    if not template_is_ready():
        return 0
    made = 0
    with transaction.atomic():
        # The same lock as claiming: two refills never overshoot the pool.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SPARE_LOCK_ID])
        while len(spare_schemas()) < wanted:
            clone_template(f"{SPARE_PREFIX}{secrets.token_hex(6)}")
            made += 1
    return made
