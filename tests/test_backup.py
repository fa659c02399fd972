"""Backups per entity: dump, change, restore; the entity comes back exactly."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tenants import actions, backup
from tenants.models import (
    Adhesion,
    DistributionAddress,
    Domain,
    EntityPopulation,
    Membership,
)

pytestmark = pytest.mark.django_db


def schema_snapshot(schema: str) -> dict[str, list]:
    snapshot = {}
    with connection.cursor() as cursor:
        for table in backup._tables(schema):
            cursor.execute(f'SELECT * FROM "{schema}"."{table}" ORDER BY 1')
            snapshot[table] = cursor.fetchall()
    return snapshot


def shared_snapshot(entity) -> dict[str, list]:
    return {
        "domains": sorted(Domain.objects.filter(tenant=entity).values_list("domain", "is_primary")),
        "populations": sorted(EntityPopulation.objects.filter(entity=entity)
                              .values_list("year", "population")),
        "adhesions": sorted(Adhesion.objects.filter(entity=entity)
                            .values_list("service__code", "state", "acceptance_sha256")),
        "memberships": sorted(Membership.objects.filter(entity=entity)
                              .values_list("user__username", "role", "applications", "is_active")),
        "addresses": sorted(DistributionAddress.objects.filter(entity=entity)
                            .values_list("email", "label")),
    }


@pytest.fixture
def entity_with_data(province):
    a = province.a
    with connection.cursor() as cursor:
        # A table as a service app would have it, with a sequence and a foreign key.
        cursor.execute(f'CREATE TABLE "{a.schema_name}".notas (id bigserial PRIMARY KEY, '
                       f"texto text NOT NULL, tipo_id integer REFERENCES "
                       f'"{a.schema_name}".django_content_type(id) DEFERRABLE INITIALLY DEFERRED)')
        cursor.execute(f'INSERT INTO "{a.schema_name}".notas (texto, tipo_id) SELECT '
                       f"'nota ' || n, (SELECT min(id) FROM \"{a.schema_name}\".django_content_type)"
                       f" FROM generate_series(1, 250) n")
    DistributionAddress.objects.create(entity=a, email="alcaldia@agost.localhost",
                                       label="Alcaldía")
    return a


def test_restore_reproduces_an_entity_exactly(province, entity_with_data):
    a = entity_with_data
    before_schema, before_shared = schema_snapshot(a.schema_name), shared_snapshot(a)
    archive = io.BytesIO()
    manifest = backup.dump_entity(a, archive)
    assert "notas" in manifest["tables"]
    # Damage: rows lost, a figure changed, a colleague removed, an address gone.
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{a.schema_name}".notas WHERE id % 2 = 0')
    actions.record_population(a, year=2024, population=1, acting_user=province.provincial_admin)
    Membership.objects.filter(user=province.clerk_a, entity=a).delete()
    DistributionAddress.objects.filter(entity=a).delete()
    assert schema_snapshot(a.schema_name) != before_schema
    archive.seek(0)
    backup.restore_entity(archive, into=a)
    assert schema_snapshot(a.schema_name) == before_schema
    assert shared_snapshot(a) == before_shared
    # Sequences continue after the restored rows.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO \"{a.schema_name}\".notas (texto) VALUES ('nueva') RETURNING id")
        assert cursor.fetchone()[0] == 251


def test_restore_into_a_new_entity(province):
    DistributionAddress.objects.create(entity=province.b, email="alcaldia@castalla.localhost")
    archive = io.BytesIO()
    backup.dump_entity(province.b, archive)
    archive.seek(0)
    copy = backup.restore_entity(archive, new_identity={
        "slug": "castalla-pruebas", "domain": "pruebas.castalla.localhost",
        "name": "Castalla (entorno de pruebas)", "ine_code": "030417", "dir3_code": "L01030417",
        "cif": "P0304100A"})
    assert copy.pk != province.b.pk
    assert copy.schema_name == "castalla_pruebas"
    assert schema_snapshot("castalla_pruebas") == schema_snapshot("castalla")
    original, restored = shared_snapshot(province.b), shared_snapshot(copy)
    assert restored["domains"] == [("pruebas.castalla.localhost", True)]
    for key in ("populations", "adhesions", "memberships", "addresses"):
        assert restored[key] == original[key], key


def test_a_new_entity_cannot_reuse_the_identifiers_of_an_existing_one(province):
    archive = io.BytesIO()
    backup.dump_entity(province.b, archive)
    archive.seek(0)
    with pytest.raises(ValidationError) as excinfo:
        backup.restore_entity(archive, new_identity={"slug": "castalla-copia",
                                                     "domain": "copia.castalla.localhost"})
    assert "Ya existe" in str(excinfo.value.messages)


def test_a_file_that_is_not_a_backup_is_refused(province):
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("otra-cosa.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    buffer.seek(0)
    with pytest.raises(ValidationError, match="no es una copia de seguridad"):
        backup.restore_entity(buffer, into=province.a)


def test_the_scheduled_backup_job_writes_the_file_and_keeps_the_newest(province, settings,
                                                                       tmp_path):
    from provincial import jobs
    from provincial.models import Job

    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_KEEP = 2
    for stamp in ("20200101-000000", "20210101-000000"):
        (tmp_path / f"agost-{stamp}.tar.gz").write_bytes(b"old")
    job = Job.objects.create(kind="tenants.backup_entity", entity=province.a)
    assert jobs.run(job.pk) == "succeeded"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2
    assert files[0] == "agost-20210101-000000.tar.gz"
    job.refresh_from_db()
    assert job.result["file"] == files[1]
    assert job.result["removed"] == 1
    with open(tmp_path / files[1], "rb") as archive:
        restored = backup.restore_entity(archive, into=province.a)
    assert restored == province.a


def test_backup_commands_round_trip(province, tmp_path, capsys):
    from django.core.management import call_command

    target = tmp_path / "agost.tar.gz"
    call_command("backup_entity", "agost", output=str(target))
    assert target.stat().st_size > 0
    call_command("restore_entity", str(target), replace="agost")
    assert "Restaurada en Ajuntament d'Agost" in capsys.readouterr().out


def test_stored_files_travel_with_the_backup(province):
    """Issued PDFs and scanned documents are restored with the rows that point to them."""
    from django.core.files.storage import default_storage
    from django_tenants.utils import schema_context

    from provincial.documents import services

    with schema_context(province.a.schema_name):
        document = services.issue("volante_individual", title="Prueba",
                                  pdf_bytes=b"%PDF-1.4 prueba de copia", issuer=province.clerk_a,
                                  subject_document="12345678Z", subject_name="Prueba")
        path = document.file.name
    archive = io.BytesIO()
    backup.dump_entity(province.a, archive)
    default_storage.delete(path)
    assert not default_storage.exists(path)
    archive.seek(0)
    backup.restore_entity(archive, into=province.a)
    with default_storage.open(path, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 prueba de copia"
