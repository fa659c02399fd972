"""Outgoing INE exchange: the monthly fichero de variaciones, the parte negativo and the
padrón a fecha, which operations went in which file, and the job that writes them.

Files (records as padron.ine.registro writes them: 554 positions, ISO-8859-1, CRLF):

* Variaciones (`generar_variaciones(period_end)`): one record per Movimiento with
  fecha <= period_end that is not in a live file (EnvioMovimiento), so an operation
  recorded late for an earlier month still goes, and nothing goes twice. Ordered by
  (fecha, id): regenerating gives the same bytes. A record by CVAR: A alta (new data only),
  B baja (identifying block), M modificación / cambio de domicilio (identifying block: the
  data INE had, registro.previous_datos; variation block: the new data and address).
  period_start is the day after the period_end of the entity's last live monthly file.
* Parte negativo: the same call when no operation is pending. The record design has no
  header or control record (docs/standards README §1.2; the Resolución of 17-2-2020 only
  says a "parte negativo" is sent when there are no movements), so the parte negativo is
  an EMPTY file (0 bytes) named after the municipality and period; IDA-Padrón's upload
  form states municipality and period. To check against the IDA-Padrón design before
  production; if INE wants a control record, only `_negativo` changes.
* Padrón a fecha (`generar_padron_a_fecha(fecha)`): one record per inhabitant registered on
  `fecha` (actions.padron_en_fecha), with the full-padrón conventions of registro: CVAR and
  CAUV blank, identifying block blank but CPRO/CMUN, FVAR = fecha, the data as recorded on
  that date and the address of that day. Ordered by NIA. Regenerating gives the same bytes
  unless operations were later recorded with an earlier date (history changed).

States: generado → enviado → aceptado, or rechazado (from generado or enviado), which
releases its operations for the next file. How a file travels is padron.ine.transporte.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padron.actions import datos_en_fecha, padron_en_fecha
from padron.choices import Causa
from padron.ine import registro
from padron.ine.transporte import ResultadoEnvio, get_transporte
from padron.models import (
    EnvioMovimiento,
    EstadoFicheroINE,
    FicheroINE,
    Movimiento,
    NombreAnterior,
    TipoFicheroINE,
    ViaNombre,
)
from provincial import audit
from provincial.choices import FileDirection
from provincial.jobs import JobContext, JobError, registry

JOB_KIND = "padron.ine.generar"
PROGRESS_EVERY = 1000
ProgressCallback = Callable[[int, int], None]  # (done, total)

ADDRESS_RELATED = ("domicilio__tramo__seccion__distrito",
                   "domicilio__tramo__nucleo__singular__colectiva", "domicilio__via",
                   "domicilio__pseudovia")


# --- entity ------------------------------------------------------------------------------


def _entity():
    from tenants.models import Entity

    return Entity.objects.filter(schema_name=connection.schema_name).first()


def codigos_municipio() -> tuple[str, str]:
    """CPRO and CMUN of the current schema's entity (Entity.ine_code, public schema)."""
    entity = _entity()
    code = entity.ine_code if entity else ""
    if len(code) < 5 or not code[:5].isdigit():
        raise ValidationError(_("La entidad no tiene código INE de municipio; no se pueden "
                                "generar ficheros para el INE."), code="no_ine_code")
    return code[:2], code[2:5]


# --- building the content -----------------------------------------------------------------


def _pendientes(period_end: datetime.date):
    """Operations up to period_end not carried by a live file, in file order."""
    return (Movimiento.objects.filter(fecha__lte=period_end)
            .exclude(envios_ine__is_released=False)
            .select_related("habitante", "hoja", *ADDRESS_RELATED)
            .order_by("fecha", "pk"))


