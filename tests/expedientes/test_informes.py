"""Reports: counts by procedure, state and responsable, time to resolve, what is overdue;
the page and its xlsx export agree."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from expedientes.choices import EstadoExpediente
from expedientes.views_informes import compute
from tests.conftest import HOST_A

from .conftest import make_expediente, make_procedimiento

BASE = "/gestion/expedientes/informes/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def datos(procedimiento, province):
    hoy = timezone.localdate()
    ahora = timezone.now()
    subvencion = make_procedimiento("SUBV", name="Subvención nominativa")
    make_expediente(procedimiento, "Vencido", fecha_vencimiento=hoy - datetime.timedelta(3),
                    responsable_id=province.clerk_a.pk, responsable_name="Clerk Pruebas")
    make_expediente(procedimiento, "En plazo", responsable_id=province.clerk_a.pk,
                    responsable_name="Clerk Pruebas")
    for days in (10, 20, 60):
        make_expediente(subvencion, f"Resuelto en {days}", estado=EstadoExpediente.CERRADO,
                        fecha_inicio=hoy - datetime.timedelta(days), resolved_at=ahora)
    make_expediente(subvencion, "Anulado", estado=EstadoExpediente.ANULADO)
    return procedimiento, subvencion


def test_figures(in_a, datos):
    procedimiento, subvencion = datos
    informe = compute({})
    assert informe.total == 6
    assert [(r["name"], r["total"], r["abiertos"], r["terminados"], r["vencidos"], r["media"])
            for r in informe.por_procedimiento] == [
        ("Subvención nominativa", 4, 0, 3, 0, 30.0),
        ("Licencia de obra menor", 2, 2, 0, 1, None)]
    assert {r["code"]: r["n"] for r in informe.por_estado} == {
        "en_tramitacion": 2, "resuelto": 0, "cerrado": 3, "archivado": 0, "anulado": 1}
    assert [(r["name"], r["total"], r["vencidos"]) for r in informe.por_responsable] == [
        ("Sin responsable", 4, 0), ("Clerk Pruebas", 2, 1)]
    assert (informe.resueltos, informe.media_dias, informe.mediana_dias) == (3, 30.0, 20.0)
    assert [e.asunto for e in informe.vencidos] == ["Vencido"]
    only = compute({"procedimiento": procedimiento})
    assert only.total == 2
    assert only.resueltos == 0


def test_page_and_xlsx_export(in_a, datos, client_for, province):
    clerk = client_for(province.clerk_a, HOST_A)
    page = clerk.get(BASE).content.decode()
    assert "Subvención nominativa" in page
    assert "Días de mediana hasta resolver" in page
    response = clerk.get(BASE, {"formato": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Por procedimiento", "Por estado", "Por responsable",
                               "Tiempo de resolución", "Vencidos"]
    rows = list(book["Por procedimiento"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Procedimiento", "Código", "Total")
    assert [(r[0], r[2], r[5]) for r in rows[1:]] == [("Subvención nominativa", 4, 0),
                                                       ("Licencia de obra menor", 2, 1)]
    estados = dict(list(book["Por estado"].iter_rows(values_only=True))[1:])
    assert estados == {"En tramitación": 2, "Resuelto": 0, "Cerrado": 3, "Archivado": 0,
                       "Anulado": 1}
    tiempos = list(book["Tiempo de resolución"].iter_rows(values_only=True))[1:]
    assert tiempos == [("Expedientes resueltos", 3), ("Media (días naturales)", 30),
                       ("Mediana (días naturales)", 20)]
    vencidos = list(book["Vencidos"].iter_rows(values_only=True))[1:]
    assert [(r[2], r[5]) for r in vencidos] == [("Vencido", 3)]
    filtered = clerk.get(BASE, {"formato": "xlsx", "procedimiento": str(datos[1].pk)})
    rows = list(load_workbook(io.BytesIO(filtered.content))["Por procedimiento"]
                .iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Subvención nominativa"]
    assert clerk.get(BASE, {"desde": "2026-13-01"}).status_code == 200
