"""The expediente's actions: opening (de oficio, from a registro asiento, from a sede
submission), interesados, phase, tasks, the legal time-limit clock and the changes of state.

Every function validates first, works in one transaction on the locked expediente row,
asks `flujo.exigir` whether the expediente's state allows it, writes a `Historial` row and
the audit record, and raises `ExpedienteError` with a Spanish message for refused input
(nothing is changed then). Views, the API, the sede and the demo all call these.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from expedientes import flujo, plazos
from expedientes.choices import (
    EstadoDocumento,
    EstadoElaboracion,
    EstadoExpediente,
    EstadoTarea,
    Origen,
    OrigenEni,
    RolInteresado,
    TipoDocumental,
    TipoEventoPlazo,
)
from expedientes.flujo import ExpedienteError
from expedientes.models import (
    ContadorExpediente,
    Documento,
    EventoPlazo,
    Expediente,
    Historial,
    InteresadoExpediente,
    Procedimiento,
    Tarea,
)
from provincial import audit
from provincial.documents import services as documents
from registro import services as registro
from registro.choices import EstadoAsiento, Libro, TipoPersona, Validez
from registro.choices import TipoDocumental as TipoAnexo

if TYPE_CHECKING:
    from registro.models import Anexo, Asiento
    from tenants.models import Entity, User

__all__ = ["ExpedienteError"]

logger = logging.getLogger(__name__)

MAX_MOTIVO = 2_000
MAX_ASUNTO = 500


@dataclass
class InteresadoData:
    """A person or body to add to an expediente. `tipo_documento` is a SICRES code (N, E,
    C, P, X) or a name (dni, nif, nie, cif, pasaporte, otro), as in the registro; a CIF's
    `nombre` is the razón social."""

    tipo_documento: str
    documento: str
    nombre: str
    apellido1: str = ""
    apellido2: str = ""
    rol: str = RolInteresado.INTERESADO
    email: str = ""
    telefono: str = ""
    direccion: str = ""


# --- helpers ------------------------------------------------------------------------------


def texto_valido(value: str, label: str, *, max_length: int, required: bool, field: str) -> str:
    """`value` stripped, or ExpedienteError naming the field (required, too long, NUL)."""
    value = (value or "").strip()
    if required and not value:
        raise ExpedienteError(_("El campo «%(field)s» es obligatorio.") % {"field": label},
                              field=field)
    if len(value) > max_length:
        raise ExpedienteError(
            _("El campo «%(field)s» tiene %(length)s caracteres; el máximo es %(max)s.")
            % {"field": label, "length": len(value), "max": max_length}, field=field)
    if "\x00" in value:
        raise ExpedienteError(_("El campo «%(field)s» contiene caracteres no válidos.")
                              % {"field": label}, field=field)
    return value


def _motivo(motivo: str, label: str | None = None) -> str:
    return texto_valido(motivo, label or _("Motivo"), max_length=MAX_MOTIVO, required=True,
                        field="motivo")


def _user_fields(user: User | None) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, (user.get_full_name() or user.username)[:150]


def _entity() -> Entity:
    return documents.current_entity()


def miembros(entity: Entity | None = None):
    """Active members of the entity holding the expedientes application (whom an
    expediente or a task may be given to), by name."""
    from tenants.models import Membership

    entity = entity or _entity()
    return (Membership.objects.filter(entity=entity, is_active=True,
                                      applications__contains=["expedientes"])
            .select_related("user").order_by("user__first_name", "user__last_name",
                                             "user__username"))


def _exigir_miembro(user: User | None, label: str, field: str) -> tuple[int | None, str]:
    if user is None:
        return None, ""
    if user.pk is None or not miembros().filter(user_id=user.pk).exists():
        raise ExpedienteError(_("%(who)s debe ser una persona de la entidad con la "
                                "aplicación de expedientes.") % {"who": label}, field=field)
    return _user_fields(user)


def bloquear(expediente: Expediente) -> Expediente:
    """The expediente's row again, locked FOR UPDATE until the transaction ends (every
    action checks the state matrix on the locked row)."""
    return (Expediente.objects.select_for_update(of=("self",)).select_related("procedimiento")
            .get(pk=expediente.pk))


def anotar(expediente: Expediente, accion: str, descripcion: str, *, user: User | None,
           documento: Documento | None = None) -> Historial:
    """Append a line to the expediente's history (inside the caller's transaction)."""
    user_id, user_name = _user_fields(user)
    return Historial.objects.create(expediente=expediente, documento=documento, accion=accion,
                                    descripcion=descripcion[:5_000], user_id=user_id,
                                    user_name=user_name)


def siguiente_numero(year: int) -> int:
    """The next expediente number of `year`; the counter row stays locked until commit.

    As the registro's counter (registro.services.siguiente_numero): one UPDATE … RETURNING
    locks and increments the row, concurrent openings queue on it, and a rolled-back
    opening gives its number back, so numbers have no gaps. The row of a new year is made
    on first use (ON CONFLICT DO NOTHING).
    """
    sql = (f"UPDATE {connection.ops.quote_name(ContadorExpediente._meta.db_table)} "
           "SET ultimo = ultimo + 1 WHERE year = %s RETURNING ultimo")
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
        if row is None:
            ContadorExpediente.objects.bulk_create([ContadorExpediente(year=year)],
                                                   ignore_conflicts=True)
            cursor.execute(sql, [year])
            row = cursor.fetchone()
    return row[0]


def _reservar_id() -> int:
    """An id for an expediente not yet inserted, so its documents' files can be written
    before the counter is locked."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                       [Expediente._meta.db_table])
        return cursor.fetchone()[0]


