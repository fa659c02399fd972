"""Labels of the audit actions of the procedures catalogue, the templates and the
documents of an expediente (imported by setup_catalogo.register)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "expedientes.procedimiento.adopcion": _("Adopción de un procedimiento del catálogo "
                                            "provincial"),
    "expedientes.procedimiento.actualizacion": _("Actualización de un procedimiento a una "
                                                 "versión nueva de su modelo"),
    "expedientes.procedimiento.alta": _("Alta de un procedimiento"),
    "expedientes.procedimiento.cambio": _("Cambio de un procedimiento"),
    "expedientes.plantilla.alta": _("Alta de una plantilla de documento"),
    "expedientes.plantilla.cambio": _("Cambio de una plantilla de documento"),
    "expedientes.documento.generacion": _("Generación de un documento desde una plantilla"),
    "expedientes.documento.edicion": _("Cambio de un borrador de documento"),
    "expedientes.documento.congelacion": _("Conversión de un borrador en PDF definitivo"),
    "expedientes.documento.incorporacion": _("Incorporación de un fichero a un expediente"),
    "expedientes.documento.anulacion": _("Anulación de un borrador de documento"),
    "expedientes.documento.visibilidad": _("Cambio de la visibilidad de un documento para "
                                           "los interesados"),
    "expedientes.documento.descarga": _("Descarga de un documento de un expediente"),
})
