"""The clerk's padrón pages: search, inhabitant page, operations, and who may see them."""

import datetime
import html

import pytest

from padron.models import Habitante
from provincial.models import AuditEvent
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db


def page(client, path, **params):
    response = client.get(path, params)
    return response, html.unescape(response.content.decode())


def test_clerk_searches_and_opens_an_inhabitant_and_the_read_is_audited(callejero, ctx, province,
                                                                        client_for):
    maria = alta(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    response, body = page(client, "/gestion/padron/habitantes/", q="garcia")
    assert response.status_code == 200
    assert "María García López" in body
    response, body = page(client, f"/gestion/padron/habitantes/{maria.pk}/")
    assert response.status_code == 200
    assert "Calle Mayor, 5, Planta 1, Pta. A" in body
    assert "Alta por cambio de residencia desde otro municipio" in body
    from provincial import audit

    assert AuditEvent.objects.filter(action="padron.habitante.view",
                                     subject_ref=audit.subject_ref("12345678Z")).exists()


def test_list_filters_by_age_and_section(callejero, ctx, province, client_for):
    alta(callejero, ctx)  # 1980, sección 001
    alta(callejero, ctx, number=12, nombre="Pau", documento="87654321X",
         fecha_nacimiento=datetime.date(2015, 1, 1), sexo="1")  # sección 002
    client = client_for(province.clerk_a, HOST_A)
    _r, body = page(client, "/gestion/padron/habitantes/", edad_max=30)
    assert "Pau García López" in body
    assert "María García López" not in body
    _r, body = page(client, "/gestion/padron/habitantes/", seccion="001")
    assert "María García López" in body
    assert "Pau García López" not in body


def test_alta_through_the_form(callejero, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        "p-nombre": "Lucía", "p-apellido1": "Ferrer", "p-apellido2": "Mira", "p-sexo": "6",
        "p-fecha_nacimiento": "1990-02-03", "p-pais_nacimiento": "108",
        "p-municipio_nacimiento": "03002",
        "p-nacionalidad": "108", "p-tipo_documento": "1", "p-documento": "11111111H",
        "p-nivel_estudios": "45", "d-via": callejero["iglesia"].pk, "d-number": "3",
        "m-causa": "AO", "m-fecha": "2024-05-01", "m-documentos": "Escritura"})
    assert response.status_code == 302, response.content.decode()[:3000]
    lucia = Habitante.objects.get(documento="11111111H")
    assert response["Location"] == f"/gestion/padron/habitantes/{lucia.pk}/"
    assert lucia.hoja.domicilio.via == callejero["iglesia"]
    # The message agrees with the person: Lucía is "inscrita", Pau "inscrito".
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == [
        f"Lucía Ferrer Mira inscrita con NIA {lucia.nia}."]
    response = client.post("/gestion/padron/habitantes/alta/", {
        **ALTA_FORM, "d-via": callejero["iglesia"].pk, "p-nombre": "Pau", "p-sexo": "1",
        "p-documento": "87654321X"})
    pau = Habitante.objects.get(documento="87654321X")
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == [
        f"Pau Ferrer Mira inscrito con NIA {pau.nia}."]


def test_alta_form_shows_errors_next_to_the_fields(callejero, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        "p-nombre": "X", "p-apellido1": "Y", "p-sexo": "6", "p-fecha_nacimiento": "2090-01-01",
        "p-pais_nacimiento": "108",
        "p-municipio_nacimiento": "03002", "p-nacionalidad": "108", "p-tipo_documento": "1",
        "p-documento": "11111111A", "p-nivel_estudios": "21", "d-via": callejero["mayor"].pk,
        "d-number": "51", "m-causa": "AO", "m-fecha": "2024-05-01"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "El DNI 11111111A no es válido" in body
    assert not Habitante.objects.exists()


def test_duplicate_alta_shows_the_existing_inhabitant(callejero, ctx, province, client_for):
    maria = alta(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        "p-nombre": "María", "p-apellido1": "García", "p-sexo": "6",
        "p-fecha_nacimiento": "1980-05-17", "p-pais_nacimiento": "108",
        "p-municipio_nacimiento": "03014", "p-nacionalidad": "108",
        "p-tipo_documento": "1", "p-documento": "12345678Z", "p-nivel_estudios": "45",
        "d-via": callejero["mayor"].pk, "d-number": "9", "m-causa": "AO", "m-fecha": "2024-05-01"})
    body = html.unescape(response.content.decode())
    assert f"/gestion/padron/habitantes/{maria.pk}/" in body
    assert f"NIA {maria.nia}" in body