def validar_interesado(data: InteresadoData) -> InteresadoExpediente:
    """The row `data` makes (not saved), or ExpedienteError: the document is checked with
    python-stdnum as the registro checks it (registro.services.validar_documento)."""
    try:
        code, numero = registro.validar_documento(data.tipo_documento, data.documento)
    except registro.RegistroError as exc:
        raise ExpedienteError(exc.message, field=exc.field) from exc
    rol = data.rol or RolInteresado.INTERESADO
    if rol not in RolInteresado.values:
        raise ExpedienteError(_("Rol desconocido: «%(rol)s».") % {"rol": rol}, field="rol")
    fila = InteresadoExpediente(rol=rol, tipo_documento=code, documento=numero)
    juridica = code == "C"
    fila.nombre = texto_valido(data.nombre, _("Razón social") if juridica else _("Nombre"),
                               max_length=200, required=True, field="nombre")
    if not juridica:
        # A DNI or NIE holder has at least one surname; a passport may not say which.
        fila.apellido1 = texto_valido(data.apellido1, _("Primer apellido"), max_length=100,
                                      required=code in ("N", "E"), field="apellido1")
        fila.apellido2 = texto_valido(data.apellido2, _("Segundo apellido"), max_length=100,
                                      required=False, field="apellido2")
    fila.email = texto_valido(data.email, _("Correo electrónico"), max_length=254, required=False,
                              field="email")
    if fila.email:
        try:
            validate_email(fila.email)
        except ValidationError as exc:
            raise ExpedienteError(_("El correo electrónico «%(email)s» no es válido.")
                                  % {"email": fila.email}, field="email") from exc
    fila.telefono = texto_valido(data.telefono, _("Teléfono"), max_length=20, required=False,
                                 field="telefono")
    fila.direccion = texto_valido(data.direccion, _("Dirección"), max_length=300, required=False,
                                  field="direccion")
    return fila


def _sin_repetir(filas: list[InteresadoExpediente]) -> list[InteresadoExpediente]:
    seen: set[tuple[str, str]] = set()
    for fila in filas:
        key = (fila.documento, fila.rol)
        if key in seen:
            raise ExpedienteError(_("%(doc)s figura dos veces como «%(rol)s».")
                                  % {"doc": fila.documento,
                                     "rol": RolInteresado(fila.rol).label}, field="documento")
        seen.add(key)
    return filas


# --- opening ------------------------------------------------------------------------------


@dataclass
class _Copia:
    """A file of an asiento copied for a Documento, written before the transaction."""

    documento: Documento
    stored: str


def _tipo_documental(anexo: Anexo) -> str:
    return TipoDocumental.SOLICITUD if anexo.tipo_documental == TipoAnexo.FORMULARIO \
        else TipoDocumental.OTROS


