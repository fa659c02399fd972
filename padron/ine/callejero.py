"""INE territorial exchange files: unidades poblacionales, vías, pseudovías, tramos.

Record designs of the Orden de 11 de julio de 1997 (BOE 169, anexo, ficheros 1 to 5; INE's
extract in docs/standards/ine/diseno-callejero-ine.txt). Every file is fixed width: `N(n)`
fields are zero-padded digits, `A(n)` fields left-aligned and space-padded. A record is
[identifying data as INE has it] + [control TIPOINF CDEV FVAR CVAR] + [datos de variaciones:
the new values]. The design prints start/end columns only for part of the variation blocks;
the positions here are computed from the lengths in order and checked against the printed
ones when this module is imported (`PRINTED_POSITIONS`).

Quirks of the design that the code follows:
* unidades: the 70-character name of the entidad singular is labelled NENTSIC (like its short
  name) in the design; here it is `nentsi`.
* vías: both the 50-character name and the short name are labelled NVIAC; the first is NVIA.
* tramos: DPSVIA is printed as N(50); it is a name, read as A(50).
* tramos: a tramo "sin numeración" has EIN = ESN = 0000 with calificador S (0000S).

What the import keeps (padron.models.territorio): the 70- and 50-character names and the short
names of entidades and núcleos, their earlier names with dates (NombreAnterior), the street
type as the municipality writes it (TVIA) with its normalised type (TVIAN) from the tipos de
vía file, and tramos numbered in their unidad poblacional (CVIA = CPSVIA = 00000). Not kept:
TIPOINF, CDEV and FVAR (the import's `fecha` dates the changes), the municipality's names
(NMUN, DMUN50, NMUNC: the entity's) and a vía's or pseudovía's previous code.

Files are ISO-8859-1 with CRLF (what INE sends); UTF-8 is accepted when the bytes are valid
UTF-8. Malformed lines give a ValidationError naming the file and the line.
"""

from __future__ import annotations

import codecs
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tenants.validators import ine_control_digit

MAX_ERRORS = 100
VARIATION_CODES = ("A", "M", "B", "")  # alta, modificación, baja; blank: full file
NOT_APPLICABLE = "00000"  # CVIA / CPSVIA of a tramo that has no vía / pseudovía


# --- Record designs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str  # attribute of the record
    mnemonic: str  # INE's name of the field
    kind: str  # "N" digits, "A" text
    length: int
    optional: bool = False  # an N field that may come all blank
    convert: str = ""  # "date" (AAAAMMDD), "int", "cun" (CCSSDNN with control digit)
    start: int = 0  # 1-based, computed

    @property
    def end(self) -> int:
        return self.start + self.length - 1


@dataclass(frozen=True)
class Layout:
    kind: str
    title: str  # Spanish, for messages
    fields: tuple[Field, ...]

    @property
    def length(self) -> int:
        return self.fields[-1].end

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _layout(kind: str, title: str, *specs: Field) -> Layout:
    placed, position = [], 1
    for spec in specs:
        placed.append(replace(spec, start=position))
        position += spec.length
    return Layout(kind, title, tuple(placed))


def _control(optional_date: bool = True) -> tuple[Field, ...]:
    return (Field("tipoinf", "TIPOINF", "A", 1), Field("cdev", "CDEV", "A", 2),
            Field("fvar", "FVAR", "N", 8, optional=optional_date, convert="date"),
            Field("cvar", "CVAR", "A", 1))


UNIDADES = _layout(
    "unidades", "fichero de unidades poblacionales",
    Field("cpro", "CPRO", "N", 2), Field("cmun", "CMUN", "N", 3),
    Field("cun", "CUN", "N", 7, convert="cun"),
    *_control(),
    Field("nmun", "NMUN", "A", 70), Field("dmun50", "DMUN50", "A", 50),
    Field("nmunc", "NMUNC", "A", 25),
    Field("nentco", "NENTCO", "A", 70), Field("nentco50", "NENTCO50", "A", 50),
    Field("nentcoc", "NENTCOC", "A", 25),
    Field("nentsi", "NENTSI", "A", 70), Field("nentsi50", "NENTSI50", "A", 50),
    Field("nentsic", "NENTSIC", "A", 25),
    Field("nnucle", "NNUCLE", "A", 70), Field("nnucle50", "NNUCLE50", "A", 50),
    Field("nnuclec", "NNUCLEC", "A", 25),
)

VIAS = _layout(
    "vias", "fichero de vías",
    Field("cpro", "CPRO", "N", 2), Field("cmun", "CMUN", "N", 3),
    Field("cvia", "CVIA", "N", 5),
    *_control(),
    Field("new_cvia", "CVIA", "N", 5, optional=True), Field("tvia", "TVIA", "A", 5),
    Field("pos", "POS", "N", 1, optional=True), Field("nvia", "NVIA", "A", 50),
    Field("nviac", "NVIAC", "A", 25),
)

PSEUDOVIAS = _layout(
    "pseudovias", "fichero de pseudovías",
    Field("cpro", "CPRO", "N", 2), Field("cmun", "CMUN", "N", 3),
    Field("cpsvia", "CPSVIA", "N", 5),
    *_control(),
    Field("new_cpsvia", "CPSVIA", "A", 5), Field("dpsvia", "DPSVIA", "A", 50),
)

