"""The incidents REST API on an entity's host (/api/v1/incidencias/): token clients see
what the back office shows them, file only about adhered services, and never reach
another entity's incidents or internal notes."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from soporte import actions
from soporte.models import Evento, Incidencia
from tests.conftest import HOST_A, HOST_B

from .conftest import AGENT, HOST_MANC, pdf_upload

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidencias/"


@pytest.fixture
def token_client(client_for):
    """`token_client(user, host)`: a client that authenticates with the user's API token only."""

    def make(user, host):
        token, _created = Token.objects.get_or_create(user=user)
        client = client_for(None, host)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
        return client

    return make


@pytest.fixture
def incidents(province, file_incidencia):
    a_open = file_incidencia(subject="Impresora atascada en el registro", priority=3,
                             service_code="padron")
    a_closed = file_incidencia(subject="Consulta sobre el certificado de empleado")
    actions.cambiar_estado(a_closed, "cerrada", acting_user=province.clerk_a, role="reporter")
    b = file_incidencia(entity=province.b, reporter=province.clerk_b,
                        subject="Impresora de Castalla sin tóner")
    return a_open, a_closed, b


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def test_clerk_of_a_with_a_token_lists_only_a_and_filters(province, token_client, incidents):
    a_open, a_closed, b = incidents
    api = token_client(province.clerk_a, HOST_A)
    listing = api.get(URL)
    assert _references(listing) == [a_closed.reference, a_open.reference]
    assert listing.json()["count"] == 2
    row = next(r for r in listing.json()["results"] if r["reference"] == a_open.reference)
    assert row["entity"] == "Ajuntament d'Agost"
    assert row["service"] == "padron"
    assert row["priority"] == 3
    assert row["priority_display"] == "Alta"
    assert row["state"] == "nueva"
    assert _references(api.get(URL, {"state": "abiertas"})) == [a_open.reference]
    assert _references(api.get(URL, {"state": "cerrada"})) == [a_closed.reference]
    assert _references(api.get(URL, {"priority": 3})) == [a_open.reference]
    assert _references(api.get(URL, {"q": "impresoras"})) == [a_open.reference]  # stemmed
    assert _references(api.get(URL, {"q": b.reference})) == []
    bad = api.get(URL, {"state": "perdida", "priority": 9})
    assert bad.status_code == 400
    assert set(bad.json()) == {"state", "priority"}


def test_detail_shows_public_messages_only_and_b_is_404(province, token_client, incidents):
    a_open, _a_closed, b = incidents
    actions.responder(a_open, author=province.support_agent, body="¿Qué modelo de impresora?",
                      role=AGENT, attachments=[pdf_upload("manual.pdf")])
    actions.responder(a_open, author=province.support_agent, body="Parece el driver.", role=AGENT,
                      is_internal=True, attachments=[pdf_upload("interno.pdf")])
    api = token_client(province.clerk_a, HOST_A)
    detail = api.get(f"{URL}{a_open.reference}/")
    assert detail.status_code == 200
    data = detail.json()
    assert data["description"] == "Al entrar aparece un error de permisos."
    assert [m["body"] for m in data["messages"]] == ["¿Qué modelo de impresora?"]
    assert [f["name"] for f in data["messages"][0]["attachments"]] == ["manual.pdf"]
    assert "Parece el driver" not in detail.content.decode()
    assert "interno.pdf" not in detail.content.decode()
    missing = api.get(f"{URL}{b.reference}/")
    assert missing.status_code == 404
    assert b.subject not in missing.content.decode()
    assert api.get(f"{URL}INC-2026-999999/").status_code == 404
    # Clerk A's token on B's host: not a member there.
    assert token_client(province.clerk_a, HOST_B).get(URL).status_code == 403


def test_clerk_files_through_the_api(province, token_client):
    api = token_client(province.clerk_a, HOST_A)
    response = api.post(URL, {"subject": "No arranca el escáner", "description": "Desde ayer.",
                              "service": "padron", "priority": 4}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    incidencia = Incidencia.objects.get(reference=data["reference"])
    assert (incidencia.entity, incidencia.reporter, incidencia.service.code, incidencia.priority) == \
        (province.a, province.clerk_a, "padron", 4)
    assert data["state"] == "nueva"
    assert data["messages"] == []
    assert list(Evento.objects.filter(incidencia=incidencia).values_list("kind", flat=True)) == \
        ["creada"]
    general = api.post(URL, {"subject": "Duda", "description": "Una consulta general."},
                       content_type="application/json")
    assert general.status_code == 201
    assert general.json()["service"] is None


def test_filing_about_a_service_not_adhered_or_bad_input_writes_nothing(province, token_client):
    api = token_client(province.clerk_a, HOST_A)
    before = Incidencia.objects.count()
    refused = api.post(URL, {"subject": "Certificado caducado", "description": "Hoy.",
                             "service": "certificados"}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {"service": [
        "Ajuntament d'Agost no está adherida al servicio «Certificados electrónicos y sello de "
        "órgano»; elija uno de sus servicios o «Consulta general»."]}
    unknown = api.post(URL, {"subject": "x", "description": "y", "service": "inventado"},
                       content_type="application/json")
    assert unknown.json() == {"service": ["No existe el servicio «inventado»."]}
    empty = api.post(URL, {"subject": " ", "description": ""}, content_type="application/json")
    assert empty.status_code == 400
    assert set(empty.json()) == {"subject", "description"}
    assert Incidencia.objects.count() == before
    # Without the soporte application (admin_a) the API is closed, and nothing is filed.
    assert token_client(province.admin_a, HOST_A).post(
        URL, {"subject": "x", "description": "y"}, content_type="application/json").status_code == 403
    assert token_client(province.admin_a, HOST_A).get(URL).status_code == 403
    assert Incidencia.objects.count() == before


def test_tic_operator_sees_the_members_incidents(province, mancomunidad, token_client,
                                                 file_incidencia, incidents):
    a_open, a_closed, b = incidents
    c = file_incidencia(entity=province.c, reporter=province.support_agent,
                        acting_user=province.support_agent, subject="Router de Alcoi caído")
    api = token_client(mancomunidad.tic, HOST_MANC)
    assert set(_references(api.get(URL))) == {a_open.reference, a_closed.reference, c.reference}
    assert api.get(f"{URL}{c.reference}/").json()["entity"] == "Ajuntament d'Alcoi"
    assert api.get(f"{URL}{b.reference}/").status_code == 404


def test_incidents_are_in_the_openapi_schema(province, client_for):
    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/").content.decode()
    assert "/api/v1/incidencias/{reference}/" in schema
    assert "NuevaIncidencia" in schema
    assert "name: priority" in schema
