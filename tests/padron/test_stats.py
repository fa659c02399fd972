"""Statistics of the padrón: exact figures for a known small padrón, and the page."""

import datetime
import html
import re

import pytest

from padron import actions, stats
from padron.choices import Causa, TipoDocumento
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 6, 15)


@pytest.fixture
def small_padron(callejero, ctx):
    """Four inscribed today, one who left; one move between sections."""
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))  # woman, 1980-05-17, sección 001
    nuevo = actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2024, 6, 1))
    actions.cambiar_domicilio(maria, nuevo, fecha=D(2024, 6, 1), ctx=ctx)  # to sección 002
    alta(callejero, ctx, number=14, fecha=D(2024, 2, 10), nombre="José", apellido1="Martínez",
         documento="87654321X", sexo="1", fecha_nacimiento=D(1950, 1, 1))  # sección 002
    alta(callejero, ctx, number=7, fecha=D(2024, 11, 5), nombre="Youssef",
         apellido1="El Amrani", apellido2="", sexo="1",
         tipo_documento=TipoDocumento.TARJETA_EXTRANJERO, documento="X1234567L",
         nacionalidad="228", provincia_nacimiento="", municipio_nacimiento="",
         fecha_nacimiento=D(1990, 7, 1))
    alta(callejero, ctx, number=9, fecha=D(2025, 1, 1), nombre="Giulia", apellido1="Rossi",
         apellido2="", tipo_documento=TipoDocumento.PASAPORTE, documento="YA1234567",
         nacionalidad="115", provincia_nacimiento="", municipio_nacimiento="",
         fecha_nacimiento=D(2020, 6, 16))  # four until tomorrow
    pere = alta(callejero, ctx, number=11, fecha=D(2019, 5, 5), nombre="Pere", apellido1="Soler",
                documento="11111111H", sexo="1", fecha_nacimiento=D(1985, 3, 3))
    actions.dar_de_baja(pere, causa=Causa.BAJA_CAMBIO_RESIDENCIA, fecha=D(2024, 12, 31),
                        ctx=ctx, destino="03014")


def test_figures_of_a_known_padron(small_padron, django_assert_num_queries):
    with django_assert_num_queries(6):
        data = stats.compute(TODAY)
    assert (data.total, data.hombres, data.mujeres, data.extranjeros) == (4, 2, 2, 2)
    assert data.extranjeros_percent == 50.0
    pyramid = {g.label: (g.hombres, g.mujeres) for g in data.pyramid if g.total}
    assert pyramid == {"0–4": (0, 1), "30–34": (1, 0), "45–49": (0, 1), "75–79": (1, 0)}
    assert [g.label for g in data.pyramid][::5] == ["0–4", "25–29", "50–54", "75–79",
                                                     "100 y más"]
    assert [(n.label, n.count, n.percent) for n in data.nationalities] == [
        ("España", 2, 50.0), ("Italia", 1, 25.0), ("Marruecos", 1, 25.0)]
    assert [(s.distrito, s.seccion, s.count, s.percent) for s in data.secciones] == [
        ("01", "01-001", 2, 50.0), ("01", "01-002", 2, 50.0)]
    assert [(d.label, d.count) for d in data.distritos] == [("Distrito 01", 4)]
    assert len(data.months) == 24
    assert (data.months[0].month, data.months[-1].month) == (D(2023, 7, 1), D(2025, 6, 1))
    busy = {m.month: (m.altas, m.bajas) for m in data.months if m.altas or m.bajas}
    assert busy == {D(2024, 2, 1): (1, 0), D(2024, 11, 1): (1, 0), D(2024, 12, 1): (0, 1),
                    D(2025, 1, 1): (1, 0)}
    assert [(f.date, f.total, f.hombres, f.mujeres) for f in data.official] == [
        (D(2024, 1, 1), 2, 1, 1), (D(2025, 1, 1), 4, 2, 2)]