# The identifying block of a tramo may be blank in an alta (the tramo did not exist).
TRAMOS = _layout(
    "tramos", "fichero de tramos",
    Field("cpro", "CPRO", "N", 2), Field("cmun", "CMUN", "N", 3),
    Field("dist", "DIST", "N", 2, optional=True), Field("secc", "SECC", "N", 3, optional=True),
    Field("lsecc", "LSECC", "A", 1), Field("subsc", "SUBSC", "A", 2),
    Field("cun", "CUN", "N", 7, optional=True, convert="cun"),
    Field("cvia", "CVIA", "N", 5, optional=True), Field("cpsvia", "CPSVIA", "N", 5, optional=True),
    Field("manz", "MANZ", "A", 12), Field("cpos", "CPOS", "N", 5, optional=True),
    Field("tinum", "TINUM", "N", 1, optional=True),
    Field("ein", "EIN", "N", 4, optional=True, convert="int"), Field("cein", "CEIN", "A", 1),
    Field("esn", "ESN", "N", 4, optional=True, convert="int"), Field("cesn", "CESN", "A", 1),
    *_control(),
    Field("new_dist", "DIST", "N", 2, optional=True),
    Field("new_secc", "SECC", "N", 3, optional=True),
    Field("new_lsecc", "LSECC", "A", 1), Field("new_subsc", "SUBSC", "A", 2),
    Field("new_cun", "CUN", "N", 7, optional=True, convert="cun"),
    Field("nentcoc", "NENTCOC", "A", 25), Field("nentsic", "NENTSIC", "A", 25),
    Field("nnuclec", "NNUCLEC", "A", 25),
    Field("new_cvia", "CVIA", "N", 5, optional=True), Field("nviac", "NVIAC", "A", 25),
    Field("new_cpsvia", "CPSVIA", "N", 5, optional=True), Field("dpsvia", "DPSVIA", "A", 50),
    Field("new_manz", "MANZ", "A", 12), Field("new_cpos", "CPOS", "N", 5, optional=True),
    Field("new_tinum", "TINUM", "N", 1, optional=True),
    Field("new_ein", "EIN", "N", 4, optional=True, convert="int"),
    Field("new_cein", "CEIN", "A", 1),
    Field("new_esn", "ESN", "N", 4, optional=True, convert="int"),
    Field("new_cesn", "CESN", "A", 1),
)

TIPOS_VIA = _layout(
    "tipos_via", "fichero de tipos de vía",
    Field("tvian", "TVIAN", "A", 5), Field("tvia", "TVIA", "A", 5), Field("dtvia", "DTVIA", "A", 25),
)

LAYOUTS = {layout.kind: layout for layout in (UNIDADES, VIAS, PSEUDOVIAS, TRAMOS, TIPOS_VIA)}

# Start/end columns as printed in the design (None where the design prints only one of them).
PRINTED_POSITIONS: dict[str, dict[str, tuple[int | None, int]]] = {
    "unidades": {
        "dmun50": (None, 144), "nmunc": (145, 169), "nentco": (170, 239),
        "nentco50": (240, 289), "nentcoc": (290, 314), "nentsi": (315, 384),
        "nentsi50": (385, 434), "nentsic": (435, 459), "nnucle": (460, 529),
        "nnucle50": (530, 579), "nnuclec": (580, 604),
    },
    "vias": {"nviac": (None, 108)},
    "tramos": {
        "nentcoc": (None, 110), "nentsic": (111, 135), "nnuclec": (136, 160),
        "new_cvia": (161, 165), "nviac": (166, 190), "new_cpsvia": (191, 195),
        "dpsvia": (196, 245), "new_manz": (246, 257), "new_cpos": (258, 262),
        "new_tinum": (263, 263), "new_ein": (264, 267), "new_cein": (268, 268),
        "new_esn": (269, 272), "new_cesn": (273, 273),
    },
}


def layout_discrepancies() -> list[str]:
    """Fields whose computed position differs from the one printed in the design."""
    found = []
    for kind, printed in PRINTED_POSITIONS.items():
        for name, (start, end) in printed.items():
            spec = LAYOUTS[kind].field(name)
            if (start is not None and spec.start != start) or spec.end != end:
                found.append(f"{kind}.{spec.mnemonic}: {spec.start}-{spec.end} ≠ {start}-{end}")
    return found


# --- Records --------------------------------------------------------------------------------


@dataclass
class UnidadPoblacional:
    cpro: str
    cmun: str
    cun: str  # CCSSDNN
    tipoinf: str
    cdev: str
    fvar: datetime.date | None
    cvar: str
    nmun: str
    dmun50: str
    nmunc: str
    nentco: str
    nentco50: str
    nentcoc: str
    nentsi: str
    nentsi50: str
    nentsic: str
    nnucle: str
    nnucle50: str
    nnuclec: str
    line: int = field(default=0, compare=False)

    @property
    def colectiva_code(self) -> str:
        return self.cun[0:2]

    @property
    def singular_code(self) -> str:
        return self.cun[2:4]

    @property
    def nucleo_code(self) -> str:
        return self.cun[5:7]


@dataclass
class ViaRecord:
    cpro: str
    cmun: str
    cvia: str
    tipoinf: str
    cdev: str
    fvar: datetime.date | None
    cvar: str
    new_cvia: str
    tvia: str
    pos: str  # "0": type before the name, "1": after it (Basque)
    nvia: str
    nviac: str
    line: int = field(default=0, compare=False)


@dataclass
class PseudoviaRecord:
    cpro: str
    cmun: str
    cpsvia: str
    tipoinf: str
    cdev: str
    fvar: datetime.date | None
    cvar: str
    new_cpsvia: str
    dpsvia: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class TramoDatos:
    """One block of a tramo record: where it is and which numbers it covers."""

    dist: str
    secc: str
    lsecc: str
    subsc: str
    cun: str
    cvia: str
    cpsvia: str
    manz: str
    cpos: str
    tinum: str
    ein: int
    cein: str
    esn: int
    cesn: str


