"""Labels of the audit actions of the notificaciones (found by provincial.audit_labels'
autodiscovery, and imported by setup_nucleo)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register_area("notificaciones", _("notificaciones"))
labels.register({
    "notificaciones.remesa.alta": _("Emisión de una remesa de notificaciones"),
    "notificaciones.notificacion.puesta": _("Puesta a disposición de una notificación"),
    "notificaciones.notificacion.acceso": _("Acceso al contenido de una notificación "
                                            "(comparecencia)"),
    "notificaciones.notificacion.consulta": _("Consulta posterior de una notificación"),
    "notificaciones.notificacion.rechazo": _("Rechazo expreso de una notificación"),
    "notificaciones.notificacion.rechazo_plazo": _("Rechazo de una notificación por "
                                                   "transcurso del plazo"),
    "notificaciones.notificacion.expiracion": _("Expiración de una notificación"),
    "notificaciones.notificacion.entrega_papel": _("Resultado de la entrega en papel de una "
                                                   "notificación"),
    "notificaciones.notificacion.anulacion": _("Anulación de una notificación"),
    "notificaciones.aviso.envio": _("Aviso de notificación enviado"),
    "notificaciones.aviso.fallo": _("Aviso de notificación no entregado"),
    "notificaciones.aviso.reenvio": _("Reenvío de los avisos de una notificación"),
    "notificaciones.apoderamiento.alta": _("Alta de un apoderamiento"),
    "notificaciones.apoderamiento.revocacion": _("Revocación de un apoderamiento"),
})
