"""Numbering under real concurrency: threads, each with its own database connection.

These tests commit (rows must be visible across connections), so they run without the
per-test transaction and clean up after themselves; asientos cannot be deleted, so the
clean-up truncates the registro tables of the entity's schema.
"""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection, connections
from django_tenants.utils import schema_context

from registro.models import Asiento
from registro.services import registrar

from .conftest import datos, pdf_anexo

PRESENTADO = datetime.datetime(2019, 3, 5, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.fixture
def committed_a(province, django_db_blocker):
    with django_db_blocker.unblock():
        yield province.a
        with schema_context(province.a.schema_name), connection.cursor() as cursor:
            cursor.execute("TRUNCATE registro_historialintercambio, registro_intercambiorecibido, "
                           "registro_distribucion, registro_anexo, "
                           "registro_interesado, registro_asiento, registro_contadorregistro "
                           # The expedientes' and notificaciones' tables that point at
                           # asientos (empty here).
                           "CASCADE")
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE provincial_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM provincial_auditevent WHERE object_type = "
                           "'registro.Asiento'")
            cursor.execute("ALTER TABLE provincial_auditevent ENABLE TRIGGER USER")
        connection.set_schema_to_public()


def run_in_threads(entity, count: int, make_kwargs) -> tuple[list[Asiento], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Asiento] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit(index: int) -> None:
        try:
            connection.set_schema(entity.schema_name)
            barrier.wait(timeout=30)
            asiento = registrar(**make_kwargs(index))
            with lock:
                results.append(asiento)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_fifty_concurrent_submissions_get_numbers_one_to_fifty(committed_a):
    results, errors = run_in_threads(
        committed_a, 50, lambda i: datos(presentado_en=PRESENTADO, asunto=f"Solicitud {i}"))
    assert errors == []
    assert sorted(a.numero for a in results) == list(range(1, 51))
    with schema_context(committed_a.schema_name):
        assert sorted(Asiento.objects.filter(year=2019).values_list("numero", flat=True)) == \
            list(range(1, 51))
        assert Asiento.objects.get(numero=7, year=2019).numero_registro == "2019/E/000007"


def test_a_double_click_with_the_same_key_makes_one_asiento(committed_a):
    results, errors = run_in_threads(
        committed_a, 4, lambda i: datos(presentado_en=PRESENTADO, idempotency_key="doble-clic"))
    assert errors == []
    assert {a.pk for a in results} == {results[0].pk}
    with schema_context(committed_a.schema_name):
        assert Asiento.objects.count() == 1


class SlowStorage(FileSystemStorage):
    """A storage whose writes wait until the test lets them through."""

    writing = threading.Event()
    release = threading.Event()

    def _save(self, name, content):
        SlowStorage.writing.set()
        SlowStorage.release.wait(timeout=60)
        return super()._save(name, content)


def test_a_slow_attachment_write_does_not_hold_up_another_submissions_number(
        committed_a, settings):
    # The files are written before the counter is locked: while one submission is still
    # storing its attachment, another one is numbered and committed.
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": f"{__name__}.SlowStorage"}}
    SlowStorage.writing.clear()
    SlowStorage.release.clear()
    results: dict[str, Asiento | BaseException] = {}

    def submit(label: str, **overrides) -> None:
        try:
            connection.set_schema(committed_a.schema_name)
            results[label] = registrar(**datos(presentado_en=PRESENTADO, **overrides))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[label] = exc
        finally:
            connections.close_all()

    slow = threading.Thread(target=submit, args=("slow",),
                            kwargs={"anexos": [pdf_anexo()], "asunto": "Con anexo"})
    fast = threading.Thread(target=submit, args=("fast",), kwargs={"asunto": "Sin anexo"})
    try:
        slow.start()
        assert SlowStorage.writing.wait(timeout=30)
        fast.start()
        fast.join(timeout=10)
        assert not fast.is_alive(), "the numbering waited for another submission's file"
        assert slow.is_alive()
        assert results["fast"].numero_registro == "2019/E/000001"
    finally:
        SlowStorage.release.set()
        slow.join(timeout=60)
        fast.join(timeout=60)
    assert results["slow"].numero_registro == "2019/E/000002"
    with schema_context(committed_a.schema_name):
        assert results["slow"].anexos.get().fichero.read() == pdf_anexo().contenido