@dataclass
class TramoRecord:
    cpro: str
    cmun: str
    dist: str
    secc: str
    lsecc: str
    subsc: str
    cun: str
    cvia: str
    cpsvia: str
    manz: str
    cpos: str
    tinum: str
    ein: int | None
    cein: str
    esn: int | None
    cesn: str
    tipoinf: str
    cdev: str
    fvar: datetime.date | None
    cvar: str
    new_dist: str
    new_secc: str
    new_lsecc: str
    new_subsc: str
    new_cun: str
    nentcoc: str
    nentsic: str
    nnuclec: str
    new_cvia: str
    nviac: str
    new_cpsvia: str
    dpsvia: str
    new_manz: str
    new_cpos: str
    new_tinum: str
    new_ein: int | None
    new_cein: str
    new_esn: int | None
    new_cesn: str
    line: int = field(default=0, compare=False)

    def current(self) -> TramoDatos | None:
        """The tramo as INE has it (None when the identifying block is blank)."""
        return self._block("")

    def new(self) -> TramoDatos | None:
        """The tramo after the variation (None when the block is blank)."""
        return self._block("new_")

    def _block(self, prefix: str) -> TramoDatos | None:
        values = {f.name: getattr(self, prefix + f.name) for f in fields(TramoDatos)}
        if not values["cun"]:
            return None
        values["ein"] = values["ein"] or 0
        values["esn"] = values["esn"] or 0
        for code in ("cvia", "cpsvia"):
            values[code] = values[code] or NOT_APPLICABLE
        return TramoDatos(**values)


@dataclass
class TipoViaRecord:
    tvian: str
    tvia: str
    dtvia: str
    line: int = field(default=0, compare=False)


RECORD_CLASSES = {"unidades": UnidadPoblacional, "vias": ViaRecord, "pseudovias": PseudoviaRecord,
                  "tramos": TramoRecord, "tipos_via": TipoViaRecord}


def _check_definitions() -> None:
    for kind, layout in LAYOUTS.items():
        names = [f.name for f in fields(RECORD_CLASSES[kind]) if f.name != "line"]
        if names != [f.name for f in layout.fields]:
            raise RuntimeError(f"The {kind} record does not follow its layout")
    if discrepancies := layout_discrepancies():
        raise RuntimeError("INE record designs disagree with the printed positions: "
                           + "; ".join(discrepancies))


_check_definitions()


# --- Parsing --------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """ISO-8859-1 as INE sends it, or UTF-8 when the bytes are valid UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def _line_error(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _parse_value(spec: Field, raw: str, *, filename: str, number: int):
    where = {"file": filename, "line": number, "field": spec.mnemonic, "start": spec.start,
             "end": spec.end, "value": raw}
    if spec.kind == "A":
        return raw.rstrip()
    if not raw.strip():
        if spec.optional:
            return None if spec.convert in ("date", "int") else ""
        raise _line_error(_("%(file)s, línea %(line)s: el campo %(field)s (posiciones "
                            "%(start)s-%(end)s) es obligatorio y está en blanco."),
                          "blank", **where)
    if not (raw.isascii() and raw.isdigit()):
        raise _line_error(_("%(file)s, línea %(line)s: el campo %(field)s (posiciones "
                            "%(start)s-%(end)s) debe ser numérico y contiene «%(value)s»."),
                          "not_numeric", **where)
    if spec.convert == "int":
        return int(raw)
    if spec.convert == "date":
        try:
            return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        except ValueError:
            raise _line_error(_("%(file)s, línea %(line)s: el campo %(field)s no es una fecha "
                                "AAAAMMDD válida: «%(value)s»."), "bad_date", **where) from None
    if spec.convert == "cun":
        expected = ine_control_digit(raw[:4])
        if int(raw[4]) != expected:
            raise _line_error(_("%(file)s, línea %(line)s: el dígito de control del CUN "
                                "%(value)s no es correcto: para %(ccss)s debe ser %(expected)s."),
                              "cun_control_digit", ccss=raw[:4], expected=expected, **where)
    return raw


def _check_record(kind: str, record, *, filename: str) -> None:
    where = {"file": filename, "line": record.line}
    if kind == "tipos_via":
        if not record.tvia:
            raise _line_error(_("%(file)s, línea %(line)s: falta el tipo de vía (TVIA)."),
                              "blank", **where)
        return
    if record.cvar not in VARIATION_CODES:
        raise _line_error(_("%(file)s, línea %(line)s: el código de variación CVAR «%(value)s» "
                            "no es A (alta), M (modificación), B (baja) ni blanco."),
                          "bad_cvar", value=record.cvar, **where)
    if kind == "vias" and record.pos not in ("", "0", "1"):
        raise _line_error(_("%(file)s, línea %(line)s: POS debe ser 0 (tipo delante del nombre) "
                            "o 1 (detrás) y es «%(value)s»."), "bad_pos", value=record.pos, **where)
    if kind == "tramos":
        for block in (record.current(), record.new()):
            if block and block.tinum not in ("0", "1", "2"):
                raise _line_error(_("%(file)s, línea %(line)s: TINUM debe ser 0 (sin "
                                    "numeración), 1 (impares) o 2 (pares) y es «%(value)s»."),
                                  "bad_tinum", value=block.tinum, **where)
        if record.cvar != "B" and record.new() is None and record.current() is None:
            raise _line_error(_("%(file)s, línea %(line)s: el tramo no tiene código de unidad "
                                "poblacional (CUN)."), "blank", **where)


def parse(kind: str, data: bytes | str, *, filename: str | None = None) -> list:
    """Records of an INE territorial file; ValidationError listing every malformed line."""
    layout = LAYOUTS[kind]
    filename = filename or layout.title
    text = data if isinstance(data, str) else decode(data)
    record_class = RECORD_CLASSES[kind]
    records, errors = [], []
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.rstrip("\r")
        if not line.strip() or line == "\x1a":  # blank line, DOS end-of-file mark
            continue
        if len(line) != layout.length:
            errors.append(_line_error(
                _("%(file)s, línea %(line)s: el registro mide %(length)s caracteres y el diseño "
                  "del INE para el %(title)s exige %(expected)s."),
                "bad_length", file=filename, line=number, length=len(line),
                title=layout.title, expected=layout.length))
        else:
            try:
                values = {spec.name: _parse_value(spec, line[spec.start - 1:spec.end],
                                                  filename=filename, number=number)
                          for spec in layout.fields}
                record = record_class(**values, line=number)
                _check_record(kind, record, filename=filename)
                records.append(record)
            except ValidationError as error:
                errors.append(error)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationError(errors)
    return records


