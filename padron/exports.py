"""Exports of an inhabitant list: the rows the list screen shows, in five file formats.

The list is the same one the clerk sees (padron.queries.filter_habitantes over the
validated filters). Small lists are built in the request; larger ones run as the job
`padron.exportar`, which attaches the file to the job. Formats live in a registry
(`FORMATS`); adding one is a function decorated with `@export_format(...)`.

Columns, in this order, in every format: NIA, apellidos y nombre, documento, fecha de
nacimiento, sexo, nacionalidad, domicilio, sección, hoja, fecha de alta.

Fixed-width text (`txt`), UTF-8 without BOM, CRLF line ends. Widths count characters
(not bytes); values are left-aligned, padded with spaces, cut when longer; one space
separates two fields; trailing spaces of a line are dropped. The first line holds the
column titles with the same layout ("F. nacim." and "F. alta" for the two dates).

    ======================  =====  ==========  ====================================
    column                  width  positions   content
    ======================  =====  ==========  ====================================
    NIA                        15     1–15     15 digits
    Apellidos y nombre         50    17–66     "Apellidos, Nombre"
    Documento                  20    68–87     DNI/NIE with letter, passport number
    Fecha de nacimiento        10    89–98     DD/MM/AAAA
    Sexo                        6   100–105    Hombre / Mujer
    Nacionalidad               25   107–131    country name (INE list)
    Domicilio                  60   133–192    street, number, floor, door
    Sección                     7   194–200    DD-SSS plus letter (01-001, 01-002A)
    Hoja                       10   202–211    hoja padronal number
    Fecha de alta              10   213–222    DD/MM/AAAA
    ======================  =====  ==========  ====================================

CSV is what a Spanish Excel opens with a double click: UTF-8 with BOM, ';' between
fields, CRLF, dates as DD/MM/AAAA. RTF is a landscape A4 table; every non-ASCII character
is written as \\uN? so accents survive any code page.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padron import codelists
from padron.choices import Sexo
from padron.ine import registro
from padron.models import Domicilio, Habitante, ViaNombre
from padron.models.habitantes import fecha_texto
from padron.queries import filter_habitantes
from provincial.choices import FileDirection
from provincial.jobs import JobContext, JobError, registry
from provincial.spreadsheets import csv_writer, text_safe

DIRECT_MAX_ROWS = 2_000  # above this the export runs as a job (PADRON_EXPORT_DIRECT_MAX_ROWS)
PROGRESS_EVERY = 1_000  # rows between two progress reports of the job
JOB_KIND = "padron.exportar"
FILTER_KEYS = ("q", "seccion", "nacionalidad", "edad_min", "edad_max", "estado", "via")


def direct_max_rows() -> int:
    return int(getattr(settings, "PADRON_EXPORT_DIRECT_MAX_ROWS", DIRECT_MAX_ROWS))


# --- rows ------------------------------------------------------------------------------


class ExportRow(NamedTuple):
    nia: str
    nombre: str
    documento: str
    fecha_nacimiento: datetime.date
    sexo: str
    nacionalidad: str
    domicilio: str
    seccion: str
    hoja: str
    fecha_alta: datetime.date


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # characters in the fixed-width text file
    short_title: str = ""  # in the fixed-width header, when the title is wider

    @property
    def fixed_width_title(self) -> str:
        return str(self.short_title or self.title)


COLUMNS = (
    Column(gettext_lazy("NIA"), 15),
    Column(gettext_lazy("Apellidos y nombre"), 50),
    Column(gettext_lazy("Documento"), 20),
    Column(gettext_lazy("Fecha de nacimiento"), 10, gettext_lazy("F. nacim.")),
    Column(gettext_lazy("Sexo"), 6),
    Column(gettext_lazy("Nacionalidad"), 25),
    Column(gettext_lazy("Domicilio"), 60),
    Column(gettext_lazy("Sección"), 7),
    Column(gettext_lazy("Hoja"), 10),
    Column(gettext_lazy("Fecha de alta"), 10, gettext_lazy("F. alta")),
)
DATE_COLUMNS = (3, 9)


def surnames_first(habitante: Habitante) -> str:
    """The name as "Apellidos, Nombre", as lists of the padrón are sorted and read."""
    surnames = " ".join(p for p in (habitante.particula1, habitante.apellido1,
                                    habitante.particula2, habitante.apellido2) if p)
    return f"{surnames}, {habitante.nombre}" if surnames else habitante.nombre


class RowMaker:
    """Turns inhabitants into rows, remembering what repeats: the people of a household
    share their address, and a street's names are read once for the whole export (the
    list's prefetch would attach them to every row's own copy of the street)."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.sexes = {code: str(label) for code, label in Sexo.choices}
        names: dict[int, list[ViaNombre]] = defaultdict(list)
        for name in ViaNombre.objects.select_related("tipo").order_by("via", "-valid_from"):
            names[name.via_id].append(name)
        self.via_names = dict(names)
        self.addresses: dict[int, tuple[str, str]] = {}

    def address(self, domicilio: Domicilio) -> tuple[str, str]:
        known = self.addresses.get(domicilio.pk)
        if known is None:
            if domicilio.via_id:
                domicilio.via._prefetched_objects_cache = {
                    "names": self.via_names.get(domicilio.via_id, [])}
            known = (domicilio.label(self.today), str(domicilio.tramo.seccion))
            if len(self.addresses) < 500_000:
                self.addresses[domicilio.pk] = known
        return known

    def row(self, habitante: Habitante) -> ExportRow:
        domicilio = habitante.hoja.domicilio if habitante.hoja_id else None
        label, seccion = self.address(domicilio) if domicilio else ("", "")
        return ExportRow(
            nia=habitante.nia,
            nombre=surnames_first(habitante),
            documento=habitante.documento,
            # A birth date with unknown day (or day and month) travels as such: 00/05/1980.
            fecha_nacimiento=registro.fecha_con_precision(
                habitante.fecha_nacimiento, habitante.fecha_nacimiento_precision),
            sexo=self.sexes.get(habitante.sexo, habitante.sexo),
            nacionalidad=codelists.country_name(habitante.nacionalidad) or habitante.nacionalidad,
            domicilio=label,
            seccion=seccion,
            hoja=habitante.hoja.number if habitante.hoja_id else "",
            fecha_alta=habitante.fecha_alta,
        )


