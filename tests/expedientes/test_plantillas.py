"""The merge engine of templates (expedientes.plantillas): Spanish words for dates and
amounts, the sandbox, precise syntax errors, the context of an expediente, cleaning."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from expedientes import plantillas
from expedientes.choices import RolInteresado
from expedientes.models import InteresadoExpediente
from tenants.choices import Office, Wording
from tenants.models import OfficeHolder


@pytest.mark.parametrize(("value", "words"), [
    (datetime.date(2026, 12, 7), "siete de diciembre de dos mil veintiséis"),
    (datetime.date(2001, 1, 1), "uno de enero de dos mil uno"),
    (datetime.date(1999, 5, 31), "treinta y uno de mayo de mil novecientos noventa y nueve"),
    (datetime.date(2030, 2, 21), "veintiuno de febrero de dos mil treinta"),
    ("2026-12-07", "siete de diciembre de dos mil veintiséis"),
    ("no es una fecha", ""),
    (None, ""),
])
def test_fecha_letras(value, words):
    assert plantillas.fecha_letras(value) == words


@pytest.mark.parametrize(("value", "words"), [
    (Decimal("1234.56"), "mil doscientos treinta y cuatro euros con cincuenta y seis céntimos"),
    (1, "un euro"),
    (21, "veintiún euros"),
    ("100", "cien euros"),
    ("101.01", "ciento un euros con un céntimo"),
    ("21000", "veintiún mil euros"),
    (1_000_000, "un millón de euros"),
    (2_500_000, "dos millones quinientos mil euros"),
    ("1.234,50", "mil doscientos treinta y cuatro euros con cincuenta céntimos"),
    (0.5, "cero euros con cincuenta céntimos"),
    ("abc", ""),
])
def test_importe_letras(value, words):
    assert plantillas.importe_letras(value) == words


@pytest.mark.parametrize(("value", "text"), [
    ("1234.5", "1.234,50 €"), (Decimal("1000000"), "1.000.000,00 €"), ("-3,2", "-3,20 €"),
    ("x", ""),
])
def test_importe(value, text):
    assert plantillas.importe(value) == text


def test_merge_writes_dates_in_spanish_words_and_upper_case():
    html = plantillas.render(
        "<p>{{ hoy|fecha_letras }} · {{ hoy|fecha_larga }} · {{ n|importe_letras }} · "
        "{{ nombre|mayusculas }}</p>",
        {"hoy": datetime.date(2026, 12, 7), "n": "21", "nombre": "Núñez"})
    assert html == ("<p>siete de diciembre de dos mil veintiséis · 7 de diciembre de 2026 · "
                    "veintiún euros · NÚÑEZ</p>")


def test_syntax_error_names_the_line_in_spanish():
    with pytest.raises(plantillas.PlantillaError) as caught:
        plantillas.comprobar("<p>Uno</p>\n<p>Dos</p>\n{% if interesado.nombre %}<p>Tres</p>")
    assert caught.value.line == 3
    assert caught.value.message == ("Error en la línea 3 de la plantilla: la etiqueta "
                                    "«{% if %}» no se cierra: falta «{% endif %}».")


def test_unknown_filter_is_explained():
    with pytest.raises(plantillas.PlantillaError) as caught:
        plantillas.comprobar("<p>\n{{ expediente.codigo|negrita }}</p>")
    assert caught.value.message.startswith(
        "Error en la línea 2 de la plantilla: el filtro «negrita» no existe o no está "
        "permitido. Se admiten: ")
    assert "fecha_letras" in caught.value.message


@pytest.mark.parametrize(("source", "tag"), [
    ("{% load static %}", "load"),
    ("{% include 'registro/pdf/justificante.html' %}", "include"),
    ("{% extends 'layouts/base.html' %}", "extends"),
    ("{% debug %}", "debug"),
    ("{% autoescape off %}{{ x }}{% endautoescape %}", "autoescape"),
    ("{% url 'gestion:dashboard' %}", "url"),
])
def test_sandbox_refuses_tags_that_reach_outside(source, tag):
    with pytest.raises(plantillas.PlantillaError) as caught:
        plantillas.comprobar(source)
    assert caught.value.message == (
        f"Error en la línea 1 de la plantilla: la etiqueta «{{% {tag} %}}» no existe o no "
        "está permitida en las plantillas (no se pueden cargar bibliotecas ni incluir otras "
        "plantillas).")


def test_sandbox_refuses_safe_and_private_attributes():
    with pytest.raises(plantillas.PlantillaError, match="el filtro «safe» no existe"):
        plantillas.comprobar("{{ interesado.nombre|safe }}")
    # Filters that let a short template blow up into a huge output are not offered.
    for amplifier in ("{% with b=a|add:a %}{{ b }}{% endwith %}",
                      '{{ a|stringformat:"09999999999d" }}', "{{ a|floatformat:999999999 }}"):
        with pytest.raises(plantillas.PlantillaError, match="no existe o no está permitido"):
            plantillas.comprobar(amplifier)
    with pytest.raises(plantillas.PlantillaError, match="no pueden empezar por «_»"):
        plantillas.comprobar("{{ expediente.__class__ }}")


def test_merge_escapes_data_and_cleans_the_output():
    html = plantillas.render(
        '<p class="centrado peligro" onclick="x()" style="color:red">{{ nombre }}</p>'
        "<script>alert(1)</script><style>p{}</style><table><tr><td colspan=\"2\">a"
        '<iframe src="http://example.com"></iframe>',
        {"nombre": "<b>Ana</b> & Cía"})
    assert html == ('<p class="centrado">&lt;b&gt;Ana&lt;/b&gt; &amp; Cía</p>'
                    '<table><tr><td colspan="2">a</td></tr></table>')


def test_unknown_fields_show_in_the_output():
    html = plantillas.render("<p>{{ interesado.nombr }}</p>", {"interesado": {}})
    assert html == "<p>[¿interesado.nombr?]</p>"
    assert plantillas.campos_desconocidos(html) == ["interesado.nombr"]


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, str | int | datetime.date)


def test_context_of_an_expediente(in_a, expediente):
    InteresadoExpediente.objects.create(
        expediente=expediente, rol=RolInteresado.REPRESENTANTE, tipo_documento="NIF",
        documento="00000000T", nombre="Luis", apellido1="Gestor")
    InteresadoExpediente.objects.create(
        expediente=expediente, rol=RolInteresado.SOLICITANTE, tipo_documento="NIF",
        documento="12345678Z", nombre="Ana", apellido1="Pérez", apellido2="Soler",
        direccion="Calle Mayor, 1")
    today = datetime.date(2026, 12, 7)
    OfficeHolder.objects.create(entity=in_a, office=Office.ALCALDIA, name="Rosa Martí",
                                wording=Wording.FEMININE, start_date=datetime.date(2023, 6, 17))
    OfficeHolder.objects.create(entity=in_a, office=Office.SECRETARIA_INTERVENCION,
                                name="Pere Soler", wording=Wording.MASCULINE,
                                start_date=datetime.date(2020, 1, 1))
    contexto = plantillas.contexto(expediente, hoy=today)
    assert _plain(contexto), "the context holds only plain values, never model instances"
    assert contexto["interesado"]["nombre_completo"] == "Ana Pérez Soler"
    assert contexto["representante"]["nombre_completo"] == "Luis Gestor"
    assert [i["documento"] for i in contexto["interesados"]] == ["00000000T", "12345678Z"]
    assert contexto["entidad"]["municipio"] == "Agost"
    assert contexto["entidad"]["dir3"] == in_a.dir3_code
    assert contexto["firmantes"]["alcalde"] == {"nombre": "Rosa Martí", "cargo": "Alcaldesa",
                                                "antefirma": "La Alcaldesa"}
    # A Secretaría-Intervención fills both functions.
    assert contexto["firmantes"]["secretario"]["antefirma"] == "El Secretario-Interventor"
    assert contexto["firmantes"]["interventor"]["nombre"] == "Pere Soler"
    assert contexto["firmantes"]["tesorero"] == {"nombre": "", "cargo": "La Tesorería",
                                                 "antefirma": "La Tesorería"}
    html = plantillas.render(
        "<p>{{ expediente.codigo }}: {{ interesado.nombre_completo }} "
        "({{ interesado.documento }}). {{ firmantes.alcalde.antefirma }}, "
        "{{ hoy|fecha_letras }}.</p>", contexto)
    assert html == (f"<p>{expediente.codigo}: Ana Pérez Soler (12345678Z). La Alcaldesa, "
                    "siete de diciembre de dos mil veintiséis.</p>")


def test_sample_context_fills_every_listed_field(in_a):
    contexto = plantillas.contexto_ejemplo(hoy=datetime.date(2026, 12, 7))
    body = "".join(f"<p>{{{{ {campo} }}}}</p>" for campo, _label in plantillas.CAMPOS)
    html = plantillas.render(body, contexto)
    assert plantillas.campos_desconocidos(html) == []
    assert "<p>12/2026</p>" in html
    assert "<p>siete de diciembre de dos mil veintiséis</p>" in html