def parse_unidades(data: bytes | str, *, filename: str | None = None) -> list[UnidadPoblacional]:
    return parse("unidades", data, filename=filename)


def parse_vias(data: bytes | str, *, filename: str | None = None) -> list[ViaRecord]:
    return parse("vias", data, filename=filename)


def parse_pseudovias(data: bytes | str, *, filename: str | None = None) -> list[PseudoviaRecord]:
    return parse("pseudovias", data, filename=filename)


def parse_tramos(data: bytes | str, *, filename: str | None = None) -> list[TramoRecord]:
    return parse("tramos", data, filename=filename)


def parse_tipos_via(data: bytes | str, *, filename: str | None = None) -> list[TipoViaRecord]:
    return parse("tipos_via", data, filename=filename)


# --- Writing --------------------------------------------------------------------------------


def _format_value(spec: Field, value, *, index: int) -> str:
    where = {"record": index, "field": spec.mnemonic, "value": value, "length": spec.length}
    if value is None or value == "":
        if spec.kind == "N" and not spec.optional:
            raise ValidationError(_("Registro %(record)s: el campo %(field)s es obligatorio."),
                                  code="blank", params=where)
        return " " * spec.length
    if spec.convert == "date":
        text = value.strftime("%Y%m%d")
    elif spec.kind == "N":
        text = str(value).zfill(spec.length)
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(_("Registro %(record)s: el campo %(field)s debe ser numérico y "
                                    "es «%(value)s»."), code="not_numeric", params=where)
    else:
        text = str(value).ljust(spec.length)
    if len(text) != spec.length:
        raise ValidationError(_("Registro %(record)s: «%(value)s» no cabe en el campo %(field)s "
                                "(%(length)s posiciones)."), code="too_long", params=where)
    return text


def write(kind: str, records) -> bytes:
    """The fixed-width file, ISO-8859-1 with CRLF line ends, as INE exchanges it."""
    layout = LAYOUTS[kind]
    lines = []
    for index, record in enumerate(records, start=1):
        text = "".join(_format_value(spec, getattr(record, spec.name), index=index)
                       for spec in layout.fields)
        try:
            lines.append(text.encode("iso-8859-1"))
        except UnicodeEncodeError as error:
            raise ValidationError(
                _("Registro %(record)s: «%(char)s» no existe en ISO-8859-1, el juego de "
                  "caracteres de los ficheros del INE."),
                code="bad_char", params={"record": index, "char": error.object[error.start]},
            ) from None
    return b"".join(line + b"\r\n" for line in lines)


def write_unidades(records) -> bytes:
    return write("unidades", records)


def write_vias(records) -> bytes:
    return write("vias", records)


def write_pseudovias(records) -> bytes:
    return write("pseudovias", records)


def write_tramos(records) -> bytes:
    return write("tramos", records)


def write_tipos_via(records) -> bytes:
    return write("tipos_via", records)


# --- Import into the padrón models ----------------------------------------------------------

FILE_PREFIXES = {"unidades": ("UP", "UNID"), "vias": ("VIAS",), "pseudovias": ("PSEU",),
                 "tramos": ("TRAM",), "tipos_via": ("TVIA", "TIPOS")}
IMPORT_ORDER = ("tipos_via", "unidades", "vias", "pseudovias", "tramos")


def file_kind(name: str) -> str:
    """The kind of a file by its name: our kind names or INE's prefixes (VIAS.P03…, TRAM…)."""
    base = PurePath(name).name.lower()
    if base in LAYOUTS:
        return base
    for kind in ("pseudovias", "unidades", "tramos", "tipos_via", "vias"):
        if base.upper().startswith(FILE_PREFIXES[kind]) or base.startswith(kind):
            return kind
    raise ValidationError(_("No se reconoce el fichero «%(file)s»: se esperan unidades "
                            "poblacionales (UP), vías (VIAS), pseudovías (PSEU), tramos (TRAM) "
                            "o tipos de vía (TVIA)."), code="unknown_file", params={"file": name})


def importar_callejero(files: dict[str, bytes], *, fecha: datetime.date) -> dict[str, dict[str, int]]:
    """Load INE territorial files into the current entity's padrón, in one transaction.

    `files` maps a file name (or kind) to its bytes. Changes take effect on `fecha`: a renamed
    street keeps its code and its previous name stays valid until `fecha` (excluded); a baja
    closes the record on `fecha`. Importing the same files again changes nothing. Returns the
    number of altas, modificaciones and bajas per object (and, when there are any, of the
    records INE returned with a causa de devolución, which are not applied).
    """
    from django_tenants.utils import get_public_schema_name

    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("importar_callejero runs inside an entity's schema")
    parsed: dict[str, list] = {}
    for name, data in files.items():
        kind = file_kind(name)
        if kind in parsed:
            raise ValidationError(_("Se han recibido dos ficheros de %(title)s."),
                                  code="duplicate_file", params={"title": LAYOUTS[kind].title})
        parsed[kind] = parse(kind, data, filename=PurePath(name).name)
    _check_municipality(parsed)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two imports into the same municipality would interleave their history rows.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"padron.callejero:{connection.schema_name}"])
        importer = _Importer(fecha)
        for kind in IMPORT_ORDER:
            for record in parsed.get(kind, []):
                if getattr(record, "cdev", ""):
                    # A causa de devolución: INE returns a variation it rejected; applying it
                    # would put into the callejero what INE refused.
                    importer.counts["devueltos_por_ine"]["registros"] += 1
                    continue
                getattr(importer, f"import_{kind}")(record)
        importer.check_overlaps()
    return importer.result()