def copiar_anexos(expediente_id: int, asiento: Asiento, *, orden: int,
                   visible: bool = False) -> list[_Copia]:
    """Each anexo of the asiento as an incorporated Documento (origen ciudadano), its bytes
    copied and checked against the hash the registro recorded; files written now (the
    caller removes them if its transaction fails)."""
    copias: list[_Copia] = []
    now = timezone.now()
    try:
        for index, anexo in enumerate(asiento.anexos.order_by("orden", "pk")):
            with anexo.fichero.open("rb") as handle:
                content = handle.read()
            digest = hashlib.sha256(content).hexdigest()
            if digest != anexo.sha256:
                raise ExpedienteError(
                    _("El anexo «%(name)s» del asiento %(numero)s no coincide con su huella "
                      "registrada: no se incorpora.") % {"name": anexo.nombre,
                                                        "numero": asiento.numero_registro})
            documento = Documento(
                expediente_id=expediente_id, titulo=anexo.nombre[:250],
                tipo_documental=_tipo_documental(anexo), estado=EstadoDocumento.INCORPORADO,
                nombre_fichero=anexo.nombre, mime_type=anexo.mime, size=len(content),
                sha256=digest, sha256_original=digest, origen=OrigenEni.CIUDADANO,
                estado_elaboracion=EstadoElaboracion.ORIGINAL
                if anexo.validez in (Validez.ORIGINAL, Validez.COPIA_ORIGINAL)
                else EstadoElaboracion.OTROS,
                fecha_captura=asiento.fecha_presentacion, asiento_id=asiento.pk,
                is_visible_ciudadano=visible, orden=orden + index, frozen_at=now)
            documento.contenido.save(anexo.nombre, ContentFile(content), save=False)
            copias.append(_Copia(documento, documento.contenido.name))
    except BaseException:
        remove_files([c.stored for c in copias])
        raise
    return copias


def remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, nothing else to do
            logger.exception("expedientes: could not remove %s", name)


def _interesados_del_asiento(asiento: Asiento) -> list[InteresadoExpediente]:
    filas: list[InteresadoExpediente] = []
    seen: set[tuple[str, str]] = set()
    principal = True
    for i in asiento.interesados.order_by("orden", "pk"):
        if i.es_representante:
            rol = RolInteresado.REPRESENTANTE
        else:
            rol = RolInteresado.SOLICITANTE if principal else RolInteresado.INTERESADO
            principal = False
        if (i.documento, rol) in seen:
            continue
        seen.add((i.documento, rol))
        juridica = i.tipo == TipoPersona.JURIDICA
        filas.append(InteresadoExpediente(
            rol=rol, tipo_documento=i.tipo_documento, documento=i.documento,
            nombre=(i.razon_social if juridica else i.nombre)[:200],
            apellido1="" if juridica else i.apellido1, apellido2="" if juridica else i.apellido2,
            email=i.email, telefono=i.telefono, direccion=i.direccion))
    return filas


def _validar_apertura(procedimiento: Procedimiento, asunto: str,
                      fecha_inicio: datetime.date | None) -> tuple[str, datetime.date]:
    if procedimiento is None or not Procedimiento.objects.filter(
            pk=procedimiento.pk, is_active=True).exists():
        raise ExpedienteError(_("Elija un procedimiento activo del catálogo."),
                              field="procedimiento")
    asunto = texto_valido(asunto, _("Asunto"), max_length=MAX_ASUNTO, required=True, field="asunto")
    hoy = timezone.localdate()
    fecha_inicio = fecha_inicio or hoy
    if fecha_inicio > hoy:
        raise ExpedienteError(_("La fecha de inicio no puede ser futura."),
                              field="fecha_inicio")
    return asunto, fecha_inicio


def _insertar(expediente: Expediente, interesados: list[InteresadoExpediente],
              copias: list[_Copia]) -> Expediente:
    """Number and insert (inside the caller's transaction; the counter stays locked until
    commit, so nothing slow may follow)."""
    procedimiento = expediente.procedimiento
    computo = plazos.computar(expediente.fecha_inicio, procedimiento.plazo_cantidad,
                              procedimiento.plazo_unidad)
    expediente.fecha_vencimiento = computo.vencimiento
    expediente.year = timezone.localdate().year
    expediente.numero = siguiente_numero(expediente.year)
    expediente.save(force_insert=True)
    for fila in interesados:
        fila.expediente = expediente
    InteresadoExpediente.objects.bulk_create(interesados)
    Documento.objects.bulk_create([c.documento for c in copias])
    return expediente


def abrir(procedimiento: Procedimiento, *, asunto: str, interesados: Sequence[InteresadoData],
          acting_user: User | None, responsable: User | None = None,
          fecha_inicio: datetime.date | None = None) -> Expediente:
    """Open an expediente de oficio (fecha_inicio: the agreement to open it, today by
    default), numbered gap-free per year."""
    asunto, fecha_inicio = _validar_apertura(procedimiento, asunto, fecha_inicio)
    filas = _sin_repetir([validar_interesado(data) for data in interesados])
    responsable_id, responsable_name = _exigir_miembro(responsable, _("El responsable"),
                                                       "responsable")
    user_id, user_name = _user_fields(acting_user)
    expediente = Expediente(
        procedimiento=procedimiento, asunto=asunto, fase=procedimiento.first_fase,
        origen=Origen.DE_OFICIO, fecha_inicio=fecha_inicio, responsable_id=responsable_id,
        responsable_name=responsable_name, created_by_id=user_id, created_by_name=user_name)
    with transaction.atomic():
        _insertar(expediente, filas, [])
        anotar(expediente, "apertura", _("Expediente abierto de oficio (%(proc)s).")
               % {"proc": procedimiento.name}, user=acting_user)
        audit.record("expedientes.expediente.apertura", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"codigo": expediente.codigo,
                                             "origen": Origen.DE_OFICIO,
                                             "procedimiento": procedimiento.code})
    return expediente


