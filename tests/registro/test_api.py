"""The registro's REST API: an asiento registered with its files through the clerk's
action (numbered, audited, idempotent), the libro searched and read, the justificante
downloaded; refused to another entity's token, a token without the registro and a revoked
one, with nothing registered."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from provincial.audit import subject_ref
from provincial.documents.models import IssuedDocument
from provincial.models import AuditEvent
from registro.models import Asiento, ContadorRegistro, UnidadOrganica
from tenants import service_accounts
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B
from tests.registro.conftest import DNI, PNG
from tests.service_accounts import service_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/registro/asientos/"
ACCOUNT = "Cuenta de servicio «Gestión tributaria»"


@pytest.fixture
def api(province):
    with schema_context(province.a.schema_name):
        UnidadOrganica.objects.create(nombre="Urbanismo", codigo_dir3="LA0012345")
    return service_client(province, province.a, HOST_A, ["registro"], name="Gestión tributaria")


def form(**overrides) -> dict:
    data = {"libro": "E", "asunto": "Solicitud de licencia",
            "resumen": "Licencia de obra menor en calle Mayor 3",
            "expone": "Que desea reformar la cocina.", "solicita": "Licencia de obra menor.",
            "unidad": "LA0012345", "interesado_tipo": "fisica", "interesado_tipo_documento": "N",
            "interesado_documento": DNI, "interesado_nombre": "Lucía",
            "interesado_apellido1": "Pérez", "interesado_apellido2": "Sanz",
            "interesado_email": "lucia@example.org",
            "anexos": [SimpleUploadedFile("solicitud.pdf", ACCEPTANCE_PDF,
                                          content_type="application/pdf"),
                       SimpleUploadedFile("plano.png", PNG, content_type="image/png")]}
    data.update(overrides)
    return data


def _asientos(province) -> list[tuple]:
    with schema_context(province.a.schema_name):
        return list(Asiento.objects.order_by("pk").values_list(
            "numero_registro", "canal", "created_by_name"))


def test_an_asiento_is_registered_with_its_files_through_the_clerks_action(province, api):
    response = api.post(URL, form())
    assert response.status_code == 201, response.content
    data = response.json()
    year = timezone.localdate().year
    assert data["numero_registro"] == f"{year}/E/000001"
    assert data["referencia"] == f"{year}-E-000001"
    assert response["Location"] == f"http://{HOST_A}/api/v1/registro/asientos/{year}-E-000001/"
    assert (data["libro"], data["canal"], data["estado"], data["unidad"], data["unidad_nombre"]) \
        == ("E", "presencial", "registrado", "LA0012345", "Urbanismo")
    assert data["created_by_name"] == ACCOUNT
    assert [(a["nombre"], a["mime"], a["tamano"]) for a in data["anexos"]] == [
        ("solicitud.pdf", "application/pdf", len(ACCEPTANCE_PDF)),
        ("plano.png", "image/png", len(PNG))]
    assert [(i["documento"], i["nombre"], i["es_representante"]) for i in data["interesados"]] \
        == [(DNI, "Lucía", False)]
    assert data["justificante"] == f"/api/v1/registro/asientos/{year}-E-000001/justificante/"
    event = AuditEvent.objects.get(action="registro.asiento.alta", entity=province.a)
    assert (event.username, event.user_id, event.subject_ref, event.entity) == (
        ACCOUNT, None, subject_ref(DNI), province.a)
    assert event.detail["service_account"] == api.account.pk


def test_a_retry_with_the_same_idempotency_key_returns_the_same_asiento(province, api):
    first = api.post(URL, form(idempotency_key="clave-1"))
    again = api.post(URL, form(idempotency_key="clave-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["numero_registro"] == again.json()["numero_registro"]
    assert len(_asientos(province)) == 1


def test_a_salida_with_a_representative(province, api):
    response = api.post(URL, form(
        libro="S", unidad="", organismo_externo="Conselleria de Sanidad", anexos=[],
        representante_tipo_documento="E", representante_documento="X1234567L",
        representante_nombre="John", representante_apellido1="Smith"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["numero_registro"].endswith("/S/000001")
    assert data["organismo_externo"] == "Conselleria de Sanidad"
    assert [(i["documento"], i["es_representante"]) for i in data["interesados"]] == [
        (DNI, False), ("X1234567L", True)]


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"interesado_documento": "12345678A"},
     {"interesado_documento": ["El DNI/NIF «12345678A» no es válido (compruebe la letra)."]}),
    ({"representante_documento": "X1234567A", "representante_tipo_documento": "E",
      "representante_nombre": "John"},
     {"representante_documento": ["El NIE «X1234567A» no es válido (compruebe la letra)."]}),
    ({"interesado_nombre": ""}, {"interesado_nombre": ["El campo «Nombre» es obligatorio."]}),
    ({"unidad": "LA9999999"},
     {"unidad": ["No hay ninguna unidad activa con el código DIR3 «LA9999999»."]}),
    ({"asunto": ""}, {"asunto": ["Este campo no puede estar en blanco."]}),
    ({"libro": "E", "organismo_externo": "Otro"},
     {"organismo_externo": ["Solo una salida tiene organismo destinatario."]}),
    ({"anexos": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10)]},
     {"anexos": ["«virus.exe» no es de un formato admitido (PDF, XML, ODF, Office, JPEG, PNG, "
                 "TIFF, RTF o texto)."]}),
])
def test_refused_input_answers_400_in_spanish_and_registers_nothing(province, api, overrides,
                                                                     errors):
    response = api.post(URL, form(**overrides))
    assert response.status_code == 400
    body = response.json()
    field = next(iter(errors))
    assert field in body
    if field != "anexos":
        assert body == errors
    assert _asientos(province) == []
    with schema_context(province.a.schema_name):
        assert list(ContadorRegistro.objects.values_list("ultimo", flat=True)) in ([], [0])


def test_the_libro_is_searched_and_one_asiento_read_with_an_audit_record(province, api):
    api.post(URL, form())
    api.post(URL, form(asunto="Queja por ruidos", interesado_documento="87654321X",
                       interesado_nombre="Pau", interesado_apellido1="Ferrer", anexos=[]))
    year = timezone.localdate().year
    listing = api.get(URL).json()
    assert [row["numero_registro"] for row in listing["results"]] == [
        f"{year}/E/000002", f"{year}/E/000001"]
    assert listing["results"][0]["interesado"] == "Pau Ferrer Sanz"
    assert [row["asunto"] for row in api.get(URL, {"texto": "ruidos"}).json()["results"]] == [
        "Queja por ruidos"]
    assert [row["asunto"] for row in api.get(URL, {"interesado": "12345678"}).json()[
        "results"]] == ["Solicitud de licencia"]
    assert api.get(URL, {"unidad": "LA0012345"}).json()["count"] == 2
    assert api.get(URL, {"desde": "2030-01-02", "hasta": "2030-01-01"}).json() == {
        "hasta": ["La fecha final es anterior a la inicial."]}
    one = api.get(f"{URL}{year}-E-1/")
    assert one.status_code == 200
    assert one.json()["expone"] == "Que desea reformar la cocina."
    event = AuditEvent.objects.get(action="registro.asiento.consulta", entity=province.a)
    assert (event.username, event.subject_ref) == (ACCOUNT, subject_ref(DNI))
    for missing in (f"{year}-E-000009", "2026-X-000001", "cualquier-cosa"):
        response = api.get(f"{URL}{missing}/")
        assert (response.status_code, response.json()) == (404, {"detail": "No encontrado."})


def test_the_justificante_is_issued_once_and_downloaded(province, api):
    api.post(URL, form())
    year = timezone.localdate().year
    first = api.get(f"{URL}{year}-E-000001/justificante/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    again = api.get(f"{URL}{year}-E-000001/justificante/")
    assert again.content == first.content
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.filter(kind="justificante_registro").count() == 1
    downloads = AuditEvent.objects.filter(action="documentos.documento.descarga",
                                          entity=province.a)
    assert [(e.username, e.subject_ref) for e in downloads] == [(ACCOUNT, subject_ref(DNI))] * 2


def test_refusals_register_nothing(province, api):
    of_b = service_client(province, province.b, HOST_A, ["registro"], name="De Castalla")
    sin_registro = service_client(province, province.a, HOST_A, ["sede"], name="Solo sede")
    revocada = service_client(province, province.a, HOST_A, ["registro"], name="Revocada")
    service_accounts.revoke_service_account(revocada.account, acting_user=province.admin_a)
    api.post(URL, form())
    year = timezone.localdate().year
    for client, status in ((of_b, 401), (revocada, 401), (sin_registro, 403)):
        assert client.post(URL, form()).status_code == status
        assert client.get(URL).status_code == status
        assert client.get(f"{URL}{year}-E-000001/").status_code == status
        assert client.get(f"{URL}{year}-E-000001/justificante/").status_code == status
    assert len(_asientos(province)) == 1
    with schema_context(province.a.schema_name):
        assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="registro.asiento.consulta",
                                         entity=province.a).exists()


def test_b_token_on_b_host_never_reaches_a_books(province, api):
    api.post(URL, form())
    of_b = service_client(province, province.b, HOST_B, ["registro"], name="De Castalla")
    year = timezone.localdate().year
    assert of_b.get(URL).json()["count"] == 0
    assert of_b.get(f"{URL}{year}-E-000001/").status_code == 404
    assert of_b.get(f"{URL}{year}-E-000001/justificante/").status_code == 404


def test_the_justificante_answers_errors_in_json_whatever_was_asked(province, api):
    api.post(URL, form())
    year = timezone.localdate().year
    missing = api.get(f"{URL}{year}-E-000009/justificante/", {"format": "pdf"},
                      HTTP_ACCEPT="application/pdf")
    assert (missing.status_code, missing["Content-Type"], missing.json()) == (
        404, "application/json", {"detail": "No encontrado."})
    found = api.get(f"{URL}{year}-E-000001/justificante/", HTTP_ACCEPT="application/pdf")
    assert (found.status_code, found["Content-Type"]) == (200, "application/pdf")


def test_a_blank_email_matches_the_schema(province, api):
    """An interesado without an address answers "": the schema must not say format email."""
    schema = api.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["Interesado"]["properties"]["email"] == {
        "type": "string", "readOnly": True, "title": "Correo electrónico"}
