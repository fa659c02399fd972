"""Labels of the audit actions of the expedientes (found by provincial.audit_labels'
autodiscovery). The other parts of the app declare theirs in their own modules
(audit_portafirmas, audit_eni…), imported by their setup_* registration."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register_area("expedientes", _("expedientes"))
labels.register({
    "expedientes.expediente.apertura": _("Apertura de un expediente"),
    "expedientes.expediente.consulta": _("Consulta de un expediente"),
    "expedientes.expediente.datos": _("Cambio de los datos de un expediente"),
    "expedientes.expediente.fase": _("Cambio de fase de un expediente"),
    "expedientes.expediente.resolucion": _("Expediente marcado como resuelto"),
    "expedientes.expediente.cierre": _("Cierre de un expediente"),
    "expedientes.expediente.archivo": _("Archivo de un expediente"),
    "expedientes.expediente.reapertura": _("Reapertura de un expediente"),
    "expedientes.expediente.anulacion": _("Anulación de un expediente"),
    "expedientes.expediente.aportacion": _("Aportación de documentos a un expediente por la "
                                           "sede"),
    "expedientes.interesado.alta": _("Alta de un interesado en un expediente"),
    "expedientes.interesado.baja": _("Baja de un interesado de un expediente"),
    "expedientes.tarea.alta": _("Alta de una tarea de un expediente"),
    "expedientes.tarea.asignacion": _("Asignación de una tarea de un expediente"),
    "expedientes.tarea.hecha": _("Tarea de un expediente hecha"),
    "expedientes.tarea.cancelacion": _("Cancelación de una tarea de un expediente"),
    "expedientes.plazo.suspension": _("Suspensión del plazo de un expediente"),
    "expedientes.plazo.reanudacion": _("Reanudación del plazo de un expediente"),
    "expedientes.plazo.ampliacion": _("Ampliación del plazo de un expediente"),
    "expedientes.documento.descarga": _("Descarga de un documento de un expediente"),
    "expedientes.ciudadano.consulta": _("Consulta de sus expedientes por un ciudadano en la "
                                        "sede"),
    "expedientes.informe.exportar": _("Exportación de los informes de expedientes"),
})
