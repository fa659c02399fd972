from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodigosConfig(AppConfig):
    """National code lists (INE and others) shared by every entity, kept by provincial
    admins: countries, provinces, street types, variation causes and their INE codes…"""

    name = "codigos"
    verbose_name = _("Tablas de códigos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from codigos import cache
        from codigos.models import Codigo

        post_save.connect(cache.clear, sender=Codigo, dispatch_uid="codigos-clear-save")
        post_delete.connect(cache.clear, sender=Codigo, dispatch_uid="codigos-clear-delete")
