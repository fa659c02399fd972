"""The libro's numbering under real concurrency: 20 resoluciones whose last signature (the
alcaldesa's) is made at once, in threads with a database connection each, get the numbers
1 to 20 of the year, with no gap and no repetition.

These tests commit (the rows must be visible across connections), so they run without the
per-test transaction and clean up after themselves. The signer is the test PKI's
certificate (tests/pki.py) through the signing service's registry, so nothing is
committed in the public schema but the audit trail, removed at the end.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes import portafirmas
from expedientes.choices import (
    Cargo,
    EstadoDocumento,
    EstadoFirmante,
    EstadoPeticion,
    EstadoResolucion,
)
from expedientes.models import (
    ContadorResolucion,
    Firmante,
    PeticionFirma,
    Resolucion,
)
from provincial.signing import base, validation
from tests.expedientes.conftest import make_expediente
from tests.expedientes.test_portafirmas_certificados import documento, procedimiento_decretos
from tests.pki import identity, trusting_test_ca

COUNT = 20


def _truncate_expedientes(schema_name: str) -> None:
    with schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s "
                       "AND tablename LIKE 'expedientes\\_%%'", [schema_name])
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} "
                           "CASCADE")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE provincial_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM provincial_auditevent WHERE action LIKE 'expedientes.%%'")
        cursor.execute("ALTER TABLE provincial_auditevent ENABLE TRIGGER USER")
    connection.set_schema_to_public()


@pytest.fixture
def committed_a(province, django_db_blocker):
    with django_db_blocker.unblock():
        _truncate_expedientes(province.a.schema_name)
        yield province.a
        _truncate_expedientes(province.a.schema_name)


def _pending_resoluciones(province) -> list[Firmante]:
    """20 resoluciones signed by the Secretaría, each waiting for the alcaldesa (clerk_a)."""
    with schema_context(province.a.schema_name):
        expediente = make_expediente(procedimiento_decretos(), asunto="Decretos de la Alcaldía")
        pending = []
        for number in range(COUNT):
            doc = documento(expediente, f"Decreto {number + 1}")
            doc.estado = EstadoDocumento.EN_FIRMA
            doc.save(update_fields=["estado"])
            peticion = PeticionFirma.objects.create(documento=doc,
                                                    circuito_name="Secretaría → Alcaldía")
            Firmante.objects.create(peticion=peticion, orden=1, cargo=Cargo.SECRETARIA,
                                    user_id=province.admin_a.pk, user_name="Secretaria",
                                    estado=EstadoFirmante.FIRMADO,
                                    signed_by_id=province.admin_a.pk, signed_at=timezone.now())
            pending.append(Firmante.objects.create(
                peticion=peticion, orden=2, cargo=Cargo.ALCALDIA, user_id=province.clerk_a.pk,
                user_name="Alcaldesa", estado=EstadoFirmante.PENDIENTE))
    connection.set_schema_to_public()
    return pending


def test_twenty_resolutions_signed_at_once_get_twenty_consecutive_numbers(committed_a,
                                                                         province):
    pending = _pending_resoluciones(province)
    barrier = threading.Barrier(COUNT)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def sign(firmante: Firmante) -> None:
        try:
            connection.set_schema(committed_a.schema_name)
            barrier.wait(timeout=60)
            portafirmas.firmar(firmante, acting_user=province.clerk_a)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    with trusting_test_ca(), base.providers_override(signer=[lambda user, entity: identity()]):
        threads = [threading.Thread(target=sign, args=(f,)) for f in pending]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)

        assert errors == []
        year = timezone.localdate().year
        with schema_context(committed_a.schema_name):
            rows = list(Resolucion.objects.order_by("numero").select_related("documento"))
            assert [r.numero for r in rows] == list(range(1, COUNT + 1))
            assert {r.year for r in rows} == {year}
            assert {r.estado for r in rows} == {EstadoResolucion.VIGENTE}
            assert ContadorResolucion.objects.get(year=year).ultimo == COUNT
            assert sorted(r.documento.titulo for r in rows) == \
                sorted(f"Decreto {n}" for n in range(1, COUNT + 1))
            assert all(r.sha256 == r.documento.sha256 for r in rows)
            assert PeticionFirma.objects.filter(estado=EstadoPeticion.FIRMADA).count() == COUNT
            # Each document got its own signature, and it validates.
            with rows[0].documento.contenido.open("rb") as handle:
                report = validation.validate_pdf(handle.read())
            assert report.ok
            assert len(report.signatures) == 1
        connection.set_schema_to_public()
