"""Formula injection: no CSV the platform writes holds a text that a spreadsheet runs as a
formula (padrón list export, audit export), while numbers and dates stay as they were."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from provincial import audit
from provincial.models import AuditEvent
from provincial.spreadsheets import csv_safe, csv_writer
from tests.conftest import HOST_A, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("e.vl","x")'


def read(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_a_text_that_starts_a_formula_gets_an_apostrophe():
    assert [csv_safe(value) for value in (
        HYPERLINK, "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-", "+34 600 000 000",
    )] == [f"'{HYPERLINK}", "'+1+1", "'-1+1", "'@SUM(A1)", "'\t=1", "'\r=1", "'-",
           "'+34 600 000 000"]


def test_numbers_dates_and_plain_text_are_left_alone():
    date = datetime.date(2024, 1, 31)
    values = [-12, -3.5, Decimal("-7.25"), date, None, "-12", "-3,50", "+4.000,25",
              "García", "a=b", "01/02/2024", ""]
    assert [csv_safe(value) for value in values] == values


def test_the_writer_neutralises_every_cell_of_every_row():
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["=1+1", -5, "texto"])
    writer.writerows([["@x", "-5"], ["\t=2", datetime.date(2024, 2, 29)]])
    assert buffer.getvalue() == "'=1+1;-5;texto\n'@x;-5\n'\t=2;2024-02-29\n"


def test_audit_csv_export_writes_a_formula_username_as_text(province, client_for):
    # An account's user name and an object's name are text someone else chose.
    AuditEvent.objects.create(action="pruebas.formula", entity=province.a, username=HYPERLINK,
                              object_repr="@SUM(1)")
    audit.record("pruebas.normal", user=province.clerk_a, entity=province.a)
    for client, url in ((client_for(province.admin_a, HOST_A), "/gestion/auditoria/"),
                        (client_for(province.provincial_admin, HOST_PROVINCIAL), "/auditoria/")):
        response = client.get(url, {"formato": "csv", "accion": "pruebas.formula"})
        assert response.status_code == 200
        rows = read(response.content)
        assert [(row[2], row[4]) for row in rows[1:]] == [(f"'{HYPERLINK}", "'@SUM(1)")]
        response = client.get(url, {"formato": "csv", "accion": "pruebas.normal"})
        assert [row[2] for row in read(response.content)[1:]] == ["clerk_a"]
