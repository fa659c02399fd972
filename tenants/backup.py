"""Backups per entity: its schema plus its rows in shared tables, in one file.

A whole-database pg_dump fails past ~120 schemas with default lock limits
(ARCHITECTURE.md), and one entity must be restorable alone. The archive (tar.gz) holds:

- manifest.json: format, entity, creation time, applied migrations, tables;
- schema/<table>.csv: every table of the entity's schema (COPY, with header);
- shared.json: the entity's rows in public tables (entity, domains, populations,
  adhesions, memberships with their users, distribution addresses, office holders, jobs),
  Django-serialized.

Restoring needs no pg_dump binary and no knowledge of the schema name: the data is
copied into a schema created the normal way (spare or clone of the template), so an
archive restores into the same entity (replacing its data) or into a new one.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import tarfile
from typing import IO

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import audit
from provincial.models import Job
from tenants.models import (
    Adhesion,
    DistributionAddress,
    Domain,
    Entity,
    EntityPopulation,
    Membership,
    OfficeHolder,
    User,
)

FORMAT = "provincial-entity-backup/1"


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_type = 'BASE TABLE' ORDER BY table_name", [schema])
        return [row[0] for row in cursor.fetchall()]


def _copy_out(schema: str, table: str) -> bytes:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(f'COPY "{schema}"."{table}" TO STDOUT WITH (FORMAT csv, HEADER true)',
                           buffer)
    return buffer.getvalue()


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _shared_objects(entity: Entity) -> list:
    memberships = list(Membership.objects.filter(entity=entity))
    users = list(User.objects.filter(pk__in=[m.user_id for m in memberships]))
    return [entity, *Domain.objects.filter(tenant=entity),
            *EntityPopulation.objects.filter(entity=entity),
            *Adhesion.objects.filter(entity=entity), *users, *memberships,
            *DistributionAddress.objects.filter(entity=entity),
            *OfficeHolder.objects.for_entity(entity),
            *Job.objects.filter(entity=entity)]


def dump_entity(entity: Entity, output: IO[bytes], *, acting_user: User | None = None,
                progress=None) -> dict:
    """Write the entity's backup archive to `output`; returns the manifest.

    Read in one REPEATABLE READ transaction (when this call opens it), so the schema and
    the shared rows are one consistent snapshot. `progress(done, total)` is called after
    each table (jobs use it as their heartbeat).
    """
    schema = entity.schema_name
    opens_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if opens_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        tables = _tables(schema)
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
            migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
        manifest = {"format": FORMAT, "entity": entity.slug, "schema": schema,
                    "name": entity.name, "created_at": timezone.now().isoformat(),
                    "migrations": migrations, "tables": tables}
        with tarfile.open(fileobj=output, mode="w:gz") as archive:
            _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
            for index, table in enumerate(tables, start=1):
                _add(archive, f"schema/{table}.csv", _copy_out(schema, table))
                if progress is not None:
                    progress(index, len(tables))
            for path, data in _media_files(schema):
                _add(archive, f"media/{path}", data)
            _add(archive, "shared.json",
                 serializers.serialize("json", _shared_objects(entity)).encode())
    audit.record("tenants.entity.backup", user=acting_user, entity=entity, obj=entity,
                 detail={"tables": len(tables)})
    return manifest


def _tenant_file_fields() -> list[tuple]:
    """(model, field name) of every FileField in the apps that live in entity schemas."""
    from django.apps import apps
    from django.conf import settings
    from django.db import models as django_models

    labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    found = []
    for model in apps.get_models():
        config = model._meta.app_config
        if config.name in settings.TENANT_APPS or config.label in labels:
            for field in model._meta.get_fields():
                if isinstance(field, django_models.FileField):
                    found.append((model, field.name))
    return found


def _media_files(schema: str):
    """The stored files the entity's rows point to (issued PDFs, scanned documents)."""
    from django.core.files.storage import default_storage
    from django_tenants.utils import schema_context

    with schema_context(schema):
        for model, field_name in _tenant_file_fields():
            for path in model.objects.exclude(**{field_name: ""}).values_list(field_name,
                                                                              flat=True):
                if default_storage.exists(path):
                    with default_storage.open(path, "rb") as handle:
                        yield path, handle.read()


def _restore_media(members: dict[str, bytes]) -> int:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    restored = 0
    for name, data in members.items():
        if not name.startswith("media/"):
            continue
        path = name[len("media/"):]
        if ".." in path.split("/"):
            raise ValidationError(_("La copia contiene una ruta de fichero no válida."))
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(data))
        restored += 1
    return restored


def _read(archive_file: IO[bytes]) -> tuple[dict, dict[str, bytes], list]:
    with tarfile.open(fileobj=archive_file, mode="r:gz") as archive:
        members = {member.name: archive.extractfile(member).read()
                   for member in archive.getmembers() if member.isfile()}
    try:
        manifest = json.loads(members["manifest.json"])
    except (KeyError, ValueError) as exc:
        raise ValidationError(_("El archivo no es una copia de seguridad de una entidad.")) from exc
    if manifest.get("format") != FORMAT:
        raise ValidationError(_("Formato de copia desconocido: %(format)s")
                              % {"format": manifest.get("format")})
    shared = list(serializers.deserialize("json", members["shared.json"]))
    tables = {name[len("schema/"):-len(".csv")]: data for name, data in members.items()
              if name.startswith("schema/")}
    tables["__media__"] = {name: data for name, data in members.items()
                           if name.startswith("media/")}
    return manifest, tables, shared


