"""The padrón's REST API: people searched and read by NIA (each person shown is audited
under their document), yes/no checks of residence, cohabitation and Consul's census that
never return the data, and the territory; refused to another entity's token, a token
without the padrón and a revoked one."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from padron import actions
from provincial.audit import subject_ref
from provincial.models import AuditEvent
from tenants import service_accounts
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta
from tests.service_accounts import service_client

pytestmark = pytest.mark.django_db

D = datetime.date
DNI_MARIA, DNI_PAU, DNI_EVA = "12345678Z", "87654321X", "11111111H"


@pytest.fixture
def vecinos(callejero, ctx):
    """María and Pau in one hoja (Mayor 5) since 2020; Eva alone at Mayor 7 since 2022."""
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    pau = alta(callejero, ctx, fecha=D(2020, 3, 1), hoja=maria.hoja, nombre="Pau",
               apellido1="Ferrer", sexo="1", documento=DNI_PAU,
               fecha_nacimiento=D(2010, 2, 3))
    eva = alta(callejero, ctx, fecha=D(2022, 6, 1), number=7, nombre="Eva",
               apellido1="Sanchis", documento=DNI_EVA, fecha_nacimiento=D(1990, 1, 9))
    return {"maria": maria, "pau": pau, "eva": eva}


@pytest.fixture
def api(province, vecinos):
    return service_client(province, province.a, HOST_A, ["padron"], name="Gestión tributaria")


def _events(action: str) -> list[tuple]:
    """The events of entity A (Agost): another test's entity may have its own, committed."""
    return [(e.username, e.subject_ref, e.object_repr, e.detail.get("resultado"))
            for e in AuditEvent.objects.filter(action=action, entity__slug="agost")
            .order_by("pk")]


ACCOUNT = "Cuenta de servicio «Gestión tributaria»"