def _expediente_del_asiento(asiento: Asiento) -> Expediente | None:
    """The expediente (not annulled) an asiento already opened."""
    return Expediente.objects.filter(asiento_id=asiento.pk).exclude(
        estado=EstadoExpediente.ANULADO).first()


def _refusals_of_asiento(asiento: Asiento) -> None:
    if asiento.libro != Libro.ENTRADA:
        raise ExpedienteError(_("Solo un asiento de entrada abre un expediente."),
                              field="asiento")
    if asiento.estado == EstadoAsiento.ANULADO:
        raise ExpedienteError(_("El asiento %(numero)s está anulado: no abre un expediente.")
                              % {"numero": asiento.numero_registro}, field="asiento")
    linked = _expediente_del_asiento(asiento)
    if linked is not None:
        raise ExpedienteError(_("El asiento %(numero)s ya está en el expediente %(codigo)s.")
                              % {"numero": asiento.numero_registro, "codigo": linked.codigo},
                              field="asiento")


def abrir_desde_asiento(asiento: Asiento, procedimiento: Procedimiento, *,
                        acting_user: User | None, asunto: str = "",
                        responsable: User | None = None,
                        origen: str = Origen.REGISTRO) -> Expediente:
    """Open an expediente a instancia de parte from an entry of the registro: the asiento is
    linked, its interesados copied (the first one as solicitante), its anexos incorporated
    as documents (origen ciudadano, same bytes and hash). The plazo runs from the entry
    (its fecha de cómputo: the next working day for an entry on a non-working one).
    Refused for an annulled asiento, an exit, or one already in an expediente."""
    from registro.models import Asiento

    _refusals_of_asiento(asiento)
    asunto = asunto or (asiento.asunto if asiento.resumen in ("", asiento.asunto)
                        else f"{asiento.asunto}: {asiento.resumen}")
    fecha_inicio = timezone.localtime(asiento.fecha_computo).date()
    asunto, fecha_inicio = _validar_apertura(procedimiento, asunto[:MAX_ASUNTO], fecha_inicio)
    responsable_id, responsable_name = _exigir_miembro(responsable, _("El responsable"),
                                                       "responsable")
    user_id, user_name = _user_fields(acting_user)
    expediente = Expediente(
        pk=_reservar_id(), procedimiento=procedimiento, asunto=asunto,
        fase=procedimiento.first_fase, origen=origen, asiento_id=asiento.pk,
        fecha_inicio=fecha_inicio, responsable_id=responsable_id,
        responsable_name=responsable_name, created_by_id=user_id, created_by_name=user_name)
    # The files are copied before the counter is locked (as the registro does).
    copias = copiar_anexos(expediente.pk, asiento, orden=0)
    try:
        with transaction.atomic():
            locked = Asiento.objects.select_for_update().get(pk=asiento.pk)
            _refusals_of_asiento(locked)
            _insertar(expediente, _interesados_del_asiento(locked), copias)
            via = _("la sede electrónica") if origen == Origen.SEDE else _("el registro")
            anotar(expediente, "apertura",
                   ngettext("Expediente abierto desde el asiento %(numero)s (%(via)s), con "
                            "%(docs)s documento incorporado.",
                            "Expediente abierto desde el asiento %(numero)s (%(via)s), con "
                            "%(docs)s documentos incorporados.", len(copias))
                   % {"numero": locked.numero_registro, "via": via, "docs": len(copias)},
                   user=acting_user)
            principal = locked.interesado_principal
            audit.record("expedientes.expediente.apertura", user=acting_user,
                         entity=_entity(), obj=expediente,
                         subject=principal.documento if principal else "",
                         detail={"codigo": expediente.codigo, "origen": origen,
                                 "asiento": locked.numero_registro,
                                 "procedimiento": procedimiento.code,
                                 "documentos": len(copias)})
    except BaseException:
        remove_files([c.stored for c in copias])
        raise
    return expediente


# --- data, interesados, phase -------------------------------------------------------------


