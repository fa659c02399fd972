"""Full-text search of the books: accents and case ignored, words as prefixes, all words
required; names and documents of interesados apart from the texts; one entity only."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from registro import busqueda, queries
from registro.models import Asiento
from registro.services import registrar
from tests.conftest import HOST_A, HOST_B

from .conftest import datos, empresa, persona


def numeros(**params) -> list[str]:
    return sorted(a.numero_registro.rsplit("/", 1)[1] for a in queries.buscar(params))


@pytest.fixture
def libro_a(in_a):
    """Four asientos: 000001 Lucía Pérez Sanz, 000002 José Martínez Ibáñez with a
    company as representative, 000003 Àngels Ferrer i Gil (Valencian name), 000004
    Lucía Pérez again with another text."""
    registrar(**datos(asunto="Licencia de obra menor",
                      resumen="Reforma de cocina en calle Mayor 3"))
    registrar(**datos(interesados=[
        persona(documento="X1234567L", tipo_documento="nie", nombre="José",
                apellido1="Martínez", apellido2="Ibáñez"),
        empresa(es_representante=True)],
        asunto="Queja por ruidos", resumen="Ruidos nocturnos en la plaza de l'Església",
        expone="Que el bar «Cañas» abre hasta las 3:00.", solicita="Inspección."))
    registrar(**datos(interesados=[persona(documento="00000023T", nombre="Àngels",
                                           apellido1="Ferrer i Gil", apellido2="")],
                      asunto="Solicitud de vado", resumen="Vado permanente nº 123"))
    registrar(**datos(asunto="Instancia general", resumen="Certificado de convivencia"))
    return in_a


def test_fold_lowercases_strips_accents_and_separators():
    assert busqueda.fold("  Àngels FERRER-Gil, l'Església «Cañas» nº 3:00 ") == \
        "angels ferrer gil l esglesia canas no 3 00"


def test_surname_search_ignores_accents_and_case(libro_a):
    assert numeros(interesado="perez") == ["000001", "000004"]
    assert numeros(interesado="PÉREZ") == ["000001", "000004"]
    assert numeros(interesado="martinez ibanez") == ["000002"]
    assert numeros(interesado="àngels") == numeros(interesado="ANGELS") == ["000003"]


def test_part_of_a_word_finds_it_as_a_prefix_but_not_from_the_middle(libro_a):
    assert numeros(interesado="mart") == ["000002"]
    assert numeros(interesado="fer") == ["000003"]
    assert numeros(interesado="artinez") == []
    assert numeros(texto="mayo") == ["000001"]


def test_every_word_must_match(libro_a):
    assert numeros(interesado="lucia perez") == ["000001", "000004"]
    assert numeros(interesado="luc sanz") == ["000001", "000004"]
    assert numeros(interesado="lucia martinez") == []
    assert numeros(texto="reforma mayor") == ["000001"]
    assert numeros(texto="obra ruidos") == []
    # Words apart in the text, in any order, still match (not a phrase search).
    assert numeros(texto="mayor cocina") == ["000001"]


def test_documents_and_representatives_are_searched(libro_a):
    assert numeros(interesado="12345678Z") == ["000001", "000004"]
    assert numeros(interesado="1234567") == ["000001", "000004"]  # a prefix of 12345678Z
    assert numeros(interesado="x1234567l") == ["000002"]
    assert numeros(interesado="X-1234567-L") == ["000002"]
    # The company acting for José is found by its name and its CIF.
    assert numeros(interesado="construcciones agost") == ["000002"]
    assert numeros(interesado="B12345674") == ["000002"]


def test_text_search_covers_asunto_resumen_expone_and_solicita(libro_a):
    assert numeros(texto="esglesia") == ["000002"]
    assert numeros(texto="canas") == ["000002"]
    assert numeros(texto="inspeccion") == ["000002"]
    assert numeros(texto="vado 123") == ["000003"]
    assert numeros(texto="convivencia") == ["000004"]
    # Texts and interesados are searched apart.
    assert numeros(texto="perez") == []
    assert numeros(interesado="vado") == []


def test_searches_combine_with_each_other_and_with_the_book(libro_a):
    assert numeros(interesado="perez", texto="certificado") == ["000004"]
    assert numeros(interesado="perez", libro="S") == []
    assert numeros(numero="000003", interesado="ferrer") == ["000003"]


def test_nothing_searchable_finds_nothing_and_symbols_are_not_tsquery_syntax(libro_a):
    assert numeros(interesado="«»—!") == []
    assert numeros(texto="& | ! :* (") == []
    assert numeros(texto="mayor & !reforma") == ["000001"]


def test_the_search_uses_the_gin_index(libro_a):
    # A handful of rows: left free, the planner may as well walk the date index in order
    # and filter (it did, once the tables held other tests' rows). Without sequential and
    # ordered index scans, the condition can only be met through a bitmap index scan: the
    # question is whether the GIN index serves this search.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        plan = queries.buscar({"interesado": "perez"}).explain()
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
        cursor.execute("RESET enable_indexonlyscan")
    assert "registro_interesados_fts" in plan


def test_the_data_migration_fills_rows_written_without_the_columns(libro_a):
    Asiento.objects.update(busqueda_texto="", busqueda_interesados="")
    assert numeros(interesado="perez") == []
    assert busqueda.rellenar(Asiento) == 4
    assert numeros(interesado="perez") == ["000001", "000004"]
    assert numeros(texto="ruidos") == ["000002"]


@pytest.mark.django_db
def test_a_search_never_shows_another_entitys_asientos(province, client_for):
    with schema_context(province.a.schema_name):
        registrar(**datos(interesados=[persona(nombre="Zoe", apellido1="Quintanilla")],
                          asunto="Solicitud exclusiva de Agost"))
    connection.set_schema_to_public()
    client_a = client_for(province.clerk_a, HOST_A)
    client_b = client_for(province.clerk_b, HOST_B)
    url = "/gestion/registro/asientos/"
    for query in ("interesado=quintan", "texto=exclusiva agost"):
        assert "Quintanilla" in client_a.get(f"{url}?{query}").content.decode()
        response = client_b.get(f"{url}?{query}")
        assert response.status_code == 200
        assert "Quintanilla" not in response.content.decode()
        with schema_context(province.b.schema_name):
            assert not queries.buscar(dict([query.split("=")])).exists()


def test_a_number_is_found_whole_bare_or_in_part(libro_a):
    """2026/E/3 and 2026/E/000003 by the unique (libro, year, numero) index, a bare 3 in any
    book by the numero index, anything else as part of the number."""
    year = Asiento.objects.get(numero=3).year
    assert numeros(numero=f"{year}/E/3") == ["000003"]
    assert numeros(numero=f"{year}/e/000003") == ["000003"]
    assert numeros(numero=f"{year}/S/3") == []
    assert numeros(numero="3") == ["000003"]
    assert numeros(numero="0000") == ["000001", "000002", "000003", "000004"]
    assert numeros(numero="9999/E/3") == []


def test_filters_by_canal_unit_and_the_registro_de_facturas(in_a, client_for, province):
    from registro.models import UnidadOrganica

    intervencion = UnidadOrganica.objects.create(nombre="Intervención", codigo_dir3="LA0000001")
    registrar(**datos(asunto="Factura de suministro eléctrico", es_factura=True,
                      unidad=intervencion))
    registrar(**datos(asunto="Escrito por correo", canal="correo"))
    registrar(**datos(asunto="Escrito presencial"))
    assert numeros(solo_facturas=True) == ["000001"]
    assert numeros(canal="correo") == ["000002"]
    assert numeros(unidad=intervencion) == ["000001"]
    page = client_for(province.clerk_a, HOST_A).get(
        "/gestion/registro/asientos/", {"solo_facturas": "on"}).content.decode()
    assert "Factura de suministro" in page
    assert "Escrito por correo" not in page