def _check_municipality(parsed: dict[str, list]) -> None:
    from tenants.models import Entity

    codes = {(r.cpro + r.cmun, kind, r.line) for kind, records in parsed.items()
             if kind != "tipos_via" for r in records}
    municipalities = {code for code, _kind, _line in codes}
    ine = (Entity.objects.filter(schema_name=connection.schema_name)
           .values_list("ine_code", flat=True).first() or "")[:5]
    expected = ine or (min(municipalities) if municipalities else "")
    for code, kind, line in sorted(codes, key=lambda c: (c[1], c[2])):
        if code != expected:
            raise ValidationError(
                _("%(title)s, línea %(line)s: el registro es del municipio %(code)s y el "
                  "callejero que se importa es del %(expected)s."),
                code="other_municipality",
                params={"title": LAYOUTS[kind].title, "line": line, "code": code,
                        "expected": expected})


class _Importer:
    """Applies the records to the models; keeps the counts of what it changed."""

    def __init__(self, fecha: datetime.date) -> None:
        from padron import models

        self.m = models
        self.fecha = fecha
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.touched_tramo_groups: set[tuple[int | None, int | None, int | None, str]] = set()
        self.is_first_load = not (models.Via.objects.exists() or models.Tramo.objects.exists())

    def result(self) -> dict[str, dict[str, int]]:
        keys = ("tipos_via", "colectivas", "singulares", "nucleos", "distritos", "secciones",
                "vias", "nombres_via", "pseudovias", "tramos")
        result = {key: {"altas": 0, "modificaciones": 0, "bajas": 0} for key in keys}
        for key, counter in self.counts.items():
            result.setdefault(key, {}).update(counter)
        return result

    def start(self, cvar: str) -> datetime.date:
        """Start of validity of a new record: `fecha` for a variation or for what a later full
        file adds; the first full file describes a territory that existed before it, so the
        model's default (the 1996 renewal) applies."""
        if cvar in ("A", "M") or not self.is_first_load:
            return self.fecha
        return self.m.Via._meta.get_field("valid_from").get_default()

    # Named territorial objects keep their code; a rename keeps the earlier names for the
    # dates before `fecha` (ConNombresAnteriores.rename).

    def upsert(self, key: str, model, lookup: dict, names: dict, cvar: str, *,
               update: bool = True):
        """Create, update (or with `update=False` only reopen) or close one record. Blank
        names are not applied: the tramos file names only part of what it refers to."""
        obj = model.objects.filter(**lookup).first()
        names = {k: v for k, v in names.items() if v}
        if cvar == "B":
            if obj is not None and obj.valid_to is None:
                obj.valid_to = self.fecha
                obj.save(update_fields=["valid_to"])
                self.counts[key]["bajas"] += 1
            return obj
        if obj is None:
            if "name" not in names and "short_name" in names:
                names["name"] = names["short_name"]
            obj = model.objects.create(**lookup, **names, valid_from=self.start(cvar))
            self.counts[key]["altas"] += 1
            return obj
        changed = {k: v for k, v in names.items() if update and getattr(obj, k) != v}
        reopened = obj.valid_to is not None
        if reopened:
            obj.valid_to = None
            obj.save(update_fields=["valid_to"])
        if changed:
            if hasattr(obj, "rename"):
                obj.rename(self.fecha, **changed)
            else:
                for k, v in changed.items():
                    setattr(obj, k, v)
                obj.save(update_fields=list(changed))
        if changed or reopened:
            self.counts[key]["modificaciones"] += 1
        return obj

    def nucleo(self, cun: str, cvar: str, *, colectiva: dict, singular: dict, nucleo: dict,
               update: bool = True):
        m = self.m
        col = self.upsert("colectivas", m.EntidadColectiva, {"code": cun[0:2]}, colectiva, cvar,
                          update=update)
        sing = self.upsert("singulares", m.EntidadSingular, {"colectiva": col, "code": cun[2:4]},
                           singular, cvar, update=update)
        return self.upsert("nucleos", m.Nucleo, {"singular": sing, "code": cun[5:7]}, nucleo,
                           cvar, update=update)

    def import_tipos_via(self, record: TipoViaRecord) -> None:
        """INE's table is authoritative: it sets the normalised type and the description of
        each TVIA, also of those the vías file created before."""
        tipo = self.tipo_via(record.tvia, record.dtvia, normalized=record.tvian)
        wanted = {"normalized": record.tvian, "description": record.dtvia[:25]}
        changed = [k for k, v in wanted.items() if v and getattr(tipo, k) != v]
        if changed:
            for k in changed:
                setattr(tipo, k, wanted[k])
            tipo.save(update_fields=changed)
            self.counts["tipos_via"]["modificaciones"] += 1

    def tipo_via(self, code: str, description: str = "", *, normalized: str = ""):
        """The TVIA `code`, created when unknown (from the vías file, with its TVIAN blank
        until INE's table of street types brings it)."""
        from padron.codelists import street_type_description

        tipo = self.m.TipoVia.objects.filter(code=code).first()
        if tipo is not None:
            return tipo
        description = (description or street_type_description(code) or code)[:25]
        self.counts["tipos_via"]["altas"] += 1
        return self.m.TipoVia.objects.create(code=code, normalized=normalized,
                                             description=description)

    def import_unidades(self, record: UnidadPoblacional) -> None:
        m = self.m
        if record.cvar == "B":
            nucleo = m.Nucleo.objects.filter(
                code=record.nucleo_code, singular__code=record.singular_code,
                singular__colectiva__code=record.colectiva_code).select_related(
                "singular__colectiva").first()
            if nucleo is None or nucleo.valid_to is not None:
                return
            self.upsert("nucleos", m.Nucleo, {"pk": nucleo.pk}, {}, "B")
            # An entity without any núcleo in force ceases with its last one.
            singular = nucleo.singular
            if not singular.nucleos.filter(valid_to__isnull=True).exists():
                self.upsert("singulares", m.EntidadSingular, {"pk": singular.pk}, {}, "B")
                colectiva = singular.colectiva
                if not colectiva.singulares.filter(valid_to__isnull=True).exists():
                    self.upsert("colectivas", m.EntidadColectiva, {"pk": colectiva.pk}, {}, "B")
            return
        self.nucleo(record.cun, record.cvar,
                    colectiva={"name": record.nentco, "name50": record.nentco50,
                               "short_name": record.nentcoc},
                    singular={"name": record.nentsi, "name50": record.nentsi50,
                              "short_name": record.nentsic},
                    nucleo={"name": record.nnucle, "name50": record.nnucle50,
                            "short_name": record.nnuclec})

    def import_vias(self, record: ViaRecord) -> None:
        m = self.m
        code = record.cvia
        new_code = record.new_cvia or code
        via = m.Via.objects.filter(code=code).first()
        if via is None and new_code != code:
            via = m.Via.objects.filter(code=new_code).first()
        if record.cvar == "B":
            if via is not None and via.valid_to is None:
                via.valid_to = self.fecha
                via.save(update_fields=["valid_to"])
                via.names.filter(valid_to__isnull=True).update(valid_to=self.fecha)
                self.counts["vias"]["bajas"] += 1
            return
        if not record.tvia or not (record.nvia or record.nviac):
            raise ValidationError(_("%(file)s, línea %(line)s: la vía %(code)s no tiene tipo o "
                                    "nombre."), code="blank",
                                  params={"file": VIAS.title, "line": record.line, "code": code})
        tipo = self.tipo_via(record.tvia)
        wanted = {"tipo_id": tipo.pk, "name": record.nvia or record.nviac,
                  "short_name": record.nviac or record.nvia[:25],
                  "suffix_type": record.pos == "1"}
        if via is None:
            via = m.Via.objects.create(code=new_code, valid_from=self.start(record.cvar))
            m.ViaNombre.objects.create(via=via, valid_from=via.valid_from, **wanted)
            self.counts["vias"]["altas"] += 1
            self.counts["nombres_via"]["altas"] += 1
            return
        changed = []
        if via.code != new_code:
            if m.Via.objects.filter(code=new_code).exists():
                raise ValidationError(
                    _("%(file)s, línea %(line)s: la vía %(code)s no puede pasar a %(new)s "
                      "porque ese código ya existe."), code="duplicate_code",
                    params={"file": VIAS.title, "line": record.line, "code": code,
                            "new": new_code})
            via.code = new_code
            changed.append("code")
        if via.valid_to is not None:
            via.valid_to = None
            changed.append("valid_to")
        current = via.names.filter(valid_to__isnull=True).order_by("-valid_from").first()
        if current is None or any(getattr(current, k) != v for k, v in wanted.items()):
            self.rename(via, current, wanted)
            changed.append("names")
        if changed:
            if changed != ["names"]:
                via.save(update_fields=[c for c in changed if c != "names"])
            self.counts["vias"]["modificaciones"] += 1

    def rename(self, via, current, wanted: dict) -> None:
        """A new name from `fecha`; the old one stays valid for earlier dates."""
        if current is not None and current.valid_from >= self.fecha:
            # Corrected again on (or before) the day it was named: no period to keep.
            for k, v in wanted.items():
                setattr(current, k, v)
            current.save(update_fields=list(wanted))
            self.counts["nombres_via"]["modificaciones"] += 1
            return
        if current is not None:
            current.valid_to = self.fecha
            current.save(update_fields=["valid_to"])
        start = self.fecha if via.names.exists() else via.valid_from
        self.m.ViaNombre.objects.create(via=via, valid_from=start, **wanted)
        self.counts["nombres_via"]["altas"] += 1

    def import_pseudovias(self, record: PseudoviaRecord) -> None:
        m = self.m
        code, new_code = record.cpsvia, (record.new_cpsvia or record.cpsvia)
        if new_code != code and not m.Pseudovia.objects.filter(code=code).exists():
            code = new_code
        obj = self.upsert("pseudovias", m.Pseudovia, {"code": code}, {"name": record.dpsvia},
                          record.cvar)
        if obj is not None and obj.code != new_code and record.cvar != "B":
            if m.Pseudovia.objects.filter(code=new_code).exists():
                raise ValidationError(
                    _("%(file)s, línea %(line)s: la pseudovía %(code)s no puede pasar a %(new)s "
                      "porque ese código ya existe."), code="duplicate_code",
                    params={"file": PSEUDOVIAS.title, "line": record.line, "code": obj.code,
                            "new": new_code})
            obj.code = new_code
            obj.save(update_fields=["code"])
            self.counts["pseudovias"]["modificaciones"] += 1

    # Tramos: identified by all their attributes; a change closes one and opens another.

    def tramo_fields(self, block: TramoDatos, record: TramoRecord, *, create: bool) -> dict | None:
        m = self.m
        if create:
            distrito = self.upsert("distritos", m.Distrito, {"code": block.dist}, {}, record.cvar)
            seccion = self.upsert("secciones", m.Seccion,
                                  {"distrito": distrito, "code": block.secc,
                                   "letter": block.lsecc, "subseccion": block.subsc},
                                  {}, record.cvar)
            # The short names of a tramo only name what the unidades file did not bring.
            names = block == record.new()
            nucleo = self.nucleo(block.cun, record.cvar,
                                 colectiva={"short_name": record.nentcoc if names else ""},
                                 singular={"short_name": record.nentsic if names else ""},
                                 nucleo={"short_name": record.nnuclec if names else ""},
                                 update=False)
        else:
            seccion = m.Seccion.objects.filter(
                distrito__code=block.dist, code=block.secc, letter=block.lsecc,
                subseccion=block.subsc).first()
            nucleo = m.Nucleo.objects.filter(
                code=block.cun[5:7], singular__code=block.cun[2:4],
                singular__colectiva__code=block.cun[0:2]).first()
            if seccion is None or nucleo is None:
                return None
        via = pseudovia = None
        if block.cvia != NOT_APPLICABLE:
            via = m.Via.objects.filter(code=block.cvia).first()
            if via is None:
                if not create:
                    return None
                raise ValidationError(
                    _("%(file)s, línea %(line)s: la vía %(code)s del tramo no está en el "
                      "fichero de vías ni en el callejero."), code="unknown_via",
                    params={"file": TRAMOS.title, "line": record.line, "code": block.cvia})
        if block.cpsvia != NOT_APPLICABLE:
            pseudovia = m.Pseudovia.objects.filter(code=block.cpsvia).first()
            if pseudovia is None:
                if not create:
                    return None
                name = record.dpsvia if block == record.new() else ""
                pseudovia = self.upsert("pseudovias", m.Pseudovia, {"code": block.cpsvia},
                                        {"name": name or block.cpsvia}, record.cvar)
        return {"seccion": seccion, "nucleo": nucleo, "via": via, "pseudovia": pseudovia,
                "manzana": block.manz, "postal_code": block.cpos, "numbering": block.tinum,
                "number_from": block.ein, "qualifier_from": block.cein,
                "number_to": block.esn, "qualifier_to": block.cesn}

    def find_tramo(self, block: TramoDatos | None, record: TramoRecord):
        if block is None:
            return None
        values = self.tramo_fields(block, record, create=False)
        if values is None:
            return None
        return self.m.Tramo.objects.filter(valid_to__isnull=True, **values).first()

    def create_tramo(self, block: TramoDatos, record: TramoRecord):
        tramo = self.m.Tramo(valid_from=self.start(record.cvar),
                             **self.tramo_fields(block, record, create=True))
        try:
            tramo.clean()
        except ValidationError as error:
            raise ValidationError(
                _("%(file)s, línea %(line)s: %(error)s"), code="bad_tramo",
                params={"file": TRAMOS.title, "line": record.line,
                        "error": " ".join(error.messages)}) from None
        tramo.save()
        self.touched_tramo_groups.add(_numbering_group(tramo))
        return tramo

    def import_tramos(self, record: TramoRecord) -> None:
        current, new = record.current(), record.new()
        if record.cvar == "B":
            tramo = self.find_tramo(current or new, record)
            if tramo is not None:
                tramo.valid_to = self.fecha
                tramo.save(update_fields=["valid_to"])
                self.counts["tramos"]["bajas"] += 1
            return
        target = new or current
        if self.find_tramo(target, record) is not None:
            return
        old = self.find_tramo(current, record) if record.cvar == "M" and new else None
        tramo = self.create_tramo(target, record)
        if old is None:
            self.counts["tramos"]["altas"] += 1
            return
        old.valid_to = self.fecha
        old.save(update_fields=["valid_to"])
        self.counts["tramos"]["modificaciones"] += 1
        # The addresses of the old tramo that the new one covers now belong to it.
        for domicilio in old.domicilios.all():
            same_street = (domicilio.via_id, domicilio.pseudovia_id) == (tramo.via_id,
                                                                         tramo.pseudovia_id)
            if not (tramo.via_id or tramo.pseudovia_id):  # numbered in the núcleo
                same_street = same_street and old.nucleo_id == tramo.nucleo_id
            if same_street and tramo.contains(domicilio.number, domicilio.qualifier):
                domicilio.tramo = tramo
                domicilio.save(update_fields=["tramo"])
                self.counts["tramos"]["domicilios_reasignados"] += 1

    def check_overlaps(self) -> None:
        """No number may fall in two tramos in force (design, observaciones of fichero 5)."""
        for via_id, pseudovia_id, nucleo_id, numbering in sorted(self.touched_tramo_groups,
                                                                   key=str):
            if numbering == "0":
                continue
            group = {"via_id": via_id, "pseudovia_id": pseudovia_id, "numbering": numbering}
            if nucleo_id is not None:
                group["nucleo_id"] = nucleo_id
            tramos = sorted(self.m.Tramo.objects.filter(valid_to__isnull=True, **group)
                            .select_related("via", "pseudovia", "nucleo__singular__colectiva"),
                key=lambda t: _key(t.number_from, t.qualifier_from))
            for previous, following in zip(tramos, tramos[1:], strict=False):
                if _key(following.number_from, following.qualifier_from) <= \
                        _key(previous.number_to, previous.qualifier_to):
                    raise ValidationError(
                        _("Los tramos «%(first)s» y «%(second)s» se solapan: un mismo número "
                          "quedaría en dos tramos."), code="overlap",
                        params={"first": str(previous), "second": str(following)})