def iter_rows(queryset: QuerySet[Habitante], *, on_progress: Callable[[int], None] | None = None,
              every: int | None = None) -> Iterator[ExportRow]:
    """The rows of the list, read from the database in chunks."""
    maker = RowMaker(timezone.localdate())
    every = every or PROGRESS_EVERY
    rows = queryset.prefetch_related(None).iterator(chunk_size=2_000)
    for done, habitante in enumerate(rows, start=1):
        yield maker.row(habitante)
        if on_progress is not None and done % every == 0:
            on_progress(done)


def es_date(value: datetime.date | None) -> str:
    return fecha_texto(value, registro.precision_of(value)) if value else ""


def es_int(value: int) -> str:
    """1234567 → "1.234.567" (the thousands point of Spanish administrative writing)."""
    return f"{value:,}".replace(",", ".")


def _text_cells(row: ExportRow) -> list[str]:
    return [es_date(v) if i in DATE_COLUMNS else v for i, v in enumerate(row)]


# --- what the file says about itself ------------------------------------------------


FILTER_LABELS = {
    "q": gettext_lazy("Nombre, documento o NIA"),
    "seccion": gettext_lazy("Sección"),
    "nacionalidad": gettext_lazy("Nacionalidad"),
    "edad_min": gettext_lazy("Edad desde"),
    "edad_max": gettext_lazy("Edad hasta"),
    "estado": gettext_lazy("Estado"),
    "via": gettext_lazy("Vía"),
}


