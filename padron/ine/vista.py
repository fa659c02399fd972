"""What a clerk checks in a generated INE file before sending it (ACCEDE clerks always look
first): how many records of each kind it holds, and its first records decoded into columns
beside the fixed-width text INE will read.

The file is read line by line from its storage (a padrón a fecha may be tens of megabytes):
every line only for the count by CVAR, the first PREVIEW_RECORDS also decoded with
padron.ine.registro.read_record.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from padron.choices import Causa, Sexo, TipoMovimiento
from padron.ine import registro
from padron.models.habitantes import fecha_texto

PREVIEW_RECORDS = 50
_CVAR = registro.FIELDS["cvar"].slice
_FVAR = registro.FIELDS["fvar"].slice


@dataclass(frozen=True)
class Fila:
    """One record as the preview table shows it (the new data when the record has them)."""

    line: int
    variacion: str
    causa: str
    fecha_variacion: str
    nia: str
    nombre: str
    documento: str
    nacimiento: str
    sexo: str
    domicilio: str
    seccion: str
    hoja: str


@dataclass
class VistaPrevia:
    records: int = 0
    by_variation: list[tuple[str, int]] = field(default_factory=list)
    rows: list[Fila] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # the first lines as INE reads them
    problems: list[str] = field(default_factory=list)
    # The dates of the variations the file carries (FVAR), whatever its nominal period: the
    # first monthly file, and any file after a late entry, reach back further.
    earliest: datetime.date | None = None
    latest: datetime.date | None = None

    @property
    def shown(self) -> int:
        return len(self.text)


def _variation_label(cvar: str) -> str:
    if cvar in TipoMovimiento.values:
        return str(TipoMovimiento(cvar).label)
    return _("Padrón a fecha") if not cvar.strip() else cvar


def _cause_label(record: registro.HabitanteRecord) -> str:
    if not record.cvar:
        return ""
    causa = record.causa
    return str(Causa(causa).label) if causa in Causa.values else record.cauv


def _join(*parts: object, sep: str = " ") -> str:
    return sep.join(str(part) for part in parts if part not in (None, ""))


def _address(record: registro.HabitanteRecord) -> str:
    street = _join(record.tvia, record.nviac or record.dpsvia)
    number = _join(record.numer, record.knumer, sep="")
    rest = _join(*(f"{label} {value}" for label, value in (
        (_("Bl."), record.bloq), (_("Portal"), record.port), (_("Esc."), record.esca),
        (_("Planta"), record.plan), (_("Pta."), record.puer)) if value), sep=", ")
    return _join(street, number, rest, sep=", ")


def _fila(record: registro.HabitanteRecord) -> Fila:
    # An alta, a modificación and a padrón a fecha carry the data in the variation block;
    # a baja only in the identifying block.
    new = bool(record.nomb_dv or record.ape1_dv)
    names = (record.ape1_dv, record.ape2_dv, record.nomb_dv) if new else \
        (record.ape1, record.ape2, record.nomb)
    birth = record.fnac_dv if new else record.fnac
    return Fila(
        line=record.line, variacion=_variation_label(record.cvar),
        causa=_cause_label(record), fecha_variacion=fecha_texto(record.fvar),
        nia=record.nia_dv or record.nia,
        nombre=_join(_join(names[0], names[1]), names[2], sep=", "),
        documento=(record.documento_dv if new else record.documento) or "",
        nacimiento=fecha_texto(birth, registro.precision_of(birth)),
        sexo=str(Sexo(record.sexo).label) if record.sexo in Sexo.values else "",
        domicilio=_address(record),
        seccion=f"{record.dist}-{record.secc}{record.lsecc}" if record.dist else "",
        hoja=record.nhoja)


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def vista_previa(handle: IO[bytes], *, filename: str,
                 limit: int = PREVIEW_RECORDS) -> VistaPrevia:
    """The summary and the first `limit` records of an INE file open for binary reading."""
    vista, counts = VistaPrevia(), Counter()
    for lineno, raw in enumerate(handle, start=1):
        line = raw.rstrip(b"\r\n").decode("iso-8859-1")
        vista.records += 1
        counts[line[_CVAR].strip()] += 1
        fvar = _date(line[_FVAR])
        if fvar is not None:
            vista.earliest = min(vista.earliest or fvar, fvar)
            vista.latest = max(vista.latest or fvar, fvar)
        if lineno > limit:
            continue
        vista.text.append(line)
        try:
            vista.rows.append(_fila(registro.read_record(line, lineno=lineno,
                                                         filename=filename)))
        except ValidationError as exc:
            vista.problems.extend(exc.messages)
    order = {code: index for index, code in enumerate(("A", "B", "M", ""))}
    vista.by_variation = [(_variation_label(cvar), n) for cvar, n in
                          sorted(counts.items(), key=lambda item: order.get(item[0], 9))]
    return vista
