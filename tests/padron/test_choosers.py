"""Choosers of the padrón forms: INE codes found by name, streets sorted and searchable,
names (not codes) wherever people read them, and Spanish alphabetical order."""

import html
import io

import pytest
from django.db.models import Value

from codigos.models import Codigo
from padron import codelists
from padron.forms import DomicilioForm, PersonaForm
from padron.models import Habitante
from padron.queries import filter_habitantes
from provincial.collation import SpanishOrder, primary, spanish_sorted
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db

CODES = "/gestion/padron/buscar/codigos/"
STREETS = "/gestion/padron/buscar/vias/"


# --- the code list of municipalities -------------------------------------------------


def test_every_municipality_of_spain_is_a_code_list_the_admin_keeps(province, client_for):
    assert Codigo.objects.filter(tabla="municipios").count() == 8130
    assert Codigo.objects.filter(tabla="municipios", codigo__startswith="03").count() == 141
    assert codelists.municipality_name("03", "053") == "Castalla"
    assert codelists.municipality_name("03", "050") == "el Campello"
    assert codelists.birthplace("03", "053", "108") == "Castalla (Alicante/Alacant)"
    assert codelists.birthplace("", "", "228") == "Marruecos"
    assert codelists.place_name("28005") == "Alcalá de Henares (Madrid)"
    assert codelists.place_name("228") == "Marruecos"
    assert codelists.resolve("municipios", "El Campello (Alicante/Alacant)").code == "03050"
    assert codelists.resolve("municipios", "castalla").code == "03053"
    assert codelists.resolve("municipios", "Villanueva") is None  # no such single name
    assert codelists.resolve("paises", "marruecos").code == "228"
    admin = client_for(province.provincial_admin, "diputacion.localhost")
    listing = admin.get("/admin/codigos/codigo/", {"tabla__exact": "municipios", "q": "Castalla"})
    assert listing.status_code == 200
    assert "Castalla" in listing.content.decode()


def test_a_renamed_municipality_is_printed_with_its_new_name(province):
    Codigo.objects.filter(tabla="municipios", codigo="03053").update(descripcion="Castalla (la)")
    from codigos import cache

    cache.clear()
    assert codelists.municipality_name("03", "053") == "la Castalla"


# --- Spanish collation -----------------------------------------------------------------


def test_accented_names_sort_where_spanish_puts_them():
    assert spanish_sorted(["Émiratos Árabes", "Austria", "Árabe", "Zambia", "Ñandú", "Nepal",
                           "Oman"]) == ["Árabe", "Austria", "Émiratos Árabes", "Nepal", "Ñandú",
                                        "Oman", "Zambia"]


def test_country_choices_are_in_spanish_order_with_spain_first(province):
    names = [name for _code, name in codelists.country_choices()]
    assert names[0] == "España"
    assert names.index("Arabia Saudí") < names.index("Austria") < names.index("Bélgica") \
        < names.index("Belice") < names.index("Burundi")
    assert names.index("Egipto") < names.index("Emiratos Árabes Unidos") \
        < names.index("Eritrea") < names.index("Eslovenia") < names.index("Etiopía")


def test_the_database_sorts_surnames_in_spanish_order(callejero, ctx):
    for number, (apellido, documento) in enumerate(
            [("Zapata", "11111111H"), ("Álvarez", "22222222J"), ("Muñoz", "33333333P"),
             ("Munuera", "44444444A"), ("Ortiz", "55555555K")], start=1):
        alta(callejero, ctx, number=number * 2 + 1, apellido1=apellido, documento=documento)
    assert [h.apellido1 for h in filter_habitantes({})] == [
        "Álvarez", "Munuera", "Muñoz", "Ortiz", "Zapata"]


def test_python_and_database_agree_on_the_spanish_key(province):
    names = ["Ñandú", "Álvarez", "CÓRDOBA", "Güell", "François", "Muñoz", "l'Alfàs"]
    rows = [Codigo.objects.annotate(key=SpanishOrder(Value(name))).values_list("key", flat=True)
            .first() for name in names]
    assert rows == [primary(name) for name in names]
    assert rows == ["n{andu", "alvarez", "cordoba", "guell", "francois", "mun{oz", "l'alfas"]


# --- the search endpoints ----------------------------------------------------------------