def editar(expediente: Expediente, *, asunto: str, responsable: User | None,
           acting_user: User | None) -> Expediente:
    """Change the asunto and the responsable (a member with the expedientes application)."""
    asunto = texto_valido(asunto, _("Asunto"), max_length=MAX_ASUNTO, required=True, field="asunto")
    responsable_id, responsable_name = _exigir_miembro(responsable, _("El responsable"),
                                                       "responsable")
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.EDITAR)
        cambios = []
        if asunto != expediente.asunto:
            cambios.append(_("asunto: «%(a)s» → «%(b)s»") % {"a": expediente.asunto, "b": asunto})
        if responsable_id != expediente.responsable_id:
            cambios.append(_("responsable: %(a)s → %(b)s") % {
                "a": expediente.responsable_name or "—", "b": responsable_name or "—"})
        if not cambios:
            return expediente
        expediente.asunto = asunto
        expediente.responsable_id, expediente.responsable_name = responsable_id, responsable_name
        expediente.save(update_fields=["asunto", "responsable_id", "responsable_name",
                                       "updated_at"])
        anotar(expediente, "datos", _("Datos cambiados: %(c)s.") % {"c": "; ".join(cambios)},
               user=acting_user)
        audit.record("expedientes.expediente.datos", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"responsable": responsable_name})
    return expediente


def anadir_interesado(expediente: Expediente, data: InteresadoData, *,
                      acting_user: User | None) -> InteresadoExpediente:
    fila = validar_interesado(data)
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.INTERESADOS)
        if expediente.interesados.filter(documento=fila.documento, rol=fila.rol).exists():
            raise ExpedienteError(_("%(doc)s ya figura en el expediente como «%(rol)s».")
                                  % {"doc": fila.documento, "rol": RolInteresado(fila.rol).label},
                                  field="documento")
        fila.expediente = expediente
        fila.save()
        anotar(expediente, "interesado",
               _("Añadido %(name)s (%(doc)s) como %(rol)s.")
               % {"name": fila.nombre_completo, "doc": fila.documento,
                  "rol": RolInteresado(fila.rol).label.lower()}, user=acting_user)
        audit.record("expedientes.interesado.alta", user=acting_user, entity=_entity(),
                     obj=expediente, subject=fila.documento, detail={"rol": fila.rol})
    return fila


def quitar_interesado(interesado: InteresadoExpediente, *, acting_user: User | None) -> None:
    with transaction.atomic():
        expediente = bloquear(interesado.expediente)
        flujo.exigir(expediente, flujo.INTERESADOS)
        fila = expediente.interesados.filter(pk=interesado.pk).first()
        if fila is None:
            return
        fila.delete()
        anotar(expediente, "interesado",
               _("Quitado %(name)s (%(doc)s), que figuraba como %(rol)s.")
               % {"name": fila.nombre_completo, "doc": fila.documento,
                  "rol": RolInteresado(fila.rol).label.lower()}, user=acting_user)
        audit.record("expedientes.interesado.baja", user=acting_user, entity=_entity(),
                     obj=expediente, subject=fila.documento, detail={"rol": fila.rol})


def cambiar_fase(expediente: Expediente, fase: str, *, acting_user: User | None) -> Expediente:
    """Move the expediente to another phase of its procedure."""
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.FASE)
        fases = expediente.procedimiento.fases or []
        if fase not in fases:
            raise ExpedienteError(_("«%(fase)s» no es una fase del procedimiento.")
                                  % {"fase": fase}, field="fase")
        if fase == expediente.fase:
            raise ExpedienteError(_("El expediente ya está en la fase «%(fase)s».")
                                  % {"fase": fase}, field="fase")
        anterior = expediente.fase
        expediente.fase = fase
        expediente.save(update_fields=["fase", "updated_at"])
        anotar(expediente, "fase", _("Fase: «%(a)s» → «%(b)s».")
               % {"a": anterior or "—", "b": fase}, user=acting_user)
        audit.record("expedientes.expediente.fase", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "a": fase})
    return expediente


# --- tasks --------------------------------------------------------------------------------


def _due_date(due_date: datetime.date | None) -> datetime.date | None:
    if due_date is not None and due_date < timezone.localdate():
        raise ExpedienteError(_("La fecha límite no puede ser anterior a hoy."),
                              field="due_date")
    return due_date