def test_a_stale_form_does_not_overwrite_a_newer_save(callejero, ctx, province, client_for):
    maria = alta(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    form = {"nombre": "María", "apellido1": "García", "apellido2": "López", "sexo": "6",
            "fecha_nacimiento": "1980-05-17", "pais_nacimiento": "108",
            "municipio_nacimiento": "03014", "nacionalidad": "108",
            "tipo_documento": "1", "documento": "12345678Z", "nivel_estudios": "45",
            "fecha": "2024-06-01", "version": maria.version}
    assert client.post(f"/gestion/padron/habitantes/{maria.pk}/modificar/",
                       {**form, "telefono": "600000001"}).status_code == 302
    response = client.post(f"/gestion/padron/habitantes/{maria.pk}/modificar/",
                           {**form, "telefono": "600000002"})
    assert response.status_code == 200
    assert "Otra persona ha modificado los datos" in html.unescape(response.content.decode())
    maria.refresh_from_db()
    assert maria.telefono == "600000001"


def test_clerks_of_another_entity_cannot_reach_the_padron_of_a(callejero, ctx, province,
                                                               client_for):
    maria = alta(callejero, ctx)
    for user, host in ((province.clerk_b, HOST_B), (province.clerk_b, HOST_A),
                       (province.admin_a, HOST_A)):
        client = client_for(user, host)
        detail = client.get(f"/gestion/padron/habitantes/{maria.pk}/")
        listing = client.get("/gestion/padron/habitantes/", {"q": "garcia"})
        assert detail.status_code in (403, 404), (user, host)
        assert "García" not in listing.content.decode()


def test_padron_needs_the_application_granted(callejero, province, client_for):
    # admin_a is a member of A without the padron application.
    response = client_for(province.admin_a, HOST_A).get("/gestion/padron/")
    assert response.status_code == 403
    assert "Padrón" in html.unescape(response.content.decode())


def test_padron_at_a_past_date_page(callejero, ctx, province, client_for):
    alta(callejero, ctx, fecha=datetime.date(2020, 3, 1))
    client = client_for(province.clerk_a, HOST_A)
    _r, before = page(client, "/gestion/padron/a-fecha/", fecha="2020-01-01")
    _r, after = page(client, "/gestion/padron/a-fecha/", fecha="2021-01-01")
    assert "María García López" not in before
    assert "María García López" in after


def test_scanned_documents_are_attached_and_downloadable_only_here(callejero, province,
                                                                   client_for):
    from tests.conftest import pdf

    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        "p-nombre": "Lucía", "p-apellido1": "Ferrer", "p-sexo": "6",
        "p-fecha_nacimiento": "1990-02-03", "p-pais_nacimiento": "108",
        "p-municipio_nacimiento": "03002",
        "p-nacionalidad": "108", "p-tipo_documento": "1", "p-documento": "11111111H",
        "p-nivel_estudios": "45", "d-via": callejero["iglesia"].pk, "d-number": "3",
        "m-causa": "AO", "m-fecha": "2024-05-01", "m-adjuntos": [pdf("escritura.pdf")]})
    assert response.status_code == 302
    lucia = Habitante.objects.get(documento="11111111H")
    adjunto = lucia.movimientos.get().adjuntos.get()
    url = f"/gestion/padron/habitantes/{lucia.pk}/adjuntos/{adjunto.pk}/"
    assert url in client.get(f"/gestion/padron/habitantes/{lucia.pk}/").content.decode()
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert client_for(province.clerk_b, HOST_B).get(url).status_code == 404


def test_past_addresses_show_the_street_name_of_their_time(callejero, ctx, province, client_for,
                                                           django_assert_max_num_queries):
    from padron.models import TipoVia, ViaNombre

    alta(callejero, ctx, fecha=datetime.date(2020, 3, 1))
    current = ViaNombre.objects.get(via=callejero["mayor"])
    current.valid_to = datetime.date(2023, 1, 1)
    current.save()
    ViaNombre.objects.create(via=callejero["mayor"], tipo=TipoVia.objects.get(code="CALLE"),
                             name="de la Constitució", short_name="CONSTITUCIO",
                             valid_from=datetime.date(2023, 1, 1))
    client = client_for(province.clerk_a, HOST_A)
    client.get("/gestion/padron/a-fecha/", {"fecha": "2021-01-01"})
    with django_assert_max_num_queries(20):
        _r, before = page(client, "/gestion/padron/a-fecha/", fecha="2021-01-01")
    _r, after = page(client, "/gestion/padron/a-fecha/", fecha="2024-01-01")
    assert "Calle Mayor, 5" in before
    assert "Constitució" not in before
    assert "Calle de la Constitució, 5" in after


ALTA_FORM = {
    "p-nombre": "Lucía", "p-apellido1": "Ferrer", "p-apellido2": "Mira", "p-sexo": "6",
    "p-fecha_nacimiento": "1990-02-03", "p-pais_nacimiento": "108",
    "p-municipio_nacimiento": "03002", "p-nacionalidad": "108", "p-tipo_documento": "1",
    "p-documento": "11111111H", "p-nivel_estudios": "45", "d-number": "3", "m-causa": "AO",
    "m-fecha": "2024-05-01", "m-documentos": "Escritura"}


@pytest.mark.parametrize(("tipo", "documento", "nacionalidad", "message"), [
    ("1", "11111111H", "228",
     "El DNI solo identifica a personas de nacionalidad española: una persona extranjera se "
     "inscribe con su tarjeta de extranjero (NIE) o su pasaporte."),
    ("3", "X1234567L", "108",
     "Una persona de nacionalidad española se inscribe con su DNI, no con una tarjeta de "
     "extranjero (NIE)."),
    ("2", "YA1234567", "108",
     "Una persona de nacionalidad española se inscribe con su DNI, no con el pasaporte."),
])
def test_alta_refuses_a_document_type_that_does_not_fit_the_nationality(
        callejero, province, client_for, tipo, documento, nacionalidad, message):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        **ALTA_FORM, "d-via": callejero["iglesia"].pk, "p-tipo_documento": tipo,
        "p-documento": documento, "p-nacionalidad": nacionalidad})
    assert response.status_code == 200
    assert response.context["persona"].errors["tipo_documento"] == [message]
    assert message in html.unescape(response.content.decode())
    assert not Habitante.objects.exists()


@pytest.mark.parametrize(("tipo", "documento", "nacionalidad"), [
    ("3", "X1234567L", "228"), ("2", "YA1234567", "228"), ("0", "", "108"), ("0", "", "228")])
def test_alta_accepts_the_documents_that_fit_the_nationality(
        callejero, province, client_for, tipo, documento, nacionalidad):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", {
        **ALTA_FORM, "d-via": callejero["iglesia"].pk, "p-tipo_documento": tipo,
        "p-documento": documento, "p-nacionalidad": nacionalidad})
    assert response.status_code == 302, response.context["persona"].errors
