"""Malformed values in the padrón's query strings and posts (found by a penetration test):
an impossible date or letters in a number answer 400 with a Spanish message, never 500,
and change nothing."""

from __future__ import annotations

import html

import pytest

from padron.models import Habitante, Movimiento
from tests.conftest import HOST_A
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db


def bad_request(response) -> str:
    """The message of a 400 page."""
    assert response.status_code == 400, response.status_code
    text = html.unescape(response.content.decode())
    assert "<h1>Petición no válida</h1>" in text
    return text


@pytest.mark.parametrize("fecha", ["2026-13-45", "2026-02-30", "2026-2-3", "mañana"])
def test_an_impossible_date_on_the_padron_pages_is_a_400(callejero, ctx, province, client_for,
                                                         fecha):
    habitante = alta(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    message = (f"La fecha «{fecha}» de «fecha» no es válida: escriba una fecha que exista, "
               "con el formato AAAA-MM-DD.")
    for url in ("/gestion/padron/a-fecha/", f"/gestion/padron/hojas/{habitante.hoja_id}/"):
        assert message in bad_request(client.get(url, {"fecha": fecha})), url
        assert client.get(url, {"fecha": "2026-02-28"}).status_code == 200


def test_a_hoja_that_is_not_a_number_on_the_alta_page_is_a_400(callejero, ctx, province,
                                                               client_for):
    habitante = alta(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    for value in ("abc", "1e3", "-1", "²"):
        assert f"El valor «{value}» de «hoja» no es un número entero." in bad_request(
            client.get("/gestion/padron/habitantes/alta/", {"hoja": value}))
    assert client.get("/gestion/padron/habitantes/alta/",
                      {"hoja": habitante.hoja_id}).status_code == 200
    assert client.get("/gestion/padron/habitantes/alta/", {"hoja": "99999"}).status_code == 404


def test_a_version_that_is_not_a_number_on_renovar_is_a_400_and_renews_nothing(
        callejero, ctx, province, client_for):
    habitante = alta(callejero, ctx)
    Habitante.objects.filter(pk=habitante.pk).update(requires_renewal=True)
    before = Movimiento.objects.filter(habitante=habitante).count()
    response = client_for(province.clerk_a, HOST_A).post(
        f"/gestion/padron/habitantes/{habitante.pk}/renovar/", {"version": "abc"})
    assert "El valor «abc» de «version» no es un número entero." in bad_request(response)
    habitante.refresh_from_db()
    assert (habitante.renewal_due, habitante.version) == (None, 1)
    assert Movimiento.objects.filter(habitante=habitante).count() == before


def test_a_nul_in_a_decision_on_a_returned_record_is_a_400_and_decides_nothing(
        callejero, province, client_for):
    from padron.models import IncidenciaINE, RetornoINE
    from padron.models.retornos import AccionPropuesta, Coincidencia, TipoRetornoINE

    retorno = RetornoINE.objects.create(kind=TipoRetornoINE.values[0], filename="r.txt",
                                        sha256="0" * 64)
    incidencia = IncidenciaINE.objects.create(
        retorno=retorno, line=1, datos={}, coincidencia=Coincidencia.values[0],
        action=AccionPropuesta.values[0])
    client = client_for(province.clerk_a, HOST_A)
    base = f"/gestion/padron/ine/incidencias/{incidencia.pk}"
    assert "El texto de «hoja» contiene caracteres no válidos." in bad_request(
        client.post(f"{base}/aceptar/", {"hoja": "1\x00"}))
    assert "El texto de «motivo» contiene caracteres no válidos." in bad_request(
        client.post(f"{base}/rechazar/", {"motivo": "no\x00"}))
    incidencia.refresh_from_db()
    assert (incidencia.state, incidencia.note) == ("pendiente", "")
