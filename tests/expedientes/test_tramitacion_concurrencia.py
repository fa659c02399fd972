"""Numbering under real concurrency: threads, each with its own database connection,
opening expedientes at once get consecutive numbers with no gap.

These tests commit (rows must be visible across connections), so they run without the
per-test transaction and clean up after themselves.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes import actions
from expedientes.models import Expediente, Procedimiento

from .conftest import make_procedimiento


@pytest.fixture
def committed_a(province, django_db_blocker):
    with django_db_blocker.unblock():
        with schema_context(province.a.schema_name):
            procedimiento = make_procedimiento("CONCURRENCIA")
        yield province.a, procedimiento
        with schema_context(province.a.schema_name), connection.cursor() as cursor:
            cursor.execute("TRUNCATE expedientes_expediente, expedientes_contadorexpediente, "
                           "expedientes_procedimiento CASCADE")
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE provincial_auditevent DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM provincial_auditevent WHERE object_type = "
                           "'expedientes.Expediente'")
            cursor.execute("ALTER TABLE provincial_auditevent ENABLE TRIGGER USER")
        connection.set_schema_to_public()


def run_in_threads(entity, count: int, call) -> tuple[list, list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            connection.set_schema(entity.schema_name)
            barrier.wait(timeout=30)
            result = call(index)
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_twenty_openings_at_once_get_consecutive_numbers(committed_a, province):
    entity, procedimiento = committed_a
    results, errors = run_in_threads(entity, 20, lambda i: actions.abrir(
        Procedimiento.objects.get(pk=procedimiento.pk), asunto=f"Expediente {i}",
        interesados=[], acting_user=province.clerk_a))
    assert errors == []
    assert sorted(e.numero for e in results) == list(range(1, 21))
    year = timezone.localdate().year
    with schema_context(entity.schema_name):
        assert sorted(Expediente.objects.filter(year=year).values_list("numero", flat=True)) \
            == list(range(1, 21))


def test_an_opening_that_fails_after_numbering_gives_its_number_back(committed_a, province,
                                                                     monkeypatch):
    entity, procedimiento = committed_a
    anotar = actions.anotar

    def failing(expediente, *args, **kwargs):
        # Half of the openings fail after taking their number, inside the transaction.
        if expediente.asunto.endswith("impar"):
            raise RuntimeError("fallo después de numerar")
        return anotar(expediente, *args, **kwargs)

    monkeypatch.setattr(actions, "anotar", failing)

    def open_one(index: int):
        try:
            return actions.abrir(Procedimiento.objects.get(pk=procedimiento.pk),
                                 asunto=f"Expediente {index} {'impar' if index % 2 else 'par'}",
                                 interesados=[], acting_user=province.clerk_a)
        except RuntimeError:
            return None

    results, errors = run_in_threads(entity, 10, open_one)
    assert errors == []
    assert sorted(e.numero for e in results if e is not None) == [1, 2, 3, 4, 5]
    with schema_context(entity.schema_name):
        assert Expediente.objects.count() == 5
