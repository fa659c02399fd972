"""Incoming INE exchange: the files INE returns and the incidencias a clerk resolves.

Kinds of file (records as padron.ine.registro reads them: 554 positions, ISO-8859-1, CRLF,
CPRO/CMUN of this municipality, the whole file refused when one line is wrong):

* errores: our own records sent back with TIPOINF and CDEV filled. Each one matched to an
  inhabitant creates an ErrorINE (which blocks volantes and certificados until treated)
  and an incidencia; accepting it marks the error treated (actions.tratar_error_ine).
* altas_otros_municipios: people of our padrón who registered elsewhere. Destination in
  CPROP/CMUNP (CPROP 66: abroad, CMUNP the country), date in FVAR. Proposes a baja por
  cambio de residencia (al extranjero when CPROP is 66).
* defunciones (Registro Civil): the deceased in the identifying block, date in FVAR.
  Proposes a baja por defunción.
* nacimientos (Registro Civil): the child in the variation block (NOMB(DV)…, SEXO,
  FNAC(DV)); the identifying block, when filled, names the mother — a convention of ours,
  to check against the IDA-Padrón design. The child goes to the mother's hoja; when the
  mother is not found the incidencia stays pending and the clerk picks the hoja.
* preavisos_encsarp: ENCSARP renewal notices; FVAR is the due date. Accepting means
  "noted"; nothing is written to the padrón.

Nothing is changed silently: loading writes the RetornoINE, its incidencias and (for
errores) the ErrorINE rows, all in ONE transaction, so a worker killed mid-load leaves
nothing and the re-run starts again; the SHA-256 of the content is unique, so the same
file is never loaded twice. Records are matched to inhabitants by NIA, then by document,
then by name and birth date (Coincidencia).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padron import actions
from padron.choices import Causa, TipoDocumento
from padron.ine import registro
from padron.ine.intercambio import codigos_municipio
from padron.models import (
    AccionPropuesta,
    Coincidencia,
    ErrorINE,
    EstadoIncidencia,
    EstadoRetornoINE,
    Habitante,
    HojaPadronal,
    IncidenciaINE,
    Movimiento,
    RetornoINE,
    TipoRetornoINE,
)
from provincial import audit
from provincial.choices import FileDirection
from provincial.jobs import JobContext, JobError, registry

JOB_KIND = "padron.ine.cargar"
MAX_RESULT_LINES = 1000  # per-record outcomes kept in the job's result (all are incidencias)

ACTION_BY_KIND: dict[str, str] = {
    TipoRetornoINE.ERRORES: AccionPropuesta.ERROR,
    TipoRetornoINE.ALTAS_OTROS_MUNICIPIOS: AccionPropuesta.BAJA_CAMBIO_RESIDENCIA,
    TipoRetornoINE.DEFUNCIONES: AccionPropuesta.BAJA_DEFUNCION,
    TipoRetornoINE.NACIMIENTOS: AccionPropuesta.ALTA_NACIMIENTO,
    TipoRetornoINE.PREAVISOS_ENCSARP: AccionPropuesta.PREAVISO,
}

# Fields a record of each kind must carry (besides what registro.read_file checks).
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    TipoRetornoINE.ERRORES: ("cdev",),
    TipoRetornoINE.ALTAS_OTROS_MUNICIPIOS: ("fvar", "cprop", "cmunp"),
    TipoRetornoINE.DEFUNCIONES: ("fvar",),
    TipoRetornoINE.NACIMIENTOS: ("nomb_dv", "ape1_dv", "sexo", "fnac_dv"),
    TipoRetornoINE.PREAVISOS_ENCSARP: ("fvar",),
}


# --- records as JSON ------------------------------------------------------------------------


def record_to_json(record: registro.HabitanteRecord) -> dict[str, Any]:
    data = vars(record)  # flat: text, numbers and dates (no dataclasses.asdict deep copy)
    return {key: _date_json(value) if isinstance(value, datetime.date) else value
            for key, value in data.items()}


def _date_json(value: datetime.date) -> str:
    return value.json if isinstance(value, registro.FechaIncompleta) else value.isoformat()


def record_from_json(data: dict[str, Any]) -> registro.HabitanteRecord:
    values = dict(data)
    for spec in registro.LAYOUT:
        if spec.convert == "date" and values.get(spec.name):
            values[spec.name] = registro.parse_ine_date(values[spec.name].replace("-", ""))
    return registro.HabitanteRecord(**values)


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


# --- matching -------------------------------------------------------------------------------


@dataclasses.dataclass
class Persona:
    """Who a record names: the identifying block, or the variation block when blank."""

    nia: str
    tipo_documento: str
    documento: str
    full_name: str
    fecha_nacimiento: datetime.date | None


def persona_identificada(record: registro.HabitanteRecord) -> Persona:
    if record.nia or record.documento or record.ape1:
        names = (record.nomb, record.part1, record.ape1, record.part2, record.ape2)
        return Persona(record.nia, record.tiden, record.documento,
                       " ".join(p for p in names if p), record.fnac)
    names = (record.nomb_dv, record.part1_dv, record.ape1_dv, record.part2_dv, record.ape2_dv)
    return Persona(record.nia_dv, record.tiden_dv, record.documento_dv,
                   " ".join(p for p in names if p), record.fnac_dv)


def _single(found: list[Habitante]) -> tuple[Habitante | None, bool]:
    """(the one inhabitant, ambiguous?): registered ones first when several share it."""
    if len(found) > 1:
        found = [h for h in found if h.is_registered] or found
    if len(found) == 1:
        return found[0], False
    return None, len(found) > 1


def _has_document(persona: Persona) -> bool:
    return bool(persona.documento) and persona.tipo_documento not in (
        "", TipoDocumento.SIN_DOCUMENTO)


class Matcher:
    """Finds the inhabitants records name, for many records at once: `load(personas)` reads
    the candidates of a whole chunk in three queries (by NIA, by document, by name), then
    `match(persona)` decides in memory, by NIA, then document, then name and birth date."""

    def __init__(self) -> None:
        self.by_nia: dict[str, Habitante] = {}
        self.by_document: dict[tuple[str, str], list[Habitante]] = {}
        self.by_name: dict[tuple[str, datetime.date], list[Habitante]] = {}

    def load(self, personas: Iterable[Persona]) -> Matcher:
        personas = list(personas)
        nias = {p.nia for p in personas if p.nia}
        self.by_nia = Habitante.objects.in_bulk(nias, field_name="nia") if nias else {}
        self.by_document, self.by_name = {}, {}
        # Documents only of those the NIA did not find, names only of those neither did.
        personas = [p for p in personas if p.nia not in self.by_nia]
        documents = {p.documento for p in personas if _has_document(p)}
        if documents:
            for habitante in Habitante.objects.filter(documento__in=documents).order_by("pk"):
                self.by_document.setdefault(
                    (habitante.tipo_documento, habitante.documento), []).append(habitante)
        personas = [p for p in personas if not _has_document(p)
                    or (p.tipo_documento, p.documento) not in self.by_document]
        named = [p for p in personas if p.full_name and p.fecha_nacimiento]
        if named:
            for habitante in Habitante.objects.filter(
                    search_name__in={actions.normalize(p.full_name) for p in named},
                    fecha_nacimiento__in={_plain(p.fecha_nacimiento) for p in named}
            ).order_by("pk"):
                self.by_name.setdefault(
                    (habitante.search_name, habitante.fecha_nacimiento), []).append(habitante)
        return self

    def match(self, persona: Persona) -> tuple[Habitante | None, str]:
        if persona.nia and (habitante := self.by_nia.get(persona.nia)) is not None:
            return habitante, Coincidencia.NIA
        ambiguous = False
        if _has_document(persona):
            habitante, ambiguous = _single(
                self.by_document.get((persona.tipo_documento, persona.documento), []))
            if habitante is not None:
                return habitante, Coincidencia.DOCUMENTO
        if persona.full_name and persona.fecha_nacimiento:
            habitante, by_name_ambiguous = _single(self.by_name.get(
                (actions.normalize(persona.full_name), _plain(persona.fecha_nacimiento)), []))
            if habitante is not None:
                return habitante, Coincidencia.NOMBRE
            ambiguous = ambiguous or by_name_ambiguous
        return None, (Coincidencia.AMBIGUA if ambiguous else Coincidencia.NINGUNA)


def _plain(date: datetime.date) -> datetime.date:
    return datetime.date(date.year, date.month, date.day)


def match(persona: Persona) -> tuple[Habitante | None, str]:
    """The inhabitant a record names (one record; loading uses a Matcher per chunk)."""
    return Matcher().load([persona]).match(persona)


# --- what each kind proposes ----------------------------------------------------------------


@dataclasses.dataclass
class Propuesta:
    habitante: Habitante | None
    coincidencia: str
    note: str = ""
    error: Any = None


def _not_found(coincidencia: str) -> str:
    if coincidencia == Coincidencia.AMBIGUA:
        return _("Varias personas del padrón coinciden con el registro: identifíquela y "
                 "resuelva la incidencia a mano.")
    return _("No se encuentra a la persona en el padrón.")


def _proponer_error(record, retorno, habitante, coincidencia, matcher) -> Propuesta:
    if habitante is None:
        return Propuesta(None, coincidencia, _not_found(coincidencia))
    from padron import codelists

    meaning = codelists.return_cause(record.cdev)
    description = (f"{meaning}. " if meaning else "") + _(
        "Devuelto por el INE (tipo %(tipoinf)s, causa %(cdev)s): registro "
        "%(cvar)s%(cauv)s del %(fvar)s, fichero %(file)s, línea %(line)s") % {
        "tipoinf": record.tipoinf or "-", "cdev": record.cdev, "cvar": record.cvar or "-",
        "cauv": record.cauv, "fvar": _date(record.fvar), "file": retorno.filename,
        "line": record.line}
    # Saved with the chunk's incidencias (bulk), like actions.registrar_error_ine.
    error = ErrorINE(habitante=habitante, code=record.cdev[:4], description=description[:200])
    return Propuesta(habitante, coincidencia, error=error, note=_(
        "Corrija los datos en la ficha y acepte para dar el error por tratado; hasta "
        "entonces no se expiden volantes ni certificados."))


def _proponer_baja(record, retorno, habitante, coincidencia, matcher) -> Propuesta:
    if habitante is None:
        return Propuesta(None, coincidencia, _not_found(coincidencia))
    if not habitante.is_registered:
        return Propuesta(habitante, coincidencia, _("%(name)s ya está de baja desde el "
                                                    "%(date)s.")
                         % {"name": habitante.full_name, "date": _date(habitante.fecha_baja)})
    return Propuesta(habitante, coincidencia)


def _persona_nacida(record: registro.HabitanteRecord) -> Persona:
    child = _datos_nacimiento(record)
    return Persona("", child["tipo_documento"], child["documento"],
                   " ".join([child["nombre"], child["particula1"], child["apellido1"],
                             child["particula2"], child["apellido2"]]),
                   child["fecha_nacimiento"])


def _proponer_nacimiento(record, retorno, madre, coincidencia, matcher) -> Propuesta:
    existing, _child_match = matcher.match(_persona_nacida(record))
    if existing is not None and existing.is_registered:
        return Propuesta(madre, coincidencia, _(
            "Ya está empadronada una persona con esos datos: %(name)s (NIA %(nia)s).")
            % {"name": existing.full_name, "nia": existing.nia})
    if madre is None or not madre.is_registered or madre.hoja_id is None:
        return Propuesta(madre, coincidencia, _(
            "No consta la madre empadronada en el municipio: elija la hoja padronal al "
            "aceptar."))
    return Propuesta(madre, coincidencia)


def _proponer_preaviso(record, retorno, habitante, coincidencia, matcher) -> Propuesta:
    if habitante is None:
        return Propuesta(None, coincidencia, _not_found(coincidencia))
    return Propuesta(habitante, coincidencia, _(
        "El INE avisa de que la inscripción caduca el %(date)s si no se renueva.")
        % {"date": _date(record.fvar)})


PROPONER: dict[str, Callable[..., Propuesta]] = {
    AccionPropuesta.ERROR: _proponer_error,
    AccionPropuesta.BAJA_CAMBIO_RESIDENCIA: _proponer_baja,
    AccionPropuesta.BAJA_DEFUNCION: _proponer_baja,
    AccionPropuesta.ALTA_NACIMIENTO: _proponer_nacimiento,
    AccionPropuesta.PREAVISO: _proponer_preaviso,
}


def _datos_nacimiento(record: registro.HabitanteRecord) -> dict[str, Any]:
    """The child's data for actions.dar_de_alta, from the variation block."""
    abroad = record.cprona_dv == registro.ABROAD
    return {
        "nombre": record.nomb_dv.title(), "particula1": record.part1_dv.lower(),
        "apellido1": record.ape1_dv.title(), "particula2": record.part2_dv.lower(),
        "apellido2": record.ape2_dv.title(), "sexo": record.sexo,
        "fecha_nacimiento": record.fnac_dv or record.fvar,
        "fecha_nacimiento_precision": registro.precision_of(record.fnac_dv),
        "provincia_nacimiento": "" if abroad else record.cprona_dv,
        "municipio_nacimiento": "" if abroad else record.cmunna_dv,
        "pais_nacimiento": record.cmunna_dv if abroad else registro.SPAIN,
        "nacionalidad": record.cnac or registro.SPAIN,
        "tipo_documento": record.tiden_dv or TipoDocumento.SIN_DOCUMENTO,
        "documento": record.documento_dv,
    }