def crear_tarea(expediente: Expediente, *, titulo: str, acting_user: User | None,
                descripcion: str = "", asignada_a: User | None = None,
                due_date: datetime.date | None = None) -> Tarea:
    titulo = texto_valido(titulo, _("Tarea"), max_length=250, required=True, field="titulo")
    descripcion = texto_valido(descripcion, _("Descripción"), max_length=MAX_MOTIVO, required=False,
                               field="descripcion")
    assigned_id, assigned_name = _exigir_miembro(asignada_a, _("La persona asignada"),
                                                 "asignada_a")
    due_date = _due_date(due_date)
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.TAREAS)
        tarea = Tarea.objects.create(
            expediente=expediente, titulo=titulo, descripcion=descripcion,
            fase=expediente.fase, assigned_to_id=assigned_id, assigned_to_name=assigned_name,
            due_date=due_date)
        anotar(expediente, "tarea", _("Tarea «%(t)s» creada%(para)s%(plazo)s.") % {
            "t": titulo, "para": _(" para %(n)s") % {"n": assigned_name} if assigned_name else "",
            "plazo": _(", con fecha límite %(d)s") % {"d": f"{due_date:%d/%m/%Y}"}
            if due_date else ""}, user=acting_user)
        audit.record("expedientes.tarea.alta", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"tarea": tarea.pk, "asignada_a": assigned_name})
    return tarea


def _tarea_pendiente(tarea: Tarea) -> tuple[Expediente, Tarea]:
    expediente = bloquear(tarea.expediente)
    flujo.exigir(expediente, flujo.TAREAS)
    tarea = Tarea.objects.select_for_update().get(pk=tarea.pk, expediente=expediente)
    if tarea.estado != EstadoTarea.PENDIENTE:
        raise ExpedienteError(_("La tarea «%(t)s» ya está «%(e)s».")
                              % {"t": tarea.titulo, "e": tarea.get_estado_display()})
    return expediente, tarea


def asignar_tarea(tarea: Tarea, usuario: User | None, *, acting_user: User | None,
                  due_date: datetime.date | None = None) -> Tarea:
    """Give a pending task to someone (None: nobody) and optionally a new due date."""
    assigned_id, assigned_name = _exigir_miembro(usuario, _("La persona asignada"),
                                                 "asignada_a")
    due_date = _due_date(due_date)
    with transaction.atomic():
        expediente, tarea = _tarea_pendiente(tarea)
        tarea.assigned_to_id, tarea.assigned_to_name = assigned_id, assigned_name
        fields = ["assigned_to_id", "assigned_to_name"]
        if due_date is not None:
            tarea.due_date = due_date
            fields.append("due_date")
        tarea.save(update_fields=fields)
        anotar(expediente, "tarea", _("Tarea «%(t)s» asignada a %(n)s.")
               % {"t": tarea.titulo, "n": assigned_name or _("nadie")}, user=acting_user)
        audit.record("expedientes.tarea.asignacion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"tarea": tarea.pk, "asignada_a": assigned_name})
    return tarea


def completar_tarea(tarea: Tarea, *, acting_user: User | None) -> Tarea:
    with transaction.atomic():
        expediente, tarea = _tarea_pendiente(tarea)
        tarea.estado = EstadoTarea.HECHA
        tarea.done_at = timezone.now()
        tarea.done_by_name = _user_fields(acting_user)[1]
        tarea.save(update_fields=["estado", "done_at", "done_by_name"])
        anotar(expediente, "tarea", _("Tarea «%(t)s» hecha.") % {"t": tarea.titulo},
               user=acting_user)
        audit.record("expedientes.tarea.hecha", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"tarea": tarea.pk})
    return tarea