def _load_schema(schema: str, manifest: dict, tables: dict[str, bytes]) -> None:
    """Replace the schema's data with the archive's. The target keeps its own migration
    records: an archive from an older version loads into the newer structure (columns by
    name), an archive from a newer version than this system is refused."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        applied = {f"{app}.{name}" for app, name in cursor.fetchall()}
    newer = set(manifest["migrations"]) - applied
    if newer:
        raise ValidationError(_("La copia procede de una versión más reciente (migraciones "
                                "desconocidas: %(names)s).") % {"names": ", ".join(sorted(newer))})
    tables = {name: data for name, data in tables.items() if name != "django_migrations"}
    present = set(_tables(schema)) - {"django_migrations"}
    missing = set(tables) - present
    if missing:
        raise ValidationError(_("La copia contiene tablas que este sistema no tiene: %(tables)s")
                              % {"tables": ", ".join(sorted(missing))})
    with connection.cursor() as cursor:
        quoted = ", ".join(f'"{schema}"."{table}"' for table in sorted(present))
        # Checks still pending in this transaction must fire before TRUNCATE may run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {quoted} CASCADE")
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: load order is free.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, data in tables.items():
            header = data.split(b"\n", 1)[0].decode()
            columns = ", ".join(f'"{name}"' for name in next(csv.reader([header])))
            cursor.copy_expert(f'COPY "{schema}"."{table}" ({columns}) FROM STDIN '
                               f"WITH (FORMAT csv, HEADER true)", io.BytesIO(data))
        cursor.execute("""
            SELECT s.relname, t.relname, a.attname
            FROM pg_class s
            JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
            JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
            JOIN pg_namespace n ON n.oid = s.relnamespace
            WHERE s.relkind = 'S' AND n.nspname = %s""", [schema])
        for sequence, table, column in cursor.fetchall():
            cursor.execute(f'SELECT setval(\'"{schema}"."{sequence}"\', '
                           f'COALESCE((SELECT MAX("{column}") FROM "{schema}"."{table}"), 0) + 1, false)')


def restore_entity(archive_file: IO[bytes], *, into: Entity | None = None,
                   new_identity: dict | None = None, acting_user: User | None = None) -> Entity:
    """Restore an archive into `into` (replacing its data) or into a new entity.

    For a new entity, `new_identity` gives at least slug and domain, and the identifiers
    that must stay unique (cif, dir3_code, ine_code) when the original still exists.
    """
    from tenants import actions

    manifest, tables, shared = _read(archive_file)
    objects = [item.object for item in shared]
    original = next(obj for obj in objects if isinstance(obj, Entity))
    with transaction.atomic():
        if into is None:
            identity = dict(new_identity or {})
            domain = identity.pop("domain")
            fields = {f: getattr(original, f) for f in (
                "name", "kind", "ine_code", "dir3_code", "cif", "province", "comarca",
                "address", "postal_code", "email", "phone", "website")}
            fields.update(identity)
            entity = actions.provision_entity(domains=[domain], acting_user=acting_user,
                                              **fields).entity
        else:
            entity = into
        media = tables.pop("__media__")
        _load_schema(entity.schema_name, manifest, tables)
        _restore_media(media)
        connection.set_schema_to_public()
        _restore_shared(entity, objects, original)
        audit.record("tenants.entity.restore", user=acting_user, entity=entity, obj=entity,
                     detail={"from": manifest["entity"], "created_at": manifest["created_at"]})
    return entity


def _restore_shared(entity: Entity, objects: list, original: Entity) -> None:
    same = entity.pk == original.pk
    if same:
        EntityPopulation.objects.filter(entity=entity).delete()
        DistributionAddress.objects.filter(entity=entity).delete()
        OfficeHolder.objects.for_entity(entity).delete()
        Membership.objects.filter(entity=entity).delete()
        Adhesion.objects.filter(entity=entity).delete()
    # Users are provincial accounts: reuse the one with the same user name, create it
    # (with its password hash) only if this system does not know it.
    users_by_pk: dict[int, User] = {}
    for obj in objects:
        if isinstance(obj, User):
            original_pk = obj.pk
            existing = User.objects.filter(username=obj.username).first()
            if existing is None:
                obj.pk = None
                obj.save(force_insert=True)
                existing = obj
            users_by_pk[original_pk] = existing
    for obj in objects:
        if isinstance(obj, User | Entity | Domain | Job):
            continue  # the entity and its domains exist; jobs are history, kept in place
        obj.entity_id = entity.pk
        if isinstance(obj, Membership):
            obj.user = users_by_pk[obj.user_id]
        if not same:
            obj.pk = None
        obj.save(force_insert=True)


def backup_filename(entity: Entity, when: datetime.datetime | None = None) -> str:
    when = when or timezone.now()
    return f"{entity.slug}-{when:%Y%m%d-%H%M%S}.tar.gz"


def backups_of(entity: Entity, directory) -> list:
    """The entity's archives in `directory`, oldest first (not those of 'alcoi-nord' for
    'alcoi': the timestamp must follow the slug directly)."""
    pattern = re.compile(rf"{re.escape(entity.slug)}-\d{{8}}-\d{{6}}\.tar\.gz")
    return sorted(p for p in directory.iterdir() if pattern.fullmatch(p.name))


def write_backup(entity: Entity, directory, *, keep: int | None = None, progress=None,
                 acting_user: User | None = None) -> tuple:
    """Write a new archive atomically (a .partial file renamed when complete) and keep the
    newest `keep`; returns (path, manifest, removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / backup_filename(entity)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as output:
        manifest = dump_entity(entity, output, progress=progress, acting_user=acting_user)
    partial.rename(path)
    removed = backups_of(entity, directory)[:-keep] if keep else []
    for stale in removed:
        stale.unlink()
    return path, manifest, removed
