from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial.documents import kinds
        from sede import identificacion, tasks  # noqa: F401 - registers the job kinds
        from tenants import sections
        from tenants.sections import Section

        sections.register(Section(namespace="sede_gestion", label=_("Sede electrónica"),
                                  url_name="gestion:sede_gestion:home", icon="app",
                                  application="sede", order=30))

        kinds.register("diligencia_edicto", application="sede",
                       label=_("Diligencia de exposición en el tablón"))
        # A development identification method in a production deployment refuses to
        # start the process (web, worker or command), not just the login page.
        identificacion.check_configuration()