def clean_filters(params: dict[str, Any]) -> dict[str, Any]:
    """The filters that narrow the list (empty ones left out), JSON-safe for jobs and audit."""
    return {key: params[key] for key in FILTER_KEYS if params.get(key) not in (None, "")}


def describe_filters(filters: dict[str, Any]) -> str:
    parts = []
    for key, value in filters.items():
        if key == "nacionalidad":
            value = codelists.country_name(value) or value
        elif key == "estado":
            value = {"baja": _("de baja"), "todos": _("todos")}.get(value, value)
        parts.append(f"{FILTER_LABELS[key]}: {value}")
    if "estado" not in filters:
        parts.insert(0, _("Inscritos"))
    return "; ".join(str(p) for p in parts)


@dataclass
class ExportMeta:
    title: str
    entity_name: str
    filters: dict[str, Any] = field(default_factory=dict)
    created_at: datetime.datetime = field(default_factory=timezone.localtime)

    @property
    def subtitle(self) -> str:
        return _("%(entity)s · %(when)s · %(filters)s") % {
            "entity": self.entity_name, "when": self.created_at.strftime("%d/%m/%Y %H:%M"),
            "filters": describe_filters(self.filters)}


# --- formats ---------------------------------------------------------------------------


Writer = Callable[[Iterable[ExportRow], ExportMeta], bytes]


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: str
    extension: str
    content_type: str
    write: Writer


FORMATS: dict[str, ExportFormat] = {}


def export_format(code: str, *, label: str, content_type: str, extension: str | None = None):
    """Register a writer: `@export_format("csv", label="CSV", content_type="text/csv")`."""

    def decorator(write: Writer) -> Writer:
        FORMATS[code] = ExportFormat(code=code, label=label, extension=extension or code,
                                     content_type=content_type, write=write)
        return write

    return decorator


