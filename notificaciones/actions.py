"""Everything that changes a notification, each in one transaction, audited, with its
Evento (evidence) and, for every state change, a sealed acuse with CSV
(notificaciones.acuses). Views and tasks call only these.

Dates: `vence_at` is the same Europe/Madrid wall-clock second ten calendar days after
the puesta a disposición (art. 43.2, "de fecha a fecha"), so across a change of summer
time it is 239 or 241 hours later. The periodic task rejects at or after `vence_at`.
Where that wall-clock time does not exist on the tenth day (the hour skipped in March)
or exists twice (the hour repeated in October), the later of the two possible instants is
taken: never less time than any reading of the law gives the citizen (see `vencimiento`).

Which states admit what (art. 41.7: the first terminal event counts; later ones are
recorded only, `is_sin_efecto`):
- electronic (canal sede): puesta a disposición → accedida | rechazada | rechazada por
  plazo | expirada | anulada;
- paper: pendiente de entrega (also put at disposal in the sede, art. 42.1, so that the
  interesado may access it voluntarily; no ten-day rejection) → entregada | rechazada
  (rehusada) | fallida | accedida (voluntary access at the sede first) | expirada | anulada.
- A paper notification whose delivery failed (fallida) may still be practised by the
  interesado appearing at the sede (art. 42.1): access then moves it to accedida.
- The sede delivers the content as a notification only once practised by access
  (accedida) or delivered on paper (entregada: the interesado may re-read at the sede
  what they received): `puede_ver_contenido`, the one rule the views follow. Each
  download is a CONSULTA_POSTERIOR event, sin efecto, without acuse (`consultar`), recorded
  only where the bytes are served. After a rejection (express or by the ten days) the
  trámite is done (art. 41.5) and, like after expiry or annulment, the content is not
  delivered as notified.
- Art. 41.7, the first produced counts: a paper delivery recorded with a date earlier
  than an access already recorded is the practice; the access stays as evidence, sin
  efecto (a consulta).

Errors a user can cause raise NotificacionError with a Spanish message; nothing is
half-written (files written to storage before a rollback are removed).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notificaciones import acuses, avisos
from notificaciones.choices import (
    Canal,
    EstadoNotificacion,
    MotivoCanal,
    ResultadoPapel,
    TipoEvento,
)
from notificaciones.models import (
    Apoderamiento,
    Aviso,
    ContadorNotificacion,
    Evento,
    Notificacion,
    Remesa,
)
from provincial import audit
from provincial.documents import services as documents

if TYPE_CHECKING:
    from tenants.models import User

logger = logging.getLogger(__name__)

MADRID = ZoneInfo("Europe/Madrid")
UTC = datetime.UTC
PLAZO_DIAS = 10  # art. 43.2 Ley 39/2015: diez días naturales
MAX_CONCEPTO = 250
MAX_MOTIVO = 250

# MotivoCanal values that oblige to electronic means (art. 14.2).
OBLIGADOS = frozenset({MotivoCanal.PERSONA_JURIDICA, MotivoCanal.ENTIDAD_SIN_PERSONALIDAD,
                       MotivoCanal.PROFESIONAL, MotivoCanal.REPRESENTANTE,
                       MotivoCanal.EMPLEADO_PUBLICO})
# First letter of a CIF of an entity without legal personality (comunidades de bienes,
# comunidades de propietarios, sociedades civiles, UTE): art. 14.2.b.
CIF_SIN_PERSONALIDAD = frozenset("EHJU")
TIPO_DOCUMENTO = {"N": "NIF", "E": "NIE", "C": "CIF", "P": "PASAPORTE", "X": "OTRO"}


class NotificacionError(Exception):
    """What the clerk or the citizen asked cannot be done; the message (Spanish) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ContenidoAlterado(NotificacionError):
    """The stored content no longer matches the SHA-256 fixed with the remesa: a fault of
    the server (logged), not something the user can mend."""


@dataclass
class Destinatario:
    """One destinatario as given to `crear_remesa`. `obligado` is the art. 14.2 ground
    (a MotivoCanal value) or "" ; `eligio_electronica` the art. 14.1 choice. A legal person
    (CIF/NIF starting with a letter of a company) is obliged whatever is given."""

    tipo_documento: str
    documento: str
    nombre: str
    apellido1: str = ""
    apellido2: str = ""
    email: str = ""
    telefono: str = ""
    direccion: str = ""
    obligado: str = ""
    eligio_electronica: bool = False


@dataclass(frozen=True)
class Actor:
    """Who acts at the sede: the identified person (sede.identificacion.Ciudadano's
    fields), with the request's IP and browser for the evidence."""

    documento: str
    nombre: str
    metodo: str
    nivel: str
    ip: str | None = None
    user_agent: str = ""


# --- helpers -----------------------------------------------------------------------------


def _user_fields(user: User | None) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, (user.get_full_name() or user.username)[:150]


def _compacto(documento: str) -> str:
    return "".join(ch for ch in (documento or "").upper() if ch.isalnum())


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:  # pragma: no cover - logged, nothing else to do
            logger.exception("notificaciones: could not remove %s", name)


