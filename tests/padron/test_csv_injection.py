"""Formula injection in the padrón list's CSV export: a name that starts a formula is
written as text, every other cell as before."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("e.vl","x")'


def read(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_padron_csv_export_writes_a_formula_name_as_text(callejero, ctx, province, client_for):
    from tests.padron.test_operaciones import alta

    plain = alta(callejero, ctx)
    hostile = alta(callejero, ctx, number=11, apellido1=HYPERLINK, apellido2="",
                   nombre="@Ana", documento="11111111H")
    response = client_for(province.clerk_a, HOST_A).get("/gestion/padron/habitantes/exportar/csv/")
    assert response.status_code == 200
    rows = {row[0]: row for row in read(response.content)[1:]}
    assert rows[hostile.nia][1] == f"'{HYPERLINK}, @Ana"
    assert rows[plain.nia][1:4] == ["García López, María", "12345678Z", "17/05/1980"]
    assert rows[hostile.nia][9] == "01/03/2020"  # dates untouched
