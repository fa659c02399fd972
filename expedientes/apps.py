from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpedientesConfig(AppConfig):
    name = "expedientes"
    verbose_name = _("Expedientes electrónicos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import url_includes
        from tenants import sections
        from tenants.sections import Section

        sections.register(Section(namespace="expedientes", label=_("Expedientes"),
                                  url_name="gestion:expedientes:home", icon="file",
                                  application="expedientes", order=25))
        url_includes.register(url_includes.BACKOFFICE, "expedientes/", "expedientes.urls")
        # Each part registers what it adds (API routes, document kinds, job kinds, demo,
        # periodic tasks, audit labels) from its own module.
        from expedientes import (
            setup_catalogo,
            setup_csv,
            setup_eni,
            setup_portafirmas,
            setup_tramitacion,
        )

        for part in (setup_catalogo, setup_tramitacion, setup_portafirmas, setup_eni,
                     setup_csv):
            part.register()