class _Salida:
    """A file being written record by record: on disk past SPOOL_BYTES, hashed as it goes,
    so the full padrón of a large entity never sits in memory as records or bytes."""

    SPOOL_BYTES = 4 * 1024 * 1024

    def __init__(self) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=self.SPOOL_BYTES)  # noqa: SIM115 - closed on exit
        self._hash = hashlib.sha256()
        self.records = 0
        self.size = 0

    def add(self, record: registro.HabitanteRecord) -> None:
        self.records += 1
        line = (registro.write_record(record, index=self.records) + "\r\n").encode("iso-8859-1")
        self.file.write(line)
        self._hash.update(line)
        self.size += len(line)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def content(self) -> bytes:
        self.file.seek(0)
        return self.file.read()

    def django_file(self) -> File:
        self.file.seek(0)
        return File(self.file)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> _Salida:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _write(items: Iterable, build: Callable[[Any], registro.HabitanteRecord], total: int,
           on_progress: ProgressCallback | None) -> _Salida:
    """The records `build` makes of `items`, written as they come (registro.write_record),
    reporting progress every PROGRESS_EVERY records and refusing the whole file listing
    every record that cannot be written (up to registro.MAX_ERRORS)."""
    salida, errors = _Salida(), []
    try:
        for done, item in enumerate(items, start=1):
            try:
                record = build(item)
                if not errors:
                    salida.add(record)
            except ValidationError as exc:
                errors.extend(exc.messages)
                if len(errors) >= registro.MAX_ERRORS:
                    break
            if on_progress and done % PROGRESS_EVERY == 0:
                on_progress(done, total)
        if errors:
            raise ValidationError(errors)
    except BaseException:
        salida.close()
        raise
    if on_progress:
        on_progress(salida.records, total)
    return salida


def _record_variacion(cpro: str, cmun: str):
    def build(movimiento: Movimiento) -> registro.HabitanteRecord:
        return registro.record_from_habitante(movimiento.habitante, movimiento, cpro=cpro, check=False,
                                              cmun=cmun)

    return build


@dataclass
class _Inscripcion:
    """A stand-in Movimiento for one inhabitant's record of the padrón a fecha."""

    causa: str
    fecha: datetime.date
    datos: dict
    domicilio: Any
    hoja: Any
    tipo: str = "A"
    procedencia_destino: str = ""


def _periodos(fecha: datetime.date):
    return (padron_en_fecha(fecha)
            .select_related(*ADDRESS_RELATED)
            .order_by("habitante__nia", "pk"))


def _grouped(queryset, key: str) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for row in queryset:
        groups[getattr(row, key)].append(row)
    return groups


def _cache(instances, name: str, groups: dict[int, list]) -> None:
    """What `prefetch_related` leaves, without its per-instance queryset: the consumers
    (datos_en_fecha, Via.name_on, naming_on) read `_prefetched_objects_cache[name]`."""
    for instance in instances:
        if instance is not None:
            cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[name] = groups.get(instance.pk, [])


def _load_chunk(periodos: list) -> None:
    """For a chunk of periods, in four queries: each person's operations (their data on
    the date) and the names in force on it of streets, pseudovías, núcleos and entidades."""
    habitantes = [p.habitante for p in periodos]
    _cache(habitantes, "movimientos", _grouped(
        Movimiento.objects.filter(habitante_id__in={h.pk for h in habitantes})
        .only("id", "habitante_id", "fecha", "created_at", "datos"), "habitante_id"))
    domicilios = [p.domicilio for p in periodos]
    vias = [d.via for d in domicilios]
    _cache(vias, "names", _grouped(
        ViaNombre.objects.filter(via_id__in={v.pk for v in vias if v is not None})
        .select_related("tipo"), "via_id"))
    nucleos = [d.tramo.nucleo if d.tramo_id else None for d in domicilios]
    singulares = [n.singular if n is not None else None for n in nucleos]
    owners = {"pseudovia": [d.pseudovia for d in domicilios], "nucleo": nucleos,
              "singular": singulares,
              "colectiva": [s.colectiva if s is not None else None for s in singulares]}
    ids = {field: {o.pk for o in objs if o is not None} for field, objs in owners.items()}
    former = NombreAnterior.objects.filter(
        Q(pseudovia_id__in=ids["pseudovia"]) | Q(nucleo_id__in=ids["nucleo"])
        | Q(singular_id__in=ids["singular"]) | Q(colectiva_id__in=ids["colectiva"]))
    by_owner: dict[str, dict[int, list]] = {field: defaultdict(list) for field in owners}
    for name in former:
        for field in owners:
            if (owner_id := getattr(name, f"{field}_id")) is not None:
                by_owner[field][owner_id].append(name)
    for field, objs in owners.items():
        _cache(objs, "former_names", by_owner[field])


