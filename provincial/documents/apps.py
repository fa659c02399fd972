from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents the platform issues (volantes, certificados, justificantes…), stored once
    per entity with their CSV. A tenant app: each entity's documents live in its schema."""

    name = "provincial.documents"
    label = "documentos"
    verbose_name = _("Documentos expedidos")
    default_auto_field = "django.db.models.BigAutoField"
