"""INE fichero de habitantes / variaciones: the fixed-width record of 554 characters.

Layout. No official public copy of the design exists (INE publishes it inside the IDA-Padrón
application); positions are those of docs/standards README §1.2, taken from LocalGIS's parser
of the INE padrón file. `LAYOUT` below is the only place where a position is written: the writer
and the reader both walk it, and importing this module checks that the fields are contiguous
and end at 554. The record is

    [datos identificativos: the person as INE has it now]      1-157
    [control: TIPOINF CDEV FVAR CVAR CAUV]                   158-171
    [datos de variación: the new values, address by INE codes] 172-554

Field kinds follow the Orden de 11-7-1997 (design of the territorial files): `N(n)` fields are
digits, right-aligned and zero-padded (a blank N field is all spaces), `A(n)` fields are
left-aligned and space-padded. Codes are text ("03", "00010"); dates are `datetime.date`
(AAAAMMDD); the street number, upper number, kilometre and hectometre are integers.

What goes in each block, by CVAR (as LocalGIS's reader documents the INE file):
* A (alta): the identifying block is blank except CPRO/CMUN (INE has nobody yet); every
  variation field is filled.
* B (baja): the identifying block only; of the variation block just the destination
  (CPROP/CMUNP) of a baja by change of residence.
* M (modificación): everything; the identifying block holds the data *before* the change.
* blank: a record of a full padrón file (not built here, but read).
TIPOINF and CDEV are filled by INE in the files it returns; the municipality sends them blank.

Text (A fields), `ine_text`: uppercase, as INE writes names. Ñ, Ç, Ü and accented vowels stay
(ISO-8859-1 has them: "Muñoz" → "MUÑOZ" → bytes 4D 55 D1 4F 5A); a letter outside ISO-8859-1
loses its diacritic ("Ștefan" → "STEFAN", "Łukasz" → "LUKASZ"); typographic quotes and dashes
become ' and -; anything else that ISO-8859-1 cannot hold is refused, naming the field.
Spaces are collapsed. Surname particles ("de la", "del", "van"…) go in PART1/PART2, never
inside the surname: when the particle field is empty and the surname starts with a known
particle followed by more words ("de la Fuente"), the particle is moved to its field.

Files are ISO-8859-1 with CRLF after every record. The reader refuses the whole file when a
single line is wrong, listing every wrong line with its number and the reason: length other
than 554, bytes that are UTF-8 (ISO-8859-1 decodes any byte, so a line whose non-ASCII bytes
form valid UTF-8 is taken for UTF-8: "Ã±" where "Ñ" was meant), C0/C1 control characters
(Windows-1252 quotes), a line that does not end in CRLF, non-digits in an N field, impossible
dates, unknown codes (CVAR, CAUV, sexo, tipo de documento, nivel de estudios, país, provincia,
numeración, control digit of the CUN) and records of another municipality.

From the padrón models (`record_from_habitante`): conventions that are ours and must be checked
against the IDA-Padrón design before production:
* CAUV: the official 2-character causes are not public; `CAUV` maps our Causa to provisional
  codes (one dict, below).
* Born abroad: CPRONA = 66 and CMUNNA = INE country code (the convention of INE's padrón
  statistics); procedence/destination abroad likewise: CPROP = 66, CMUNP = country.
* No vía or no pseudovía: CVIA / CPSVIA = 00000, as in the tramero.
* TVIA: the normalised type (TVIAN) of the street's type, as README §1.2 describes the field.
* NENTCOC / NENTSIC / NNUCLEC: the short name in force on FVAR, or the first 25 characters of
  the name when the callejero has no short name.
Not carried, because the layout has no position for them: teléfono, correo, país de nacimiento
of someone born in Spain (implied), subsección, referencia catastral, manzana, código postal.
CCONS (consulado, PERE) is sent blank: the models do not record it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from padron.choices import Causa, NivelEstudios, Sexo, TipoDocumento, TipoMovimiento
from tenants.validators import ine_control_digit

# --- CAUV: causa de variación ---------------------------------------------------------------
#
# PROVISIONAL. INE's table of 2-character causes (CAUV) is published only inside IDA-Padrón;
# no public copy was found (docs/standards README §1.2). These codes are mnemonics of ours,
# one per cause of padron.choices.Causa; a cause is identified by CVAR + CAUV, so the same
# code may serve an alta and a baja (CR: cambio de residencia). Replace the values here, and
# only here, with INE's once the IDA-Padrón design is at hand.
CAUV: dict[str, str] = {
    Causa.ALTA_NACIMIENTO.value: "NA",            # alta por nacimiento
    Causa.ALTA_CAMBIO_RESIDENCIA.value: "CR",     # alta por cambio de residencia (municipio)
    Causa.ALTA_EXTRANJERO.value: "CX",            # alta por cambio de residencia (extranjero)
    Causa.ALTA_OMISION.value: "OM",               # alta por omisión
    Causa.BAJA_DEFUNCION.value: "DF",             # baja por defunción
    Causa.BAJA_CAMBIO_RESIDENCIA.value: "CR",     # baja por cambio de residencia (municipio)
    Causa.BAJA_EXTRANJERO.value: "CX",            # baja por cambio de residencia (extranjero)
    Causa.BAJA_INSCRIPCION_INDEBIDA.value: "II",  # baja por inscripción indebida
    Causa.BAJA_DUPLICADO.value: "DU",             # baja por duplicado
    Causa.BAJA_CADUCIDAD.value: "CA",             # baja por caducidad (ENCSARP)
    Causa.MODIFICACION_DATOS.value: "MD",         # modificación de datos personales
    Causa.CAMBIO_DOMICILIO.value: "CD",           # cambio de domicilio en el municipio
    Causa.RENOVACION.value: "RN",                 # renovación de la inscripción (ENCSARP)
    Causa.RECTIFICACION_TERRITORIAL.value: "RT",  # rectificación por modificaciones territoriales
}

# (CVAR, CAUV) -> our Causa: how a record read back names its cause.
CAUSA_POR_CAUV: dict[tuple[str, str], str] = {
    (Causa.tipo(causa).value, code): causa for causa, code in CAUV.items()}
# CAUV and CAUSA_POR_CAUV above are the seed (codigos migration 0002); at run time the codes
# come from the table "causas_variacion", which provincial admins keep up to date.


def cauv_for(causa: str) -> str | None:
    from padron import codelists

    return codelists.cauv(causa)


def causa_for(cvar: str, cauv: str) -> str | None:
    from padron import codelists

    for causa, code in codelists.cauv_map().items():
        if code == cauv and Causa.tipo(causa).value == cvar:
            return causa
    return None

class FechaIncompleta(datetime.date):
    """A birth date with its day, or day and month, unknown: INE writes AAAAMM00 or AAAA0000.
    It is the first day of its month (or year), so it compares, sorts and is stored as that
    date; `precision` (padron.choices.PrecisionFecha) says what is unknown."""

    precision: str

    def __new__(cls, year: int, month: int, *, precision: str) -> FechaIncompleta:
        from padron.choices import PrecisionFecha

        if precision not in (PrecisionFecha.SIN_DIA, PrecisionFecha.SIN_DIA_MES):
            raise ValueError(precision)
        self = super().__new__(cls, year, month if precision == PrecisionFecha.SIN_DIA else 1, 1)
        self.precision = precision
        return self

    def __repr__(self) -> str:
        return f"FechaIncompleta({self.year}, {self.month}, precision={self.precision!r})"

    def __reduce__(self):
        return (_fecha_incompleta, (self.year, self.month, self.precision))

    @property
    def ine(self) -> str:
        from padron.choices import PrecisionFecha

        month = f"{self.month:02d}" if self.precision == PrecisionFecha.SIN_DIA else "00"
        return f"{self.year:04d}{month}00"

    @property
    def json(self) -> str:
        return f"{self.ine[:4]}-{self.ine[4:6]}-00"


def _fecha_incompleta(year: int, month: int, precision: str) -> FechaIncompleta:
    return FechaIncompleta(year, month, precision=precision)


def fecha_con_precision(date: datetime.date | None, precision: str) -> datetime.date | None:
    """The date as the writer takes it: a FechaIncompleta when part of it is unknown."""
    if date is None or not precision:
        return date
    return FechaIncompleta(date.year, date.month, precision=precision)


def precision_of(date: datetime.date | None) -> str:
    return getattr(date, "precision", "")


def parse_ine_date(raw: str) -> datetime.date:
    """AAAAMMDD, AAAAMM00 or AAAA0000 (ValueError otherwise)."""
    from padron.choices import PrecisionFecha

    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:8])
    if day == 0 and month == 0:
        return FechaIncompleta(year, 1, precision=PrecisionFecha.SIN_DIA_MES)
    if day == 0:
        datetime.date(year, month, 1)  # the month must exist
        return FechaIncompleta(year, month, precision=PrecisionFecha.SIN_DIA)
    return datetime.date(year, month, day)


RECORD_LENGTH = 554
MAX_ERRORS = 100
VARIATION_CODES = ("A", "B", "M", "")  # alta, baja, modificación; blank: full padrón file
ABROAD = "66"  # CPRONA / CPROP of a place abroad; the municipality field then holds the country
NOT_APPLICABLE = "00000"  # CVIA / CPSVIA when the address has no vía / pseudovía
SPAIN = "108"
UTF8_MESSAGE = "codificación incorrecta (parece UTF-8; el INE exige ISO-8859-1)"


# --- Layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str  # attribute of HabitanteRecord
    start: int  # 1-based, as in the design
    length: int
    kind: str  # "N" digits, zero-padded; "A" text, left-aligned, space-padded
    description: str
    convert: str = ""  # "date" (AAAAMMDD) or "int"; otherwise the value is text
    required: bool = False  # may not be blank

    @property
    def end(self) -> int:
        return self.start + self.length - 1

    @property
    def slice(self) -> slice:
        return slice(self.start - 1, self.end)

    @property
    def mnemonic(self) -> str:
        """The field's name in messages: NOMB, CUN.EC, NOMB(DV)…"""
        name = self.name.upper()
        if name.endswith("_DV"):
            name = f"{name[:-3]}(DV)"
        return name.replace("CUN_", "CUN.")


