"""Malformed values in query strings and posts read outside a form (provincial.params):
an impossible date, letters in a number, a NUL character or a 10 kB text answer 400 with a
Spanish message on either host, never 500."""

from __future__ import annotations

import datetime
import html

import pytest
from django.http import QueryDict

from provincial import params
from tests.conftest import HOST_A, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def bad_request(response) -> str:
    assert response.status_code == 400, response.status_code
    text = html.unescape(response.content.decode())
    assert "<h1>Petición no válida</h1>" in text
    return text


def test_the_readers_take_good_values_and_their_defaults():
    data = QueryDict("fecha=2024-02-29&mes=2024-02&n=42&q=+hola+&vacio=")
    today = datetime.date(2024, 5, 17)
    assert params.get_date(data, "fecha") == datetime.date(2024, 2, 29)
    assert params.get_date(data, "vacio", default=today) == today
    assert params.get_date(data, "falta") is None
    assert params.get_month(data, "mes", default=today) == datetime.date(2024, 2, 29)
    assert params.get_month(data, "falta", default=today) == datetime.date(2024, 5, 31)
    assert params.get_int(data, "n") == 42
    assert params.get_int(data, "falta", default=7) == 7
    assert params.get_text(data, "q") == "hola"


@pytest.mark.parametrize(("reader", "value", "message"), [
    (params.get_date, "2026-02-30", "La fecha «2026-02-30» de «x» no es válida: escriba una "
                                    "fecha que exista, con el formato AAAA-MM-DD."),
    (params.get_date, "2026-13-45", "La fecha «2026-13-45» de «x» no es válida: escriba una "
                                    "fecha que exista, con el formato AAAA-MM-DD."),
    (params.get_month, "2026-13", "El mes «2026-13» de «x» no es válido: escriba un mes con "
                                  "el formato AAAA-MM."),
    (params.get_month, "0000-01", "El mes «0000-01» de «x» no es válido: escriba un mes con "
                                  "el formato AAAA-MM."),
    (params.get_int, "abc", "El valor «abc» de «x» no es un número entero."),
    (params.get_int, "٣", "El valor «٣» de «x» no es un número entero."),
    (params.get_int, "9" * 19, f"El valor «{'9' * 19}» de «x» no es un número entero."),
    (params.get_text, "a\x00b", "El texto de «x» contiene caracteres no válidos."),
    (params.get_text, "a" * 201, "El texto de «x» es demasiado largo (máximo 200 caracteres)."),
])
def test_the_readers_refuse_malformed_values_with_a_spanish_message(reader, value, message):
    data = QueryDict(mutable=True)
    data["x"] = value
    kwargs = {"default": datetime.date(2024, 1, 1)} if reader is params.get_month else {}
    with pytest.raises(params.InvalidParameter) as excinfo:
        reader(data, "x", **kwargs)
    assert excinfo.value.message == message


def test_a_refused_value_is_cut_in_the_message():
    data = QueryDict(mutable=True)
    data["x"] = "1" * 60 + "x"
    with pytest.raises(params.InvalidParameter) as excinfo:
        params.get_int(data, "x")
    assert excinfo.value.message == f"El valor «{'1' * 40}…» de «x» no es un número entero."


@pytest.mark.parametrize(("param", "value", "message"), [
    ("desde", "2026-02-30", "La fecha «2026-02-30» de «desde» no es válida"),
    ("hasta", "2026-13-45", "La fecha «2026-13-45» de «hasta» no es válida"),
    ("usuario", "a\x00b", "El texto de «usuario» contiene caracteres no válidos."),
    ("documento", "x" * 10_000, "El texto de «documento» es demasiado largo"),
])
def test_audit_filters_that_cannot_be_read_are_a_400_on_both_hosts(province, client_for, param,
                                                                   value, message):
    for user, host, url in ((province.admin_a, HOST_A, "/gestion/auditoria/"),
                            (province.provincial_admin, HOST_PROVINCIAL, "/auditoria/")):
        client = client_for(user, host)
        assert message in bad_request(client.get(url, {param: value})), url
        assert message in bad_request(client.get(url, {param: value, "formato": "csv"}))
        assert client.get(url, {"desde": "2024-02-29"}).status_code == 200


def test_an_entity_filter_that_is_not_a_number_is_a_400(province, client_for):
    client = client_for(province.provincial_admin, HOST_PROVINCIAL)
    for value in ("abc", "²"):
        assert f"El valor «{value}» de «entidad» no es un número entero." in bad_request(
            client.get("/auditoria/", {"entidad": value}))
    assert client.get("/auditoria/", {"entidad": province.a.pk}).status_code == 200


@pytest.mark.parametrize(("user", "host", "url"), [
    ("admin_a", HOST_A, "/gestion/usuarios/"),
    ("clerk_a", HOST_A, "/gestion/soporte/nueva/"),
    ("support_agent", HOST_PROVINCIAL, "/soporte/conocimiento/"),
    ("provincial_admin", HOST_PROVINCIAL, "/"),
])
def test_search_text_with_a_nul_or_10_kb_is_a_400(province, client_for, user, host, url):
    client = client_for(getattr(province, user), host)
    assert "El texto de «q» contiene caracteres no válidos." in bad_request(
        client.get(url, {"q": "impresora\x00"}))
    assert "El texto de «q» es demasiado largo (máximo 200 caracteres)." in bad_request(
        client.get(url, {"q": "x" * 10_000}))
    assert client.get(url, {"q": "impresora"}).status_code == 200


def test_a_year_that_is_not_a_number_in_the_registro_calendar_is_a_400(province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    assert "El valor «abc» de «year» no es un número entero." in bad_request(
        client.get("/gestion/registro/calendario/", {"year": "abc"}))
    response = client.get("/gestion/registro/calendario/", {"year": "1999"})
    assert (response.status_code, response.context["year"]) == (200, 2000)


def test_a_second_factor_code_with_a_nul_is_a_400_not_a_500(province, client_for):
    client = client_for(province.clerk_a, HOST_A, verified=False)
    response = client.post("/cuentas/verificar/", {"code": "1234\x00"})
    assert "El texto de «code» contiene caracteres no válidos." in bad_request(response)
