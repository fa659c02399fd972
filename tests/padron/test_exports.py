"""Exports of the inhabitant list: five formats, the job for long lists, and who may export."""

import csv
import datetime
import io

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from padron import exports
from padron.choices import TipoDocumento
from provincial import jobs
from provincial.choices import JobState
from provincial.models import AuditEvent, Job
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db

D = datetime.date
EXPORT = "/gestion/padron/habitantes/exportar/{fmt}/"


@pytest.fixture
def people(callejero, ctx):
    """Three inhabitants of A, in the order the list sorts them (by surname)."""
    maria = alta(callejero, ctx)  # María García López, Mayor 5 (sección 001)
    angels = alta(callejero, ctx, number=7, nombre="Àngels", apellido1="Núñez",
                  apellido2="Peñalver", documento="87654321X", fecha_nacimiento=D(1975, 2, 3))
    youssef = alta(callejero, ctx, number=12, nombre="Youssef", apellido1="El Amrani",
                   apellido2="", sexo="1", tipo_documento=TipoDocumento.TARJETA_EXTRANJERO,
                   documento="X1234567L", nacionalidad="228", provincia_nacimiento="",
                   municipio_nacimiento="", fecha_nacimiento=D(1990, 7, 1),
                   fecha=D(2024, 11, 5))
    return [youssef, maria, angels]


def expected_rows(people):
    youssef, maria, angels = people
    return [
        [youssef.nia, "El Amrani, Youssef", "X1234567L", "01/07/1990", "Hombre", "Marruecos",
         "Calle Mayor, 12, Planta 1, Pta. A", "01-002", youssef.hoja.number, "05/11/2024"],
        [maria.nia, "García López, María", "12345678Z", "17/05/1980", "Mujer", "España",
         "Calle Mayor, 5, Planta 1, Pta. A", "01-001", maria.hoja.number, "01/03/2020"],
        [angels.nia, "Núñez Peñalver, Àngels", "87654321X", "03/02/1975", "Mujer", "España",
         "Calle Mayor, 7, Planta 1, Pta. A", "01-001", angels.hoja.number, "01/03/2020"],
    ]


HEADER = ["NIA", "Apellidos y nombre", "Documento", "Fecha de nacimiento", "Sexo",
          "Nacionalidad", "Domicilio", "Sección", "Hoja", "Fecha de alta"]


def es_date(text):
    day, month, year = map(int, text.split("/"))
    return D(year, month, day)


def export(client, fmt, **params):
    response = client.get(EXPORT.format(fmt=fmt), params)
    assert response.status_code == 200, response.content[:500]
    return response


