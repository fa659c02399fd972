"""Creation of entity schemas: rename a pre-made spare, or copy the template.

Replaying every migration for a new schema takes seconds and grows with the app count;
copying the migrated template schema (tenants.template_ddl: its DDL, read from the catalog
once, replayed in one transaction) takes a fraction of a second whatever the number of
schemas; renaming a spare copy takes milliseconds. migrate_schemas keeps the template and
the spares migrated (provincial.migrations_executor), and `refill_spares` tops the pool up
in a worker, closing its database connection every TENANT_SCHEMAS_PER_CONNECTION schemas:
a PostgreSQL backend keeps what it learnt of every relation it touched.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

from tenants import template_ddl

logger = logging.getLogger(__name__)

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
    """Create `target` as a copy of the template: structure, rows, grants."""
    try:
        template_ddl.create_schema(template_schema(), target)
    except template_ddl.ReplayUnsupported as exc:
        logger.warning("Template %s copied by django-tenants' clone_schema: %s",
                       template_schema(), exc)
        CloneSchema().clone_schema(template_schema(), target, "DATA")
    _count_schema_made()


# --- recycling the connection that makes schemas -----------------------------------------


def _count_schema_made() -> int:
    """Count one more schema made on the current connection; returns the count."""
    # The count is kept with the DB-API connection object itself (not its id(), which a
    # new connection may reuse once the old one is freed), so a new connection counts
    # from zero whoever closed the old one.
    raw = connection.connection
    made = getattr(connection, "_schemas_made", None)
    count = made[1] + 1 if made is not None and made[0] is raw else 1
    connection._schemas_made = (raw, count)
    return count


def schemas_made_on_connection() -> int:
    made = getattr(connection, "_schemas_made", None)
    return made[1] if made is not None and made[0] is connection.connection else 0


def _in_transaction() -> bool:
    return connection.in_atomic_block


def recycle_connection_if_due() -> bool:
    """Close the connection once it has made TENANT_SCHEMAS_PER_CONNECTION schemas (the
    next query opens a fresh one); never inside a transaction. True if it was closed."""
    limit = settings.TENANT_SCHEMAS_PER_CONNECTION
    if not limit or schemas_made_on_connection() < limit or _in_transaction():
        return False
    connection.close()
    connection._schemas_made = None
    return True


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
        # A web process recycles its connection after the commit, if it is due.
        transaction.on_commit(recycle_connection_if_due)
        return "clone"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    # Inside the caller's transaction: the standard executor, never a forking one.
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False,
                 verbosity=0, executor="standard")
    connection.set_schema_to_public()
    return "migrate"


def refill_spares(count: int | None = None) -> int:
    """Copy the template until `count` spares exist; returns how many were made.

    One transaction per spare, each under the lock that claiming takes (two refills never
    overshoot the pool, and a claim waits for one copy at most); between two of them the
    connection is recycled when it has made enough schemas.
    """
    wanted = settings.TENANT_SPARE_SCHEMAS if count is None else count
    if not template_is_ready():
        return 0
    made = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SPARE_LOCK_ID])
            if len(spare_schemas()) >= wanted:
                return made
            clone_template(f"{SPARE_PREFIX}{secrets.token_hex(6)}")
            made += 1
        recycle_connection_if_due()