LAYOUT: tuple[Field, ...] = (
    # Datos identificativos (the person as INE has it).
    Field("cpro", 1, 2, "N", "Código de provincia del municipio que envía", required=True),
    Field("cmun", 3, 3, "N", "Código de municipio", required=True),
    Field("nomb", 6, 20, "A", "Nombre"),
    Field("part1", 26, 6, "A", "Partícula del primer apellido"),
    Field("ape1", 32, 25, "A", "Primer apellido"),
    Field("part2", 57, 6, "A", "Partícula del segundo apellido"),
    Field("ape2", 63, 25, "A", "Segundo apellido"),
    Field("cprona", 88, 2, "N", "Provincia de nacimiento (66: extranjero)"),
    Field("cmunna", 90, 3, "N", "Municipio de nacimiento (país si CPRONA es 66)"),
    Field("fnac", 93, 8, "N", "Fecha de nacimiento AAAAMMDD", convert="date"),
    Field("tiden", 101, 1, "N", "Tipo de identificador"),
    Field("lextr", 102, 1, "A", "Letra del documento de extranjero (X, Y, Z)"),
    Field("iden", 103, 8, "N", "Número del DNI o NIE"),
    Field("dc", 111, 1, "A", "Letra de control del DNI o NIE"),
    Field("ndocu", 112, 20, "A", "Número de documento (pasaporte)"),
    Field("nia", 132, 15, "A", "Identificador del ayuntamiento (NIA)"),
    Field("idel", 147, 11, "A", "Identificador electoral"),
    # Control.
    Field("tipoinf", 158, 1, "A", "Tipo de información (la rellena el INE)"),
    Field("cdev", 159, 2, "A", "Causa de devolución (la rellena el INE)"),
    Field("fvar", 161, 8, "N", "Fecha de variación AAAAMMDD", convert="date"),
    Field("cvar", 169, 1, "A", "Código de variación: A, B, M o blanco"),
    Field("cauv", 170, 2, "A", "Causa de variación"),
    # Datos de variación (the new values).
    Field("dist", 172, 2, "N", "Distrito"),
    Field("secc", 174, 3, "N", "Sección"),
    Field("lsecc", 177, 1, "A", "Letra de sección"),
    Field("cun_ec", 178, 2, "N", "CUN: entidad colectiva (CC)"),
    Field("cun_es", 180, 2, "N", "CUN: entidad singular (SS)"),
    Field("cun_d", 182, 1, "N", "CUN: dígito de control de CCSS (D)"),
    Field("cun_nn", 183, 2, "N", "CUN: núcleo o diseminado (NN, 99 diseminado)"),
    Field("nentcoc", 185, 25, "A", "Nombre corto de la entidad colectiva"),
    Field("nentsic", 210, 25, "A", "Nombre corto de la entidad singular"),
    Field("nnuclec", 235, 25, "A", "Nombre corto del núcleo"),
    Field("cvia", 260, 5, "N", "Código de vía"),
    Field("tvia", 265, 5, "A", "Tipo de vía (normalizado INE)"),
    Field("nviac", 270, 25, "A", "Nombre corto de la vía"),
    Field("cpsvia", 295, 5, "N", "Código de pseudovía"),
    Field("dpsvia", 300, 50, "A", "Nombre de la pseudovía"),
    Field("tinum", 350, 1, "N", "Tipo de numeración"),
    Field("numer", 351, 4, "N", "Número", convert="int"),
    Field("knumer", 355, 1, "A", "Calificador del número"),
    Field("numers", 356, 4, "N", "Número superior", convert="int"),
    Field("knumers", 360, 1, "A", "Calificador del número superior"),
    Field("kmt", 361, 3, "N", "Kilómetro", convert="int"),
    Field("hmt", 364, 1, "N", "Hectómetro", convert="int"),
    Field("bloq", 365, 2, "A", "Bloque"),
    Field("port", 367, 2, "A", "Portal"),
    Field("esca", 369, 2, "A", "Escalera"),
    Field("plan", 371, 3, "A", "Planta"),
    Field("puer", 374, 4, "A", "Puerta"),
    Field("tloc", 378, 1, "A", "Tipo de local"),
    Field("nia_dv", 379, 15, "A", "Identificador del ayuntamiento (nuevo)"),
    Field("nhoja", 394, 10, "A", "Número de hoja padronal"),
    Field("idel_dv", 404, 11, "A", "Identificador electoral (nuevo)"),
    Field("nomb_dv", 415, 20, "A", "Nombre (nuevo)"),
    Field("part1_dv", 435, 6, "A", "Partícula del primer apellido (nueva)"),
    Field("ape1_dv", 441, 25, "A", "Primer apellido (nuevo)"),
    Field("part2_dv", 466, 6, "A", "Partícula del segundo apellido (nueva)"),
    Field("ape2_dv", 472, 25, "A", "Segundo apellido (nuevo)"),
    Field("sexo", 497, 1, "N", "Sexo: 1 varón, 6 mujer"),
    Field("cprona_dv", 498, 2, "N", "Provincia de nacimiento (nueva)"),
    Field("cmunna_dv", 500, 3, "N", "Municipio de nacimiento (nuevo)"),
    Field("fnac_dv", 503, 8, "N", "Fecha de nacimiento AAAAMMDD (nueva)", convert="date"),
    Field("tiden_dv", 511, 1, "N", "Tipo de identificador (nuevo)"),
    Field("lextr_dv", 512, 1, "A", "Letra del documento de extranjero (nueva)"),
    Field("iden_dv", 513, 8, "N", "Número del DNI o NIE (nuevo)"),
    Field("dc_dv", 521, 1, "A", "Letra de control (nueva)"),
    Field("ndocu_dv", 522, 20, "A", "Número de documento (nuevo)"),
    Field("nies", 542, 2, "N", "Nivel de estudios (código INE)"),
    Field("cnac", 544, 3, "N", "Nacionalidad (código de país INE, 108 España)"),
    Field("cprop", 547, 2, "N", "Provincia de procedencia o destino"),
    Field("cmunp", 549, 3, "N", "Municipio de procedencia o destino"),
    Field("ccons", 552, 3, "N", "Consulado de procedencia o destino"),
)

