"""Job handlers and periodic tasks of the tenancy app."""

from __future__ import annotations

import contextlib
import smtplib
from email.utils import make_msgid, parseaddr

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provincial.jobs import JobContext, TemporaryJobError, registry
from tenants import provisioning
from tenants.choices import DeliveryState
from tenants.models import Communication, Delivery


@registry.register("tenants.refill_spares", label=gettext_lazy("Preparar esquemas de reserva"),
                   application=None, queue="provision")
def refill_spares_job(context: JobContext) -> dict:
    """Clone the template schema until the spare pool is full."""
    made = provisioning.refill_spares()
    return {"created": made, "spares": len(provisioning.spare_schemas())}


@shared_task(name="tenants.tasks.refill_spare_schemas")
def refill_spare_schemas() -> int:
    """Periodic: keep the pool of spare schemas full."""
    return provisioning.refill_spares()


@registry.register("tenants.backup_entity", label=gettext_lazy("Copia de seguridad de la entidad"),
                   application=None, queue="provision")
def backup_entity_job(context: JobContext) -> dict:
    """Write the entity's backup to BACKUP_DIR and keep the newest BACKUP_KEEP of them."""
    from tenants import backup
    from tenants.models import Entity

    entity = Entity.objects.get(pk=context.job.entity_id)
    path, manifest, removed = backup.write_backup(
        entity, settings.BACKUP_DIR, keep=settings.BACKUP_KEEP,
        progress=lambda done, total: context.progress(int(100 * done / total),
                                                      _("Tablas copiadas: %(done)s de %(total)s")
                                                      % {"done": done, "total": total}))
    return {"file": path.name, "tables": len(manifest["tables"]), "removed": len(removed)}


@shared_task(name="tenants.tasks.backup_all_entities")
def backup_all_entities() -> int:
    """Nightly: one backup job per active entity (fan-out, one tenant per job)."""
    from provincial.jobs import enqueue
    from tenants.models import Entity

    count = 0
    for entity in Entity.objects.adhered().filter(is_active=True):
        enqueue("tenants.backup_entity", entity=entity)
        count += 1
    return count


@shared_task(name="tenants.tasks.purge_login_handoffs")
def purge_login_handoffs() -> int:
    """Periodic: delete entity-switch tickets that are used or expired."""
    from django.db.models import Q

    from tenants.models import LoginHandoff

    deleted, _detail = LoginHandoff.objects.filter(
        Q(used_at__isnull=False) | Q(expires_at__lt=timezone.now())).delete()
    return deleted


@registry.register("tenants.send_communication",
                   label=gettext_lazy("Envío a la lista de distribución"), application=None)
def send_communication_job(context: JobContext) -> dict:
    """Send a communication to each pending recipient over one SMTP session.

    Each delivery is marked with the server's reply as soon as the server accepts it, so
    a retry only sends what is still pending.
    """
    communication = Communication.objects.select_related("sender").get(
        pk=context.payload["communication_id"])
    pending = list(communication.deliveries.exclude(state=DeliveryState.SENT)
                   .select_related("entity"))
    total = communication.deliveries.count()
    already = total - len(pending)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryJobError(_("No se pudo conectar con el servidor de correo (%(error)s).")
                                % {"error": exc}) from exc
    smtp = connection.connection
    envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    try:
        smtp.ehlo_or_helo_if_needed()
    except (OSError, smtplib.SMTPException) as exc:
        raise TemporaryJobError(_("El servidor de correo no respondió al saludo (%(error)s).")
                                % {"error": exc}) from exc
    sent = failed = 0
    try:
        for index, delivery in enumerate(pending, start=1):
            message = EmailMessage(
                subject=communication.subject, body=communication.body,
                from_email=settings.DEFAULT_FROM_EMAIL, to=[delivery.email],
                reply_to=[communication.sender.email] if communication.sender.email else None,
                headers={"Message-ID": make_msgid(domain=envelope_from.rpartition("@")[2]),
                         "X-Comunicacion": str(communication.pk)},
            ).message()
            try:
                smtp.mail(envelope_from)
                code, reply = smtp.rcpt(delivery.email)
                if code >= 400:
                    smtp.rset()
                    raise smtplib.SMTPRecipientsRefused({delivery.email: (code, reply)})
                code, reply = smtp.data(message.as_bytes())
                if code >= 400:
                    raise smtplib.SMTPDataError(code, reply)
            except smtplib.SMTPServerDisconnected as exc:
                raise TemporaryJobError(_("El servidor de correo cortó la conexión.")) from exc
            except smtplib.SMTPException as exc:
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=DeliveryState.FAILED, smtp_response=str(exc)[:500],
                    attempts=delivery.attempts + 1)
                failed += 1
            else:
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=DeliveryState.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1,
                    smtp_response=f"{code} {reply.decode(errors='replace')}"[:500])
                sent += 1
            context.progress(int(100 * (already + index) / total),
                             _("%(done)s de %(total)s destinatarios") % {"done": already + index,
                                                                          "total": total})
    finally:
        # Closing a broken session must not mask the result.
        with contextlib.suppress(Exception):
            connection.close()
    context.log(_("Enviados %(sent)s, fallidos %(failed)s.") % {"sent": sent, "failed": failed})
    return {"sent": sent + already, "failed": failed, "total": total}