def test_municipalities_are_found_by_name_or_province_and_return_their_code(province,
                                                                           client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.get(f"{CODES}municipios/", {"q": "castalla"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.json()["results"][0] == {"code": "03053", "label": "Castalla",
                                              "detail": "Alicante/Alacant"}
    first = client.get(f"{CODES}municipios/", {"q": "alcala hen"}).json()["results"][0]
    assert (first["code"], first["label"]) == ("28005", "Alcalá de Henares")
    # A province's name narrows the search: "benissa alicante" is Benissa, not Benissanó.
    found = client.get(f"{CODES}municipios/", {"q": "benissa alic"}).json()["results"]
    assert [r["code"] for r in found] == ["03041"]
    by_code = client.get(f"{CODES}municipios/", {"q": "0305"}).json()["results"]
    assert [r["code"] for r in by_code][:4] == ["03050", "03051", "03052", "03053"]


def test_countries_are_found_by_the_start_of_any_word(province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    found = client.get(f"{CODES}paises/", {"q": "bel"}).json()["results"]
    assert [r["label"] for r in found] == ["Belarús", "Bélgica", "Belice"]
    found = client.get(f"{CODES}paises/", {"q": "arabes"}).json()["results"]
    assert [r["label"] for r in found] == ["Emiratos Árabes Unidos"]
    everything = client.get(f"{CODES}paises/").json()["results"]
    assert everything[0]["label"] == "España"
    assert len(everything) == 20
    places = client.get(f"{CODES}lugares/", {"q": "marru"}).json()["results"]
    assert [p["label"] for p in places] == ["Marruecos", "Marrupe"]
    assert places[0] == {"code": "228", "label": "Marruecos", "detail": ""}


def test_the_search_answers_bad_input_with_4xx(province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    assert client.get(f"{CODES}habitantes/", {"q": "x"}).status_code == 404
    assert client.get(f"{CODES}paises/", {"q": "x" * 500}).status_code == 400
    assert client.get(f"{CODES}paises/", {"q": "%%%"}).json()["results"] == []
    assert client.post(f"{CODES}paises/", {"q": "x"}).status_code == 405


def test_only_padron_users_of_the_entity_reach_the_search(province, client_for):
    for user, host, expected in ((province.admin_a, HOST_A, 403), (province.clerk_b, HOST_A, 404),
                                 (None, HOST_A, 302)):
        for url in (f"{CODES}paises/", STREETS):
            assert client_for(user, host).get(url, {"q": "es"}).status_code == expected, \
                (user, url)


def test_streets_are_listed_by_name_and_searched_as_you_type(callejero, province, client_for):
    form = DomicilioForm()
    assert list(form.fields["via"].choices)[1:] == [
        (str(callejero["iglesia"].pk), "de l'Església (Plaza)"),
        (str(callejero["mayor"].pk), "Mayor (Calle)")]
    client = client_for(province.clerk_a, HOST_A)
    found = client.get(STREETS, {"q": "esgl pla"}).json()["results"]
    assert found == [{"code": str(callejero["iglesia"].pk), "label": "de l'Església (Plaza)",
                      "detail": "00020"}]
    assert [r["detail"] for r in client.get(STREETS, {"q": "0001"}).json()["results"]] == [
        "00010"]
    # Another entity's streets are never offered (its own schema has none).
    assert client_for(province.clerk_b, HOST_B).get(STREETS, {"q": "mayor"}).json() == {
        "results": []}


# --- the forms ---------------------------------------------------------------------------


def _alta_data(callejero, **overrides) -> dict:
    data = {"p-nombre": "Lucía", "p-apellido1": "Ferrer", "p-apellido2": "Mira", "p-sexo": "6",
            "p-fecha_nacimiento": "1990-02-03", "p-pais_nacimiento": "108",
            "p-municipio_nacimiento": "03053", "p-nacionalidad": "108",
            "p-tipo_documento": "1", "p-documento": "11111111H", "p-nivel_estudios": "45",
            "d-via": callejero["iglesia"].pk, "d-number": "3", "m-causa": "AO",
            "m-fecha": "2024-05-01", "m-documentos": "Escritura"}
    data.update(overrides)
    return data


def test_the_codes_are_stored_whether_typed_as_codes_or_as_full_names(callejero, province,
                                                                      client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", _alta_data(
        callejero, **{"p-municipio_nacimiento": "castalla", "p-nacionalidad": "España",
                      "m-causa": "AC", "m-procedencia": "Alcalá de Henares"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    lucia = Habitante.objects.get(documento="11111111H")
    assert (lucia.provincia_nacimiento, lucia.municipio_nacimiento, lucia.pais_nacimiento,
            lucia.nacionalidad) == ("03", "053", "108", "108")
    assert lucia.movimientos.get().procedencia_destino == "28005"
    body = html.unescape(client.get(f"/gestion/padron/habitantes/{lucia.pk}/").content.decode())
    assert "Castalla (Alicante/Alacant)" in body
    assert "(Alcalá de Henares (Madrid))" in body
    assert "Clerk Pruebas" in body


def test_without_javascript_the_form_shows_the_name_of_each_code(callejero, province,
                                                                 client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = client.post("/gestion/padron/habitantes/alta/", _alta_data(
        callejero, **{"p-documento": "11111111A", "p-nacionalidad": "228"}))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert '<span class="chooser-name" id="id_p-municipio_nacimiento_nombre">Castalla ' \
           '(Alicante/Alacant)</span>' in body
    assert '<span class="chooser-name" id="id_p-nacionalidad_nombre">Marruecos</span>' in body
    assert 'data-chooser-url="/gestion/padron/buscar/codigos/municipios/"' in body
    assert 'data-chooser-url="/gestion/padron/buscar/vias/"' in body
    assert "/static/js/chooser.js" in body
    assert not Habitante.objects.exists()


def test_an_unknown_or_ambiguous_name_is_explained_and_nothing_is_saved(callejero, province,
                                                                        client_for):
    client = client_for(province.clerk_a, HOST_A)
    for value in ("Atlántida", "Santa", "99999"):
        response = client.post("/gestion/padron/habitantes/alta/", _alta_data(
            callejero, **{"p-municipio_nacimiento": value}))
        body = html.unescape(response.content.decode())
        assert response.status_code == 200
        assert f"«{value}» no está en la lista. Escriba parte del nombre y elija una opción, " \
               "o escriba el código del INE." in body
    response = client.post("/gestion/padron/habitantes/alta/", _alta_data(
        callejero, **{"p-pais_nacimiento": "228"}))
    assert "Quien nació fuera de España no lleva municipio de nacimiento" in \
        html.unescape(response.content.decode())
    assert not Habitante.objects.exists()


def test_a_birthplace_no_longer_in_the_list_is_kept_when_other_data_change(callejero, ctx,
                                                                           province,
                                                                           client_for):
    maria = alta(callejero, ctx, provincia_nacimiento="03", municipio_nacimiento="999")
    client = client_for(province.clerk_a, HOST_A)
    form = PersonaForm(initial={"provincia_nacimiento": "03", "municipio_nacimiento": "999"})
    assert form.initial["municipio_nacimiento"] == "03999"
    response = client.post(f"/gestion/padron/habitantes/{maria.pk}/modificar/", {
        "nombre": "María", "apellido1": "García", "apellido2": "López", "sexo": "6",
        "fecha_nacimiento": "1980-05-17", "pais_nacimiento": "108",
        "municipio_nacimiento": "03999", "nacionalidad": "108", "tipo_documento": "1",
        "documento": "12345678Z", "nivel_estudios": "45", "telefono": "600000001",
        "fecha": "2024-06-01", "version": maria.version})
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    maria.refresh_from_db()
    assert (maria.provincia_nacimiento, maria.municipio_nacimiento, maria.telefono) == (
        "03", "999", "600000001")


def test_certificates_print_names_not_codes(callejero, ctx, province):
    from pypdf import PdfReader

    from padron import documents

    maria = alta(callejero, ctx, nacionalidad="228", tipo_documento="3",
                 documento="X1234567L", pais_nacimiento="228", provincia_nacimiento="",
                 municipio_nacimiento="")
    pepe = alta(callejero, ctx, number=7, nombre="Pepe", documento="11111111H",
                provincia_nacimiento="03", municipio_nacimiento="050")
    for person, expected in ((maria, ["Lugar de nacimiento Marruecos", "Nacionalidad Marruecos"]),
                             (pepe, ["Lugar de nacimiento el Campello (Alicante/Alacant)",
                                     "Nacionalidad España"])):
        issued = documents.certificado(person, acting_user=province.clerk_a)
        from provincial.documents import services

        text = " ".join(" ".join(page.extract_text().split()) for page in
                        PdfReader(io.BytesIO(services.read_verified(issued))).pages)
        for line in expected:
            assert line in text, text
        assert "228" not in text.replace("X1234567L", "")


def test_the_detail_page_no_longer_shows_the_generator_command(callejero, ctx, province,
                                                               client_for):
    from padron.models import Movimiento

    maria = alta(callejero, ctx)
    Movimiento.objects.filter(habitante=maria).update(clerk_name="generate_padron")
    body = html.unescape(client_for(province.clerk_a, HOST_A)
                         .get(f"/gestion/padron/habitantes/{maria.pk}/").content.decode())
    assert "generate_padron" not in body
    assert "Carga inicial (generador de datos de demostración)" in body


def test_the_generator_stores_a_spanish_label_as_who_did_each_operation(in_a):
    from padron import demo
    from padron.models import Movimiento

    demo.generate(in_a, inhabitants=5, seed=3)
    assert set(Movimiento.objects.values_list("clerk_name", flat=True)) == {
        "Carga inicial (generador de datos de demostración)"}


def test_the_spanish_order_of_the_list_is_read_from_its_index(callejero, ctx):
    from django.db import connection

    alta(callejero, ctx)
    queryset = filter_habitantes({}).prefetch_related(None)[:25]
    with connection.cursor() as cursor:
        # On a tiny table the planner would rather sort; forbid that to see the index match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "habitante_orden_es" in plan, plan
