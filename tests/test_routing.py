import html

import pytest
from django.db import connection

from provincial.routing import clear_host_cache
from tenants.models import Entity
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def test_each_host_is_served_from_its_own_schema(province, client):
    client.get("/", HTTP_HOST=HOST_A)
    assert connection.schema_name == province.a.schema_name
    client.get("/", HTTP_HOST=HOST_B)
    assert connection.schema_name == province.b.schema_name
    client.get("/", HTTP_HOST=HOST_PROVINCIAL)
    assert connection.schema_name == "public"


def test_portal_of_an_entity_shows_that_entity_only(province, client):
    body = html.unescape(client.get("/", HTTP_HOST=HOST_A).content.decode())
    assert province.a.name in body
    assert province.b.name not in body


def test_unknown_host_gets_a_clear_404_page(province, client):
    response = client.get("/gestion/", HTTP_HOST="desconocido.localhost")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Dominio no registrado" in body
    assert "desconocido.localhost" in body
    assert "Traceback" not in body


def test_deactivated_entity_is_no_longer_served(province, client):
    Entity.objects.filter(pk=province.b.pk).update(is_active=False)
    clear_host_cache()
    assert client.get("/", HTTP_HOST=HOST_B).status_code == 404


def test_provincial_home_lists_adhered_entities(province, client):
    body = html.unescape(client.get("/", HTTP_HOST=HOST_PROVINCIAL).content.decode())
    assert province.a.name in body
    assert province.c.name in body
    assert "Catálogo de servicios" in body


def test_host_lookup_is_cached_between_requests(province, client, django_assert_num_queries):
    client.get("/cuentas/entrar/", HTTP_HOST=HOST_A)
    # A warm request for a page without data makes no domain query at all.
    with django_assert_num_queries(0):
        response = client.get("/cuentas/entrar/", HTTP_HOST=HOST_A)
    assert response.status_code == 200