FIELDS: dict[str, Field] = {spec.name: spec for spec in LAYOUT}

IDENTIFYING_FIELDS = tuple(spec.name for spec in LAYOUT if spec.start <= 157)
VARIATION_FIELDS = tuple(spec.name for spec in LAYOUT if spec.start >= 172)


def _check_layout() -> None:
    position = 1
    for spec in LAYOUT:
        assert spec.kind in ("A", "N"), spec
        assert spec.start == position, f"{spec.mnemonic} starts at {spec.start}, not {position}"
        position = spec.end + 1
    assert position - 1 == RECORD_LENGTH, f"the layout ends at {position - 1}"
    assert len(FIELDS) == len(LAYOUT), "two fields share a name"


_check_layout()


# --- Record ---------------------------------------------------------------------------------


@dataclass
class HabitanteRecord:
    """One record; attribute names are the lowercase mnemonics (`_dv`: datos de variación)."""

    cpro: str = ""
    cmun: str = ""
    nomb: str = ""
    part1: str = ""
    ape1: str = ""
    part2: str = ""
    ape2: str = ""
    cprona: str = ""
    cmunna: str = ""
    fnac: datetime.date | None = None
    tiden: str = ""
    lextr: str = ""
    iden: str = ""
    dc: str = ""
    ndocu: str = ""
    nia: str = ""
    idel: str = ""
    tipoinf: str = ""
    cdev: str = ""
    fvar: datetime.date | None = None
    cvar: str = ""
    cauv: str = ""
    dist: str = ""
    secc: str = ""
    lsecc: str = ""
    cun_ec: str = ""
    cun_es: str = ""
    cun_d: str = ""
    cun_nn: str = ""
    nentcoc: str = ""
    nentsic: str = ""
    nnuclec: str = ""
    cvia: str = ""
    tvia: str = ""
    nviac: str = ""
    cpsvia: str = ""
    dpsvia: str = ""
    tinum: str = ""
    numer: int | None = None
    knumer: str = ""
    numers: int | None = None
    knumers: str = ""
    kmt: int | None = None
    hmt: int | None = None
    bloq: str = ""
    port: str = ""
    esca: str = ""
    plan: str = ""
    puer: str = ""
    tloc: str = ""
    nia_dv: str = ""
    nhoja: str = ""
    idel_dv: str = ""
    nomb_dv: str = ""
    part1_dv: str = ""
    ape1_dv: str = ""
    part2_dv: str = ""
    ape2_dv: str = ""
    sexo: str = ""
    cprona_dv: str = ""
    cmunna_dv: str = ""
    fnac_dv: datetime.date | None = None
    tiden_dv: str = ""
    lextr_dv: str = ""
    iden_dv: str = ""
    dc_dv: str = ""
    ndocu_dv: str = ""
    nies: str = ""
    cnac: str = ""
    cprop: str = ""
    cmunp: str = ""
    ccons: str = ""
    line: int = field(default=0, compare=False)  # line of the file it was read from

    @property
    def municipio(self) -> str:
        return f"{self.cpro}{self.cmun}"

    @property
    def cun(self) -> str:
        """CCSSDNN of the unidad poblacional of the new address ("" when blank)."""
        return f"{self.cun_ec}{self.cun_es}{self.cun_d}{self.cun_nn}"

    @property
    def causa(self) -> str | None:
        """Our Causa for CVAR + CAUV (None for a full-padrón record or an unknown cause)."""
        return causa_for(self.cvar, self.cauv)

    @property
    def documento(self) -> str:
        """The identifying block's document as the padrón stores it (12345678Z, X1234567L)."""
        return _join_document(self.tiden, self.lextr, self.iden, self.dc, self.ndocu)

    @property
    def documento_dv(self) -> str:
        return _join_document(self.tiden_dv, self.lextr_dv, self.iden_dv, self.dc_dv,
                              self.ndocu_dv)