def _key(number: int | None, qualifier: str) -> tuple[int, str]:
    return (number or 0, (qualifier or "").strip().upper())


def _numbering_group(tramo) -> tuple[int | None, int | None, int | None, str]:
    """Tramos whose numbers must not overlap: those of one vía (or pseudovía) and numbering;
    without either, those of one núcleo."""
    nucleo_id = None if (tramo.via_id or tramo.pseudovia_id) else tramo.nucleo_id
    return (tramo.via_id, tramo.pseudovia_id, nucleo_id, tramo.numbering)


# --- Export from the padrón models ----------------------------------------------------------


def _municipio() -> str:
    from tenants.models import Entity

    code = (Entity.objects.filter(schema_name=connection.schema_name)
            .values_list("ine_code", flat=True).first() or "")
    if len(code) < 5:
        raise ValidationError(_("La entidad no tiene código INE de municipio."), code="no_ine")
    return code[:5]


def vias_on(date: datetime.date, *, municipio: str | None = None) -> list[ViaRecord]:
    """The vías in force on `date` as records of the vías file (full file: CVAR blank)."""
    from padron.models import Via

    municipio = municipio or _municipio()
    records = []
    for via in Via.objects.filter(Via.valid_on(date)).prefetch_related("names__tipo"):
        name = via.name_on(date)
        if name is None:
            continue
        records.append(ViaRecord(
            cpro=municipio[:2], cmun=municipio[2:5], cvia=via.code, tipoinf="", cdev="",
            fvar=None, cvar="", new_cvia=via.code, tvia=name.tipo.code,
            pos="1" if name.suffix_type else "0", nvia=name.name, nviac=name.short_name))
    return records


