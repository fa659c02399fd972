"""Two accesses to the same notification at once (two browser tabs, a double click), in
threads with a database connection each: one ACCEDIDA with one acuse; the other waits
for the lock, finds it practised and records nothing (no content is served by an access:
consultas are recorded by the downloads, actions.consultar).

The rows must be visible across connections, so this test commits, without the per-test
transaction, and cleans up after itself."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from notificaciones.actions import acceder
from notificaciones.choices import EstadoNotificacion, TipoEvento
from notificaciones.models import Notificacion
from tests.notificaciones.conftest import actor, lucia, notificar

COUNT = 2


def _clean(schema_name: str) -> None:
    with schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND ("
                       "tablename LIKE 'notificaciones\\_%%' OR tablename LIKE 'expedientes\\_%%')",
                       [schema_name])
        tables = [row[0] for row in cursor.fetchall()]
        tables += ["registro_asiento", "registro_contadorregistro",
                   "documentos_issueddocument"]
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} "
                       "CASCADE")
    with connection.cursor() as cursor:
        # A Celery worker of the session may have run an aviso job (its idempotency key
        # points at the job).
        cursor.execute("DELETE FROM provincial_idempotencykey WHERE job_id IN (SELECT id FROM "
                       "provincial_job WHERE kind = 'notificaciones.aviso')")
        cursor.execute("DELETE FROM provincial_job WHERE kind = 'notificaciones.aviso'")
        cursor.execute("ALTER TABLE provincial_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM provincial_auditevent WHERE action LIKE 'notificaciones.%%' "
                       "OR action LIKE 'expedientes.%%' OR action LIKE 'registro.%%' "
                       "OR action LIKE 'documentos.%%'")
        cursor.execute("ALTER TABLE provincial_auditevent ENABLE TRIGGER USER")
    connection.set_schema_to_public()


@pytest.fixture
def committed_a(province, django_db_blocker):
    with django_db_blocker.unblock():
        _clean(province.a.schema_name)
        yield province.a
        _clean(province.a.schema_name)


def test_two_simultaneous_accesses_practise_it_once(committed_a, settings, tmp_path):
    from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
    from expedientes.models import InteresadoExpediente
    from tests.expedientes.conftest import DNI, make_documento, make_expediente, make_procedimiento

    settings.MEDIA_ROOT = str(tmp_path / "media")
    with schema_context(committed_a.schema_name):
        expediente = make_expediente(make_procedimiento(), asunto="Licencia")
        InteresadoExpediente.objects.create(
            expediente=expediente, rol=RolInteresado.SOLICITANTE, tipo_documento="NIF",
            documento=DNI, nombre="Lucía", apellido1="Pérez")
        resolucion = make_documento(expediente, titulo="Resolución",
                                    tipo_documental=TipoDocumental.RESOLUCION,
                                    estado=EstadoDocumento.FIRMADO, nombre_fichero="r.pdf")
        # No e-mail or phone: no aviso job for a worker of the session to run meanwhile.
        [notificacion] = notificar(resolucion, lucia(email="", telefono=""))
    connection.set_schema_to_public()

    barrier = threading.Barrier(COUNT)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def open_it() -> None:
        try:
            connection.set_schema(committed_a.schema_name)
            barrier.wait(timeout=60)
            acceder(Notificacion(pk=notificacion.pk), actor())
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_it) for _ in range(COUNT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with schema_context(committed_a.schema_name):
        notificacion.refresh_from_db()
        assert notificacion.estado == EstadoNotificacion.ACCEDIDA
        eventos = notificacion.eventos.exclude(tipo=TipoEvento.PUESTA_DISPOSICION)
        assert list(eventos.values_list("tipo", flat=True)) == [TipoEvento.ACCESO]
        acceso = eventos.get(tipo=TipoEvento.ACCESO)
        assert acceso.acuse is not None
        assert notificacion.practicada_at == acceso.at
