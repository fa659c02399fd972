"""Documents the sede issues: the diligencia that certifies an edicto's exposure."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial.documents import services
from provincial.documents.models import IssuedDocument
from sede.models import Edicto

DILIGENCIA_KIND = "diligencia_edicto"


class DiligenciaError(Exception):
    """The diligencia cannot be issued yet (the exposure has not ended)."""


def diligencia(edicto: Edicto) -> IssuedDocument:
    """The diligencia of an ended edicto, issued the first time it is asked for and the
    same document afterwards (the row lock makes two simultaneous requests issue one)."""
    if edicto.diligencia_id:
        return edicto.diligencia
    with transaction.atomic():
        locked = Edicto.objects.select_for_update().get(pk=edicto.pk)
        if locked.diligencia_id:
            return locked.diligencia
        if not locked.has_ended():
            raise DiligenciaError(_("El edicto sigue expuesto: la diligencia se expide "
                                    "cuando termina el periodo de exposición."))
        exposed_days = (timezone.localdate(locked.publish_until)
                        - timezone.localdate(locked.publish_from)).days
        document = services.issue_rendered(
            DILIGENCIA_KIND, "sede/pdf/diligencia.html",
            {"edicto": locked, "exposed_days": exposed_days},
            title=str(_("Diligencia de exposición en el tablón de anuncios")), issuer=None,
            obj=locked, metadata={"edicto": locked.pk, "titulo": locked.title,
                                  "desde": locked.publish_from, "hasta": locked.publish_until,
                                  "documento_sha256": locked.document_sha256})
        locked.diligencia = document
        locked.save(update_fields=["diligencia"])
    return document