def test_other_nationalities_are_grouped_after_the_top_ten(callejero, ctx):
    codes = ["126"] * 3 + ["108"] * 2 + ["103", "104", "110", "113", "115", "120", "121", "122",
                                         "123", "125"]
    for index, code in enumerate(codes):
        foreign = code != "108"
        alta(callejero, ctx, number=1 + 2 * index, nombre=f"Persona{index}",
             tipo_documento=TipoDocumento.PASAPORTE if foreign else TipoDocumento.DNI,
             documento=f"PA{index:07d}" if foreign else ("12345678Z", "87654321X")[index - 3],
             nacionalidad=code, provincia_nacimiento="" if foreign else "03",
             municipio_nacimiento="" if foreign else "014")
    data = stats.compute(TODAY)
    assert [(n.code, n.count) for n in data.nationalities] == [
        ("126", 3), ("108", 2), ("103", 1), ("104", 1), ("110", 1), ("113", 1), ("115", 1),
        ("120", 1), ("121", 1), ("122", 1), ("", 2)]
    assert data.nationalities[0].label == "Alemania"
    assert data.nationalities[-1].label == "Otras (2 países)"
    assert data.extranjeros == 13


def test_axis_helpers():
    data = stats.PadronStats(TODAY, 0, 0, 0, 0, [], [], [], [], [], [])
    assert data.extranjeros_percent == 0.0
    assert stats.nice_ceiling(0) == 1
    assert [stats.nice_ceiling(v) for v in (1, 3, 7, 12, 230, 2600, 400000)] == \
        [1, 5, 10, 20, 250, 5000, 500000]
    assert stats.first_of_month(D(2025, 1, 20), 1) == D(2024, 12, 1)
    assert stats.first_of_month(D(2025, 1, 20), 23) == D(2023, 2, 1)


def test_pyramid_geometry_puts_men_left_and_women_right():
    groups = [stats.AgeGroup("0–4", 10, 5), stats.AgeGroup("5–9", 0, 10)]
    chart = stats.pyramid_chart(groups, width=312)
    men = [b for b in chart.bars if b.series == "hombres"]
    women = [b for b in chart.bars if b.series == "mujeres"]
    # Axis end 10; margins of 24, each half 100 wide, a gutter of 64 for the labels; the
    # oldest group is drawn on top.
    assert [(b.label, b.x, b.width) for b in men] == [("5–9", 124.0, 0.0), ("0–4", 24.0, 100.0)]
    assert [(b.label, b.x, b.width) for b in women] == [("5–9", 188.0, 100.0),
                                                        ("0–4", 188.0, 50.0)]
    assert [(t.position, t.value) for t in chart.ticks] == [
        (124.0, 0), (74.0, 5), (238.0, 5), (24.0, 10), (288.0, 10)]


def test_statistics_page_draws_accessible_charts_in_spanish_format(small_padron, province,
                                                                   client_for, monkeypatch):
    real = stats.compute

    def big(today):
        data = real(TODAY)
        data.pyramid[9].hombres = 12_345  # 45–49
        data.hombres += 12_345
        data.total += 12_345
        return data

    monkeypatch.setattr(stats, "compute", big)
    response = client_for(province.clerk_a, HOST_A).get("/gestion/padron/estadisticas/")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert body.count("<svg") >= 5
    assert body.count('role="img"') >= 5
    assert '<title id="piramide-t">Pirámide de población' in body
    assert "12.345" in body
    assert "12.349" in body
    assert ">50,0<" in body  # percentages with a decimal comma
    assert "<script" not in body.split("</main>")[0].split("<main")[1]
    # Coordinates are never written with a decimal comma.
    for attribute in re.findall(r'(?:x|y|width|height)="([^"]*)"', body):
        assert "," not in attribute, attribute
    assert "Inscritos a 01/01/2025" in body
    assert 'aria-current="page">Estadísticas' in body


def test_statistics_page_is_only_for_clerks_with_padron(province, client_for):
    assert client_for(province.clerk_b, HOST_A).get("/gestion/padron/estadisticas/") \
        .status_code == 404
    assert client_for(province.admin_a, HOST_A).get("/gestion/padron/estadisticas/") \
        .status_code == 403
    assert client_for(province.clerk_b, HOST_B).get("/gestion/padron/estadisticas/") \
        .status_code == 200


def test_statistics_page_query_count_does_not_grow_with_the_padron(small_padron, province,
                                                                   client_for,
                                                                   django_assert_max_num_queries):
    client = client_for(province.clerk_a, HOST_A)
    client.get("/gestion/padron/estadisticas/")  # warm caches (routing, sessions)
    with django_assert_max_num_queries(20):
        assert client.get("/gestion/padron/estadisticas/").status_code == 200
