from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincialConfig(AppConfig):
    name = "provincial"
    verbose_name = _("Plataforma provincial")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import diagnostics  # noqa: F401 - registers the job kind