def _check_record_class() -> None:
    names = [f.name for f in fields(HabitanteRecord) if f.name != "line"]
    assert names == [spec.name for spec in LAYOUT], "HabitanteRecord does not follow LAYOUT"


_check_record_class()


# --- Text as INE writes it ------------------------------------------------------------------

_REPLACEMENTS = {
    "\u00a0": " ", "\u00ad": "",  # no-break space, soft hyphen
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2013": "-", "\u2014": "-",
    "\u0141": "L", "\u0142": "L", "\u0110": "D", "\u0111": "D", "\u0152": "OE", "\u0153": "OE",
    "\u0131": "I", "\u1e9e": "SS",
}


class NotLatin1(ValueError):
    def __init__(self, char: str) -> None:
        super().__init__(char)
        self.char = char


def _latin1_printable(text: str) -> bool:
    return _NOT_PRINTABLE.search(text) is None


# Uppercase text ISO-8859-1 prints as it is: no replacement (soft hyphen, backquote) needed.
_PLAIN = re.compile(r"[ -_a-~\u00a1-\u00ac\u00ae-\u00de]*")


def ine_text(value) -> str:
    """Uppercase text that ISO-8859-1 can hold (see the module docstring); NotLatin1 names the
    first character that cannot be written."""
    text = str(value or "")
    upper = text.upper()
    if _PLAIN.fullmatch(upper):
        return " ".join(upper.split())  # the common case: nothing to replace or decompose
    return _ine_text_per_character(text)


def _ine_text_per_character(text: str) -> str:
    out = []
    for ch in text:
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        if ch in "\t\r\n":
            out.append(" ")
            continue
        upper = ch.upper()
        if _latin1_printable(upper):
            out.append(upper)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", upper)
                       if not unicodedata.combining(c))
        if base and _latin1_printable(base):
            out.append(base)
            continue
        raise NotLatin1(ch)
    return " ".join("".join(out).split())


PARTICLES = ("DE LAS", "DE LOS", "DE LA", "DEL", "DE", "LAS", "LOS", "LA", "VAN", "VON",
             "DAS", "DOS", "DA", "DO", "DI")


