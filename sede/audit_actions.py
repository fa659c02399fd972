"""Labels of the audit actions of the sede electrónica and its back office."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "sede.procedimiento.create": _("Alta de un procedimiento"),
    "sede.procedimiento.update": _("Modificación de un procedimiento"),
    "sede.procedimiento.activate": _("Activación de un procedimiento"),
    "sede.procedimiento.deactivate": _("Desactivación de un procedimiento"),
    "sede.procedimiento.delete": _("Borrado de un procedimiento"),
    "sede.edicto.create": _("Alta de un edicto"),
    "sede.edicto.update": _("Modificación de un edicto"),
    "sede.edicto.withdraw": _("Retirada de un edicto"),
    "sede.edicto.delete": _("Borrado de un edicto"),
    "sede.ciudadano.identificacion": _("Identificación de una persona en la sede"),
    "sede.ciudadano.identificacion_rechazada": _("Identificación rechazada en la sede"),
    "sede.carpeta.consulta": _("Consulta de la carpeta ciudadana"),
    "sede.justificante.descarga": _("Descarga de un justificante de la sede"),
    "sede.volante.descarga": _("Descarga de un volante de empadronamiento"),
    "sede.verificacion": _("Verificación de un documento por su CSV"),
})
