"""migrate_schemas that skips schemas with nothing to apply.

Django's migrate introspects the catalog of each schema even when nothing is pending,
so a no-op run over hundreds of schemas costs minutes and grows with the square of their
number. Here the applied migrations of every schema are read in a few UNION queries and
compared with the migration graph on disk; only schemas that lack something are handed
to django-tenants' executor. The template and spare schemas (tenants.provisioning) are
included so that clones are always current. Each schema's state is recorded in
provincial.SchemaMigrationState for the admin dashboard.

Set MIGRATE_ALL_SCHEMAS=1 (or pass an app label / --fake) to run the stock behaviour.
"""

from __future__ import annotations

import os
import sys

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.migration_executors import get_executor as stock_get_executor
from django_tenants.utils import get_public_schema_name

from provincial.env import env_bool


def expected_migrations() -> tuple[set[tuple[str, str]], dict]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes), loader.replacements


def applied_by_schema(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Applied migrations of each schema, read with one query per 200 schemas."""
    result: dict[str, set[tuple[str, str]]] = {name: set() for name in schemas}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)", [schemas])
        with_table = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(with_table), 200):
            chunk = with_table[start:start + 200]
            sql = " UNION ALL ".join(
                f'SELECT %s, app, name FROM "{name}".django_migrations' for name in chunk)
            cursor.execute(sql, chunk)
            for schema, app, name in cursor.fetchall():
                result[schema].add((app, name))
    return result


def pending_by_schema(schemas: list[str]) -> dict[str, list[str]]:
    expected, replacements = expected_migrations()
    applied = applied_by_schema(schemas)
    pending: dict[str, list[str]] = {}
    for schema in schemas:
        done = applied[schema]
        missing = []
        for key in expected:
            if key in done:
                continue
            replaced = replacements.get(key)
            if replaced is not None and all(old in done for old in replaced.replaces):
                continue
            missing.append(f"{key[0]}.{key[1]}")
        pending[schema] = sorted(missing)
    return pending


def record_states(pending: dict[str, list[str]], migrated: set[str]) -> None:
    from provincial.models import SchemaMigrationState

    now = timezone.now()
    expected_count = len(expected_migrations()[0])
    for schema, missing in pending.items():
        defaults = {"pending": [] if schema in migrated else missing,
                    "applied": expected_count if schema in migrated else expected_count - len(missing),
                    "checked_at": now}
        if schema in migrated:
            defaults["migrated_at"] = now
        SchemaMigrationState.objects.update_or_create(schema_name=schema, defaults=defaults)
    # Spares renamed into entities, or dropped, leave no row behind.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        existing = {row[0] for row in cursor.fetchall()}
    SchemaMigrationState.objects.exclude(schema_name__in=existing).delete()


def get_executor(codename: str | None = None):
    from django.conf import settings

    base = stock_get_executor(codename or os.environ.get("EXECUTOR")
                              or settings.TENANT_MIGRATION_EXECUTOR)

    class SkippingExecutor(base):
        def run_migrations(self, tenants=None):
            from tenants.provisioning import service_schemas

            tenants = list(tenants or [])
            public = get_public_schema_name()
            if self._must_run_all():
                return super().run_migrations(tenants=tenants)
            if tenants == [public]:
                if self._public_is_current():
                    return None
                return super().run_migrations(tenants=tenants)
            schemas = list(dict.fromkeys(tenants + service_schemas()))
            pending = pending_by_schema(schemas)
            todo = [schema for schema in schemas if pending[schema]]
            if int(self.options.get("verbosity", 1)) >= 1:
                sys.stdout.write(f"migrate_schemas: {len(todo)} of {len(schemas)} schemas have "
                                 f"pending migrations\n")
            if todo:
                super().run_migrations(tenants=todo)
            connection.set_schema_to_public()
            record_states(pending, set(todo))
            return None

        def _public_is_current(self) -> bool:
            """The public schema has every migration of the graph (on a fresh database it
            has no django_migrations table yet, and is migrated)."""
            return pending_by_schema([get_public_schema_name()])[get_public_schema_name()] == []

        def _must_run_all(self) -> bool:
            return bool(
                env_bool("MIGRATE_ALL_SCHEMAS", False)
                or self.options.get("app_label") or self.options.get("migration_name")
                or self.options.get("fake") or self.options.get("plan")
                or self.options.get("check_unapplied") or self.options.get("prune")
            )

    SkippingExecutor.__name__ = f"Skipping{base.__name__}"
    return SkippingExecutor