def split_particle(particula: str, apellido: str) -> tuple[str, str]:
    """(PART, APE): an empty particle is taken from the start of the surname when the surname
    begins with a known particle and has more words ("de la Fuente" → "DE LA", "FUENTE")."""
    particula, apellido = ine_text(particula), ine_text(apellido)
    if particula or not apellido:
        return particula, apellido
    for candidate in PARTICLES:  # longest first
        if apellido.startswith(candidate + " ") and apellido[len(candidate) + 1:].strip():
            return candidate, apellido[len(candidate) + 1:].strip()
    return particula, apellido


# --- Documents ------------------------------------------------------------------------------


def split_document(tipo: str, documento: str) -> tuple[str, str, str, str, str]:
    """(TIDEN, LEXTR, IDEN, DC, NDOCU) of a padrón document: a DNI goes as 8 digits + letter,
    a NIE as its initial letter, 7 digits (zero-padded to 8) and letter, a passport in NDOCU."""
    tipo = str(tipo or "")
    value = "".join(ch for ch in str(documento or "").upper() if ch.isalnum())
    if tipo == TipoDocumento.SIN_DOCUMENTO:
        return tipo, "", "", "", ""
    if tipo == TipoDocumento.DNI and (match := re.fullmatch(r"(\d{1,8})([A-Z])", value)):
        return tipo, "", match[1].zfill(8), match[2], ""
    if tipo == TipoDocumento.TARJETA_EXTRANJERO and (
            match := re.fullmatch(r"([XYZ])(\d{7})([A-Z])", value)):
        return tipo, match[1], match[2].zfill(8), match[3], ""
    if tipo == TipoDocumento.PASAPORTE and value:
        return tipo, "", "", "", value
    raise ValueError(documento)


def _join_document(tiden: str, lextr: str, iden: str, dc: str, ndocu: str) -> str:
    if tiden == TipoDocumento.DNI:
        return f"{iden}{dc}"
    if tiden == TipoDocumento.TARJETA_EXTRANJERO:
        return f"{lextr}{iden[-7:]}{dc}"
    return ndocu


# --- Checks shared by the writer and the reader ---------------------------------------------


_SEXOS = frozenset(("", *Sexo.values))
_TIPOS_DOCUMENTO = frozenset(("", *TipoDocumento.values))
_NIVELES = frozenset(("", *NivelEstudios.values))


def _problems(record: HabitanteRecord) -> list[str]:
    """What is wrong with the codes of a record (Spanish, one reason per item)."""
    from padron import codelists

    problems = []

    def bad(message: str, **params) -> None:
        problems.append(message % params)

    if record.cvar not in VARIATION_CODES:
        bad(_("código de variación CVAR «%(value)s» desconocido (A alta, B baja, "
              "M modificación o blanco)"), value=record.cvar)
    elif record.cvar:
        if record.fvar is None:
            bad(_("falta la fecha de variación FVAR (posiciones 161-168)"))
        if causa_for(record.cvar, record.cauv) is None:
            bad(_("causa de variación CAUV «%(value)s» desconocida para CVAR %(cvar)s"),
                value=record.cauv, cvar=record.cvar)
    elif record.cauv:
        bad(_("un registro sin código de variación no lleva causa (CAUV «%(value)s»)"),
            value=record.cauv)
    if record.sexo not in _SEXOS:
        bad(_("sexo «%(value)s» desconocido (1 varón, 6 mujer)"), value=record.sexo)
    for name in ("tiden", "tiden_dv"):
        if getattr(record, name) not in _TIPOS_DOCUMENTO:
            bad(_("tipo de identificador %(field)s «%(value)s» desconocido (0 a 3)"),
                field=FIELDS[name].mnemonic, value=getattr(record, name))
    for name in ("lextr", "lextr_dv"):
        if getattr(record, name) not in ("", "X", "Y", "Z"):
            bad(_("letra de documento de extranjero %(field)s «%(value)s» desconocida "
                  "(X, Y o Z)"), field=FIELDS[name].mnemonic, value=getattr(record, name))
    if record.nies not in _NIVELES:
        bad(_("nivel de estudios NIES «%(value)s» desconocido"), value=record.nies)
    if record.cnac and not codelists.country_name(record.cnac):
        bad(_("nacionalidad CNAC «%(value)s» no es un código de país del INE"),
            value=record.cnac)
    for prov, mun in (("cprona", "cmunna"), ("cprona_dv", "cmunna_dv"), ("cprop", "cmunp")):
        province, municipality = getattr(record, prov), getattr(record, mun)
        if province == ABROAD:
            if municipality and not codelists.country_name(municipality):
                bad(_("%(field)s «%(value)s» no es un código de país del INE (%(prov)s es 66, "
                      "extranjero)"), field=FIELDS[mun].mnemonic, value=municipality,
                    prov=FIELDS[prov].mnemonic)
        elif province and not codelists.province_name(province):
            bad(_("%(field)s «%(value)s» no es un código de provincia del INE"),
                field=FIELDS[prov].mnemonic, value=province)
    if record.tinum not in ("", "0", "1", "2"):
        bad(_("tipo de numeración TINUM «%(value)s» desconocido (0, 1 o 2)"),
            value=record.tinum)
    if all(part.isascii() and part.isdigit() for part in (record.cun_ec, record.cun_es,
                                                          record.cun_d)):
        expected = ine_control_digit(record.cun_ec + record.cun_es)
        if int(record.cun_d) != expected:
            bad(_("el dígito de control del CUN %(value)s no es correcto: para %(ccss)s debe "
                  "ser %(expected)s"), value=record.cun, ccss=record.cun_ec + record.cun_es,
                expected=expected)
    return problems


