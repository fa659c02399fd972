"""Tenant isolation of the citizen's notificaciones: a notification of entity A is not
reachable from entity B's sede by its pk, not even by the same person identified there,
and an identification made at A's sede is not honoured at B's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from expedientes.choices import EstadoDocumento
from notificaciones.models import Notificacion
from tests.conftest import HOST_B, HOST_C
from tests.sede.conftest import citizen

from .conftest import OTHER_DNI, lucia, make_documento, make_expediente, make_procedimiento
from .test_ciudadano import BASE, LUCIA, notificar, states, urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def de_a(in_a, resolucion, province) -> Notificacion:
    return notificar(resolucion, lucia(), acting_user=province.clerk_a)[0]


def test_the_same_person_identified_at_b_gets_404_for_a_notification_of_a(de_a, province):
    at_a = urls(de_a)
    before = states(de_a)
    with schema_context(province.b.schema_name):
        # At B, the same pk is someone else's notification.
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence("
                           "'notificaciones_notificacion', 'id'), %s, false)", [de_a.pk])
        expediente = make_expediente(make_procedimiento(), asunto="Otro asunto en Castalla")
        documento = make_documento(expediente, titulo="Resolución en Castalla",
                                   estado=EstadoDocumento.FIRMADO)
        de_b = notificar(documento, lucia(documento=OTHER_DNI, nombre="Pedro",
                                          apellido1="Sanz", apellido2=""),
                         acting_user=province.clerk_b, concepto="Resolución en Castalla")[0]
        assert de_b.pk == de_a.pk
    client = citizen(host=HOST_B, **LUCIA)
    listing = client.get(BASE).content.decode()
    assert "Resolución de concesión de licencia" not in listing
    assert "Resolución en Castalla" not in listing
    for name, url in at_a.items():
        assert client.get(url).status_code in (404, 405), name
    assert client.post(at_a["acceder"], {"confirmo": "on"}).status_code == 404
    assert client.post(at_a["rechazar"], {"confirmar": "1", "confirmo": "on"}).status_code == 404
    with schema_context(province.a.schema_name):  # a request to B's host left B's schema
        assert states(de_a) == before
    # At A the same person sees it.
    assert citizen(**LUCIA).get(at_a["detalle"]).status_code == 200


def test_an_identification_at_a_is_not_honoured_at_b(de_a, province):
    client = citizen(**LUCIA)  # identified at A's sede
    before, at_a = states(de_a), urls(de_a)
    for url in (BASE, at_a["detalle"], at_a["contenido"], at_a["acuse"]):
        response = client.get(url, HTTP_HOST=HOST_B)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/sede/identificarse/")
    response = client.post(at_a["acceder"], {"confirmo": "on"}, HTTP_HOST=HOST_B)
    assert response.status_code == 302
    assert response["Location"].startswith("/sede/identificarse/")
    with schema_context(province.a.schema_name):
        assert states(de_a) == before
    # Still identified at A.
    assert client.get(at_a["detalle"]).status_code == 200


def test_an_entity_without_the_expedientes_application_does_not_serve_the_pages(de_a):
    response = Client(HTTP_HOST=HOST_C).get(BASE)
    assert response.status_code == 404
    assert "no está disponible en esta entidad" in response.content.decode()