def tramos_on(date: datetime.date, *, municipio: str | None = None) -> list[TramoRecord]:
    """The tramos in force on `date` as records of the tramos file (full file: CVAR blank)."""
    from padron.models import Tramo

    municipio = municipio or _municipio()
    records = []
    tramos = (Tramo.objects.filter(Tramo.valid_on(date))
              .select_related("seccion__distrito", "nucleo__singular__colectiva", "pseudovia")
              .prefetch_related("via__names", "nucleo__former_names",
                                "nucleo__singular__former_names",
                                "nucleo__singular__colectiva__former_names",
                                "pseudovia__former_names"))
    for tramo in tramos:
        block = TramoDatos(
            dist=tramo.seccion.distrito.code, secc=tramo.seccion.code,
            lsecc=tramo.seccion.letter, subsc=tramo.seccion.subseccion, cun=tramo.nucleo.cun,
            cvia=tramo.via.code if tramo.via_id else NOT_APPLICABLE,
            cpsvia=tramo.pseudovia.code if tramo.pseudovia_id else NOT_APPLICABLE,
            manz=tramo.manzana, cpos=tramo.postal_code, tinum=tramo.numbering,
            ein=tramo.number_from, cein=tramo.qualifier_from, esn=tramo.number_to,
            cesn=tramo.qualifier_to)
        via_name = tramo.via.name_on(date) if tramo.via_id else None
        records.append(TramoRecord(
            cpro=municipio[:2], cmun=municipio[2:5], **{f.name: getattr(block, f.name)
                                                        for f in fields(TramoDatos)},
            tipoinf="", cdev="", fvar=None, cvar="",
            **{f"new_{f.name}": getattr(block, f.name) for f in fields(TramoDatos)},
            nentcoc=tramo.nucleo.singular.colectiva.name_on(date, "short_name"),
            nentsic=tramo.nucleo.singular.name_on(date, "short_name"),
            nnuclec=tramo.nucleo.name_on(date, "short_name"),
            nviac=via_name.short_name if via_name else "",
            dpsvia=tramo.pseudovia.name_on(date) if tramo.pseudovia_id else ""))
    return sorted(records, key=lambda r: (r.cvia, r.tinum, r.ein, r.cein, r.cpsvia))