# --- Writing --------------------------------------------------------------------------------


def _label(record: HabitanteRecord, index: int | None) -> str:
    label = _("Registro %(index)s") % {"index": index} if index else _("Registro")
    nia = record.nia_dv or record.nia
    return f"{label} (NIA {nia})" if nia else label


def _write_error(record: HabitanteRecord, index: int | None, reason: str,
                 code: str) -> ValidationError:
    return ValidationError(_("%(record)s: %(reason)s."), code=code,
                           params={"record": _label(record, index), "reason": reason})


def _where(spec: Field, value) -> dict:
    return {"field": spec.mnemonic, "start": spec.start, "end": spec.end, "value": value,
            "length": spec.length}


def _format(spec: Field, value, record: HabitanteRecord, index: int | None) -> str:
    if value is None or value == "":
        if spec.required:
            raise _write_error(record, index, _("el campo %(field)s (posiciones %(start)s-"
                                                "%(end)s) es obligatorio") % _where(spec, value),
                               "blank")
        return " " * spec.length
    if spec.convert == "date":
        if not isinstance(value, datetime.date):
            raise _write_error(record, index, _("el campo %(field)s debe ser una fecha y es "
                                                "«%(value)s»") % _where(spec, value), "bad_date")
        text = value.ine if isinstance(value, FechaIncompleta) else \
            f"{value.year:04d}{value.month:02d}{value.day:02d}"
    elif spec.kind == "N":
        text = str(value).strip().zfill(spec.length)
        if not (text.isascii() and text.isdigit()):
            raise _write_error(record, index, _("el campo %(field)s (posiciones %(start)s-"
                                                "%(end)s) debe ser numérico y es «%(value)s»")
                               % _where(spec, value), "not_numeric")
    else:
        try:
            text = ine_text(value)
        except NotLatin1 as error:
            raise _write_error(record, index, _("el carácter «%(char)s» de %(field)s no existe "
                                                "en ISO-8859-1, el juego de caracteres de los "
                                                "ficheros del INE")
                               % {**_where(spec, value), "char": error.char}, "bad_char") from None
        text = text.ljust(spec.length)
    if len(text) != spec.length:
        raise _write_error(record, index, _("«%(value)s» no cabe en el campo %(field)s "
                                            "(%(length)s posiciones)") % _where(spec, value),
                           "too_long")
    return text


def write_record(record: HabitanteRecord, *, index: int | None = None) -> str:
    """The record as a line of exactly 554 characters (without the CRLF). Text is written as
    `ine_text` gives it; codes are checked as the reader checks them."""
    if problems := _problems(record):
        raise _write_error(record, index, "; ".join(problems), "bad_code")
    line = "".join(_format(spec, getattr(record, spec.name), record, index) for spec in LAYOUT)
    assert len(line) == RECORD_LENGTH
    return line


def write_file(records) -> bytes:
    """The fichero de variaciones: ISO-8859-1, CRLF after every record."""
    lines = [write_record(record, index=index) for index, record in enumerate(records, start=1)]
    return "".join(f"{line}\r\n" for line in lines).encode("iso-8859-1")


# --- Reading --------------------------------------------------------------------------------


def _line_error(filename: str, lineno: int, reason: str, code: str) -> ValidationError:
    return ValidationError(_("%(file)s, línea %(line)s: %(reason)s."), code=code,
                           params={"file": filename, "line": lineno, "reason": reason})


def _parse(spec: Field, raw: str):
    """The value of one field; ValueError with the reason when it is malformed."""
    if spec.kind == "A":
        return raw.rstrip(" ")
    if not raw.strip():
        if spec.required:
            raise ValueError(_("el campo %(field)s (posiciones %(start)s-%(end)s) es obligatorio "
                               "y está en blanco") % _where(spec, raw))
        return None if spec.convert else ""
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(_("el campo %(field)s (posiciones %(start)s-%(end)s) debe ser numérico "
                           "y contiene «%(value)s»") % _where(spec, raw))
    if spec.convert == "int":
        return int(raw)
    if spec.convert == "date":
        try:
            return parse_ine_date(raw)
        except ValueError:
            raise ValueError(_("el campo %(field)s (posiciones %(start)s-%(end)s) no es una "
                               "fecha AAAAMMDD válida: «%(value)s»") % _where(spec, raw)) from None
    return raw


_NOT_PRINTABLE = re.compile(r"[^ -~\u00a0-\u00ff]")


def _bad_character(line: str) -> str | None:
    if (found := _NOT_PRINTABLE.search(line)) is not None:
        position, ch = found.start() + 1, found.group()
        if "\x80" <= ch <= "\x9f":
            return (_("codificación incorrecta: el byte %(byte)s de la posición %(pos)s no es "
                      "un carácter ISO-8859-1 (parece Windows-1252; el INE exige "
                      "ISO-8859-1)") % {"byte": f"0x{ord(ch):02X}", "pos": position})
        return (_("carácter no válido %(char)s en la posición %(pos)s")
                % {"char": f"U+{ord(ch):04X}" if ord(ch) > 0xFF else f"0x{ord(ch):02X}",
                   "pos": position})
    return None


_SLICES = [(spec, spec.slice) for spec in LAYOUT]


