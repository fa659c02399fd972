from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificacionesConfig(AppConfig):
    name = "notificaciones"
    verbose_name = _("Notificaciones electrónicas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each part registers what it adds (URLs, sections, document and job kinds, periodic
        # tasks, demo, audit labels) from its own module.
        from notificaciones import setup_ciudadano, setup_gestion, setup_nucleo

        for part in (setup_nucleo, setup_gestion, setup_ciudadano):
            part.register()
