"""What the notificaciones tell the expedientes about the notified documents
(expedientes.hooks, registered from setup_nucleo):

- While a notification is pending (puesta a disposición, or pending paper delivery), its
  document is reserved from its destinatario and from the representative recorded on it:
  the expediente's pages in the carpeta ciudadana do not list or serve it, even when it is
  visible to the interesados. They read it only by appearing (comparecencia), which is
  the evidence of access (art. 43.1 Ley 39/2015); otherwise they could read the act and
  still be deemed to reject it by the deadline. The representative is reserved whether
  or not their apoderamiento is still in force: reading the act on the poderdante's
  behalf outside the comparecencia is what must not happen.
- Once no notification of the document to that person is pending, it is served like any
  other visible document. After an access that is plain. After a rejection (express or by
  the ten days, art. 43.2) the notification is deemed made and the procedure goes on
  (art. 41.5): the act is part of the expediente, and reading it there changes nothing
  about the notification or its effects. The same after an expiry, a paper delivery
  (done or failed) or an annulment.
- A document with a pending notification may not be made visible to the interesados.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from notificaciones.choices import EstadoNotificacion
from notificaciones.models import Notificacion


def _pendientes() -> QuerySet[Notificacion]:
    return Notificacion.objects.filter(estado__in=EstadoNotificacion.pendientes(),
                                       remesa__documento__isnull=False)


def reservados(documento_ciudadano: str) -> QuerySet:
    """The pks of the expediente documents notified to this person (as destinatario or as
    recorded representative) in a notification still pending."""
    documento_ciudadano = (documento_ciudadano or "").strip().upper()
    if not documento_ciudadano:
        return Notificacion.objects.none().values("remesa__documento_id")
    return (_pendientes()
            .filter(Q(documento=documento_ciudadano)
                    | Q(representante_documento=documento_ciudadano))
            .values("remesa__documento_id"))


def bloquea_visibilidad(documento) -> str | None:
    """Why the document may not be made visible now: a notification of it is pending."""
    pendiente = (_pendientes().filter(remesa__documento_id=documento.pk)
                 .order_by("created_at", "pk").only("referencia").first())
    if pendiente is None:
        return None
    return _("«%(t)s» tiene pendiente la notificación %(ref)s: no se pone a disposición de "
             "los interesados hasta que se practique, se rechace o se anule, para que solo "
             "se pueda leer compareciendo en la sede electrónica.") % {
        "t": documento.titulo, "ref": pendiente.referencia}
