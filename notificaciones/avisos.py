"""Avisos of puesta a disposición (art. 41.6 Ley 39/2015): an e-mail and, when an SMS
provider is configured, an SMS to the destinatario and to the representative. They carry
no content of the act — only that a notification waits at the entity's sede, its
reference, the deadline and the address of the carpeta. Sending is a job
(provincial.jobs), after commit; a failure is recorded on the Aviso and as an
AVISO_FALLIDO event and never changes the notification (art. 41.6: purely informative).
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notificaciones import sms
from notificaciones.acuses import MADRID
from notificaciones.choices import Canal, CanalAviso, EstadoAviso, TipoEvento
from notificaciones.models import Aviso, Evento, Notificacion
from provincial import audit
from provincial.documents import services as documents
from provincial.jobs import JobContext, TemporaryJobError, apply_once, enqueue, registry

if TYPE_CHECKING:
    from tenants.models import Entity, User

logger = logging.getLogger(__name__)

AVISO_JOB = "notificaciones.aviso"
CARPETA_PATH = "/sede/carpeta/notificaciones/"


def _user_name(user: User | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return (user.get_full_name() or user.username)[:150]


def _apoderamiento_en_vigor(notificacion: Notificacion) -> bool:
    """Whether the apoderamiento recorded on the notification is in force today: not
    revoked, and today within its dates (both inclusive). A revoked or ended one no
    longer lets its apoderado appear, so they are not told there is something to see."""
    apoderamiento = notificacion.apoderamiento if notificacion.apoderamiento_id else None
    if apoderamiento is None or apoderamiento.revocado_at is not None:
        return False
    today = timezone.localdate()
    return apoderamiento.valido_desde <= today and (
        apoderamiento.valido_hasta is None or today <= apoderamiento.valido_hasta)


def destinos(notificacion: Notificacion) -> list[tuple[str, str]]:
    """(canal, destino) of the avisos of a notification: the destinatario's e-mail and
    phone, and the representative's (from the apoderamiento, only while it is in force);
    each address once. SMS only when a provider is configured."""
    pares: list[tuple[str, str]] = []
    emails = [notificacion.email]
    telefonos = [notificacion.telefono]
    if _apoderamiento_en_vigor(notificacion):
        emails.append(notificacion.apoderamiento.apoderado_email)
        telefonos.append(notificacion.apoderamiento.apoderado_telefono)
    for email in emails:
        email = (email or "").strip()
        if email and (CanalAviso.EMAIL, email.lower()) not in {(c, d.lower()) for c, d in pares}:
            pares.append((CanalAviso.EMAIL, email))
    if sms.enabled():
        for telefono in telefonos:
            telefono = sms.normalizar_telefono(telefono)
            if telefono and (CanalAviso.SMS, telefono) not in pares:
                pares.append((CanalAviso.SMS, telefono))
    return pares


def programar(notificacion: Notificacion, *, reenvio: bool = False,
              acting_user: User | None = None) -> list[Aviso]:
    """Create the Aviso rows and their jobs (dispatched after the caller's commit). Only
    for electronic notifications."""
    if notificacion.canal != Canal.SEDE:
        return []
    entity = documents.current_entity()
    avisos = []
    for canal, destino in destinos(notificacion):
        aviso = Aviso.objects.create(notificacion=notificacion, canal=canal, destino=destino,
                                     is_reenvio=reenvio, created_by_name=_user_name(acting_user))
        enqueue(AVISO_JOB, entity=entity, payload={"aviso": aviso.pk},
                created_by=acting_user if _user_name(acting_user) else None)
        avisos.append(aviso)
    return avisos


def carpeta_url(entity: Entity) -> str:
    try:
        path = reverse("notificaciones_ciudadano:lista", urlconf="provincial.urls_tenant")
    except NoReverseMatch:
        path = CARPETA_PATH
    return entity.public_url(path)


def _contexto(notificacion: Notificacion, entity: Entity) -> dict:
    vence = notificacion.vence_at.astimezone(MADRID) if notificacion.vence_at else None
    return {"entity": entity, "referencia": notificacion.referencia,
            "nombre": notificacion.nombre_completo,
            "vence": vence.strftime("%d/%m/%Y %H:%M") if vence else "",
            "carpeta_url": carpeta_url(entity)}


def texto_email(notificacion: Notificacion, entity: Entity) -> tuple[str, str]:
    """Subject and body of the e-mail aviso: no concept, no content."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Tiene una notificación en la sede electrónica de %(entity)s "
                    "(ref. %(ref)s)") % {"entity": entity.name,
                                         "ref": notificacion.referencia}
        body = render_to_string("notificaciones/email/aviso.txt",
                                _contexto(notificacion, entity))
    return subject, body


