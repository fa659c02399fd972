"""Labels of the audit actions the core records: sessions, documents, the audit page
itself, the job diagnostic and every change made in the Django admin."""

from __future__ import annotations

from django.apps import apps
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from provincial.audit_labels import labels

labels.register_area("auth", _("acceso"))
labels.register_area("admin", _("administración"))
labels.register_area("documentos", _("documentos"))
labels.register_area("provincial", _("plataforma provincial"))
labels.register_area("tenants", _("entidades y usuarios"))
labels.register_area("padron", _("padrón"))
labels.register_area("registro", _("registro"))
labels.register_area("sede", _("sede electrónica"))
labels.register_area("soporte", _("soporte"))

labels.register({
    "auth.login": _("Inicio de sesión"),
    "auth.logout": _("Cierre de sesión"),
    "auth.login_failed": _("Intento de inicio de sesión fallido"),
    "documentos.documento.expedicion": _("Expedición de un documento"),
    "documentos.documento.descarga": _("Descarga de un documento"),
    "provincial.audit.export": _("Exportación de la auditoría"),
    "provincial.audit.subject_query": _("Consulta de quién accedió a los datos de una persona"),
    "provincial.diagnostic.effect": _("Comprobación del sistema de trabajos"),
})

ADMIN_VERBS = {
    "add": _("Administración: alta de {model}"),
    "change": _("Administración: cambio de {model}"),
    "delete": _("Administración: borrado de {model}"),
}


def _admin_label(code: str) -> str | None:
    """`admin.<model_name>.<verb>`, written by `AuditedAdmin` for any model."""
    parts = code.split(".")
    if len(parts) != 3 or parts[2] not in ADMIN_VERBS:
        return None
    names = {model._meta.model_name: model._meta.verbose_name for model in apps.get_models()}
    if parts[1] not in names:
        return None
    return str(format_lazy(ADMIN_VERBS[parts[2]], model=names[parts[1]]))


labels.register_resolver("admin.", _admin_label)
