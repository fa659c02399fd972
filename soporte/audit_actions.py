"""Labels of the audit actions of the support desk."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "soporte.incidencia.create": _("Alta de una incidencia"),
    "soporte.adjunto.download": _("Descarga de un adjunto de una incidencia"),
    "soporte.correo.asociar": _("Correo entrante añadido a una incidencia"),
    "soporte.correo.descartar": _("Correo entrante descartado"),
})