class _Ficheros:
    """Storage names written inside a transaction, removed if it does not commit."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __enter__(self) -> _Ficheros:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            _remove_files(self.names)


def _locked(notificacion: Notificacion) -> Notificacion:
    return (Notificacion.objects.select_for_update(of=("self",))
            .select_related("remesa", "remesa__expediente", "asiento_salida", "apoderamiento")
            .get(pk=notificacion.pk))


def _evento(notificacion: Notificacion, tipo: str, *, at: datetime.datetime,
            estado: str = "", actor: Actor | None = None, acting_user: User | None = None,
            sin_efecto: bool = False, detalle: dict[str, Any] | None = None) -> Evento:
    user_id, user_name = _user_fields(acting_user)
    return Evento.objects.create(
        notificacion=notificacion, tipo=tipo, at=at, estado_resultante=estado,
        is_sin_efecto=sin_efecto,
        actor_documento=_compacto(actor.documento)[:20] if actor else "",
        actor_nombre=(actor.nombre or "")[:250] if actor else "",
        actor_metodo=(actor.metodo or "")[:20] if actor else "",
        actor_nivel=(actor.nivel or "")[:20] if actor else "",
        ip=(actor.ip or None) if actor else None,
        user_agent=(actor.user_agent or "")[:300] if actor else "",
        actor_user_id=user_id, actor_user_name=user_name, detalle=detalle or {})


def _cambiar(notificacion: Notificacion, estado: str, tipo: str, *, at: datetime.datetime,
             ficheros: _Ficheros, actor: Actor | None = None,
             acting_user: User | None = None, detalle: dict[str, Any] | None = None,
             accion: str) -> Evento:
    """Move a (locked, pending) notification to `estado`, with its event, acuse and
    audit record."""
    notificacion.estado = estado
    fields = ["estado", "updated_at"]
    if estado in EstadoNotificacion.terminales() and estado != EstadoNotificacion.ANULADA:
        notificacion.practicada_at = at
        fields.append("practicada_at")
    if actor is not None:
        notificacion.actor_documento = _compacto(actor.documento)[:20]
        notificacion.actor_nombre = (actor.nombre or "")[:250]
        notificacion.actor_metodo = (actor.metodo or "")[:20]
        notificacion.actor_nivel = (actor.nivel or "")[:20]
        fields += ["actor_documento", "actor_nombre", "actor_metodo", "actor_nivel"]
    notificacion.save(update_fields=fields)
    evento = _evento(notificacion, tipo, at=at, estado=estado, actor=actor,
                     acting_user=acting_user, detalle=detalle)
    ficheros.names += acuses.emitir(evento, acting_user=acting_user)
    audit.record(accion, user=acting_user, entity=documents.current_entity(),
                 obj=notificacion, subject=notificacion.documento,
                 detail={"referencia": notificacion.referencia, "estado": estado,
                         "evento": evento.pk,
                         "acuse": documents.csv_reference(evento.acuse.csv)})
    return evento


# --- dates -------------------------------------------------------------------------------


def vencimiento(puesta_at: datetime.datetime) -> datetime.datetime:
    """The moment a notification not accessed is deemed rejected (art. 43.2): the same
    Europe/Madrid wall-clock second ten calendar days later, in UTC.

    A wall-clock time that does not exist that day (02:00–02:59 on the last Sunday of
    March) is read with the offset before the change, i.e. moved forward by the hour
    skipped (02:30 → 03:30 CEST); one that exists twice (02:00–02:59 on the last Sunday of
    October) is its second occurrence (CET). Both are the later of the two readings:
    deterministic, and never shorter for the citizen.
    """
    if timezone.is_naive(puesta_at):
        raise ValueError("puesta_at must be timezone-aware")
    local = puesta_at.astimezone(MADRID).replace(tzinfo=None)
    target = local + datetime.timedelta(days=PLAZO_DIAS)
    readings = [target.replace(tzinfo=MADRID, fold=fold).astimezone(UTC) for fold in (0, 1)]
    return max(readings)


# --- remesas -----------------------------------------------------------------------------


@dataclass
class _Contenido:
    nombre: str
    mime: str
    bytes: bytes
    expediente: Any
    procedimiento_code: str


def _contenido(documento, asiento_origen) -> _Contenido:
    from expedientes import documentos as expedientes_documentos
    from expedientes.choices import EstadoDocumento
    from expedientes.flujo import ExpedienteError
    from registro.choices import Libro

    if (documento is None) == (asiento_origen is None):
        raise NotificacionError(_("Indique qué se notifica: un documento firmado de un "
                                  "expediente o un asiento de salida del registro."))
    if documento is not None:
        if documento.estado != EstadoDocumento.FIRMADO:
            raise NotificacionError(
                _("Solo se notifican documentos firmados: «%(t)s» está «%(e)s».")
                % {"t": documento.titulo, "e": documento.get_estado_display()})
        try:
            contenido = expedientes_documentos.leer(documento)
        except ExpedienteError as exc:
            raise NotificacionError(exc.message) from exc
        expediente = documento.expediente
        return _Contenido(
            nombre=(documento.nombre_fichero
                    or expedientes_documentos.nombre_pdf(documento.titulo))[:200],
            mime=documento.mime_type or "application/pdf", bytes=contenido,
            expediente=expediente,
            procedimiento_code=(expediente.procedimiento.code or "")[:30])
    if asiento_origen.libro != Libro.SALIDA:
        raise NotificacionError(_("El asiento %(n)s no es del libro de salida.")
                                % {"n": asiento_origen.numero_registro})
    if asiento_origen.is_anulado:
        raise NotificacionError(_("El asiento %(n)s está anulado.")
                                % {"n": asiento_origen.numero_registro})
    anexo = asiento_origen.anexos.order_by("orden", "pk").first()
    if anexo is None:
        raise NotificacionError(_("El asiento %(n)s no tiene ningún documento anexo que "
                                  "notificar.") % {"n": asiento_origen.numero_registro})
    with anexo.fichero.open("rb") as handle:
        contenido = handle.read()
    if hashlib.sha256(contenido).hexdigest() != anexo.sha256:
        logger.error("notificaciones: anexo %s does not match its hash", anexo.pk)
        raise NotificacionError(_("El fichero guardado de «%(n)s» no coincide con su huella: "
                                  "no se notifica. Avise al soporte.") % {"n": anexo.nombre})
    return _Contenido(nombre=anexo.nombre[:200], mime=anexo.mime or "application/pdf",
                      bytes=contenido, expediente=None,
                      procedimiento_code=(asiento_origen.procedimiento or "")[:30])


@dataclass
class _DestinoValidado:
    data: Destinatario
    code: str
    numero: str
    canal: str
    motivo: str
    interesado: Any  # registro.services.InteresadoData


def canal_y_motivo(code: str, numero: str, data: Destinatario) -> tuple[str, str]:
    """The channel and its art. 14 ground for a destinatario (also the clerk's preview)."""
    if code == "C":
        return Canal.SEDE, (MotivoCanal.ENTIDAD_SIN_PERSONALIDAD
                            if numero[:1] in CIF_SIN_PERSONALIDAD
                            else MotivoCanal.PERSONA_JURIDICA)
    if data.obligado:
        return Canal.SEDE, data.obligado
    if data.eligio_electronica:
        return Canal.SEDE, MotivoCanal.ELECCION
    return Canal.PAPEL, MotivoCanal.NO_OBLIGADO


def _validar_destinatarios(destinatarios: Sequence[Destinatario]) -> list[_DestinoValidado]:
    from registro import services as registro
    from registro.choices import TipoPersona

    if not destinatarios:
        raise NotificacionError(_("Indique al menos un destinatario."))
    validados: list[_DestinoValidado] = []
    vistos: set[str] = set()
    for orden, data in enumerate(destinatarios, start=1):
        quien = (_("Destinatario %(n)s (%(doc)s)")
                 % {"n": orden, "doc": (data.documento or "").strip() or "?"})
        try:
            code, numero = registro.validar_documento(data.tipo_documento, data.documento)
        except registro.RegistroError as exc:
            raise NotificacionError(f"{quien}: {exc.message}") from exc
        if numero in vistos:
            raise NotificacionError(_("%(who)s: está repetido en la remesa.") % {"who": quien})
        vistos.add(numero)
        if data.obligado and data.obligado not in OBLIGADOS:
            raise NotificacionError(_("%(who)s: motivo de obligación desconocido: «%(m)s».")
                                    % {"who": quien, "m": data.obligado})
        if data.email:
            try:
                validate_email(data.email.strip())
            except ValidationError as exc:
                raise NotificacionError(_("%(who)s: el correo electrónico «%(e)s» no es "
                                          "válido.") % {"who": quien, "e": data.email}) from exc
        canal, motivo = canal_y_motivo(code, numero, data)
        if canal == Canal.PAPEL and not (data.direccion or "").strip():
            raise NotificacionError(_("%(who)s: no está obligado a relacionarse "
                                      "electrónicamente ni lo ha elegido; indique su dirección "
                                      "postal para notificarle en papel.") % {"who": quien})
        juridica = code == "C"
        interesado = registro.InteresadoData(
            tipo=TipoPersona.JURIDICA if juridica else TipoPersona.FISICA,
            tipo_documento=code, documento=numero, nombre=(data.nombre or "").strip(),
            razon_social=(data.nombre or "").strip() if juridica else "",
            apellido1=(data.apellido1 or "").strip(), apellido2=(data.apellido2 or "").strip(),
            email=(data.email or "").strip(), telefono=(data.telefono or "").strip(),
            direccion=(data.direccion or "").strip()[:160])
        try:
            registro.validar_interesado(interesado)
        except registro.RegistroError as exc:
            raise NotificacionError(f"{quien}: {exc.message}") from exc
        validados.append(_DestinoValidado(data, code, numero, canal, motivo, interesado))
    return validados


def siguiente_referencia(year: int) -> str:
    """N-<year>-<000001>, gap-free per year: the counter row stays locked until commit, so
    a rolled-back remesa gives its numbers back."""
    ContadorNotificacion.objects.bulk_create([ContadorNotificacion(year=year)],
                                             ignore_conflicts=True)
    contador = ContadorNotificacion.objects.select_for_update().get(year=year)
    contador.last += 1
    contador.save(update_fields=["last"])
    return f"N-{year}-{contador.last:06d}"


def crear_remesa(*, documento=None, asiento_origen=None, concepto: str,
                 destinatarios: Sequence[Destinatario], acting_user,
                 caduca_at: datetime.datetime | None = None) -> Remesa:
    """Make the remesa and put each notification at disposal (sede) or record it for
    paper: registers one salida per destinatario in the registro, issues the acuse of
    puesta a disposición, queues the avisos (e-mail and SMS, no content). The document
    must be signed (expedientes: FIRMADO) or be a salida's anexo."""
    from registro import services as registro
    from registro.choices import Canal as CanalRegistro
    from registro.choices import Libro, Validez

    concepto = " ".join((concepto or "").split())
    if not concepto:
        raise NotificacionError(_("Indique el concepto de la notificación."))
    if len(concepto) > MAX_CONCEPTO:
        raise NotificacionError(_("El concepto admite como máximo %(max)s caracteres.")
                                % {"max": MAX_CONCEPTO})
    now = timezone.now()
    if caduca_at is not None:
        if timezone.is_naive(caduca_at):
            raise NotificacionError(_("La fecha de caducidad debe llevar zona horaria."))
        if caduca_at <= now:
            raise NotificacionError(_("La fecha de caducidad debe ser futura."))
    validados = _validar_destinatarios(destinatarios)
    if caduca_at is not None and any(d.canal == Canal.SEDE for d in validados):
        # Art. 43.2: an electronic notification must be able to run its ten days.
        vence = vencimiento(now)
        if caduca_at < vence:
            raise NotificacionError(_(
                "La caducidad (%(c)s) es anterior al fin de los diez días naturales de que "
                "dispone el destinatario para acceder a la notificación electrónica "
                "(%(v)s, art. 43.2 de la Ley 39/2015): indique una fecha y hora igual o "
                "posterior.") % {"c": _hora_madrid(caduca_at), "v": _hora_madrid(vence)})
    contenido = _contenido(documento, asiento_origen)
    user_id, user_name = _user_fields(acting_user)
    entity = documents.current_entity()
    year = now.astimezone(MADRID).year
    with _Ficheros() as ficheros, transaction.atomic():
        _exigir_sin_pendientes(documento, asiento_origen, validados)
        remesa = Remesa.objects.create(
            expediente=contenido.expediente, documento=documento,
            asiento_origen=asiento_origen, concepto=concepto,
            procedimiento_code=contenido.procedimiento_code,
            contenido_nombre=contenido.nombre, contenido_mime=contenido.mime[:100],
            contenido_sha256=hashlib.sha256(contenido.bytes).hexdigest(),
            caduca_at=caduca_at, created_by_id=user_id, created_by_name=user_name)
        audit.record("notificaciones.remesa.alta", user=acting_user, entity=entity, obj=remesa,
                     detail={"destinatarios": len(validados),
                             "expediente": contenido.expediente.codigo
                             if contenido.expediente else "",
                             "sha256": remesa.contenido_sha256})
        for destino in validados:
            _poner_a_disposicion(remesa, destino, contenido, year=year, now=now,
                                 acting_user=acting_user, ficheros=ficheros,
                                 registro=registro, libro=Libro.SALIDA,
                                 canal_registro=(CanalRegistro.SEDE if destino.canal == Canal.SEDE
                                                 else CanalRegistro.CORREO),
                                 validez=Validez.ORIGINAL)
    return remesa


def _hora_madrid(moment: datetime.datetime) -> str:
    return moment.astimezone(MADRID).strftime("%d/%m/%Y %H:%M:%S")


def _exigir_sin_pendientes(documento, asiento_origen,
                           validados: list[_DestinoValidado]) -> None:
    """Inside crear_remesa's transaction: lock the row of what is notified (so that two
    submissions of the same form run one after the other) and refuse a destinatario who
    already has a pending notification of it (a double submit, or a second remesa by
    mistake). A failed paper delivery is not pending: it may be notified again."""
    origen = documento if documento is not None else asiento_origen
    list(type(origen)._default_manager.select_for_update().filter(pk=origen.pk)
         .values_list("pk", flat=True))
    campo = "remesa__documento" if documento is not None else "remesa__asiento_origen"
    previas = (Notificacion.objects
               .filter(**{campo: origen}, documento__in=[d.numero for d in validados],
                       estado__in=EstadoNotificacion.pendientes())
               .order_by("pk").first())
    if previas is not None:
        raise NotificacionError(_(
            "%(nombre)s (%(doc)s) ya tiene pendiente la notificación %(ref)s de este mismo "
            "documento: no se notifica dos veces. Espere a que se practique o anúlela antes "
            "de notificarlo de nuevo.") % {"nombre": previas.nombre_completo,
                                           "doc": previas.documento,
                                           "ref": previas.referencia})


def _poner_a_disposicion(remesa: Remesa, destino: _DestinoValidado, contenido: _Contenido,
                         *, year: int, now: datetime.datetime, acting_user, ficheros,
                         registro, libro: str, canal_registro: str, validez: str) -> None:
    data = destino.data
    referencia = siguiente_referencia(year)
    apoderamiento = apoderamiento_vigente(destino.numero, remesa.procedimiento_code,
                                          on=now.astimezone(MADRID).date())
    sede = destino.canal == Canal.SEDE
    expone = solicita = ""
    if canal_registro == "sede":
        expone = _("Notificación %(ref)s: %(concepto)s") % {"ref": referencia,
                                                           "concepto": remesa.concepto}
        solicita = _("Puesta a disposición en la sede electrónica para su comparecencia "
                     "(art. 43 de la Ley 39/2015).")
    try:
        asiento = registro.registrar(
            libro=libro, canal=canal_registro,
            asunto=_("Notificación %(ref)s") % {"ref": referencia},
            resumen=remesa.concepto[:240], expone=expone, solicita=solicita,
            interesados=[destino.interesado],
            anexos=[registro.AnexoData(nombre=contenido.nombre, contenido=contenido.bytes,
                                       validez=validez)],
            procedimiento=remesa.procedimiento_code, acting_user=acting_user,
            presentado_en=now, idempotency_key=f"notificacion:{referencia}")
    except registro.RegistroError as exc:
        raise NotificacionError(_("No se ha registrado la salida de %(ref)s: %(error)s")
                                % {"ref": referencia, "error": exc.message}) from exc
    ficheros.names += list(asiento.anexos.values_list("fichero", flat=True))
    notificacion = Notificacion.objects.create(
        remesa=remesa, referencia=referencia, tipo_documento=TIPO_DOCUMENTO[destino.code],
        documento=destino.numero, nombre=(data.nombre or "").strip()[:200],
        apellido1=(data.apellido1 or "").strip()[:100],
        apellido2=(data.apellido2 or "").strip()[:100],
        email=(data.email or "").strip(), telefono=(data.telefono or "").strip()[:20],
        direccion=(data.direccion or "").strip()[:300], canal=destino.canal,
        motivo_canal=destino.motivo, apoderamiento=apoderamiento,
        representante_documento=apoderamiento.apoderado_documento if apoderamiento else "",
        representante_nombre=apoderamiento.apoderado_nombre if apoderamiento else "",
        estado=(EstadoNotificacion.PUESTA_DISPOSICION if sede
                else EstadoNotificacion.PENDIENTE_PAPEL),
        asiento_salida=asiento, puesta_at=now, vence_at=vencimiento(now) if sede else None)
    evento = _evento(notificacion, TipoEvento.PUESTA_DISPOSICION, at=now,
                     estado=notificacion.estado, acting_user=acting_user,
                     detalle={"canal": destino.canal, "motivo_canal": destino.motivo,
                              "numero_registro": asiento.numero_registro})
    ficheros.names += acuses.emitir(evento, acting_user=acting_user)
    audit.record("notificaciones.notificacion.puesta", user=acting_user,
                 entity=documents.current_entity(), obj=notificacion,
                 subject=notificacion.documento,
                 detail={"referencia": referencia, "canal": destino.canal,
                         "numero_registro": asiento.numero_registro,
                         "representante": bool(apoderamiento)})
    avisos.programar(notificacion, acting_user=acting_user)


# --- the deadline and expiry -------------------------------------------------------------


def _plazo_vencido(notificacion: Notificacion, now: datetime.datetime) -> tuple[str, str,
                                                                                datetime.datetime] | None:
    """(estado, tipo de evento, at) of the first deadline passed by a pending notification
    at `now`: rejection by ten days (electronic only) or expiry of the remesa."""
    if not notificacion.is_pendiente:
        return None
    candidatos = []
    if (notificacion.canal == Canal.SEDE and notificacion.vence_at is not None
            and notificacion.vence_at <= now):
        candidatos.append((notificacion.vence_at, 0, EstadoNotificacion.RECHAZADA_PLAZO,
                           TipoEvento.RECHAZO_PLAZO))
    caduca = notificacion.remesa.caduca_at
    if caduca is not None and caduca <= now:
        candidatos.append((caduca, 1, EstadoNotificacion.EXPIRADA, TipoEvento.EXPIRACION))
    if not candidatos:
        return None
    at, _orden, estado, tipo = min(candidatos)
    return estado, tipo, at


def _aplicar_plazos(notificacion: Notificacion, now: datetime.datetime,
                    ficheros: _Ficheros) -> bool:
    """On a locked notification: apply the deadline that has passed, if any."""
    vencido = _plazo_vencido(notificacion, now)
    if vencido is None:
        return False
    estado, tipo, at = vencido
    accion = ("notificaciones.notificacion.rechazo_plazo"
              if estado == EstadoNotificacion.RECHAZADA_PLAZO
              else "notificaciones.notificacion.expiracion")
    _cambiar(notificacion, estado, tipo, at=at, ficheros=ficheros, accion=accion,
             detalle={"procesado_at": now.isoformat()})
    return True


def vencer_pendientes(now: datetime.datetime | None = None) -> int:
    """Reject by the passing of ten days those not accessed with `vence_at` <= now, and
    expire those whose remesa's `caduca_at` has passed; idempotent. Returns how many."""
    now = now or timezone.now()
    candidatos = list(
        Notificacion.objects.filter(estado__in=EstadoNotificacion.pendientes())
        .filter(Q(canal=Canal.SEDE, vence_at__lte=now) | Q(remesa__caduca_at__lte=now))
        .order_by("vence_at", "pk").values_list("pk", flat=True))
    hechas = 0
    for pk in candidatos:
        try:
            with _Ficheros() as ficheros, transaction.atomic():
                notificacion = _locked(Notificacion(pk=pk))
                if _aplicar_plazos(notificacion, now, ficheros):
                    hechas += 1
        except Exception:  # noqa: BLE001 - one failure must not stop the others
            logger.exception("notificaciones: deadline of notificacion %s not applied", pk)
    return hechas


# --- the citizen at the sede -------------------------------------------------------------


def _exigir_actor(notificacion: Notificacion, actor: Actor) -> str:
    """"destinatario" or "representante", or NotificacionError (the view answers 404)."""
    documento = _compacto(actor.documento)
    if documento and documento == notificacion.documento:
        return "destinatario"
    if documento and documento == notificacion.representante_documento:
        apoderamiento = notificacion.apoderamiento if notificacion.apoderamiento_id else None
        if apoderamiento is not None and apoderamiento.revocado_at:
            raise NotificacionError(_("Su representación para esta notificación ha sido "
                                      "revocada."))
        if apoderamiento is not None and apoderamiento.valido_hasta is not None and \
                apoderamiento.valido_hasta < timezone.localdate():
            raise NotificacionError(_("Su representación para esta notificación terminó el "
                                      "%(fecha)s.") % {
                "fecha": apoderamiento.valido_hasta.strftime("%d/%m/%Y")})
        return "representante"
    raise NotificacionError(_("Esta notificación no está dirigida a usted ni a quien "
                              "representa."))


def _consulta(notificacion: Notificacion, actor: Actor, calidad: str) -> None:
    _evento(notificacion, TipoEvento.CONSULTA_POSTERIOR, at=timezone.now(), actor=actor,
            sin_efecto=True, detalle={"calidad": calidad, "estado": notificacion.estado})
    audit.record("notificaciones.notificacion.consulta", entity=documents.current_entity(),
                 obj=notificacion, subject=notificacion.documento,
                 detail={"referencia": notificacion.referencia, "calidad": calidad})


def puede_ver_contenido(notificacion: Notificacion) -> bool:
    """The one rule of what the sede delivers: the content of a notification practised by
    access (ACCEDIDA) or delivered on paper (ENTREGADA_PAPEL, so that the interesado may
    re-read what they received). Not before (pending), nor after a rejection, express or
    by the ten days (the trámite is done, art. 41.5), an expiry or an annulment."""
    return notificacion.estado in (EstadoNotificacion.ACCEDIDA,
                                   EstadoNotificacion.ENTREGADA_PAPEL)


def admite_comparecencia(notificacion: Notificacion) -> bool:
    """Whether the interesado may still appear at the sede to practise it (access) or
    reject it: a pending notification, or a paper one whose delivery failed (art. 42.1:
    the sede keeps it at their disposal)."""
    return notificacion.is_pendiente or \
        notificacion.estado == EstadoNotificacion.FALLIDA_PAPEL


def _caducada(notificacion: Notificacion, now: datetime.datetime) -> bool:
    caduca = notificacion.remesa.caduca_at
    return caduca is not None and caduca <= now


def _no_disponible(notificacion: Notificacion) -> NotificacionError:
    """The refusal for a notification the sede no longer delivers."""
    if notificacion.estado == EstadoNotificacion.RECHAZADA_PLAZO:
        return NotificacionError(_(
            "La notificación %(ref)s se entendió rechazada el %(at)s (hora peninsular), al "
            "pasar diez días naturales desde su puesta a disposición sin acceder a ella "
            "(art. 43.2 de la Ley 39/2015). Se tiene por efectuado el trámite y su contenido "
            "ya no está disponible aquí como notificación.")
            % {"ref": notificacion.referencia,
               "at": _hora_madrid(notificacion.practicada_at or notificacion.vence_at)})
    if notificacion.estado == EstadoNotificacion.RECHAZADA:
        return NotificacionError(_(
            "La notificación %(ref)s fue rechazada: se tiene por efectuado el trámite (art. "
            "41.5 de la Ley 39/2015) y su contenido ya no está disponible aquí como "
            "notificación.") % {"ref": notificacion.referencia})
    return NotificacionError(_("La notificación %(ref)s está «%(e)s»: su contenido ya no está "
                               "disponible.") % {"ref": notificacion.referencia,
                                                 "e": notificacion.get_estado_display()})


def acceder(notificacion: Notificacion, actor: Actor) -> Notificacion:
    """Comparecencia: the destinatario or their representative appears to open the
    content. A pending notification, or a paper one whose delivery failed (art. 42.1), is
    practised (ACCEDIDA, acuse). One already practised (accessed, or delivered on paper)
    is returned unchanged: each download of its content is recorded by `consultar`.

    A notification whose ten days (or expiry) passed before the periodic task ran is
    rejected by deadline as of `vence_at` (or expired), that stays committed, and the
    access is refused (NotificacionError): nothing is served, so no consulta is recorded.
    Refused too for anyone else and for a rejected, expired or annulled notification."""
    with _Ficheros() as ficheros, transaction.atomic():
        notificacion = _locked(notificacion)
        calidad = _exigir_actor(notificacion, actor)
        now = timezone.now()
        _aplicar_plazos(notificacion, now, ficheros)
        if admite_comparecencia(notificacion) and not (
                notificacion.estado == EstadoNotificacion.FALLIDA_PAPEL
                and _caducada(notificacion, now)):
            _cambiar(notificacion, EstadoNotificacion.ACCEDIDA, TipoEvento.ACCESO, at=now,
                     actor=actor, ficheros=ficheros, accion="notificaciones.notificacion.acceso",
                     detalle={"calidad": calidad, "canal_origen": notificacion.canal,
                              "estado_previo": notificacion.estado})
            return notificacion
        if puede_ver_contenido(notificacion):
            return notificacion
    # Raised outside the transaction: a deadline just applied stays committed.
    raise _no_disponible(notificacion)


def consultar(notificacion: Notificacion, actor: Actor) -> tuple[str, str, bytes]:
    """(name, MIME type, bytes) of the content of a practised notification for its
    destinatario or representative, recorded as a consulta (CONSULTA_POSTERIOR, sin
    efecto, no acuse). The bytes are read and checked first, in the same transaction: a
    download that cannot be served records nothing."""
    with transaction.atomic():
        notificacion = _locked(notificacion)
        calidad = _exigir_actor(notificacion, actor)
        if not puede_ver_contenido(notificacion):
            raise _no_disponible(notificacion) if not notificacion.is_pendiente else \
                NotificacionError(_("Acceda primero a la notificación %(ref)s: su contenido "
                                    "se entrega con la comparecencia.")
                                  % {"ref": notificacion.referencia})
        leido = contenido(notificacion)
        _consulta(notificacion, actor, calidad)
    return leido


def rechazar(notificacion: Notificacion, actor: Actor) -> Notificacion:
    """Express rejection at the sede (art. 41.5): RECHAZADA, acuse; the trámite is done.
    Admitted while the interesado may appear (`admite_comparecencia`)."""
    with _Ficheros() as ficheros, transaction.atomic():
        notificacion = _locked(notificacion)
        calidad = _exigir_actor(notificacion, actor)
        now = timezone.now()
        _aplicar_plazos(notificacion, now, ficheros)
        if not admite_comparecencia(notificacion) or (
                notificacion.estado == EstadoNotificacion.FALLIDA_PAPEL
                and _caducada(notificacion, now)):
            # The deadline just applied must stay: raise only outside the transaction.
            estado = notificacion.get_estado_display()
        else:
            _cambiar(notificacion, EstadoNotificacion.RECHAZADA, TipoEvento.RECHAZO, at=now,
                     actor=actor, ficheros=ficheros,
                     accion="notificaciones.notificacion.rechazo",
                     detalle={"calidad": calidad, "canal_origen": notificacion.canal,
                              "estado_previo": notificacion.estado})
            return notificacion
    raise NotificacionError(_("La notificación %(ref)s ya no está pendiente (%(e)s): no "
                              "puede rechazarse.") % {"ref": notificacion.referencia,
                                                      "e": estado})


def contenido(notificacion: Notificacion) -> tuple[str, str, bytes]:
    """(name, MIME type, bytes) of the act notified, checked against the SHA-256 fixed
    when the remesa was made; only where `puede_ver_contenido`. Citizens' downloads go
    through `consultar`, which records them."""
    remesa = notificacion.remesa
    if not puede_ver_contenido(notificacion):
        raise NotificacionError(_("El contenido de la notificación %(ref)s no está "
                                  "disponible.") % {"ref": notificacion.referencia})
    if remesa.documento_id:
        with remesa.documento.contenido.open("rb") as handle:
            data = handle.read()
    else:
        anexo = notificacion.asiento_salida.anexos.order_by("orden", "pk").first()
        with anexo.fichero.open("rb") as handle:
            data = handle.read()
    if hashlib.sha256(data).hexdigest() != remesa.contenido_sha256:
        logger.error("notificaciones: content of remesa %s does not match its hash", remesa.pk)
        raise ContenidoAlterado(_("El fichero notificado no coincide con su huella: no se "
                                  "entrega. Avise al soporte."))
    return remesa.contenido_nombre, remesa.contenido_mime, data


# --- the clerk ---------------------------------------------------------------------------


def registrar_entrega_papel(notificacion: Notificacion, *, resultado: str,
                            at: datetime.datetime, receptor_nombre: str = "",
                            receptor_documento: str = "", acting_user) -> Notificacion:
    """What the notifier recorded for a paper notification (art. 42): entregada →
    ENTREGADA_PAPEL; rehusada → RECHAZADA (art. 41.5); ausente (two attempts),
    desconocido, dirección incorrecta, fallecido → FALLIDA_PAPEL. Art. 41.7, the first
    produced counts: a delivery dated before an access already recorded at the sede is the
    practice (ENTREGADA_PAPEL as of `at`, acuse; the access stays as evidence, sin
    efecto); otherwise, if the notification was already practised, rejected or expired,
    the delivery is recorded sin efecto."""
    if resultado not in ResultadoPapel.values:
        raise NotificacionError(_("Resultado de la entrega desconocido: «%(r)s».")
                                % {"r": resultado})
    if at is None or timezone.is_naive(at):
        raise NotificacionError(_("Indique la fecha y hora de la entrega (con zona horaria)."))
    if at > timezone.now() + datetime.timedelta(minutes=1):
        raise NotificacionError(_("La fecha de la entrega no puede ser futura."))
    receptor_nombre = " ".join((receptor_nombre or "").split())[:250]
    receptor_documento = _compacto(receptor_documento)[:20]
    if resultado == ResultadoPapel.ENTREGADA and not receptor_nombre:
        raise NotificacionError(_("Indique el nombre de quien recibe la notificación "
                                  "(art. 42.2 de la Ley 39/2015)."))
    with _Ficheros() as ficheros, transaction.atomic():
        notificacion = _locked(notificacion)
        if notificacion.canal != Canal.PAPEL:
            raise NotificacionError(_("La notificación %(ref)s es electrónica: no tiene "
                                      "entrega en papel.") % {"ref": notificacion.referencia})
        if notificacion.puesta_at and at < notificacion.puesta_at:
            raise NotificacionError(_("La entrega no puede ser anterior a la remisión de la "
                                      "notificación."))
        if resultado == ResultadoPapel.ENTREGADA:
            estado, tipo = EstadoNotificacion.ENTREGADA_PAPEL, TipoEvento.ENTREGA_PAPEL
        elif resultado == ResultadoPapel.REHUSADA:
            estado, tipo = EstadoNotificacion.RECHAZADA, TipoEvento.RECHAZO
        else:
            estado, tipo = EstadoNotificacion.FALLIDA_PAPEL, TipoEvento.ENTREGA_PAPEL_FALLIDA
        actor = Actor(documento=receptor_documento, nombre=receptor_nombre,
                      metodo="papel", nivel="")
        detalle = {"resultado": resultado, "resultado_label": str(ResultadoPapel(resultado).label),
                   "medio": "papel"}
        if notificacion.estado == EstadoNotificacion.ANULADA:
            raise NotificacionError(_("La notificación %(ref)s está anulada.")
                                    % {"ref": notificacion.referencia})
        if (resultado == ResultadoPapel.ENTREGADA
                and notificacion.estado == EstadoNotificacion.ACCEDIDA
                and notificacion.practicada_at is not None and at < notificacion.practicada_at):
            # Art. 41.7: delivered on paper before the access at the sede; the delivery,
            # first produced, is the practice and the access is kept as a consulta.
            accesos = list(notificacion.eventos.select_for_update()
                           .filter(tipo=TipoEvento.ACCESO, is_sin_efecto=False))
            for acceso in accesos:
                acceso.is_sin_efecto = True
                acceso.detalle = {**acceso.detalle, "consulta": True,
                                  "sin_efecto_por": "entrega_papel_anterior"}
                acceso.save(update_fields=["is_sin_efecto", "detalle"])
            notificacion.resultado_papel = resultado
            notificacion.save(update_fields=["resultado_papel"])
            _cambiar(notificacion, estado, tipo, at=at, actor=actor, acting_user=acting_user,
                     ficheros=ficheros, accion="notificaciones.notificacion.entrega_papel",
                     detalle={**detalle, "anterior_al_acceso": True,
                              "accesos_sin_efecto": [a.pk for a in accesos]})
            return notificacion
        if not notificacion.is_pendiente:
            _evento(notificacion, tipo, at=at, actor=actor, acting_user=acting_user,
                    sin_efecto=True, detalle={**detalle, "estado": notificacion.estado})
            audit.record("notificaciones.notificacion.entrega_papel", user=acting_user,
                         entity=documents.current_entity(), obj=notificacion,
                         subject=notificacion.documento,
                         detail={"referencia": notificacion.referencia,
                                 "resultado": resultado, "sin_efecto": True})
            return notificacion
        notificacion.resultado_papel = resultado
        notificacion.save(update_fields=["resultado_papel"])
        _cambiar(notificacion, estado, tipo, at=at, actor=actor, acting_user=acting_user,
                 ficheros=ficheros, accion="notificaciones.notificacion.entrega_papel",
                 detalle=detalle)
    return notificacion


def anular(notificacion: Notificacion, *, motivo: str, acting_user) -> Notificacion:
    """Cancel a pending notification (wrong destinatario, wrong document)."""
    motivo = " ".join((motivo or "").split())
    if not motivo:
        raise NotificacionError(_("Indique el motivo de la anulación."))
    if len(motivo) > MAX_MOTIVO:
        raise NotificacionError(_("El motivo admite como máximo %(max)s caracteres.")
                                % {"max": MAX_MOTIVO})
    with _Ficheros() as ficheros, transaction.atomic():
        notificacion = _locked(notificacion)
        if not notificacion.is_pendiente:
            raise NotificacionError(_("Solo se anulan notificaciones pendientes: %(ref)s está "
                                      "«%(e)s».") % {"ref": notificacion.referencia,
                                                     "e": notificacion.get_estado_display()})
        _cambiar(notificacion, EstadoNotificacion.ANULADA, TipoEvento.ANULACION,
                 at=timezone.now(), acting_user=acting_user, ficheros=ficheros,
                 accion="notificaciones.notificacion.anulacion", detalle={"motivo": motivo})
    return notificacion


def reenviar_aviso(notificacion: Notificacion, *, acting_user) -> list[Aviso]:
    """Send the avisos again (pending electronic notifications only)."""
    with transaction.atomic():
        notificacion = _locked(notificacion)
        if notificacion.canal != Canal.SEDE or \
                notificacion.estado != EstadoNotificacion.PUESTA_DISPOSICION:
            raise NotificacionError(_("Solo se reenvían avisos de notificaciones electrónicas "
                                      "pendientes."))
        nuevos = avisos.programar(notificacion, reenvio=True, acting_user=acting_user)
        if not nuevos:
            raise NotificacionError(_("La notificación %(ref)s no tiene correo electrónico ni "
                                      "teléfono al que avisar.")
                                    % {"ref": notificacion.referencia})
        audit.record("notificaciones.aviso.reenvio", user=acting_user,
                     entity=documents.current_entity(), obj=notificacion,
                     subject=notificacion.documento,
                     detail={"referencia": notificacion.referencia, "avisos": len(nuevos)})
    return nuevos


# --- apoderamientos ----------------------------------------------------------------------

APODERAMIENTO_CAMPOS = frozenset({
    "poderdante_tipo_documento", "poderdante_documento", "poderdante_nombre",
    "apoderado_tipo_documento", "apoderado_documento", "apoderado_nombre",
    "apoderado_email", "apoderado_telefono", "procedimiento_code", "valido_desde",
    "valido_hasta", "referencia"})


def registrar_apoderamiento(*, acting_user, **fields) -> Apoderamiento:
    """Register an apoderamiento (validated documents, dates in order). Fields: those of
    APODERAMIENTO_CAMPOS; `valido_desde` defaults to today."""
    from registro import services as registro

    unknown = set(fields) - APODERAMIENTO_CAMPOS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    datos: dict[str, Any] = {}
    for rol, etiqueta in (("poderdante", _("poderdante")), ("apoderado", _("apoderado"))):
        try:
            code, numero = registro.validar_documento(fields.get(f"{rol}_tipo_documento", ""),
                                                      fields.get(f"{rol}_documento", ""))
        except registro.RegistroError as exc:
            raise NotificacionError(f"{etiqueta.capitalize()}: {exc.message}") from exc
        nombre = " ".join((fields.get(f"{rol}_nombre") or "").split())
        if not nombre:
            raise NotificacionError(_("Indique el nombre del %(rol)s.") % {"rol": etiqueta})
        datos[f"{rol}_tipo_documento"] = TIPO_DOCUMENTO[code]
        datos[f"{rol}_documento"] = numero
        datos[f"{rol}_nombre"] = nombre[:250]
    if datos["poderdante_documento"] == datos["apoderado_documento"]:
        raise NotificacionError(_("El apoderado no puede ser el mismo poderdante."))
    email = (fields.get("apoderado_email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise NotificacionError(_("El correo electrónico «%(e)s» no es válido.")
                                    % {"e": email}) from exc
    desde = fields.get("valido_desde") or timezone.localdate()
    hasta = fields.get("valido_hasta")
    if isinstance(desde, datetime.datetime) or not isinstance(desde, datetime.date) or (
            hasta is not None and (isinstance(hasta, datetime.datetime)
                                   or not isinstance(hasta, datetime.date))):
        raise NotificacionError(_("Las fechas de validez deben ser fechas."))
    if hasta is not None and hasta < desde:
        raise NotificacionError(_("La fecha final de validez es anterior a la inicial."))
    procedimiento = (fields.get("procedimiento_code") or "").strip()
    if len(procedimiento) > 30:
        raise NotificacionError(_("El código del procedimiento admite como máximo 30 "
                                  "caracteres."))
    user_id, user_name = _user_fields(acting_user)
    with transaction.atomic():
        solapados = Apoderamiento.objects.select_for_update().filter(
            poderdante_documento=datos["poderdante_documento"],
            apoderado_documento=datos["apoderado_documento"],
            procedimiento_code=procedimiento, revocado_at__isnull=True).filter(
            Q(valido_hasta__isnull=True) | Q(valido_hasta__gte=desde))
        if hasta is not None:
            solapados = solapados.filter(valido_desde__lte=hasta)
        if solapados.exists():
            raise NotificacionError(_("Ya hay un apoderamiento de %(a)s para %(p)s que cubre "
                                      "esas fechas y ese procedimiento.")
                                    % {"a": datos["apoderado_nombre"],
                                       "p": datos["poderdante_nombre"]})
        apoderamiento = Apoderamiento.objects.create(
            **datos, apoderado_email=email,
            apoderado_telefono=(fields.get("apoderado_telefono") or "").strip()[:20],
            procedimiento_code=procedimiento, valido_desde=desde, valido_hasta=hasta,
            referencia=(fields.get("referencia") or "").strip()[:100],
            created_by_id=user_id, created_by_name=user_name)
        audit.record("notificaciones.apoderamiento.alta", user=acting_user,
                     entity=documents.current_entity(), obj=apoderamiento,
                     subject=apoderamiento.poderdante_documento,
                     detail={"procedimiento": procedimiento,
                             "desde": desde.isoformat(),
                             "hasta": hasta.isoformat() if hasta else None})
    return apoderamiento


def revocar_apoderamiento(apoderamiento: Apoderamiento, *, motivo: str,
                          acting_user) -> Apoderamiento:
    """Revoke an apoderamiento from now on: it no longer names the representative of new
    notifications, and its apoderado can no longer appear for pending ones."""
    motivo = " ".join((motivo or "").split())
    if not motivo:
        raise NotificacionError(_("Indique el motivo de la revocación."))
    if len(motivo) > MAX_MOTIVO:
        raise NotificacionError(_("El motivo admite como máximo %(max)s caracteres.")
                                % {"max": MAX_MOTIVO})
    with transaction.atomic():
        apoderamiento = Apoderamiento.objects.select_for_update().get(pk=apoderamiento.pk)
        if apoderamiento.revocado_at is not None:
            raise NotificacionError(_("El apoderamiento ya está revocado."))
        apoderamiento.revocado_at = timezone.now()
        apoderamiento.revocado_motivo = motivo
        apoderamiento.save(update_fields=["revocado_at", "revocado_motivo"])
        audit.record("notificaciones.apoderamiento.revocacion", user=acting_user,
                     entity=documents.current_entity(), obj=apoderamiento,
                     subject=apoderamiento.poderdante_documento, detail={"motivo": motivo})
    return apoderamiento


def apoderamiento_vigente(poderdante_documento: str, procedimiento_code: str,
                          on: datetime.date | None = None) -> Apoderamiento | None:
    """The apoderamiento in force that covers this procedure (a specific one before a
    general one), or None. Both dates are inclusive; revoked ones never count."""
    on = on or timezone.localdate()
    procedimiento_code = (procedimiento_code or "").strip()
    cubre = Q(procedimiento_code="")
    if procedimiento_code:
        cubre |= Q(procedimiento_code=procedimiento_code)
    candidatos = list(
        Apoderamiento.objects.filter(poderdante_documento=_compacto(poderdante_documento),
                                     revocado_at__isnull=True, valido_desde__lte=on)
        .filter(Q(valido_hasta__isnull=True) | Q(valido_hasta__gte=on)).filter(cubre)
        .order_by("-valido_desde", "-pk"))
    especificos = [a for a in candidatos if a.procedimiento_code]
    return (especificos or candidatos or [None])[0]
