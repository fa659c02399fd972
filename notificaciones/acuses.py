"""The acuse of each state change of a notification: a PDF issued through
provincial.documents (CSV, sealed with the entity's sello de órgano when it has one),
linked to its Evento and, when the remesa belongs to an expediente, incorporated into it
as an «Acuse de recibo» (TD09).

Called by notificaciones.actions inside their transaction: if anything here fails the
state change does not happen either. Files written to storage before a rollback are
returned by `emitir` so that the caller can remove them.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notificaciones.choices import Canal, EstadoNotificacion, TipoEvento
from notificaciones.models import Evento
from provincial.documents import services as documents

if TYPE_CHECKING:
    from provincial.documents.models import IssuedDocument
    from tenants.models import User

logger = logging.getLogger(__name__)

KIND = "acuse_notificacion"
TEMPLATE = "notificaciones/pdf/acuse.html"
MADRID = ZoneInfo("Europe/Madrid")
UTC = datetime.UTC


def madrid(value: datetime.datetime | None) -> str:
    """25/03/2027 10:00:00 (hora de Madrid, UTC+01:00)."""
    if value is None:
        return ""
    local = value.astimezone(MADRID)
    offset = local.strftime("%z")
    return _("%(fecha)s (hora de Madrid, UTC%(offset)s)") % {
        "fecha": local.strftime("%d/%m/%Y %H:%M:%S"), "offset": f"{offset[:3]}:{offset[3:]}"}


def utc(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


TITULOS = {
    TipoEvento.PUESTA_DISPOSICION: gettext_lazy("Acuse de puesta a disposición de una notificación"),
    TipoEvento.ACCESO: gettext_lazy("Acuse de acceso al contenido de una notificación"),
    TipoEvento.RECHAZO: gettext_lazy("Acuse de rechazo de una notificación"),
    TipoEvento.RECHAZO_PLAZO: gettext_lazy("Acuse de rechazo de una notificación por transcurso del "
                                "plazo"),
    TipoEvento.EXPIRACION: gettext_lazy("Acuse de expiración de una notificación"),
    TipoEvento.ENTREGA_PAPEL: gettext_lazy("Acuse de entrega de una notificación en papel"),
    TipoEvento.ENTREGA_PAPEL_FALLIDA: gettext_lazy("Acuse de intento de entrega de una notificación en "
                                        "papel"),
    TipoEvento.ANULACION: gettext_lazy("Acuse de anulación de una notificación"),
}


def titulo(evento: Evento) -> str:
    return str(TITULOS.get(evento.tipo, gettext_lazy("Acuse de una notificación")))


def nombre_fichero(evento: Evento) -> str:
    return f"acuse-{evento.notificacion.referencia}-{evento.tipo}.pdf".replace("_", "-")


def emitir(evento: Evento, *, acting_user: User | None = None) -> list[str]:
    """Issue the acuse of `evento`, set `evento.acuse` (and `documento_expediente`) and
    save it. Returns the storage names written (to remove if the caller rolls back)."""
    notificacion = evento.notificacion
    remesa = notificacion.remesa
    expediente = remesa.expediente
    asiento = notificacion.asiento_salida
    title = titulo(evento)
    context = {
        "evento": evento, "notificacion": notificacion, "remesa": remesa,
        "expediente": expediente, "asiento": asiento,
        "is_papel": notificacion.canal == Canal.PAPEL,
        "puesta_madrid": madrid(notificacion.puesta_at), "puesta_utc": utc(notificacion.puesta_at),
        "vence_madrid": madrid(notificacion.vence_at),
        "evento_madrid": madrid(evento.at), "evento_utc": utc(evento.at),
        "estado_label": (EstadoNotificacion(evento.estado_resultante).label
                         if evento.estado_resultante else ""),
        "detalle": evento.detalle or {},
    }
    document: IssuedDocument = documents.issue_rendered(
        KIND, TEMPLATE, context, title=f"{title} {notificacion.referencia}",
        issuer=acting_user, subject_document=notificacion.documento,
        subject_name=notificacion.nombre_completo,
        metadata={"referencia": notificacion.referencia, "evento": evento.tipo,
                  "at": evento.at.isoformat(), "contenido_sha256": remesa.contenido_sha256,
                  "numero_registro": asiento.numero_registro if asiento else ""},
        obj=notificacion)
    written = [document.file.name]
    evento.acuse = document
    fields = ["acuse"]
    if expediente is not None:
        incorporado = _incorporar(evento, document, title, acting_user)
        if incorporado is not None:
            written.append(incorporado.contenido.name)
            evento.documento_expediente = incorporado
            fields.append("documento_expediente")
    evento.save(update_fields=[*fields, "detalle"])
    return written


def _incorporar(evento: Evento, document: IssuedDocument, title: str,
                acting_user: User | None):
    """The acuse as a document of the expediente (TD09), or None when the expediente's
    state admits no documents (closed, archived, annulled): the acuse is still issued and
    verifiable by its CSV, and the reason is kept in the event's detail."""
    from expedientes import documentos
    from expedientes.choices import OrigenEni, TipoDocumental
    from expedientes.flujo import ExpedienteError
    from expedientes.models import Documento

    expediente = evento.notificacion.remesa.expediente
    contenido = documents.read_verified(document)
    try:
        incorporado = documentos.incorporar_fichero(
            expediente, nombre_fichero(evento), contenido,
            tipo_documental=TipoDocumental.ACUSE_RECIBO, acting_user=acting_user,
            origen=OrigenEni.ADMINISTRACION,
            titulo=f"{title} {evento.notificacion.referencia}")
    except ExpedienteError as exc:
        logger.warning("notificaciones: acuse %s not incorporated into %s: %s",
                       document.pk, expediente.pk, exc.message)
        evento.detalle = {**(evento.detalle or {}), "acuse_no_incorporado": exc.message}
        return None
    Documento.objects.filter(pk=incorporado.pk).update(csv=document.csv)
    incorporado.csv = document.csv
    return incorporado