@export_format("xlsx", label="Excel (xlsx)",
               content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def write_xlsx(rows: Iterable[ExportRow], meta: ExportMeta) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Habitantes")[:31])
    for letter, column in zip("ABCDEFGHIJ", COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = min(column.width + 2, 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        # Names and addresses as string cells, never formulas (provincial.spreadsheets).
        values: list[Any] = [text_safe(sheet, value) if isinstance(value, str) else value
                             for value in row]
        for index in DATE_COLUMNS:
            if registro.precision_of(row[index]):  # not a real day: written as text
                values[index] = es_date(row[index])
                continue
            cell = WriteOnlyCell(sheet, value=row[index])
            cell.number_format = "DD/MM/YYYY"
            values[index] = cell
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:J{count + 1}"
    workbook.properties.title = meta.title
    workbook.properties.creator = meta.entity_name[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@export_format("csv", label="CSV (Excel)", content_type="text/csv; charset=utf-8")
def write_csv(rows: Iterable[ExportRow], meta: ExportMeta) -> bytes:
    buffer = io.StringIO()
    # Names and addresses never run as formulas (provincial.spreadsheets.csv_safe).
    writer = csv_writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(c.title) for c in COLUMNS])
    for row in rows:
        writer.writerow(_text_cells(row))
    # The BOM tells Excel the file is UTF-8; without it Excel reads it as ANSI (cp1252).
    return buffer.getvalue().encode("utf-8-sig")


def fixed_width_line(values: Iterable[str]) -> str:
    return " ".join(str(value)[:column.width].ljust(column.width)
                    for value, column in zip(values, COLUMNS, strict=True)).rstrip()


@export_format("txt", label=gettext_lazy("Texto de ancho fijo"),
               content_type="text/plain; charset=utf-8")
def write_txt(rows: Iterable[ExportRow], meta: ExportMeta) -> bytes:
    lines = [fixed_width_line(c.fixed_width_title for c in COLUMNS)]
    lines.extend(fixed_width_line(_text_cells(row)) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


HTML_STYLE = """
body{font:10pt/1.3 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:1.5em;color:#111}
h1{font-size:14pt;margin:0 0 .2em}p{margin:0 0 1em;color:#444}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}
thead th{background:#e8e8e8}tbody tr:nth-child(even){background:#f6f6f6}
td.n{white-space:nowrap}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0}thead{display:table-header-group}tr{break-inside:avoid}}
"""


@export_format("html", label=gettext_lazy("Página para imprimir (html)"),
               content_type="text/html; charset=utf-8")
def write_html(rows: Iterable[ExportRow], meta: ExportMeta) -> bytes:
    # Written by hand rather than through a template: a job may write 400,000 rows.
    parts = [
        '<!DOCTYPE html>\n<html lang="es">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{escape(meta.title)}</title>\n<style>{HTML_STYLE}</style>\n</head>\n<body>\n",
        f"<h1>{escape(meta.title)}</h1>\n<p>{escape(meta.subtitle)}</p>\n",
        "<table>\n<thead><tr>",
        "".join(f'<th scope="col">{escape(c.title)}</th>' for c in COLUMNS),
        "</tr></thead>\n<tbody>\n",
    ]
    count = 0
    for row in rows:
        cells = _text_cells(row)
        parts.append("<tr>" + "".join(
            f'<td class="n">{escape(v)}</td>' if i in (0, 2, 3, 7, 8, 9) else f"<td>{escape(v)}</td>"
            for i, v in enumerate(cells)) + "</tr>\n")
        count += 1
    parts.append(f"</tbody>\n</table>\n<p>{escape(_('Total: %(n)s habitantes') % {'n': es_int(count)})}"
                 "</p>\n</body>\n</html>\n")
    return "".join(parts).encode("utf-8")


def rtf_escape(text: str) -> str:
    """RTF text: control characters escaped, everything outside ASCII as \\uN? (signed
    16-bit, UTF-16 surrogate pairs beyond the BMP) with '?' for readers without Unicode."""
    out = []
    for char in text:
        code = ord(char)
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\line ")
        elif char == "\t":
            out.append("\\tab ")
        elif 32 <= code < 128:
            out.append(char)
        elif code < 32:
            continue
        else:
            units = char.encode("utf-16-be")
            for i in range(0, len(units), 2):
                unit = int.from_bytes(units[i:i + 2], "big")
                out.append(f"\\u{unit - 65536 if unit > 32767 else unit}?")
    return "".join(out)


# Column widths in twips (1/1440 inch) of a landscape A4 page with 1 cm margins
# (27.7 cm ≈ 15,700 twips of writing width).
RTF_WIDTHS = (1500, 2900, 1300, 1050, 750, 1500, 3900, 800, 1200, 1050)


def _rtf_cells() -> str:
    edges, right = [], 0
    for width in RTF_WIDTHS:
        right += width
        edges.append(f"\\clbrdrt\\brdrs\\brdrw5\\clbrdrl\\brdrs\\brdrw5\\clbrdrb\\brdrs\\brdrw5"
                     f"\\clbrdrr\\brdrs\\brdrw5\\cellx{right}")
    return "".join(edges)


RTF_CELLS = _rtf_cells()  # every row repeats its cell definitions (RTF has no table styles)


def _rtf_row(cells: Iterable[str], *, header: bool = False) -> str:
    start = "\\trowd\\trgaph60\\trleft0" + ("\\trhdr" if header else "") + RTF_CELLS
    bold_on, bold_off = ("\\b ", "\\b0") if header else ("", "")
    body = "".join(f"\\pard\\intbl\\ql {bold_on}{rtf_escape(cell)}{bold_off}\\cell "
                   for cell in cells)
    return f"{start}\n{body}\\row\n"


@export_format("rtf", label=gettext_lazy("Documento de texto (rtf)"),
               content_type="application/rtf")
def write_rtf(rows: Iterable[ExportRow], meta: ExportMeta) -> bytes:
    parts = [
        "{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\n",
        "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}\n",
        f"{{\\info{{\\title {rtf_escape(meta.title)}}}{{\\author {rtf_escape(meta.entity_name)}}}}}\n",
        "\\paperw16838\\paperh11906\\landscape\\margl567\\margr567\\margt567\\margb567\n",
        f"\\pard\\plain\\f0\\fs28\\b {rtf_escape(meta.title)}\\b0\\par\n",
        f"\\pard\\plain\\f0\\fs18 {rtf_escape(meta.subtitle)}\\par\\par\n",
        "\\pard\\plain\\f0\\fs16\n",
        _rtf_row((str(c.title) for c in COLUMNS), header=True),
    ]
    count = 0
    for row in rows:
        parts.append(_rtf_row(_text_cells(row)))
        count += 1
    parts.append(f"\\pard\\plain\\f0\\fs18\\par "
                 f"{rtf_escape(_('Total: %(n)s habitantes') % {'n': es_int(count)})}\\par\n}}")
    # Pure ASCII by construction (everything else is \\uN?).
    return "".join(parts).encode("ascii")


# --- building a file -------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    filename: str
    content: bytes
    content_type: str
    rows: int


def filename_for(fmt: ExportFormat, when: datetime.datetime) -> str:
    return f"habitantes-{when:%Y%m%d-%H%M%S}.{fmt.extension}"


def build(code: str, params: dict[str, Any], *, entity_name: str,
          on_progress: Callable[[int], None] | None = None) -> ExportResult:
    """The file of the list filtered by `params` (the validated list filters)."""
    fmt = FORMATS[code]
    filters = clean_filters(params)
    meta = ExportMeta(title=_("Relación de habitantes"), entity_name=entity_name,
                      filters=filters)
    rows = _Counter(iter_rows(filter_habitantes(filters), on_progress=on_progress))
    content = fmt.write(rows, meta)
    return ExportResult(filename=filename_for(fmt, meta.created_at), content=content,
                        content_type=fmt.content_type, rows=rows.count)


class _Counter:
    """Iterates rows and remembers how many went through."""

    def __init__(self, rows: Iterator[ExportRow]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[ExportRow]:
        for row in self.rows:
            self.count += 1
            yield row


# --- the job ---------------------------------------------------------------------------


@registry.register(JOB_KIND, label=gettext_lazy("Exportación de habitantes"), application="padron",
                   queue="default")
def export_job(context: JobContext) -> dict[str, Any]:
    """Write the export file of a long list and attach it to the job.

    Payload: {"format": code, "filters": {...}}. A retried job whose file is already
    attached does not write a second one.
    """
    code = context.payload.get("format")
    if code not in FORMATS:
        raise JobError(_("Formato de exportación desconocido: %(format)s") % {"format": code})
    existing = context.job.files.filter(direction=FileDirection.OUTPUT).first()
    if existing is not None:
        return dict(context.job.result or {}, file=existing.name)
    filters = clean_filters(context.payload.get("filters") or {})
    total = filter_habitantes(filters).count()
    context.log(_("Exportación en %(format)s de %(n)s habitantes.")
                % {"format": FORMATS[code].label, "n": es_int(total)})

    def progress(done: int) -> None:
        context.progress(min(99, done * 100 // max(total, 1)),
                         _("%(done)s de %(total)s filas") % {"done": es_int(done),
                                                             "total": es_int(total)})

    entity_name = context.job.entity.name if context.job.entity_id else ""
    result = build(code, filters, entity_name=entity_name, on_progress=progress)
    context.add_file(result.filename, result.content)
    files_url = reverse("gestion:padron:job_files", args=[context.job.pk],
                        urlconf=settings.ROOT_URLCONF)
    context.log(_("Fichero %(name)s preparado: %(n)s filas. Descárguelo en %(url)s")
                % {"name": result.filename, "n": es_int(result.rows), "url": files_url})
    return {"format": code, "rows": result.rows, "file": result.filename}
