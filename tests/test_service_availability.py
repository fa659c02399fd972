"""A service's pages (public, back office and API) answer only where the entity adheres to
it: elsewhere a 404 that says "Este servicio no está disponible en esta entidad", for
everyone (tenants.availability, ServiceAvailabilityMiddleware)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve

from tenants import availability
from tenants.choices import AdhesionState
from tenants.models import Adhesion
from tests.conftest import HOST_A, HOST_B, HOST_C, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Este servicio no está disponible en esta entidad."


def withdraw(entity, code: str) -> None:
    assert Adhesion.objects.filter(entity=entity, service__code=code,
                                   state=AdhesionState.APPROVED).update(
        state=AdhesionState.WITHDRAWN) == 1


def unavailable(response) -> bool:
    return response.status_code == 404 and UNAVAILABLE in response.content.decode()


# --- sede -------------------------------------------------------------------------------


SEDE_PAGES = ["/sede/procedimientos/", "/sede/tablon/", "/sede/tablon/archivo/",
              "/sede/calendario/", "/sede/identificarse/", "/sede/instancia-general/",
              "/sede/carpeta/"]


@pytest.mark.parametrize("path", SEDE_PAGES)
def test_sede_pages_answer_where_the_entity_adheres_to_eadmin(province, path):
    assert Client(HTTP_HOST=HOST_A).get(path).status_code in (200, 302)


@pytest.mark.parametrize("path", SEDE_PAGES)
def test_sede_pages_are_unavailable_without_the_adhesion(province, path):
    withdraw(province.a, "eadmin")
    assert unavailable(Client(HTTP_HOST=HOST_A).get(path))
    # A POST too (the form of a citizen who kept the page open).
    assert Client(HTTP_HOST=HOST_A).post(path, {}).status_code == 404


def test_a_new_entity_made_in_the_admin_with_no_services_has_no_sede(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = admin.post("/admin/tenants/entity/add/", {
        "name": "Ajuntament de Benissa", "slug": "benissa", "kind": "ayuntamiento",
        "is_active": "on", "ine_code": "030417", "dir3_code": "L01030417", "cif": "P0304100A",
        "province": "Alicante", "primary_domain": "benissa.localhost",
        "population": "12162", "population_year": "2024"})
    assert response.status_code == 302
    connection.set_schema_to_public()
    client = Client(HTTP_HOST="benissa.localhost")
    for path in ("/sede/", "/sede/tablon/", "/sede/instancia-general/",
                 "/gestion/padron/", "/gestion/registro/", "/gestion/sede/",
                 "/gestion/soporte/"):
        assert unavailable(client.get(path)), path
    # What belongs to no service is still there: CSV verification answers everywhere.
    assert client.get("/sede/verificar/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/cuentas/entrar/").status_code == 200


# --- back office: registro, padrón, soporte ---------------------------------------------


@pytest.mark.parametrize(("path", "code"), [
    ("/gestion/registro/", "eadmin"), ("/gestion/sede/", "eadmin"),
    ("/gestion/padron/", "padron"), ("/gestion/soporte/", "soporte")])
def test_back_office_sections_follow_the_adhesion(province, client_for, path, code):
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get(path).status_code == 200
    withdraw(province.a, code)
    assert unavailable(clerk.get(path))
    # Also deeper pages of the section, and before any login.
    assert unavailable(Client(HTTP_HOST=HOST_A).get(path))


@pytest.mark.parametrize("path", ["/gestion/registro/", "/gestion/padron/"])
def test_entity_c_without_padron_or_eadmin_has_no_such_back_office(province, path):
    assert unavailable(Client(HTTP_HOST=HOST_C).get(path))
    # Entity B adheres: an anonymous visitor is sent to log in as before.
    assert Client(HTTP_HOST=HOST_B).get(path).status_code == 302


def test_a_granted_application_without_the_adhesion_is_not_enough(province, client_for):
    # clerk_a keeps 'padron' in their membership; the entity's adhesion is what ends.
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get("/gestion/padron/habitantes/").status_code == 200
    withdraw(province.a, "padron")
    assert unavailable(clerk.get("/gestion/padron/habitantes/"))
    assert unavailable(clerk.get("/gestion/padron/a-fecha/"))


def test_sections_belonging_to_no_service_stay(province, client_for):
    for code in ("padron", "eadmin", "soporte", "contabilidad"):
        withdraw(province.a, code)
    admin = client_for(province.admin_a, HOST_A)
    for path in ("/gestion/", "/gestion/usuarios/", "/gestion/trabajos/", "/gestion/auditoria/"):
        assert admin.get(path).status_code == 200, path


# --- API ----------------------------------------------------------------------------------


def test_the_soporte_api_follows_the_adhesion(province, client_for):
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get("/api/v1/incidencias/").status_code == 200
    withdraw(province.a, "soporte")
    response = clerk.get("/api/v1/incidencias/")
    assert response.status_code == 404
    assert response.json() == {"detail": UNAVAILABLE}
    # API routes of no service stay.
    assert clerk.get("/api/v1/entidad/").status_code == 200
    assert clerk.get("/api/v1/trabajos/").status_code == 200


def test_the_soporte_api_refuses_a_token_client_of_an_entity_without_soporte(province):
    from rest_framework.authtoken.models import Token

    withdraw(province.a, "soporte")
    token = Token.objects.create(user=province.clerk_a)
    response = Client(HTTP_HOST=HOST_A).get("/api/v1/incidencias/",
                                            HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 404


# --- the registry -------------------------------------------------------------------------


def _required(path: str, urlconf: str = "provincial.urls_tenant"):
    match = resolve(path, urlconf=urlconf)
    return availability.required_applications(match, match.func)


def test_the_registry_resolves_each_page_to_its_applications():
    from provincial.documents import kinds

    assert _required("/sede/tablon/") == {"sede"}
    assert _required("/sede/") == kinds.issuing_applications() >= {"padron", "registro", "sede"}
    assert _required("/sede/verificar/") is None
    assert _required("/sede/verificar/documento/") is None
    assert _required("/gestion/padron/") == {"padron"}
    assert _required("/gestion/registro/") == {"registro"}
    assert _required("/gestion/soporte/") == {"soporte"}
    assert _required("/api/v1/incidencias/") == {"soporte"}
    assert _required("/gestion/usuarios/") is None
    assert _required("/api/v1/entidad/") is None
    assert _required("/") is None