# --- loading --------------------------------------------------------------------------------


def _line_error(filename: str, line: int, reason: str) -> ValidationError:
    return ValidationError(_("%(file)s, línea %(line)s: %(reason)s."), code="bad_record",
                           params={"file": filename, "line": line, "reason": reason})


def _check_kind(kind: str, records: list[registro.HabitanteRecord], filename: str) -> None:
    """Refuse the whole file when a record lacks what its kind needs, naming each line."""
    label = TipoRetornoINE(kind).label
    errors = []
    for record in records:
        for name in REQUIRED_BY_KIND[kind]:
            if getattr(record, name) in (None, ""):
                spec = registro.FIELDS[name]
                errors.append(_line_error(filename, record.line, _(
                    "el campo %(field)s (posiciones %(start)s-%(end)s) es obligatorio en un "
                    "fichero de %(kind)s y está en blanco") % {
                    "field": spec.mnemonic, "start": spec.start, "end": spec.end,
                    "kind": str(label).lower()}))
        if len(errors) >= registro.MAX_ERRORS:
            break
    if errors:
        raise ValidationError(errors)


def already_loaded_error(retorno: RetornoINE) -> ValidationError:
    return ValidationError(
        _("Este fichero ya se cargó el %(date)s como %(name)s (SHA-256 %(sha)s); no se aplica "
          "otra vez."), code="already_loaded",
        params={"date": timezone.localtime(retorno.created_at).strftime("%d/%m/%Y %H:%M"),
                "name": retorno.filename, "sha": retorno.sha256})


