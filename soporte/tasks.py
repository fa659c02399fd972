"""Job kinds of the incident desk (registered when SoporteConfig.ready imports this module)."""

from __future__ import annotations

import smtplib
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provincial.jobs import JobContext, TemporaryJobError, apply_once, registry
from soporte.choices import TipoEvento

REPLY_MARKER = "-- Escriba su respuesta por encima de esta línea --"


def desk_address() -> str:
    """The address replies go to (an MTA pipes it to `manage.py soporte_correo`)."""
    return getattr(settings, "SOPORTE_EMAIL", "") or f"soporte@{settings.PROVINCIAL_DOMAIN}"


def subject_for(incidencia) -> str:
    # A header is one line: Django refuses a line break (BadHeaderError), which would make
    # every notice of an incident stored with one fail.
    return " ".join(f"[{incidencia.reference}] {incidencia.subject}".split())


def _recipients(evento) -> list[tuple[object, str]]:
    """(user, audience) pairs: the reporter and the assignee, not the one who acted (except the
    acknowledgement of a new incident)."""
    from soporte.access import sender_may_write

    incidencia = evento.incidencia
    people = []
    for user, audience in ((incidencia.reporter, "entity"), (incidencia.assignee, "desk")):
        if user is None or not user.email or not sender_may_write(user, incidencia):
            continue
        if user.pk == evento.actor_id and evento.kind != TipoEvento.CREADA:
            continue
        if any(u.pk == user.pk for u, _a in people):
            continue
        people.append((user, audience))
    return people


def _link(incidencia, audience: str) -> str:
    """The incident's page at the public address of the host the recipient works on
    (`Entity.public_url`: scheme and port included)."""
    from tenants.models import Entity

    if audience == "desk":
        diputacion = Entity.objects.filter(schema_name="public").prefetch_related("domains").first()
        path = f"/soporte/{incidencia.reference}/"
        if diputacion is None or not (diputacion.public_base_url or diputacion.primary_domain()):
            return f"{settings.PUBLIC_URL_SCHEME}://{settings.PROVINCIAL_DOMAIN}{path}"
        return diputacion.public_url(path)
    return incidencia.entity.public_url(f"/gestion/soporte/{incidencia.reference}/")


def build_message(evento, user, audience: str) -> EmailMessage:
    from soporte.models import Mensaje

    incidencia = evento.incidencia
    mensaje = None
    if evento.kind == TipoEvento.RESPUESTA and evento.data.get("mensaje_id"):
        mensaje = Mensaje.objects.filter(pk=evento.data["mensaje_id"], is_internal=False).first()
    body = render_to_string("soporte/email/notificacion.txt", {
        "evento": evento, "incidencia": incidencia, "mensaje": mensaje, "user": user,
        "link": _link(incidencia, audience), "marker": REPLY_MARKER})
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return EmailMessage(
        subject=subject_for(incidencia), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email], reply_to=[desk_address()],
        headers={"Message-ID": make_msgid(idstring=f"{incidencia.reference}.{evento.pk}",
                                          domain=domain),
                 "X-Incidencia": incidencia.reference,
                 "Auto-Submitted": "auto-generated"})


@registry.register("soporte.notificar", label=gettext_lazy("Aviso por correo de una incidencia"),
                   application="soporte")
def notificar(context: JobContext) -> dict:
    """E-mail the reporter and the assignee about one public change of an incident.

    Each recipient is sent once (idempotency key per event and address), so a retry after
    a dropped connection only sends what is missing.
    """
    from soporte.models import Evento

    evento = Evento.objects.select_related("incidencia__entity", "incidencia__reporter",
                                           "incidencia__assignee").filter(
        pk=context.payload["evento_id"]).first()
    if evento is None:
        return {"sent": 0}
    connection = get_connection(fail_silently=False)
    sent = 0
    try:
        for user, audience in _recipients(evento):
            message = build_message(evento, user, audience)
            message.connection = connection

            def send(message=message) -> None:
                message.send()

            try:
                if apply_once(f"soporte.notificar:{evento.pk}:{user.email.lower()}", send,
                              job=context.job):
                    sent += 1
            except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
                raise TemporaryJobError(_("No se pudo entregar el aviso al servidor de correo "
                                          "(%(error)s).") % {"error": exc}) from exc
    finally:
        connection.close()
    context.log(_("Avisos enviados: %(n)s.") % {"n": sent})
    return {"sent": sent}