def test_search_by_name_lists_people_and_audits_each_one(api, vecinos):
    response = api.get("/api/v1/padron/habitantes/", {"q": "garcia"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [{
        "nia": vecinos["maria"].nia, "nombre": "María", "particula1": "", "apellido1": "García",
        "particula2": "", "apellido2": "López", "fecha_nacimiento": "1980-05-17",
        "fecha_nacimiento_precision": "", "inscrito": True}]
    assert _events("padron.habitante.busqueda") == [
        (ACCOUNT, subject_ref(DNI_MARIA), "María García López", None)]


def test_search_by_document_is_exact_and_a_search_needs_a_criterion(api, vecinos):
    found = api.get("/api/v1/padron/habitantes/",
                    {"tipo_documento": "1", "documento": "87654321-x"}).json()
    assert [row["nia"] for row in found["results"]] == [vecinos["pau"].nia]
    response = api.get("/api/v1/padron/habitantes/")
    assert (response.status_code, response.json()) == (
        400, {"q": ["Indique un nombre o un documento para buscar."]})
    response = api.get("/api/v1/padron/habitantes/", {"tipo_documento": "1",
                                                      "documento": "12345678A"})
    assert response.status_code == 400
    assert response.json() == {"documento": [
        "El DNI 12345678A no es válido: compruebe los números y la letra."]}
    # Only the search that found someone is on file: Pau's.
    assert [event[1] for event in _events("padron.habitante.busqueda")] == [subject_ref(DNI_PAU)]


def test_reading_one_person_by_nia_is_audited_under_their_document(api, vecinos):
    maria = vecinos["maria"]
    response = api.get(f"/api/v1/padron/habitantes/{maria.nia}/")
    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in ("nia", "nombre", "sexo", "tipo_documento", "documento",
                                       "nacionalidad", "fecha_alta", "fecha_baja", "hoja")} == {
        "nia": maria.nia, "nombre": "María", "sexo": "6", "tipo_documento": "1",
        "documento": DNI_MARIA, "nacionalidad": "108", "fecha_alta": "2020-03-01",
        "fecha_baja": None, "hoja": maria.hoja.number}
    assert data["domicilio"]["texto"] == "Calle Mayor, 5, Planta 1, Pta. A"
    assert data["domicilio"]["seccion"] == "01-001"
    assert data["domicilio"]["codigo_postal"] == "03698"
    assert "telefono" not in data
    assert "id" not in data
    assert _events("padron.habitante.view") == [
        (ACCOUNT, subject_ref(DNI_MARIA), "María García López", None)]
    missing = api.get("/api/v1/padron/habitantes/999999999999999/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "No encontrado."})


def test_residence_check_answers_yes_or_no_only(api, vecinos):
    url = "/api/v1/padron/residencia/"
    yes = api.post(url, {"tipo_documento": "1", "documento": DNI_MARIA}, content_type="application/json")
    assert yes.status_code == 200
    assert yes.json() == {"empadronado": True, "fecha": timezone.localdate().isoformat()}
    before = api.post(url, {"tipo_documento": "1", "documento": DNI_EVA, "fecha": "2021-01-01"},
                      content_type="application/json")
    assert before.json() == {"empadronado": False, "fecha": "2021-01-01"}
    born_ok = api.post(url, {"tipo_documento": "1", "documento": DNI_EVA,
                             "fecha_nacimiento": "1990-01-09"}, content_type="application/json")
    assert born_ok.json()["empadronado"] is True
    born_wrong = api.post(url, {"tipo_documento": "1", "documento": DNI_EVA,
                                "fecha_nacimiento": "1990-01-10"},
                          content_type="application/json")
    assert born_wrong.json()["empadronado"] is False
    assert _events("padron.verificacion.residencia") == [
        (ACCOUNT, subject_ref(DNI_MARIA), "", True), (ACCOUNT, subject_ref(DNI_EVA), "", False),
        (ACCOUNT, subject_ref(DNI_EVA), "", True), (ACCOUNT, subject_ref(DNI_EVA), "", False)]


def test_residence_check_refuses_bad_input_in_spanish(api, vecinos):
    url = "/api/v1/padron/residencia/"
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    cases = [
        ({"tipo_documento": "1", "documento": "12345678A"},
         {"documento": ["El DNI 12345678A no es válido: compruebe los números y la letra."]}),
        ({"tipo_documento": "0", "documento": "x"},
         {"tipo_documento": ['"0" no es una elección válida.']}),
        ({"tipo_documento": "1", "documento": DNI_MARIA, "fecha": future},
         {"fecha": ["La fecha de la consulta no puede ser futura."]}),
    ]
    for question, errors in cases:
        response = api.post(url, question, content_type="application/json")
        assert (response.status_code, response.json()) == (400, errors)
    assert api.post(url, "{no es json", content_type="application/json").status_code == 400
    assert _events("padron.verificacion.residencia") == []


def test_cohabitation_check(api, vecinos, callejero, ctx):
    url = "/api/v1/padron/convivencia/"

    def ask(first, second, **extra):
        return api.post(url, {"persona1": {"tipo_documento": "1", "documento": first},
                              "persona2": {"tipo_documento": "1", "documento": second}, **extra},
                        content_type="application/json")

    today = timezone.localdate().isoformat()
    assert ask(DNI_MARIA, DNI_PAU).json() == {"conviven": True, "mismo_domicilio": True,
                                              "fecha": today}
    assert ask(DNI_MARIA, DNI_EVA).json() == {"conviven": False, "mismo_domicilio": False,
                                              "fecha": today}
    assert ask(DNI_MARIA, "00000000T").json()["conviven"] is False
    # Pau moves out on 2024-01-20: they lived together before, not after.
    actions.cambiar_domicilio(vecinos["pau"], actions.domicilio_for(
        via=callejero["mayor"], number=9, date=D(2024, 1, 20)), fecha=D(2024, 1, 20), ctx=ctx)
    assert ask(DNI_MARIA, DNI_PAU, fecha="2023-12-31").json()["conviven"] is True
    assert ask(DNI_MARIA, DNI_PAU).json()["conviven"] is False
    same = ask(DNI_MARIA, "12345678-z")
    assert (same.status_code, same.json()) == (400, {"persona2": ["Indique dos personas distintas."]})
    assert [event[1] for event in _events("padron.verificacion.convivencia")][:2] == [
        subject_ref(DNI_MARIA), subject_ref(DNI_PAU)]


def test_consul_census_check_needs_the_birth_date(api, vecinos):
    url = "/api/v1/padron/censo/"
    yes = api.post(url, {"tipo_documento": "1", "documento": DNI_MARIA,
                         "fecha_nacimiento": "1980-05-17"}, content_type="application/json")
    assert yes.json() == {"empadronado": True}
    no = api.post(url, {"tipo_documento": "1", "documento": DNI_MARIA,
                        "fecha_nacimiento": "1980-05-18"}, content_type="application/json")
    assert no.json() == {"empadronado": False}
    missing = api.post(url, {"tipo_documento": "1", "documento": DNI_MARIA},
                       content_type="application/json")
    assert (missing.status_code, missing.json()) == (
        400, {"fecha_nacimiento": ["Este campo es requerido."]})
    assert _events("padron.verificacion.censo") == [
        (ACCOUNT, subject_ref(DNI_MARIA), "", True), (ACCOUNT, subject_ref(DNI_MARIA), "", False)]


def test_territory_streets_tramos_and_sections(api, callejero):
    vias = api.get("/api/v1/padron/vias/").json()
    assert [(v["codigo"], v["nombre"]["tipo"], v["nombre"]["nombre"]) for v in vias["results"]] \
        == [("00010", "CALLE", "Mayor"), ("00020", "PLAZA", "de l'Església")]
    assert [v["codigo"] for v in api.get("/api/v1/padron/vias/", {"q": "esgl"}).json()[
        "results"]] == ["00020"]
    mayor = api.get("/api/v1/padron/vias/00010/").json()
    assert [n["nombre"] for n in mayor["nombres"]] == ["Mayor"]
    assert [(t["seccion"], t["numeracion"], t["number_from"], t["number_to"], t["codigo_postal"])
            for t in mayor["tramos"]] == [("01-001", "1", 1, 49, "03698"),
                                          ("01-002", "2", 2, 60, "03698")]
    assert mayor["tramos"][0]["nucleo"] == callejero["nucleo"].cun
    tramos = api.get("/api/v1/padron/tramos/", {"seccion": "1-1"}).json()
    assert [(t["via"], t["number_from"]) for t in tramos["results"]] == [("00010", 1),
                                                                         ("00020", 1)]
    assert api.get("/api/v1/padron/tramos/", {"seccion": "uno"}).json() == {
        "seccion": ["Escriba distrito y sección como 01-001."]}
    secciones = api.get("/api/v1/padron/secciones/").json()
    assert [s["codigo_completo"] for s in secciones["results"]] == ["01-001", "01-002"]
    assert api.get("/api/v1/padron/vias/", {"fecha": "1999-12-31"}).json()["count"] == 0
    assert api.get("/api/v1/padron/vias/99999/").status_code == 404
    assert api.get("/api/v1/padron/vias/", {"fecha": "2024-02-30"}).status_code == 400


def test_refusals_change_nothing_and_audit_no_person(province, vecinos):
    """Another entity's token, a token without the padrón, a revoked one: refused, and no
    read of a person is recorded."""
    maria = vecinos["maria"]
    of_b = service_client(province, province.b, HOST_A, ["padron"], name="De Castalla")
    sin_padron = service_client(province, province.a, HOST_A, ["sede"], name="Solo sede")
    revocada = service_client(province, province.a, HOST_A, ["padron"], name="Revocada")
    service_accounts.revoke_service_account(revocada.account, acting_user=province.admin_a)
    anonymous = Client(HTTP_HOST=HOST_A)
    requests = [("get", f"/api/v1/padron/habitantes/{maria.nia}/", None),
                ("get", "/api/v1/padron/habitantes/?q=garcia", None),
                ("post", "/api/v1/padron/residencia/", {"tipo_documento": "1",
                                                         "documento": DNI_MARIA}),
                ("get", "/api/v1/padron/vias/", None)]
    for client, status in ((of_b, 401), (revocada, 401), (anonymous, 401), (sin_padron, 403)):
        for method, path, data in requests:
            response = getattr(client, method)(path, data, content_type="application/json") \
                if data else getattr(client, method)(path)
            assert response.status_code == status, (client, path)
            assert "García" not in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="padron.", entity=province.a).exclude(
        action="padron.habitante.alta").exists()


def test_b_token_on_b_host_never_finds_a_people(province, vecinos):
    of_b = service_client(province, province.b, HOST_B, ["padron"], name="De Castalla")
    maria = vecinos["maria"]
    assert of_b.get(f"/api/v1/padron/habitantes/{maria.nia}/").status_code == 404
    assert of_b.get("/api/v1/padron/habitantes/", {"q": "garcia"}).json()["count"] == 0
    answer = of_b.post("/api/v1/padron/residencia/", {"tipo_documento": "1",
                                                      "documento": DNI_MARIA},
                       content_type="application/json")
    assert answer.json()["empadronado"] is False