def _lock() -> None:
    """One load at a time per schema (released at the end of the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                       [f"padron.ine.retornos:{connection.schema_name}"])


LOAD_CHUNK = 2000


def _crear_incidencias(retorno: RetornoINE, records: list[registro.HabitanteRecord],
                       action: str) -> None:
    """One incidencia per record (and the ErrorINE an error return proposes), matched and
    written a chunk at a time: a handful of queries per LOAD_CHUNK records."""
    proponer = PROPONER[action]
    for start in range(0, len(records), LOAD_CHUNK):
        chunk = records[start:start + LOAD_CHUNK]
        personas = [persona_identificada(record) for record in chunk]
        candidates = list(personas)
        if action == AccionPropuesta.ALTA_NACIMIENTO:
            candidates += [_persona_nacida(record) for record in chunk]
        matcher = Matcher().load(candidates)
        incidencias, errores = [], []
        for record, persona in zip(chunk, personas, strict=True):
            habitante, coincidencia = matcher.match(persona)
            propuesta = proponer(record, retorno, habitante, coincidencia, matcher)
            if propuesta.error is not None:
                errores.append(propuesta.error)
            incidencias.append(IncidenciaINE(
                retorno=retorno, line=record.line, datos=record_to_json(record),
                habitante=propuesta.habitante, coincidencia=propuesta.coincidencia,
                action=action, error=propuesta.error, note=propuesta.note))
        ErrorINE.objects.bulk_create(errores)
        IncidenciaINE.objects.bulk_create(incidencias)


def load_retorno(kind: str, data: bytes, filename: str, *, acting_user=None,
                 job_id: int | None = None) -> RetornoINE:
    """Load a returned file: validate every line first (ValidationError naming each wrong
    line: nothing is written), then create the RetornoINE and one incidencia per record in
    one transaction. With `job_id`, a second call for the same job returns the first load;
    the same content loaded again (any job) is refused with code "already_loaded"."""
    if kind not in ACTION_BY_KIND:
        raise ValidationError(_("Tipo de fichero devuelto desconocido: %(kind)s")
                              % {"kind": kind}, code="bad_kind")
    if job_id and (existing := RetornoINE.objects.filter(job_id=job_id).first()):
        return existing
    sha256 = hashlib.sha256(data).hexdigest()
    if existing := RetornoINE.objects.filter(sha256=sha256).first():
        raise already_loaded_error(existing)
    cpro, cmun = codigos_municipio()
    records = registro.read_file(data, filename=filename, expected_cpro=cpro,
                                 expected_cmun=cmun)
    _check_kind(kind, records, filename)
    action = ACTION_BY_KIND[kind]
    try:
        with transaction.atomic():
            _lock()
            if job_id and (existing := RetornoINE.objects.filter(job_id=job_id).first()):
                return existing
            if existing := RetornoINE.objects.filter(sha256=sha256).first():
                raise already_loaded_error(existing)
            retorno = RetornoINE.objects.create(
                kind=kind, filename=filename[:200], sha256=sha256, records=len(records),
                job_id=job_id, created_by_name=getattr(acting_user, "display_name", "") or "")
            _crear_incidencias(retorno, records, action)
            if not records:
                retorno.state = EstadoRetornoINE.RESUELTO
                retorno.save(update_fields=["state"])
            audit.record("padron.ine.retorno.cargar", user=acting_user, entity=_entity(),
                         obj=retorno, detail={"kind": kind, "records": len(records),
                                              "sha256": sha256, "job": job_id})
    except IntegrityError:
        # Loaded by someone else in the meantime (unique SHA-256 or job id).
        existing = RetornoINE.objects.filter(sha256=sha256).first()
        if existing is not None:
            raise already_loaded_error(existing) from None
        raise
    return retorno


def _entity():
    from tenants.models import Entity

    return Entity.objects.filter(schema_name=connection.schema_name).first()


# --- resolving ------------------------------------------------------------------------------


def _contexto(incidencia: IncidenciaINE, acting_user) -> actions.Contexto:
    return actions.Contexto(
        acting_user=acting_user,
        documentos=_("Fichero del INE %(name)s, línea %(line)s")
        % {"name": incidencia.retorno.filename, "line": incidencia.line},
        observaciones=incidencia.note)


def _needs_habitante(incidencia: IncidenciaINE) -> Habitante:
    if incidencia.habitante_id is None:
        raise ValidationError(_("La incidencia no está asociada a ninguna persona del padrón; "
                                "recházela y tramite la operación desde la ficha."),
                              code="no_habitante")
    return incidencia.habitante


def _last_movimiento(habitante: Habitante) -> Movimiento:
    return habitante.movimientos.order_by("-pk").first()


def _aplicar_error(incidencia, ctx, hoja) -> Movimiento | None:
    if incidencia.error_id is None:
        _needs_habitante(incidencia)
    if incidencia.error.processed_at is None:
        actions.tratar_error_ine(incidencia.error, acting_user=ctx.acting_user)
    return None


def _aplicar_baja_residencia(incidencia, ctx, hoja) -> Movimiento:
    habitante = _needs_habitante(incidencia)
    record = record_from_json(incidencia.datos)
    abroad = record.cprop == registro.ABROAD
    causa = Causa.BAJA_EXTRANJERO if abroad else Causa.BAJA_CAMBIO_RESIDENCIA
    destino = record.cmunp if abroad else f"{record.cprop}{record.cmunp}"
    habitante = actions.dar_de_baja(habitante, causa=causa, fecha=record.fvar, ctx=ctx,
                                    destino=destino, consulado=record.ccons if abroad else "")
    return _last_movimiento(habitante)


def _aplicar_defuncion(incidencia, ctx, hoja) -> Movimiento:
    habitante = _needs_habitante(incidencia)
    record = record_from_json(incidencia.datos)
    habitante = actions.dar_de_baja(habitante, causa=Causa.BAJA_DEFUNCION, fecha=record.fvar,
                                    ctx=ctx)
    return _last_movimiento(habitante)


def _aplicar_nacimiento(incidencia, ctx, hoja) -> Movimiento:
    madre = incidencia.habitante
    if hoja is None and madre is not None and madre.is_registered:
        hoja = madre.hoja
    if hoja is None:
        raise ValidationError(_("Elija la hoja padronal donde inscribir al recién nacido."),
                              code="needs_hoja")
    datos = _datos_nacimiento(record_from_json(incidencia.datos))
    child = actions.dar_de_alta(datos, causa=Causa.ALTA_NACIMIENTO,
                                fecha=datos["fecha_nacimiento"], domicilio=hoja.domicilio,
                                hoja=hoja, ctx=ctx)
    return _last_movimiento(child)


def _aplicar_preaviso(incidencia, ctx, hoja) -> None:
    return None  # noted: the renewal itself is actions.renovar, from the inhabitant's page


APLICAR: dict[str, Callable[..., Movimiento | None]] = {
    AccionPropuesta.ERROR: _aplicar_error,
    AccionPropuesta.BAJA_CAMBIO_RESIDENCIA: _aplicar_baja_residencia,
    AccionPropuesta.BAJA_DEFUNCION: _aplicar_defuncion,
    AccionPropuesta.ALTA_NACIMIENTO: _aplicar_nacimiento,
    AccionPropuesta.PREAVISO: _aplicar_preaviso,
}


def _locked_pending(incidencia: IncidenciaINE) -> IncidenciaINE:
    current = (IncidenciaINE.objects.select_for_update(of=("self",))
               .select_related("retorno", "habitante", "error").get(pk=incidencia.pk))
    if current.state != EstadoIncidencia.PENDIENTE:
        raise ValidationError(_("La incidencia de la línea %(line)s ya está %(state)s.")
                              % {"line": current.line,
                                 "state": current.get_state_display().lower()},
                              code="resolved")
    return current


def _close(incidencia: IncidenciaINE, state: str, acting_user, **fields) -> None:
    incidencia.state = state
    incidencia.resolved_by = getattr(acting_user, "username", "") or ""
    incidencia.resolved_at = timezone.now()
    for name, value in fields.items():
        setattr(incidencia, name, value)
    incidencia.save(update_fields=["state", "resolved_by", "resolved_at", *fields])
    retorno = incidencia.retorno
    if not retorno.incidencias.filter(state=EstadoIncidencia.PENDIENTE).exists():
        RetornoINE.objects.filter(pk=retorno.pk).update(state=EstadoRetornoINE.RESUELTO)
    audit.record(f"padron.ine.incidencia.{state}", user=acting_user, entity=_entity(),
                 obj=incidencia, subject=incidencia.habitante.documento
                 if incidencia.habitante_id else "",
                 detail={"retorno": retorno.pk, "line": incidencia.line,
                         "action": incidencia.action,
                         "movimiento": incidencia.movimiento_id})


def aceptar(incidencia: IncidenciaINE, acting_user, *, hoja: HojaPadronal | None = None
            ) -> IncidenciaINE:
    """Apply the proposed operation through padron.actions and link its Movimiento.
    `hoja`: where to inscribe a newborn whose mother was not found."""
    with transaction.atomic():
        incidencia = _locked_pending(incidencia)
        movimiento = APLICAR[incidencia.action](incidencia, _contexto(incidencia, acting_user),
                                                hoja)
        _close(incidencia, EstadoIncidencia.ACEPTADA, acting_user, movimiento=movimiento)
    return incidencia


def rechazar(incidencia: IncidenciaINE, acting_user, *, motivo: str = "") -> IncidenciaINE:
    """Dismiss the proposal; nothing changes in the padrón. An INE error is not dismissed:
    it is treated (accepted) once the data are right."""
    with transaction.atomic():
        incidencia = _locked_pending(incidencia)
        if incidencia.error_id is not None:
            raise ValidationError(_("Un error del INE no se rechaza: corrija los datos y "
                                    "acéptelo para darlo por tratado."), code="error_ine")
        note = "\n".join(p for p in (incidencia.note, motivo.strip()) if p)
        _close(incidencia, EstadoIncidencia.RECHAZADA, acting_user, note=note)
    return incidencia


def es_obvia(incidencia: IncidenciaINE) -> bool:
    """Safe to accept in bulk: matched by exact NIA, nothing noted against it, and the
    inhabitant in the state the operation expects. INE errors always need a look."""
    if (incidencia.state != EstadoIncidencia.PENDIENTE
            or incidencia.coincidencia != Coincidencia.NIA
            or incidencia.action == AccionPropuesta.ERROR or incidencia.habitante_id is None):
        return False
    habitante = incidencia.habitante
    if incidencia.action == AccionPropuesta.ALTA_NACIMIENTO:
        return habitante.is_registered and habitante.hoja_id is not None and not incidencia.note
    if incidencia.action == AccionPropuesta.PREAVISO:
        return True
    return habitante.is_registered and not incidencia.note


def aceptar_obvias(retorno: RetornoINE, acting_user) -> tuple[list[IncidenciaINE],
                                                              list[tuple[IncidenciaINE, str]]]:
    """Accept every obvious incidencia of `retorno`, each in its own transaction; returns
    (accepted, [(not accepted, reason)])."""
    accepted, failed = [], []
    pending = (retorno.incidencias.filter(state=EstadoIncidencia.PENDIENTE)
               .select_related("habitante").order_by("line"))
    for incidencia in pending:
        if not es_obvia(incidencia):
            continue
        try:
            accepted.append(aceptar(incidencia, acting_user))
        except ValidationError as exc:
            failed.append((incidencia, " ".join(exc.messages)))
    return accepted, failed


# --- the job --------------------------------------------------------------------------------


def summary(retorno: RetornoINE) -> dict[str, Any]:
    rows = list(retorno.incidencias.order_by("line").values(
        "line", "action", "coincidencia", "habitante__nia", "state", "note"))
    return {
        "retorno": retorno.pk, "kind": retorno.kind, "file": retorno.filename,
        "sha256": retorno.sha256, "records": retorno.records,
        "incidencias": dict(Counter(row["coincidencia"] for row in rows)),
        "lineas": [{"line": row["line"], "action": row["action"],
                    "coincidencia": row["coincidencia"], "nia": row["habitante__nia"] or "",
                    "state": row["state"], "note": row["note"]}
                   for row in rows[:MAX_RESULT_LINES]],
    }


@registry.register(JOB_KIND, label=gettext_lazy("Carga de un fichero devuelto por el INE"),
                   application="padron", queue="intercambios")
def cargar_job(context: JobContext) -> dict[str, Any]:
    """Load the job's input file as a returned file of payload["kind"] in the job's entity.
    A re-run of the same job (worker killed after the commit) returns the first load; a
    worker killed before the commit left nothing, and the re-run loads the file whole."""
    kind = context.payload.get("kind")
    if kind not in ACTION_BY_KIND:
        raise JobError(_("Tipo de fichero devuelto desconocido: %(kind)s") % {"kind": kind})
    existing = RetornoINE.objects.filter(job_id=context.job.pk).first()
    if existing is not None:
        context.log(_("El fichero %(name)s ya estaba cargado.") % {"name": existing.filename})
        return summary(existing)
    job_file = context.job.files.filter(direction=FileDirection.INPUT).order_by("pk").first()
    if job_file is None:
        raise JobError(_("El trabajo no tiene fichero de entrada."))
    with job_file.file.open("rb") as handle:
        data = handle.read()
    context.log(_("Cargando %(name)s (%(kind)s, %(size)s bytes, SHA-256 %(sha)s).")
                % {"name": job_file.name, "kind": TipoRetornoINE(kind).label,
                   "size": len(data), "sha": job_file.sha256})
    context.progress(10, _("Comprobando el fichero"))
    try:
        retorno = load_retorno(kind, data, job_file.name, acting_user=context.job.created_by,
                               job_id=context.job.pk)
    except ValidationError as exc:
        for message in exc.messages:
            context.log(message)
        raise JobError(" ".join(exc.messages[:5])) from None
    result = summary(retorno)
    for row in result["lineas"]:
        context.log(_("Línea %(line)s: %(action)s; coincidencia: %(match)s%(nia)s. %(note)s")
                    % {"line": row["line"], "action": AccionPropuesta(row["action"]).label,
                       "match": Coincidencia(row["coincidencia"]).label,
                       "nia": f" (NIA {row['nia']})" if row["nia"] else "",
                       "note": row["note"]})
    context.log(_("%(n)s incidencias pendientes de revisar.") % {"n": retorno.records})
    return result
