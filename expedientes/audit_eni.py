"""Labels of the audit actions of the ENI export and remissions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "expedientes.remision.crear": _("Remisión de un expediente en formato ENI"),
    "expedientes.remision.enviada": _("Remisión ENI entregada al transporte"),
    "expedientes.remision.error": _("Error en una remisión ENI"),
    "expedientes.remision.reintentar": _("Reintento de una remisión ENI"),
    "expedientes.remision.descarga": _("Descarga del paquete ENI de una remisión"),
    "expedientes.eni.exportar": _("Exportación ENI de un expediente por línea de órdenes"),
})
