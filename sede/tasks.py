"""Job handlers of the sede (registered on import; imported by SedeConfig.ready)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provincial.jobs import JobContext, TemporaryJobError, apply_once, registry

ACUSE_JOB = "sede.acuse"


@registry.register(ACUSE_JOB, label=gettext_lazy("Acuse de recibo de la sede"), application="sede")
def send_acuse(context: JobContext) -> dict:
    """E-mail the citizen the acknowledgement of a submission at the sede, with the
    justificante attached; sent once per asiento even if the job runs twice."""
    from provincial.documents import services as documents
    from registro import services
    from registro.models import Asiento

    asiento = Asiento.objects.filter(pk=context.payload["asiento"]).first()
    if asiento is None:
        return {"sent": False}
    entity = documents.current_entity()
    try:
        document = services.justificante(asiento)
    except documents.SigningFailed as exc:  # the sello or the TSA may be back on a retry
        raise TemporaryJobError(exc.message) from exc
    pdf = documents.read_verified(document)
    email = context.payload["email"]

    def send() -> None:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("sede/email/acuse.txt", {
                "asiento": asiento, "entity": entity, "document": document,
                "carpeta_url": entity.public_url(reverse("sede:carpeta"))})
            subject = _("Acuse de recibo: registro %(numero)s") % {
                "numero": asiento.numero_registro}
        message = EmailMessage(subject=subject, body=body,
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[email])
        message.attach(f"justificante-{asiento.numero_registro.replace('/', '-')}.pdf", pdf,
                       "application/pdf")
        try:
            message.send(fail_silently=False)
        except OSError as exc:
            raise TemporaryJobError(_("No se pudo enviar el acuse (%(error)s).")
                                    % {"error": exc}) from exc

    sent = apply_once(f"{ACUSE_JOB}:{entity.schema_name}:{asiento.pk}", send, job=context.job)
    context.log(f"acuse {asiento.numero_registro}: {'enviado' if sent else 'ya enviado'}")
    return {"sent": sent, "numero": asiento.numero_registro}