def _con_datos(periodos, chunk: int = PROGRESS_EVERY):
    """`periodos` streamed from the database a chunk at a time, each chunk with what its
    records need loaded in a few queries (_load_chunk): no query per record, and none of
    prefetch_related's per-object querysets."""
    batch: list = []
    for periodo in periodos.iterator(chunk_size=chunk):
        batch.append(periodo)
        if len(batch) == chunk:
            _load_chunk(batch)
            yield from batch
            batch = []
    if batch:
        _load_chunk(batch)
        yield from batch


def _record_padron(fecha: datetime.date, cpro: str, cmun: str):
    def build(periodo) -> registro.HabitanteRecord:
        # Written as an alta (every variation field filled), then CVAR/CAUV blanked: the
        # cause given here only satisfies the writer's checks.
        stand_in = _Inscripcion(causa=Causa.ALTA_OMISION, fecha=fecha,
                                datos=datos_en_fecha(periodo.habitante, fecha),
                                domicilio=periodo.domicilio, hoja=periodo.hoja)
        record = registro.record_from_habitante(periodo.habitante, stand_in, cpro=cpro, check=False,
                                                cmun=cmun)
        return dataclasses.replace(record, cvar="", cauv="", cprop="", cmunp="")

    return build


def _negativo() -> _Salida:
    """The parte negativo: no records (see the module docstring)."""
    return _Salida()


# --- generating -----------------------------------------------------------------------------