def read_record(line: str, *, lineno: int, filename: str, expected_cpro: str | None = None,
                expected_cmun: str | None = None) -> HabitanteRecord:
    """One record from a decoded line (without its CRLF); ValidationError listing every
    problem of the line, each naming the file and the line."""
    if len(line) != RECORD_LENGTH:
        raise _line_error(filename, lineno, _("el registro mide %(length)s caracteres y el diseño "
                                              "del INE exige %(expected)s")
                          % {"length": len(line), "expected": RECORD_LENGTH}, "bad_length")
    if reason := _bad_character(line):
        raise _line_error(filename, lineno, reason, "bad_encoding")
    values, errors = {}, []
    for spec, where in _SLICES:
        try:
            values[spec.name] = _parse(spec, line[where])
        except ValueError as error:
            errors.append(_line_error(filename, lineno, str(error), "bad_field"))
    if errors:
        raise ValidationError(errors)
    record = HabitanteRecord(**values, line=lineno)
    errors = [_line_error(filename, lineno, reason, "bad_code") for reason in _problems(record)]
    expected = (expected_cpro or record.cpro, expected_cmun or record.cmun)
    if (record.cpro, record.cmun) != expected:
        errors.append(_line_error(
            filename, lineno, _("el registro es del municipio %(code)s y el fichero es del "
                                "%(expected)s") % {"code": record.municipio,
                                                   "expected": "".join(expected)},
            "other_municipality"))
    if errors:
        raise ValidationError(errors)
    return record


def _looks_utf8(raw: bytes) -> bool:
    """Non-ASCII bytes that form valid UTF-8: "Ñ" written as C3 91, or "Ã±" mojibake."""
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_file(data: bytes, *, filename: str, expected_cpro: str,
              expected_cmun: str) -> list[HabitanteRecord]:
    """Every record of a fichero de habitantes/variaciones, or a ValidationError that refuses
    the whole file and lists each wrong line (up to MAX_ERRORS) with its number and reason."""
    records: list[HabitanteRecord] = []
    errors: list[ValidationError] = []
    if data.startswith(b"\xef\xbb\xbf"):
        raise ValidationError([_line_error(filename, 1, _(UTF8_MESSAGE), "bad_encoding")])
    pieces = data.split(b"\n")
    last_terminated = pieces[-1] in (b"", b"\x1a")  # after the last CRLF; DOS end-of-file
    if last_terminated:
        pieces.pop()
    for lineno, raw in enumerate(pieces, start=1):
        terminated = lineno < len(pieces) or last_terminated
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        elif terminated:
            errors.append(_line_error(filename, lineno, _("la línea termina en LF sin CR; el INE "
                                                          "exige CRLF"), "bad_line_end"))
            continue
        if _looks_utf8(raw):
            errors.append(_line_error(filename, lineno, _(UTF8_MESSAGE), "bad_encoding"))
            continue
        try:
            records.append(read_record(raw.decode("iso-8859-1"), lineno=lineno,
                                       filename=filename, expected_cpro=expected_cpro,
                                       expected_cmun=expected_cmun))
        except ValidationError as error:
            errors.extend(error.error_list)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationError(errors)
    return records


# --- From the padrón models -----------------------------------------------------------------

PERSONAL_KEYS = ("nia", "nombre", "particula1", "apellido1", "particula2", "apellido2", "sexo",
                 "fecha_nacimiento", "fecha_nacimiento_precision", "provincia_nacimiento",
                 "municipio_nacimiento", "pais_nacimiento", "nacionalidad", "nivel_estudios",
                 "tipo_documento", "documento", "identificador_electoral")


def _datos(source) -> dict:
    """The personal data of a Habitante or of a Movimiento.datos dict, dates as dates."""
    if isinstance(source, dict):
        data = {key: source.get(key, "") for key in PERSONAL_KEYS}
    else:
        data = {key: getattr(source, key, "") for key in PERSONAL_KEYS}
    birth = data["fecha_nacimiento"]
    if isinstance(birth, str):
        birth = datetime.date.fromisoformat(birth) if birth else None
    data["fecha_nacimiento"] = fecha_con_precision(birth, data["fecha_nacimiento_precision"] or "")
    return {key: ("" if value is None and key != "fecha_nacimiento" else value)
            for key, value in data.items()}


def previous_datos(movimiento) -> dict | None:
    """The data INE has before `movimiento`: those of the inhabitant's operation recorded
    just before it (None for the first one)."""
    from padron.models import Movimiento

    earlier = (Movimiento.objects.filter(habitante_id=movimiento.habitante_id,
                                         pk__lt=movimiento.pk)
               .order_by("-pk").values_list("datos", flat=True).first())
    return earlier or None


def _birthplace(data: dict) -> tuple[str, str]:
    if data["provincia_nacimiento"]:
        return str(data["provincia_nacimiento"]), str(data["municipio_nacimiento"])
    if data["pais_nacimiento"] and str(data["pais_nacimiento"]) != SPAIN:
        return ABROAD, str(data["pais_nacimiento"])
    return "", ""


def _place(code: str) -> tuple[str, str]:
    """CPROP/CMUNP of Movimiento.procedencia_destino: a municipality (5 digits) or a
    country (3 digits, CPROP 66)."""
    code = (code or "").strip()
    if len(code) == 5:
        return code[:2], code[2:]
    if len(code) == 3:
        return ABROAD, code
    return "", ""


def _person(data: dict, suffix: str, error) -> dict:
    try:
        document = split_document(data["tipo_documento"], data["documento"])
    except ValueError:
        raise error(_("el documento «%(value)s» no se puede escribir como tipo %(tipo)s")
                    % {"value": data["documento"], "tipo": data["tipo_documento"]}) from None
    province, municipality = _birthplace(data)
    part1, ape1 = split_particle(data["particula1"], data["apellido1"])
    part2, ape2 = split_particle(data["particula2"], data["apellido2"])
    values = {"nomb": ine_text(data["nombre"]), "part1": part1, "ape1": ape1, "part2": part2,
              "ape2": ape2, "cprona": province, "cmunna": municipality,
              "fnac": data["fecha_nacimiento"], "tiden": document[0], "lextr": document[1],
              "iden": document[2], "dc": document[3], "ndocu": document[4],
              "nia": data["nia"], "idel": ine_text(data["identificador_electoral"])}
    return {f"{key}{suffix}": value for key, value in values.items()}


