"""Labels of the audit actions of the portafirmas and the libro de resoluciones (imported
by setup_portafirmas.register())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "expedientes.circuito.crear": _("Alta de un circuito de firma"),
    "expedientes.circuito.modificar": _("Cambio de un circuito de firma"),
    "expedientes.firma.enviar": _("Envío de un documento a firma"),
    "expedientes.firma.firmar": _("Firma de un documento en el portafirmas"),
    "expedientes.firma.rechazar": _("Rechazo de la firma de un documento"),
    "expedientes.firma.retirar": _("Retirada de un documento del portafirmas"),
    "expedientes.firma.documento": _("Consulta de un documento en el portafirmas"),
    "expedientes.delegacion.crear": _("Delegación de firma"),
    "expedientes.delegacion.revocar": _("Revocación de una delegación de firma"),
    "expedientes.resolucion.transcribir": _("Transcripción de una resolución al libro"),
    "expedientes.resolucion.anular": _("Anulación de una resolución del libro"),
    "expedientes.libro.emitir": _("Emisión del libro de resoluciones de un periodo"),
})
labels.register_area("expedientes", _("expedientes electrónicos"))