def _lock() -> None:
    """One generation at a time per schema (released at the end of the transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                       [f"padron.ine:{connection.schema_name}"])


def _file_name(kind: str, cpro: str, cmun: str, date: datetime.date, pk: int) -> str:
    return f"INE-{cpro}{cmun}-{kind}-{date:%Y%m%d}-{pk:06d}.txt"


def _store(*, kind: str, salida: _Salida, date: datetime.date, acting_user,
           job_id: int | None, cpro: str, cmun: str, **dates) -> FicheroINE:
    fichero = FicheroINE.objects.create(
        kind=kind, sha256=salida.sha256, size=salida.size, records=salida.records,
        job_id=job_id, name="-", created_by_name=getattr(acting_user, "display_name", "") or "",
        **dates)
    fichero.name = _file_name(kind, cpro, cmun, date, fichero.pk)
    fichero.file.save(fichero.name, salida.django_file(), save=False)
    fichero.save(update_fields=["name", "file"])
    audit.record("padron.ine.fichero.generar", user=acting_user, entity=_entity(), obj=fichero,
                 detail={"kind": kind, "records": salida.records, "sha256": fichero.sha256,
                         "job": job_id, **{k: v.isoformat() for k, v in dates.items() if v}})
    return fichero


def _existing(job_id: int | None) -> FicheroINE | None:
    return FicheroINE.objects.filter(job_id=job_id).first() if job_id else None


def _period_start(period_end: datetime.date) -> datetime.date | None:
    last = (FicheroINE.objects.exclude(state=EstadoFicheroINE.RECHAZADO)
            .filter(kind__in=[TipoFicheroINE.VARIACIONES, TipoFicheroINE.NEGATIVO])
            .order_by("-period_end").values_list("period_end", flat=True).first())
    if last is None:
        return None
    return min(last + datetime.timedelta(days=1), period_end)


def generar_variaciones(period_end: datetime.date, *, acting_user=None,
                        job_id: int | None = None,
                        on_progress: ProgressCallback | None = None) -> FicheroINE:
    """The fichero de variaciones up to `period_end` (a parte negativo when nothing is
    pending), with the link of each operation to it. With `job_id`, a second call for the
    same job returns the file of the first."""
    if existing := _existing(job_id):
        return existing
    cpro, cmun = codigos_municipio()
    movimientos = list(_pendientes(period_end))
    salida = (_write(movimientos, _record_variacion(cpro, cmun), len(movimientos), on_progress)
              if movimientos else _negativo())
    kind = TipoFicheroINE.VARIACIONES if movimientos else TipoFicheroINE.NEGATIVO
    try:
        with salida, transaction.atomic():
            _lock()
            if existing := _existing(job_id):
                return existing
            fichero = _store(kind=kind, salida=salida, date=period_end,
                             acting_user=acting_user, job_id=job_id, cpro=cpro, cmun=cmun,
                             period_start=_period_start(period_end), period_end=period_end)
            EnvioMovimiento.objects.bulk_create([
                EnvioMovimiento(fichero=fichero, movimiento=movimiento, position=position)
                for position, movimiento in enumerate(movimientos, start=1)])
    except IntegrityError:
        # Another generation carried some of these operations in the meantime.
        raise ValidationError(_("Otra generación del fichero del INE ha terminado mientras se "
                                "preparaba esta; vuelva a generarlo."),
                              code="concurrent") from None
    return fichero


def generar_padron_a_fecha(fecha: datetime.date, *, acting_user=None, job_id: int | None = None,
                           on_progress: ProgressCallback | None = None) -> FicheroINE:
    """The full padrón on `fecha`: one record per inhabitant registered that day, streamed
    to a temporary file (constant memory whatever the size of the padrón)."""
    if existing := _existing(job_id):
        return existing
    cpro, cmun = codigos_municipio()
    periodos = _periodos(fecha)
    total = periodos.count()
    salida = _write(_con_datos(periodos), _record_padron(fecha, cpro, cmun), total,
                    on_progress)
    with salida, transaction.atomic():
        _lock()
        if existing := _existing(job_id):
            return existing
        return _store(kind=TipoFicheroINE.PADRON_A_FECHA, salida=salida, date=fecha,
                      acting_user=acting_user, job_id=job_id, cpro=cpro, cmun=cmun,
                      fecha=fecha)


def _regenerada(fichero: FicheroINE) -> _Salida:
    cpro, cmun = codigos_municipio()
    if fichero.kind == TipoFicheroINE.NEGATIVO:
        return _negativo()
    if fichero.kind == TipoFicheroINE.PADRON_A_FECHA:
        return _write(_con_datos(_periodos(fichero.fecha)),
                      _record_padron(fichero.fecha, cpro, cmun), 0, None)
    ids = list(fichero.envios.order_by("position").values_list("movimiento_id", flat=True))
    by_id = Movimiento.objects.select_related("habitante", "hoja", *ADDRESS_RELATED) \
        .in_bulk(ids)
    return _write([by_id[pk] for pk in ids], _record_variacion(cpro, cmun), len(ids), None)


def regenerar(fichero: FicheroINE) -> bytes:
    """The content of `fichero` written again from the database (same bytes as the stored
    file when nothing changed; see the module docstring for the padrón a fecha)."""
    with _regenerada(fichero) as salida:
        return salida.content()


def is_intact(fichero: FicheroINE) -> bool:
    """The regenerated content has the stored hash (computed streaming, never in memory)."""
    with _regenerada(fichero) as salida:
        return salida.sha256 == fichero.sha256


# --- states ---------------------------------------------------------------------------------


def _transition(fichero: FicheroINE, *, allowed: tuple[str, ...], state: str, acting_user,
                **fields) -> FicheroINE:
    """Conditional UPDATE: only one of two concurrent clicks wins."""
    changed = FicheroINE.objects.filter(pk=fichero.pk, state__in=allowed).update(
        state=state, **fields)
    if not changed:
        fichero.refresh_from_db(fields=["state"])
        raise ValidationError(
            _("El fichero %(name)s está «%(state)s» y no puede pasar a «%(new)s».")
            % {"name": fichero.name, "state": fichero.get_state_display(),
               "new": EstadoFicheroINE(state).label}, code="bad_state")
    fichero.refresh_from_db()
    audit.record(f"padron.ine.fichero.{state}", user=acting_user, entity=_entity(), obj=fichero,
                 detail={"sha256": fichero.sha256, **{k: str(v) for k, v in fields.items()}})
    return fichero


def marcar_enviado(fichero: FicheroINE, *, acting_user=None, reference: str = "") -> FicheroINE:
    """The file reached INE (uploaded to IDA-Padrón, or delivered by a transport)."""
    with transaction.atomic():
        return _transition(fichero, allowed=(EstadoFicheroINE.GENERADO,),
                           state=EstadoFicheroINE.ENVIADO, acting_user=acting_user,
                           sent_at=timezone.now(), transport_reference=reference[:100])


def marcar_aceptado(fichero: FicheroINE, *, acting_user=None) -> FicheroINE:
    """INE accepted the file."""
    with transaction.atomic():
        return _transition(fichero, allowed=(EstadoFicheroINE.ENVIADO,),
                           state=EstadoFicheroINE.ACEPTADO, acting_user=acting_user,
                           accepted_at=timezone.now())


def marcar_rechazado(fichero: FicheroINE, *, acting_user=None, motivo: str = "") -> FicheroINE:
    """INE refused the file (or it was never sent): its operations go in the next file."""
    with transaction.atomic():
        fichero = _transition(
            fichero, allowed=(EstadoFicheroINE.GENERADO, EstadoFicheroINE.ENVIADO),
            state=EstadoFicheroINE.RECHAZADO, acting_user=acting_user,
            rejected_at=timezone.now(), rejection_reason=motivo)
        EnvioMovimiento.objects.filter(fichero=fichero).update(is_released=True)
    return fichero


def enviar(fichero: FicheroINE) -> ResultadoEnvio:
    """Hand the file to the configured transport; mark it sent if the transport says so."""
    transporte = get_transporte()
    result = transporte.send(fichero)
    FicheroINE.objects.filter(pk=fichero.pk).update(transport=transporte.name)
    if result.sent:
        marcar_enviado(fichero, reference=result.reference)
    return result


# --- the job --------------------------------------------------------------------------------

GENERATORS: dict[str, tuple[str, Callable[..., FicheroINE]]] = {
    # payload "kind" -> (payload key of the date, generator)
    "variaciones": ("period_end", generar_variaciones),
    TipoFicheroINE.PADRON_A_FECHA.value: ("fecha", generar_padron_a_fecha),
}


def summary(fichero: FicheroINE) -> dict[str, Any]:
    """The job's result; `url` is the page where the clerk checks the file before sending it
    (the job page links it)."""
    return {"fichero": fichero.pk, "kind": fichero.kind, "state": fichero.state,
            "records": fichero.records, "file": fichero.name, "sha256": fichero.sha256,
            "period_end": fichero.period_end.isoformat() if fichero.period_end else None,
            "fecha": fichero.fecha.isoformat() if fichero.fecha else None,
            "url": reverse("gestion:padron:ine_detalle", args=[fichero.pk],
                           urlconf=settings.ROOT_URLCONF)}


@registry.register(JOB_KIND, label=gettext_lazy("Fichero para el INE"), application="padron",
                   queue="intercambios")
def generar_job(context: JobContext) -> dict[str, Any]:
    """Generate an INE file in the job's entity, attach it to the job and hand it to the
    transport. Payload: {"kind": "variaciones", "period_end": "AAAA-MM-DD"} or
    {"kind": "padron_a_fecha", "fecha": "AAAA-MM-DD"}. A re-run of the same job returns the
    file it already generated."""
    kind = context.payload.get("kind")
    if kind not in GENERATORS:
        raise JobError(_("Tipo de fichero del INE desconocido: %(kind)s") % {"kind": kind})
    key, generator = GENERATORS[kind]
    try:
        date = datetime.date.fromisoformat(context.payload.get(key) or "")
    except ValueError:
        raise JobError(_("Fecha no válida en el trabajo: %(value)s")
                       % {"value": context.payload.get(key)}) from None
    existing = FicheroINE.objects.filter(job_id=context.job.pk).first()
    if existing is not None:
        _attach(context, existing)
        context.log(_("El fichero %(name)s ya estaba generado.") % {"name": existing.name})
        return summary(existing)
    context.log(_("Generando %(kind)s a %(date)s.") % {"kind": kind,
                                                       "date": date.strftime("%d/%m/%Y")})

    def progress(done: int, total: int) -> None:
        context.progress(min(95, done * 95 // max(total, 1)),
                         _("%(done)s de %(total)s registros") % {"done": done, "total": total})

    try:
        # Not in one transaction with the attachment, so progress is visible while it runs;
        # a re-run after a crash finds the file by its job id and attaches it then.
        fichero = generator(date, acting_user=context.job.created_by, job_id=context.job.pk,
                            on_progress=progress)
    except ValidationError as exc:
        for message in exc.messages:
            context.log(message)
        raise JobError(" ".join(exc.messages[:5])) from None
    _attach(context, fichero)
    context.log(_("Fichero %(name)s: %(kind)s, %(n)s registros, SHA-256 %(sha)s.")
                % {"name": fichero.name, "kind": fichero.get_kind_display(),
                   "n": fichero.records, "sha": fichero.sha256})
    result = enviar(fichero)
    context.log(result.message)
    fichero.refresh_from_db()
    return summary(fichero)


def _attach(context: JobContext, fichero: FicheroINE) -> None:
    if context.job.files.filter(direction=FileDirection.OUTPUT, sha256=fichero.sha256).exists():
        return
    with fichero.file.open("rb") as handle:
        context.add_file(fichero.name, handle)
