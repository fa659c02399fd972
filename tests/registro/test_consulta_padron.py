"""The registro looks an interesado up in the padrón by document: only in its own entity,
only for clerks who also hold the padrón, and every lookup audited."""

import datetime
import html

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from padron import actions as padron
from padron.choices import Causa
from provincial import audit
from provincial.models import AuditEvent
from registro.models import Asiento
from tenants import actions as tenants
from tests.conftest import HOST_A, HOST_B
from tests.padron.conftest import build_callejero, persona

pytestmark = pytest.mark.django_db

URL = "/gestion/registro/consulta-padron/"
NUEVA = "/gestion/registro/asientos/nuevo/entrada/"
MARIA = {"tipo": "fisica", "tipo_documento": "N", "documento": "12345678Z", "nombre": "María",
         "apellido1": "García", "apellido2": "López", "razon_social": "", "email": "",
         "telefono": "600000001", "direccion": "Calle Mayor, 5, 03698 Agost"}


def _inscribe(entity, clerk, **person):
    with schema_context(entity.schema_name):
        streets = build_callejero()
        address = padron.domicilio_for(via=streets["mayor"], number=5,
                                       date=datetime.date(2020, 1, 1))
        habitante = padron.dar_de_alta(persona(telefono="600000001", **person),
                                       causa=Causa.ALTA_OMISION, fecha=datetime.date(2020, 1, 1),
                                       domicilio=address, ctx=padron.Contexto(acting_user=clerk))
    connection.set_schema_to_public()
    return habitante


@pytest.fixture
def maria(province):
    return _inscribe(province.a, province.clerk_a)


@pytest.fixture
def registro_only(province):
    """A clerk of A with the registro but not the padrón."""
    membership = tenants.add_member(province.a, acting_user=province.provincial_admin,
                                    email="solo_registro@pruebas.localhost",
                                    first_name="Solo", last_name="Registro",
                                    password="clave-de-prueba-2026-SR",
                                    applications=["registro"])
    return membership.user


def _lookups():
    return AuditEvent.objects.filter(action="registro.padron.consulta")


def test_a_person_inscribed_here_is_found_and_the_lookup_audited(maria, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post(URL, {"tipo_documento": "N", "documento": "12.345.678-z"})
    assert response.status_code == 200
    assert response.json() == {
        "encontrado": True, "interesado": MARIA,
        "mensaje": "María García López figura en el padrón: se han copiado sus datos; "
                   "revíselos antes de registrar."}
    event = _lookups().get()
    assert (event.user, event.entity, event.object_id, event.subject_ref, event.detail) == (
        province.clerk_a, province.a, str(maria.pk), audit.subject_ref("12345678Z"),
        {"encontrado": True})


def test_a_nie_typed_as_nif_is_looked_up_as_a_nie(province, client_for):
    _inscribe(province.a, province.clerk_a, tipo_documento="3", documento="X1234567L",
              nacionalidad="228")
    client = client_for(province.clerk_a, HOST_A)
    for tipo in ("E", "N"):
        found = client.post(URL, {"tipo_documento": tipo, "documento": "x1234567l"}).json()
        assert found["encontrado"] is True
        assert (found["interesado"]["tipo_documento"], found["interesado"]["documento"]) == (
            "E", "X1234567L")
    assert _lookups().count() == 2


def test_a_document_not_in_the_padron_is_not_found_and_still_audited(maria, province,
                                                                    client_for):
    response = client_for(province.clerk_a, HOST_A).post(
        URL, {"tipo_documento": "N", "documento": "11111111H"})
    assert response.json() == {"encontrado": False, "mensaje": "Ese documento no figura "
                               "inscrito en el padrón del Ajuntament d'Agost."}
    event = _lookups().get()
    assert (event.object_id, event.subject_ref, event.detail) == (
        "", audit.subject_ref("11111111H"), {"encontrado": False})


def test_another_entitys_inhabitant_is_never_found(province, client_for):
    _inscribe(province.b, province.clerk_b)
    data = {"tipo_documento": "N", "documento": "12345678Z"}
    assert client_for(province.clerk_a, HOST_A).post(URL, data).json()["encontrado"] is False
    # Logged in at A, asking B's host: not a member there.
    assert client_for(province.clerk_a, HOST_B).post(URL, data).status_code == 404
    # B's own clerk finds B's inhabitant (the same document, another padrón).
    assert client_for(province.clerk_b, HOST_B).post(URL, data).json()["encontrado"] is True
    assert [e.entity for e in _lookups().order_by("pk")] == [province.a, province.b]


def test_a_clerk_without_the_padron_is_refused_and_nothing_is_looked_up(maria, province,
                                                                       registro_only,
                                                                       client_for):
    client = client_for(registro_only, HOST_A)
    response = client.post(URL, {"tipo_documento": "N", "documento": "12345678Z"})
    assert response.status_code == 403
    assert "No tiene concedida la aplicación del padrón" in response.json()["error"]
    page = client.get(NUEVA)
    assert page.status_code == 200
    assert "Buscar en el padrón" not in page.content.decode()
    # The button's submission without JavaScript is refused too.
    body = html.unescape(client.post(NUEVA, {
        "buscar_padron": "int", "int-tipo_documento": "N", "int-documento": "12345678Z"},
        follow=True).content.decode())
    assert "No tiene concedida la aplicación del padrón" in body
    assert 'value="María"' not in body
    assert not _lookups().exists()
    # Without the registro, the padrón alone does not open the registro's lookup.
    assert client_for(province.shared_official, HOST_B).post(
        URL, {"tipo_documento": "N", "documento": "12345678Z"}).status_code == 403


def test_invalid_documents_are_answered_in_spanish_and_not_looked_up(maria, province,
                                                                     client_for):
    client = client_for(province.clerk_a, HOST_A)
    for data, message in (
            ({"tipo_documento": "N", "documento": "12345678A"},
             "El DNI 12345678A no es válido: compruebe los números y la letra."),
            ({"tipo_documento": "E", "documento": "X1234567A"}, "El NIE X1234567A no es válido"),
            ({"tipo_documento": "C", "documento": "B12345674"},
             "En el padrón se busca por DNI, NIE o pasaporte."),
            ({"tipo_documento": "N", "documento": ""},
             "Escriba el número de documento para buscarlo en el padrón."),
            ({"tipo_documento": "N", "documento": "1" * 500}, "menos de 20 caracteres")):
        response = client.post(URL, data)
        assert response.status_code == 400, data
        assert message in response.json()["error"]
    assert client.get(URL, {"tipo_documento": "N", "documento": "12345678Z"}).status_code == 405
    assert not _lookups().exists()


def test_without_javascript_the_button_fills_in_the_form(maria, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    page = html.unescape(client.get(NUEVA).content.decode())
    assert 'name="buscar_padron" value="int"' in page
    assert "/static/registro/consulta_padron.js" in page
    response = client.post(NUEVA, {
        "canal": "presencial", "asunto": "Solicitud de vado", "idempotency_key": "k-1",
        "buscar_padron": "int", "int-tipo": "fisica", "int-tipo_documento": "N",
        "int-documento": "12345678Z"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert 'name="int-nombre" value="María"' in body
    assert 'name="int-direccion" value="Calle Mayor, 5, 03698 Agost"' in body
    assert 'name="asunto" value="Solicitud de vado"' in body
    assert "María García López figura en el padrón" in body
    assert "Este campo es obligatorio" not in body
    with schema_context(province.a.schema_name):
        assert not Asiento.objects.exists()
    assert _lookups().count() == 1