def texto_sms(notificacion: Notificacion, entity: Entity) -> str:
    context = _contexto(notificacion, entity)
    with translation.override(settings.LANGUAGE_CODE):
        if context["vence"]:
            return _("%(entity)s: tiene una notificación (ref. %(ref)s) en la sede "
                     "electrónica, disponible hasta el %(vence)s. Acceda en %(url)s") % {
                "entity": entity.name, "ref": notificacion.referencia,
                "vence": context["vence"], "url": context["carpeta_url"]}
        return _("%(entity)s: tiene una notificación (ref. %(ref)s) en la sede electrónica. "
                 "Acceda en %(url)s") % {"entity": entity.name, "ref": notificacion.referencia,
                                         "url": context["carpeta_url"]}


def _marcar(aviso: Aviso, *, ok: bool, error: str = "", proveedor_id: str = "") -> None:
    """Record the outcome on the aviso and as an event (inside a transaction)."""
    now = timezone.now()
    aviso.estado = EstadoAviso.ENVIADO if ok else EstadoAviso.FALLIDO
    aviso.error = error[:500]
    aviso.proveedor_id = proveedor_id[:100]
    if ok:
        aviso.sent_at = now
    aviso.save(update_fields=["estado", "error", "proveedor_id", "sent_at"])
    notificacion = aviso.notificacion
    Evento.objects.create(
        notificacion=notificacion, tipo=TipoEvento.AVISO_ENVIADO if ok else TipoEvento.AVISO_FALLIDO,
        at=now, detalle={"aviso": aviso.pk, "canal": aviso.canal, "destino": aviso.destino,
                         "proveedor_id": proveedor_id, "error": error[:500],
                         "reenvio": aviso.is_reenvio})
    audit.record("notificaciones.aviso.envio" if ok else "notificaciones.aviso.fallo",
                 entity=documents.current_entity(), obj=notificacion,
                 subject=notificacion.documento,
                 detail={"referencia": notificacion.referencia, "canal": aviso.canal,
                         "error": error[:200]})


def enviar(aviso: Aviso, *, ultimo_intento: bool = True, job=None) -> bool:
    """Send one aviso (once, even if its job runs twice). Returns True if it was sent now.
    A temporary failure raises TemporaryJobError unless it is the last attempt, when the
    aviso is marked failed."""
    entity = documents.current_entity()
    aviso = Aviso.objects.select_related("notificacion", "notificacion__apoderamiento").get(
        pk=aviso.pk)
    if aviso.estado != EstadoAviso.PENDIENTE:
        return False
    notificacion = aviso.notificacion
    if not notificacion.is_pendiente:
        # Accessed, rejected or annulled before the aviso went out (a worker that was down,
        # a queue behind): telling the citizen it awaits them would be false.
        with transaction.atomic():
            _marcar(aviso, ok=False, error=_(
                "No se ha enviado: cuando iba a enviarse, la notificación ya no estaba "
                "pendiente (%(estado)s).") % {"estado": notificacion.get_estado_display()})
        return False
    key = f"{AVISO_JOB}:{entity.schema_name}:{aviso.pk}"

    def send() -> None:
        proveedor_id = ""
        if aviso.canal == CanalAviso.EMAIL:
            subject, body = texto_email(notificacion, entity)
            proveedor_id = make_msgid(domain=entity.primary_domain() or "localhost")
            message = EmailMessage(subject=subject, body=body,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=[aviso.destino],
                                   headers={"Message-ID": proveedor_id})
            message.send(fail_silently=False)
        else:
            sender = sms.sender()
            if sender is None:
                raise sms.SmsError(_("No hay ningún proveedor de SMS configurado."))
            proveedor_id = sender.send(aviso.destino, texto_sms(notificacion, entity))
        _marcar(aviso, ok=True, proveedor_id=proveedor_id)

    try:
        return apply_once(key, send, job=job)
    except (OSError, sms.SmsError) as exc:
        error = str(exc) or type(exc).__name__
        if not ultimo_intento:
            Aviso.objects.filter(pk=aviso.pk).update(error=error[:500])
            raise TemporaryJobError(_("No se pudo enviar el aviso (%(error)s).")
                                    % {"error": error}) from exc
        with transaction.atomic():
            aviso = Aviso.objects.select_for_update().select_related("notificacion").get(
                pk=aviso.pk)
            if aviso.estado == EstadoAviso.PENDIENTE:
                _marcar(aviso, ok=False, error=error)
        logger.warning("notificaciones: aviso %s not sent: %s", aviso.pk, error)
        return False


@registry.register(AVISO_JOB, label=gettext_lazy("Aviso de notificación electrónica"),
                   application="expedientes")
def enviar_aviso_job(context: JobContext) -> dict:
    aviso = Aviso.objects.filter(pk=context.payload["aviso"]).first()
    if aviso is None:
        return {"sent": False}
    job = context.job
    sent = enviar(aviso, ultimo_intento=job.attempts >= job.max_attempts, job=job)
    aviso.refresh_from_db()
    context.log(f"aviso {aviso.pk} ({aviso.canal}): {aviso.estado}")
    return {"sent": sent, "estado": aviso.estado}
