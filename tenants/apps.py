from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Entidades y usuarios")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import routing
        from tenants import tasks  # noqa: F401 - registers the job handlers

        routing.connect_signals()
