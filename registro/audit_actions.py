"""Labels of the audit actions of the registro and its SIR exchanges."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "registro.asiento.alta": _("Alta de un asiento"),
    "registro.asiento.anulacion": _("Anulación de un asiento"),
    "registro.asiento.distribucion": _("Distribución de un asiento"),
    "registro.asiento.consulta": _("Consulta de un asiento"),
    "registro.padron.consulta": _("Consulta del padrón para un interesado del registro"),
    "registro.anexo.descarga": _("Descarga de un anexo"),
    "registro.libro.exportar": _("Exportación del libro de registro"),
    "registro.unidad.guardar": _("Cambio de una unidad de tramitación"),
    "registro.festivo.alta": _("Alta de un día inhábil"),
    "registro.festivo.baja": _("Baja de un día inhábil"),
    "registro.intercambio.estado": _("Cambio de estado de un intercambio SIR"),
    "registro.sir.recepcion": _("Recepción de un intercambio SIR"),
    "registro.sir.aceptar": _("Aceptación de un intercambio SIR"),
    "registro.sir.rechazar": _("Rechazo de un intercambio SIR"),
    "registro.sir.consulta": _("Consulta de un intercambio SIR"),
    "registro.sir.descarga": _("Descarga de un fichero SIR"),
})