def cancelar_tarea(tarea: Tarea, *, acting_user: User | None, motivo: str = "") -> Tarea:
    motivo = texto_valido(motivo, _("Motivo"), max_length=MAX_MOTIVO, required=False, field="motivo")
    with transaction.atomic():
        expediente, tarea = _tarea_pendiente(tarea)
        tarea.estado = EstadoTarea.CANCELADA
        tarea.done_at = timezone.now()
        tarea.done_by_name = _user_fields(acting_user)[1]
        tarea.save(update_fields=["estado", "done_at", "done_by_name"])
        anotar(expediente, "tarea", _("Tarea «%(t)s» cancelada%(m)s.")
               % {"t": tarea.titulo, "m": f": {motivo}" if motivo else ""}, user=acting_user)
        audit.record("expedientes.tarea.cancelacion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"tarea": tarea.pk, "motivo": motivo[:200]})
    return tarea


def _cancelar_pendientes(expediente: Expediente, user: User | None) -> int:
    return expediente.tareas.filter(estado=EstadoTarea.PENDIENTE).update(
        estado=EstadoTarea.CANCELADA, done_at=timezone.now(),
        done_by_name=_user_fields(user)[1])


# --- the legal time-limit clock (expedientes.plazos does the arithmetic) --------------------


def _fecha_evento(expediente: Expediente, fecha: datetime.date | None) -> datetime.date:
    hoy = timezone.localdate()
    fecha = fecha or hoy
    if fecha > hoy:
        raise ExpedienteError(_("La fecha no puede ser futura."), field="fecha")
    if fecha < expediente.fecha_inicio:
        raise ExpedienteError(_("La fecha es anterior al inicio del plazo (%(d)s).")
                              % {"d": f"{expediente.fecha_inicio:%d/%m/%Y}"}, field="fecha")
    ultimo = expediente.eventos_plazo.order_by("-fecha").values_list("fecha", flat=True).first()
    if ultimo is not None and fecha < ultimo:
        raise ExpedienteError(_("La fecha es anterior al último cambio del plazo (%(d)s).")
                              % {"d": f"{ultimo:%d/%m/%Y}"}, field="fecha")
    return fecha


def _evento(expediente: Expediente, tipo: str, fecha: datetime.date, motivo: str,
            user: User | None, dias: int | None = None) -> plazos.Computo:
    EventoPlazo.objects.create(expediente=expediente, tipo=tipo, fecha=fecha, dias=dias,
                               motivo=motivo, created_by_name=_user_fields(user)[1])
    return plazos.recalcular(expediente)


def suspender_plazo(expediente: Expediente, *, motivo: str, acting_user: User | None,
                    fecha: datetime.date | None = None) -> Expediente:
    """Stop the clock (art. 22 Ley 39/2015: a requerimiento de subsanación, a report
    asked of another body…) from `fecha` (today by default) until it is resumed."""
    motivo = _motivo(motivo, _("Motivo de la suspensión"))
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.PLAZO)
        if expediente.is_plazo_suspendido:
            raise ExpedienteError(_("El plazo ya está suspendido."))
        fecha = _fecha_evento(expediente, fecha)
        _evento(expediente, TipoEventoPlazo.SUSPENSION, fecha, motivo, acting_user)
        anotar(expediente, "plazo", _("Plazo suspendido desde el %(d)s: %(m)s")
               % {"d": f"{fecha:%d/%m/%Y}", "m": motivo}, user=acting_user)
        audit.record("expedientes.plazo.suspension", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"fecha": str(fecha)})
    return expediente


def reanudar_plazo(expediente: Expediente, *, motivo: str, acting_user: User | None,
                   fecha: datetime.date | None = None) -> Expediente:
    """Restart the clock; the days it stood still push the end of the plazo back."""
    motivo = _motivo(motivo, _("Motivo de la reanudación"))
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.PLAZO)
        if not expediente.is_plazo_suspendido:
            raise ExpedienteError(_("El plazo no está suspendido."))
        fecha = _fecha_evento(expediente, fecha)
        computo = _evento(expediente, TipoEventoPlazo.REANUDACION, fecha, motivo, acting_user)
        anotar(expediente, "plazo", _("Plazo reanudado el %(d)s; vence el %(v)s: %(m)s")
               % {"d": f"{fecha:%d/%m/%Y}", "v": f"{computo.vencimiento:%d/%m/%Y}",
                  "m": motivo}, user=acting_user)
        audit.record("expedientes.plazo.reanudacion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"fecha": str(fecha),
                                             "vencimiento": str(computo.vencimiento)})
    return expediente


def ampliar_plazo(expediente: Expediente, *, dias: int, motivo: str,
                  acting_user: User | None, fecha: datetime.date | None = None) -> Expediente:
    """Extend the plazo by `dias` (working days for a plazo in días hábiles, calendar days
    otherwise), before it ends, up to half the original plazo in all (art. 32.1)."""
    motivo = _motivo(motivo, _("Motivo de la ampliación"))
    if not isinstance(dias, int) or dias < 1:
        raise ExpedienteError(_("Indique cuántos días se amplía (al menos uno)."),
                              field="dias")
    with transaction.atomic():
        expediente = bloquear(expediente)
        flujo.exigir(expediente, flujo.PLAZO)
        fecha = _fecha_evento(expediente, fecha)
        computo = plazos.computo_de(expediente)
        # Art. 32.3: an expired plazo cannot be extended.
        if fecha > computo.vencimiento:
            raise ExpedienteError(_("El plazo venció el %(v)s: ya no puede ampliarse.")
                                  % {"v": f"{computo.vencimiento:%d/%m/%Y}"}, field="fecha")
        if dias > computo.ampliacion_disponible:
            raise ExpedienteError(
                _("La ampliación no puede pasar de la mitad del plazo (%(limite)s días en "
                  "total); quedan %(quedan)s.")
                % {"limite": computo.limite_ampliacion,
                   "quedan": computo.ampliacion_disponible}, field="dias")
        computo = _evento(expediente, TipoEventoPlazo.AMPLIACION, fecha, motivo, acting_user,
                          dias=dias)
        anotar(expediente, "plazo", _("Plazo ampliado %(n)s días; vence el %(v)s: %(m)s")
               % {"n": dias, "v": f"{computo.vencimiento:%d/%m/%Y}", "m": motivo},
               user=acting_user)
        audit.record("expedientes.plazo.ampliacion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"dias": dias,
                                             "vencimiento": str(computo.vencimiento)})
    return expediente


