"""Birth dates with an unknown day, or day and month: INE writes them AAAAMM00 / AAAA0000.

Kept as the first day of the month (or year) with Habitante.fecha_nacimiento_precision;
written with 00 in FNAC (93-100) / FNAC(DV) (503-510), read back with their precision,
carried through return files and shown as 00/05/1980 to clerks and on volantes."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError

from padron.choices import PrecisionFecha
from padron.ine import intercambio, registro, retornos
from padron.ine.registro import FechaIncompleta
from tests.conftest import HOST_A
from tests.padron.test_operaciones import alta
from tests.padron.test_registro_ine import FILE, modificacion

D = datetime.date
SIN_DIA, SIN_DIA_MES = PrecisionFecha.SIN_DIA, PrecisionFecha.SIN_DIA_MES

pytestmark = pytest.mark.django_db


def read(data: bytes):
    return registro.read_file(data, filename=FILE, expected_cpro="03", expected_cmun="002")


def test_unknown_day_and_month_are_written_as_00_and_read_back():
    record = modificacion(fnac=FechaIncompleta(1980, 5, precision=SIN_DIA),
                          fnac_dv=FechaIncompleta(1980, 5, precision=SIN_DIA_MES))
    line = registro.write_file([record])
    assert line[92:100] == b"19800500"
    assert line[502:510] == b"19800000"
    back = read(line)[0]
    assert (back.fnac, back.fnac.precision) == (D(1980, 5, 1), SIN_DIA)
    assert (back.fnac_dv, back.fnac_dv.precision) == (D(1980, 1, 1), SIN_DIA_MES)
    assert registro.write_file([back]) == line
    # Incidencias keep records as JSON: the precision survives it.
    again = retornos.record_from_json(retornos.record_to_json(back))
    assert again.fnac.precision == SIN_DIA
    assert registro.write_file([again]) == line


def test_a_day_without_its_month_is_refused_naming_the_line():
    line = bytearray(registro.write_file([modificacion()]))
    line[92:100] = b"19800017"
    with pytest.raises(ValidationError, match="FNAC.*no es una fecha AAAAMMDD válida"):
        read(bytes(line))


def test_an_inhabitant_without_day_of_birth_goes_to_ine_with_00(callejero, ctx, province,
                                                               client_for):
    habitante = alta(callejero, ctx, fecha_nacimiento=D(1975, 9, 23),
                     fecha_nacimiento_precision=SIN_DIA, pais_nacimiento="217",
                     provincia_nacimiento="", municipio_nacimiento="", nacionalidad="217",
                     tipo_documento="3", documento="X1234567L")
    assert (habitante.fecha_nacimiento, habitante.fecha_nacimiento_precision) == (
        D(1975, 9, 1), SIN_DIA)  # the unknown day is not kept as if it were known
    variaciones = intercambio.generar_variaciones(D(2024, 1, 31))
    line = variaciones.file.open("rb").read()
    assert line[502:510] == b"19750900"  # the alta's data in the variation block
    padron = intercambio.generar_padron_a_fecha(D(2024, 1, 31))
    assert padron.file.open("rb").read()[502:510] == b"19750900"
    page = client_for(province.clerk_a, HOST_A).get(f"/gestion/padron/habitantes/{habitante.pk}/")
    assert "00/09/1975" in page.content.decode()


def test_a_nacimiento_from_the_registro_civil_keeps_the_precision(callejero, ctx, province):
    from tests.padron.test_retornos import nacimiento

    madre = alta(callejero, ctx)
    record = dataclasses.replace(nacimiento(madre), fnac_dv=FechaIncompleta(
        2024, 2, precision=SIN_DIA), fvar=D(2024, 2, 1))
    retorno = retornos.load_retorno("nacimientos", registro.write_file([record]),
                                    "NACIMIENTOS.P03002")
    incidencia = retorno.incidencias.get()
    retornos.aceptar(incidencia, province.clerk_a)
    incidencia.refresh_from_db()
    child = incidencia.movimiento.habitante
    assert (child.fecha_nacimiento, child.fecha_nacimiento_precision) == (D(2024, 2, 1), SIN_DIA)
    assert child.fecha_nacimiento_texto == "00/02/2024"


def test_exports_write_an_incomplete_birth_date_as_text_with_00(callejero, ctx, province,
                                                                client_for):
    import csv
    import io

    from openpyxl import load_workbook

    alta(callejero, ctx, fecha_nacimiento=D(1975, 9, 23), fecha_nacimiento_precision=SIN_DIA_MES,
         pais_nacimiento="217", provincia_nacimiento="", municipio_nacimiento="",
         nacionalidad="217", tipo_documento="3", documento="X1234567L")
    alta(callejero, ctx, number=7, nombre="Pau", documento="87654321X")  # a whole date
    client = client_for(province.clerk_a, HOST_A)
    text = client.get("/gestion/padron/habitantes/exportar/csv/").content.decode("utf-8-sig")
    births = sorted(row[3] for row in csv.reader(io.StringIO(text, newline=""),
                                                 delimiter=";"))[:-1]  # header last
    assert births == ["00/00/1975", "17/05/1980"]
    sheet = load_workbook(io.BytesIO(client.get("/gestion/padron/habitantes/exportar/xlsx/").content)).active
    cells = {str(row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == {"00/00/1975", "1980-05-17 00:00:00"}  # text, and a real date