def test_xlsx_opens_with_the_rows_and_real_dates(people, province, client_for):
    response = export(client_for(province.clerk_a, HOST_A), "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="habitantes-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    expected = expected_rows(people)
    for row, wanted in zip(rows[1:], expected, strict=True):
        assert row[3].date() == es_date(wanted[3])
        assert row[9].date() == es_date(wanted[9])
        assert [row[i] for i in (0, 1, 2, 4, 5, 6, 7, 8)] == \
            [wanted[i] for i in (0, 1, 2, 4, 5, 6, 7, 8)]
    assert sheet["D2"].number_format == "DD/MM/YYYY"


def test_csv_is_what_spanish_excel_opens(people, province, client_for):
    response = export(client_for(province.clerk_a, HOST_A), "csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [HEADER, *expected_rows(people)]


def test_txt_has_the_documented_fixed_widths(people, province, client_for):
    response = export(client_for(province.clerk_a, HOST_A), "txt")
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[-1] == ""
    starts = [0]
    for column in exports.COLUMNS[:-1]:
        starts.append(starts[-1] + column.width + 1)
    # The positions in the module's documentation (1-based): NIA 1, name 17, document 68…
    assert [s + 1 for s in starts] == [1, 17, 68, 89, 100, 107, 133, 194, 202, 213]

    def cut(line):
        return [line[s:s + c.width].rstrip() for s, c in zip(starts, exports.COLUMNS,
                                                             strict=True)]

    assert cut(lines[0]) == [*HEADER[:3], "F. nacim.", *HEADER[4:9], "F. alta"]
    assert [cut(line) for line in lines[1:-1]] == expected_rows(people)


def test_html_is_a_printable_table(people, province, client_for):
    response = export(client_for(province.clerk_a, HOST_A), "html")
    document = lxml_html.fromstring(response.content.decode("utf-8"))
    assert document.findtext(".//title") == "Relación de habitantes"
    assert [th.text_content() for th in document.xpath("//thead//th")] == HEADER
    rows = [[td.text_content() for td in tr.xpath("td")] for tr in document.xpath("//tbody/tr")]
    assert rows == expected_rows(people)
    assert "@page{size:A4 landscape" in response.content.decode()


def test_rtf_is_a_table_with_accents_escaped(people, province, client_for):
    response = export(client_for(province.clerk_a, HOST_A), "rtf")
    content = response.content
    assert content.startswith(b"{\\rtf1")
    content.decode("ascii")  # everything outside ASCII is \uN?
    text = content.decode("ascii")
    assert "Garc\\u237?a L\\u243?pez, Mar\\u237?a" in text
    assert "N\\u250?\\u241?ez Pe\\u241?alver, \\u192?ngels" in text
    assert text.count("\\row") == 4  # header and three inhabitants
    assert text.count("{") == text.count("}")
    assert text.rstrip().endswith("}")


def test_rtf_escape_handles_control_words_and_astral_characters():
    assert exports.rtf_escape("a{b}\\c") == "a\\{b\\}\\\\c"
    assert exports.rtf_escape("ñ€😀") == "\\u241?\\u8364?\\u-10179?\\u-8704?"


def test_export_applies_the_screen_filters_and_is_audited(people, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    response = export(client, "csv", q="garcia", seccion="001")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["García López, María"]
    event = AuditEvent.objects.get(action="padron.exportacion")
    assert event.detail == {"format": "csv", "filters": {"q": "garcia", "seccion": "001"},
                            "rows": 1}
    assert event.user == province.clerk_a
    assert event.entity == province.a


def test_unknown_format_and_invalid_filters(people, province, client_for):
    client = client_for(province.clerk_a, HOST_A)
    assert client.get(EXPORT.format(fmt="pdf")).status_code == 404
    response = client.get(EXPORT.format(fmt="csv"), {"edad_min": "muchos"})
    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/padron/habitantes/?")
    assert not AuditEvent.objects.filter(action="padron.exportacion").exists()


def test_a_long_list_goes_through_a_job_with_progress_and_a_scoped_download(
        people, province, client_for, settings, monkeypatch):
    settings.PADRON_EXPORT_DIRECT_MAX_ROWS = 2
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    client = client_for(province.clerk_a, HOST_A)
    response = client.get(EXPORT.format(fmt="xlsx"), {"estado": ""})
    assert response.status_code == 200
    assert "La lista tiene 3 habitantes" in response.content.decode()
    assert not Job.objects.filter(kind="padron.exportar").exists()

    response = client.post(EXPORT.format(fmt="xlsx") + "?estado=")
    job = Job.objects.get(kind="padron.exportar")
    assert response.status_code == 302
    assert response["Location"] == f"/gestion/trabajos/{job.pk}/"
    assert (job.entity, job.created_by, job.queue) == (province.a, province.clerk_a, "default")
    assert job.payload == {"format": "xlsx", "filters": {}}
    event = AuditEvent.objects.get(action="padron.exportacion")
    assert event.detail == {"format": "xlsx", "filters": {}, "rows": 3, "job": job.pk}

    assert jobs.run(job.pk) == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.result == {"format": "xlsx", "rows": 3, "file": job.files.get().name}
    assert job.progress == 100
    assert job.progress_message == "3 de 3 filas"
    assert f"/gestion/padron/trabajos/{job.pk}/ficheros/" in job.log
    job_file = job.files.get()

    # The job page lists the file; the padrón page of the job links it.
    assert job_file.name in client.get(f"/gestion/trabajos/{job.pk}/").content.decode()
    listing = client.get(f"/gestion/padron/trabajos/{job.pk}/ficheros/").content.decode()
    url = f"/gestion/padron/trabajos/{job.pk}/ficheros/{job_file.pk}/"
    assert url in listing
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "El Amrani, Youssef", "García López, María", "Núñez Peñalver, Àngels"]
    download = AuditEvent.objects.get(action="padron.exportacion.descarga")
    assert download.detail == {"job": job.pk, "file": job_file.name, "sha256": job_file.sha256}

    # Running the job again (a redelivered message) does not write a second file.
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, attempts=0)
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    assert job.files.count() == 1

    # Entity B's clerk cannot reach A's job or its file, on B's host or on A's.
    for host in (HOST_B, HOST_A):
        other = client_for(province.clerk_b, host)
        assert other.get(url).status_code == 404
        assert other.get(f"/gestion/padron/trabajos/{job.pk}/ficheros/").status_code == 404
    assert AuditEvent.objects.filter(action="padron.exportacion.descarga").count() == 1


def test_clerk_of_b_with_the_filters_of_a_gets_only_b_rows(people, province, client_for):
    for fmt in exports.FORMATS:
        response = export(client_for(province.clerk_b, HOST_B), fmt, q="garcia")
        assert b"Garc" not in response.content
        assert b"12345678Z" not in response.content
    rows = list(csv.reader(io.StringIO(export(client_for(province.clerk_b, HOST_B), "csv")
                                       .content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [HEADER]
    assert set(AuditEvent.objects.filter(action="padron.exportacion")
               .values_list("entity_id", flat=True)) == {province.b.pk}


def test_who_may_not_export_gets_nothing(people, province, client_for):
    # No membership in A (clerk of B on A's host), no 'padron' application (A's user
    # administrator), or not logged in.
    assert client_for(province.clerk_b, HOST_A).get(EXPORT.format(fmt="csv")).status_code == 404
    assert client_for(province.admin_a, HOST_A).get(EXPORT.format(fmt="csv")).status_code == 403
    assert client_for(None, HOST_A).get(EXPORT.format(fmt="csv")).status_code == 302
    assert not AuditEvent.objects.filter(action="padron.exportacion").exists()
    assert not Job.objects.filter(kind="padron.exportar").exists()


def test_list_page_links_every_format_with_the_current_filters(people, province, client_for):
    body = client_for(province.clerk_a, HOST_A).get("/gestion/padron/habitantes/",
                                                    {"q": "garcia"}).content.decode()
    for fmt in exports.FORMATS:
        assert f'href="/gestion/padron/habitantes/exportar/{fmt}/?q=garcia' in body


def test_xlsx_never_turns_text_into_a_formula(callejero, ctx, province, client_for):
    """Formula injection: a name such as «=HYPERLINK(…)» stays text in the clerk's file."""
    from tests.padron.test_operaciones import alta

    alta(callejero, ctx, number=11, apellido1="=1+1", documento="11111111H")
    response = export(client_for(province.clerk_a, HOST_A), "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    names = [cell.value for cell in cells]
    assert any(name.startswith("=1+1") for name in names), names  # would be a formula
    assert {cell.data_type for cell in cells} == {"s"}