# --- changes of state (expedientes.flujo decides which are allowed) -------------------------


def _cambiar_estado(expediente: Expediente, accion: str, motivo: str,
                    acting_user: User | None) -> tuple[Expediente, str]:
    """Lock, check the matrix, set the new state and its timestamp; the caller writes its
    own history line and audit record (codes are literal at each call)."""
    expediente = bloquear(expediente)
    flujo.exigir(expediente, accion)
    anterior = expediente.estado
    expediente.estado = flujo.DESTINO[accion]
    now = timezone.now()
    fields = ["estado", "updated_at"]
    if accion == flujo.RESOLVER:
        expediente.resolved_at = now
        fields.append("resolved_at")
    elif accion == flujo.CERRAR:
        expediente.closed_at = now
        fields.append("closed_at")
    elif accion == flujo.ARCHIVAR:
        expediente.archived_at = now
        fields.append("archived_at")
    elif accion == flujo.REABRIR:
        expediente.resolved_at = expediente.closed_at = expediente.archived_at = None
        fields += ["resolved_at", "closed_at", "archived_at"]
    expediente.save(update_fields=fields)
    detalle = _("%(de)s → %(a)s: %(m)s") % {"de": EstadoExpediente(anterior).label,
                                             "a": expediente.get_estado_display(), "m": motivo}
    if accion in (flujo.CERRAR, flujo.ANULAR):
        canceladas = _cancelar_pendientes(expediente, acting_user)
        if canceladas:
            detalle += " " + _("(%(n)s tareas pendientes canceladas)") % {"n": canceladas}
    anotar(expediente, "estado", detalle, user=acting_user)
    return expediente, anterior


def resolver(expediente: Expediente, *, motivo: str, acting_user: User | None) -> Expediente:
    """Mark the expediente resolved (the clock stops): `motivo` names the resolution."""
    motivo = _motivo(motivo, _("Resolución"))
    with transaction.atomic():
        expediente, anterior = _cambiar_estado(expediente, flujo.RESOLVER, motivo, acting_user)
        audit.record("expedientes.expediente.resolucion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "motivo": motivo[:200]})
    return expediente


def cerrar(expediente: Expediente, *, motivo: str, acting_user: User | None) -> Expediente:
    motivo = _motivo(motivo, _("Motivo del cierre"))
    with transaction.atomic():
        expediente, anterior = _cambiar_estado(expediente, flujo.CERRAR, motivo, acting_user)
        audit.record("expedientes.expediente.cierre", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "motivo": motivo[:200]})
    return expediente


def archivar(expediente: Expediente, *, motivo: str, acting_user: User | None) -> Expediente:
    motivo = _motivo(motivo, _("Motivo del archivo"))
    with transaction.atomic():
        expediente, anterior = _cambiar_estado(expediente, flujo.ARCHIVAR, motivo, acting_user)
        audit.record("expedientes.expediente.archivo", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "motivo": motivo[:200]})
    return expediente


def reabrir(expediente: Expediente, *, motivo: str, acting_user: User | None) -> Expediente:
    motivo = _motivo(motivo, _("Motivo de la reapertura"))
    with transaction.atomic():
        expediente, anterior = _cambiar_estado(expediente, flujo.REABRIR, motivo, acting_user)
        audit.record("expedientes.expediente.reapertura", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "motivo": motivo[:200]})
    return expediente


def anular(expediente: Expediente, *, motivo: str, acting_user: User | None) -> Expediente:
    """Annul: the expediente and its number stay, marked, with the reason."""
    motivo = _motivo(motivo, _("Motivo de la anulación"))
    with transaction.atomic():
        expediente, anterior = _cambiar_estado(expediente, flujo.ANULAR, motivo, acting_user)
        audit.record("expedientes.expediente.anulacion", user=acting_user, entity=_entity(),
                     obj=expediente, detail={"de": anterior, "motivo": motivo[:200]})
    return expediente

