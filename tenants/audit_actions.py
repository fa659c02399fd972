"""Labels of the audit actions of entities, adhesions, users and sessions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register({
    "tenants.entity.provision": _("Alta de entidad"),
    "tenants.entity.backup": _("Copia de seguridad de la entidad"),
    "tenants.entity.restore": _("Restauración de la entidad"),
    "tenants.domain.add": _("Alta de dominio"),
    "tenants.population.record": _("Registro de la población"),
    "tenants.adhesion.request": _("Solicitud de adhesión"),
    "tenants.adhesion.approve": _("Aprobación de adhesión"),
    "tenants.adhesion.refuse": _("Denegación de adhesión"),
    "tenants.adhesion.withdraw": _("Baja de adhesión"),
    "tenants.user.create": _("Alta de usuario"),
    "tenants.membership.add": _("Alta de una persona en la entidad"),
    "tenants.membership.update": _("Cambio de permisos de una persona"),
    "tenants.membership.view": _("Consulta de la ficha de una persona"),
    "tenants.session.switch": _("Cambio de entidad"),
    "tenants.communication.send": _("Envío de una comunicación"),
    "tenants.office_holder.add": _("Alta de un cargo de la entidad"),
    "tenants.office_holder.update": _("Cambio de los datos de un cargo de la entidad"),
    "tenants.office_holder.end": _("Fin del periodo de un cargo de la entidad"),
    "auth.logout_everywhere": _("Cierre de todas las sesiones"),
    "auth.2fa.enrol": _("Activación del doble factor"),
    "auth.2fa.verify": _("Verificación del doble factor"),
    "auth.2fa.failure": _("Código de doble factor incorrecto"),
    "auth.2fa.recovery_codes": _("Nuevos códigos de recuperación"),
    "tenants.service_account.create": _("Creación de una cuenta de servicio de la API"),
    "tenants.service_account.revoke": _("Revocación de una cuenta de servicio de la API"),
    "tenants.service_account.call": _("Llamada a la API de una cuenta de servicio"),
})
