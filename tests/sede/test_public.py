"""Public pages of the sede: home, catalogue, calendar, tablón and its diligencia."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from provincial.documents import services as documents
from registro.models import Festivo
from sede.models import Edicto, Procedimiento
from tests.conftest import HOST_A, HOST_B, HOST_C
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MADRID)


def get(host: str, path: str):
    response = Client(HTTP_HOST=host).get(path)
    return response, response.content.decode()


def test_home_shows_entity_and_official_madrid_time(province):
    with time_machine.travel(at(2026, 3, 19, 23, 30, 5), tick=False):
        response, body = get(HOST_A, "/sede/")
    assert response.status_code == 200
    assert "Sede electrónica del Ajuntament d&#x27;Agost" in body
    # 22:30:05 UTC is 23:30:05 in Madrid (CET, winter time).
    assert "23:30:05" in body
    assert 'datetime="2026-03-19T23:30:05+01:00"' in body
    for link in ("/sede/instancia-general/", "/sede/procedimientos/", "/sede/carpeta/",
                 "/sede/tablon/", "/sede/verificar/"):
        assert f'href="{link}"' in body


def test_entity_with_the_padron_but_without_the_sede_service_only_verifies(province):
    from tenants.choices import AdhesionState
    from tenants.models import Adhesion

    # Its padrón certificates point to /sede/verificar/, so that page (and the home that
    # links to it) stay; nothing else of the sede does.
    Adhesion.objects.filter(entity=province.a, service__code="eadmin").update(
        state=AdhesionState.WITHDRAWN)
    response, body = get(HOST_A, "/sede/")
    assert response.status_code == 200
    assert 'href="/sede/verificar/"' in body
    assert 'href="/sede/instancia-general/"' not in body
    for path in ("/sede/procedimientos/", "/sede/tablon/", "/sede/calendario/",
                 "/sede/instancia-general/", "/sede/carpeta/"):
        assert get(HOST_A, path)[0].status_code == 404, path
    assert get(HOST_A, "/sede/verificar/")[0].status_code == 200


def test_entity_without_any_service_that_issues_documents_has_no_sede(province):
    # Entity C adheres only to soporte.
    for path in ("/sede/", "/sede/tablon/"):
        response, body = get(HOST_C, path)
        assert response.status_code == 404, path
        assert "Este servicio no está disponible en esta entidad." in body
    # CSV verification answers everywhere (documents outlive adhesions); C has none.
    response, body = get(HOST_C, "/sede/verificar/")
    assert response.status_code == 200


def _procedimiento(code: str, name: str, **extra) -> Procedimiento:
    data = {"description": f"Descripción de {name}", "plazo_resolucion": "3 meses",
            "sentido_silencio": "estimatorio", "organo": "Alcaldía", **extra}
    return Procedimiento.objects.create(code=code, name=name, **data)


def test_catalogue_lists_searches_and_details_active_procedures(province, in_a):
    _procedimiento("VADO", "Licencia de vado permanente", tasa="45,00 € (Ordenanza fiscal 7)",
                   requisitos="Plano de situación.")
    _procedimiento("OBRA", "Licencia de obra menor")
    _procedimiento("OLD", "Trámite retirado", is_active=False)
    connection.set_schema_to_public()
    response, body = get(HOST_A, "/sede/procedimientos/")
    assert "Licencia de vado permanente" in body
    assert "Licencia de obra menor" in body
    assert "Trámite retirado" not in body
    _r, body = get(HOST_A, "/sede/procedimientos/?q=vado")
    assert "Licencia de vado permanente" in body
    assert "Licencia de obra menor" not in body
    response, body = get(HOST_A, "/sede/procedimientos/VADO/")
    assert response.status_code == 200
    for text in ("Plano de situación.", "3 meses", "Estimatorio", "45,00 € (Ordenanza fiscal 7)",
                 "Alcaldía", "Instancia general"):
        assert text in body, text
    assert get(HOST_A, "/sede/procedimientos/OLD/")[0].status_code == 404
    # B's sede has its own catalogue.
    assert get(HOST_B, "/sede/procedimientos/VADO/")[0].status_code == 404


def test_calendar_marks_weekends_and_the_entitys_holidays(province, in_a):
    Festivo.objects.create(fecha=datetime.date(2026, 1, 6), descripcion="Epifanía del Señor",
                           ambito="nacional")
    connection.set_schema_to_public()
    response, body = get(HOST_A, "/sede/calendario/?year=2026")
    assert response.status_code == 200
    assert 'title="Epifanía del Señor"' in body
    # 2026: 261 weekdays, one of them a holiday here.
    assert "260 días hábiles" in body
    assert get(HOST_B, "/sede/calendario/?year=2026")[1].count("Epifanía") == 0
    assert get(HOST_A, "/sede/calendario/?year=1990")[0].status_code == 404


def _edicto(title: str, start: datetime.datetime, end: datetime.datetime, **extra) -> Edicto:
    return Edicto.objects.create(title=title, body=f"Texto de {title}", publish_from=start,
                                 publish_until=end, **extra)


def test_tablon_shows_edictos_only_during_their_period(province, in_a):
    current = _edicto("Exposición del padrón fiscal", at(2026, 3, 1, 9), at(2026, 3, 31, 0))
    future = _edicto("Convocatoria de pleno", at(2026, 4, 10, 9), at(2026, 5, 1, 0))
    _edicto("Lista de admitidos", at(2026, 1, 1, 9), at(2026, 2, 1, 0))
    connection.set_schema_to_public()
    with time_machine.travel(at(2026, 3, 30, 23, 59), tick=False):
        _r, body = get(HOST_A, "/sede/tablon/")
        assert "Exposición del padrón fiscal" in body
        assert "Convocatoria de pleno" not in body
        assert "Lista de admitidos" not in body
        assert get(HOST_A, f"/sede/tablon/{future.pk}/")[0].status_code == 404
        # Not yet ended: no diligencia.
        assert get(HOST_A, f"/sede/tablon/{current.pk}/diligencia/")[0].status_code == 404
    with time_machine.travel(at(2026, 3, 31, 0, 0, 1), tick=False):
        _r, body = get(HOST_A, "/sede/tablon/")
        assert "Exposición del padrón fiscal" not in body
        _r, archive = get(HOST_A, "/sede/tablon/archivo/")
        assert "Exposición del padrón fiscal" in archive
        assert "Lista de admitidos" in archive
        _r, found = get(HOST_A, "/sede/tablon/archivo/?q=admitidos")
        assert "Lista de admitidos" in found
        assert "Exposición del padrón" not in found
    with time_machine.travel(at(2026, 4, 10, 9, 0, 1), tick=False):
        assert "Convocatoria de pleno" in get(HOST_A, "/sede/tablon/")[1]


def test_diligencia_certifies_the_period_and_is_verifiable(province, in_a):
    edicto = _edicto("Aprobación inicial del presupuesto", at(2026, 1, 2, 9),
                     at(2026, 1, 23, 9), organo="Pleno")
    connection.set_schema_to_public()
    response = Client(HTTP_HOST=HOST_A).get(f"/sede/tablon/{edicto.pk}/diligencia/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("DILIGENCIA DE EXPOSICIÓN", "Aprobación inicial del presupuesto",
                     "02/01/2026 09:00", "23/01/2026 09:00", "21"):
        assert expected in text, expected
    csv = re.search(r"CSV(-[A-Z2-7]{4}){6}", text).group(0)
    # Issued once: asking again gives the same document.
    again = Client(HTTP_HOST=HOST_A).get(f"/sede/tablon/{edicto.pk}/diligencia/")
    assert again.content == response.content
    with schema_context(province.a.schema_name):
        assert documents.verify(csv).kind == "diligencia_edicto"
    verified = Client(HTTP_HOST=HOST_A).get("/sede/verificar/", {"csv": csv})
    assert verified.status_code == 200
    assert "Diligencia de exposición en el tablón" in verified.content.decode()


def test_demo_submissions_through_the_sede_are_the_sedes_presentaciones(province, in_a,
                                                                          client_for):
    """The registro's demo files some entries through the sede's channel; the sede's demo
    gives each one its Presentacion, so /gestion/sede/ does not say 0 beside them."""
    from registro import demo as registro_demo
    from registro.choices import Canal
    from registro.models import Asiento
    from sede import demo
    from sede.models import Presentacion

    registro_demo.populate(province.a, asientos=30, seed=7)
    demo.populate(province.a)
    demo.populate(province.a)
    by_sede = Asiento.objects.filter(canal=Canal.SEDE)
    assert by_sede.count() > 0
    presentaciones = Presentacion.objects.filter(asiento_id__isnull=False)
    assert sorted(presentaciones.values_list("numero_registro", flat=True)) == sorted(
        by_sede.values_list("numero_registro", flat=True))
    first = by_sede.order_by("fecha_presentacion").first()
    linked = presentaciones.get(asiento_id=first.pk)
    interesado = first.interesados.get()
    assert (linked.documento, linked.nombre, linked.registered_at) == (
        interesado.documento, interesado.nombre_completo, first.fecha_presentacion)
    page = client_for(province.clerk_a, HOST_A).get("/gestion/sede/").content.decode()
    assert (f'<div class="value">{by_sede.count()}</div><div class="label">Presentaciones '
            'registradas</div>') in page


def test_demo_populates_catalogue_and_tablon_once(province, in_a):
    from sede import demo

    demo.populate(province.a)
    demo.populate(province.a)
    assert Procedimiento.objects.count() == 9
    # One asks for a substantial level of identification (Cl@ve, certificate).
    assert list(Procedimiento.objects.exclude(nivel_minimo="bajo")
                .values_list("code", "nivel_minimo")) == [("PROTDATOS", "sustancial")]
    assert Edicto.objects.published().count() == 2
    assert Edicto.objects.archived().count() == 2
    vado = Procedimiento.objects.get(code="VADO")
    vado.full_clean()
    assert vado.has_specific_form