def unidades_on(date: datetime.date, *, municipio: str | None = None,
                municipality_names: tuple[str, str, str] = ("", "", "")) -> list[UnidadPoblacional]:
    """The unidades poblacionales in force on `date`, with the names of that date, as records
    of the unidades file (full file). The municipality's names (NMUN, DMUN50, NMUNC) are not
    part of the callejero: pass them in `municipality_names`."""
    from padron.models import Nucleo

    municipio = municipio or _municipio()
    nmun, dmun50, nmunc = municipality_names
    records = []
    nucleos = (Nucleo.objects.filter(Nucleo.valid_on(date))
               .select_related("singular__colectiva")
               .prefetch_related("former_names", "singular__former_names",
                                 "singular__colectiva__former_names"))
    for nucleo in nucleos:
        names = [obj.naming_on(date) for obj in (nucleo.singular.colectiva, nucleo.singular,
                                                 nucleo)]
        colectiva, singular, own = names
        records.append(UnidadPoblacional(
            cpro=municipio[:2], cmun=municipio[2:5], cun=nucleo.cun, tipoinf="", cdev="",
            fvar=None, cvar="", nmun=nmun, dmun50=dmun50, nmunc=nmunc,
            nentco=colectiva.name, nentco50=colectiva.name50, nentcoc=colectiva.short_name,
            nentsi=singular.name, nentsi50=singular.name50, nentsic=singular.short_name,
            nnucle=own.name, nnucle50=own.name50, nnuclec=own.short_name))
    return sorted(records, key=lambda r: r.cun)


def pseudovias_on(date: datetime.date, *, municipio: str | None = None) -> list[PseudoviaRecord]:
    """The pseudovías in force on `date`, with the description of that date (full file)."""
    from padron.models import Pseudovia

    municipio = municipio or _municipio()
    return [PseudoviaRecord(cpro=municipio[:2], cmun=municipio[2:5], cpsvia=p.code, tipoinf="",
                            cdev="", fvar=None, cvar="", new_cpsvia=p.code,
                            dpsvia=p.name_on(date))
            for p in Pseudovia.objects.filter(Pseudovia.valid_on(date))
            .prefetch_related("former_names").order_by("code")]


def tipos_via() -> list[TipoViaRecord]:
    """The street types of the callejero as records of the tipos de vía file."""
    from padron.models import TipoVia

    return sorted((TipoViaRecord(tvian=t.normalized_code, tvia=t.code, dtvia=t.description)
                   for t in TipoVia.objects.all()), key=lambda r: (r.tvian, r.tvia))