def _short_name(obj, date: datetime.date) -> str:
    return obj.name_on(date, "short_name") or (obj.name_on(date, "name") or "")[:25]


def _address(domicilio, date: datetime.date, error) -> dict:
    tramo = domicilio.tramo
    seccion, nucleo = tramo.seccion, tramo.nucleo
    cun = nucleo.cun
    values = {
        "dist": seccion.distrito.code, "secc": seccion.code, "lsecc": seccion.letter,
        "cun_ec": cun[0:2], "cun_es": cun[2:4], "cun_d": cun[4], "cun_nn": cun[5:7],
        "nentcoc": _short_name(nucleo.singular.colectiva, date),
        "nentsic": _short_name(nucleo.singular, date), "nnuclec": _short_name(nucleo, date),
        "cvia": NOT_APPLICABLE, "tvia": "", "nviac": "", "cpsvia": NOT_APPLICABLE, "dpsvia": "",
        "tinum": tramo.numbering, "numer": domicilio.number, "knumer": domicilio.qualifier,
        "numers": domicilio.number_to, "knumers": domicilio.qualifier_to, "kmt": domicilio.km,
        "hmt": domicilio.hm, "bloq": domicilio.bloque, "port": domicilio.portal,
        "esca": domicilio.escalera, "plan": domicilio.planta, "puer": domicilio.puerta,
        "tloc": domicilio.tipo_local,
    }
    if domicilio.via_id:
        name = domicilio.via.name_on(date)
        if name is None:
            raise error(_("la vía %(code)s no tiene denominación vigente el %(date)s")
                        % {"code": domicilio.via.code, "date": date.strftime("%d/%m/%Y")})
        values.update(cvia=domicilio.via.code, tvia=name.tipo.normalized_code,
                      nviac=name.short_name or name.name[:25])
    if domicilio.pseudovia_id:
        values.update(cpsvia=domicilio.pseudovia.code,
                      dpsvia=domicilio.pseudovia.name_on(date))
    return {key: ine_text(value) if FIELDS[key].kind == "A" else value
            for key, value in values.items()}


def record_from_habitante(habitante, movimiento, *, cpro: str, cmun: str,
                          previous: dict | None = None, check: bool = True) -> HabitanteRecord:
    """The variation record of one Movimiento of `habitante`.

    Control block: FVAR = movimiento.fecha, CVAR = movimiento.tipo, CAUV = CAUV[causa].
    Identifying block: blank for an alta (but CPRO/CMUN); for a modificación, the data INE
    has: `previous` (a dict shaped like Movimiento.datos) or, when not given, the data of the
    inhabitant's previous operation (`previous_datos`), or, for the first, the current data;
    for a baja, `previous` or the data of the operation. Variation block (alta and
    modificación): the data recorded by the operation (Movimiento.datos, falling back to the
    inhabitant) and its address (Movimiento.domicilio, else the hoja's) with the territorial
    names in force on FVAR. CPROP/CMUNP: Movimiento.procedencia_destino.
    """
    causa, cvar = str(movimiento.causa), str(movimiento.tipo)
    record_label = _("Habitante %(nia)s, movimiento del %(date)s") % {
        "nia": habitante.nia, "date": movimiento.fecha.strftime("%d/%m/%Y")}

    def error(reason: str) -> ValidationError:
        return ValidationError(_("%(record)s: %(reason)s."), code="cannot_write",
                               params={"record": record_label, "reason": reason})

    if cauv_for(causa) is None:
        raise error(_("la causa «%(causa)s» no tiene causa de variación del INE")
                    % {"causa": causa})
    after = _datos({**_datos(habitante), **(movimiento.datos or {})})
    values: dict = {"cpro": cpro, "cmun": cmun, "fvar": movimiento.fecha, "cvar": cvar,
                    "cauv": cauv_for(causa)}
    try:
        if cvar == TipoMovimiento.MODIFICACION:
            before = previous if previous is not None else previous_datos(movimiento)
            values.update(_person(_datos(before) if before else after, "", error))
        elif cvar == TipoMovimiento.BAJA:
            values.update(_person(_datos(previous) if previous else after, "", error))
        if cvar in (TipoMovimiento.ALTA, TipoMovimiento.MODIFICACION):
            values.update(_person(after, "_dv", error))
            values["sexo"] = after["sexo"]
            values["nies"] = after["nivel_estudios"]
            values["cnac"] = after["nacionalidad"]
            hoja = movimiento.hoja or habitante.hoja
            domicilio = movimiento.domicilio or (hoja.domicilio if hoja else None)
            if domicilio is None:
                raise error(_("no tiene domicilio"))
            values["nhoja"] = hoja.number if hoja else ""
            values.update(_address(domicilio, movimiento.fecha, error))
    except NotLatin1 as exc:
        raise error(_("el carácter «%(char)s» no existe en ISO-8859-1, el juego de caracteres "
                      "de los ficheros del INE") % {"char": exc.char}) from None
    values["cprop"], values["cmunp"] = _place(movimiento.procedencia_destino)
    values["ccons"] = getattr(movimiento, "consulado", "") or ""
    record = HabitanteRecord(**values)
    if check:  # the file writer checks as it writes (check=False), not twice
        try:
            write_record(record)
        except ValidationError as exc:
            raise error(" ".join(exc.messages)) from None
    return record
