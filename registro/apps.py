from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _register_api() -> None:
    from tenants.api import routes

    routes.register_viewset("registro/asientos", "registro.api.views.AsientoViewSet",
                            basename="registro-asiento")
    routes.register_enum_name("TipoDocumentoRegistroEnum", "registro.choices.TipoDocumento")
    routes.register_enum_name("CanalEnum", "registro.choices.Canal")
    routes.register_enum_name("EstadoAsientoEnum", "registro.choices.EstadoAsiento")
    routes.register_enum_name("TipoPersonaEnum", "registro.choices.TipoPersona")


class RegistroConfig(AppConfig):
    name = "registro"
    verbose_name = _("Registro de entrada y salida")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from provincial import periodic, url_includes
        from provincial.documents import kinds
        from registro import tasks  # noqa: F401 - registers the job kinds
        from tenants import demo_loaders, sections
        from tenants.sections import Section

        sections.register(Section(namespace="registro", label=_("Registro"),
                                  url_name="gestion:registro:home", icon="registro",
                                  application="registro", order=20))
        demo_loaders.register("registro", "registro.demo.load_demo", order=20)
        _register_api()
        url_includes.register(url_includes.BACKOFFICE, "registro/", "registro.urls")
        kinds.register("justificante_registro", application="registro",
                       label=_("Justificante de registro"))
        kinds.register("libro_registro", application="registro",
                       label=_("Libro de registro"))
        periodic.register(periodic.Entry(
            name="Consultar las bandejas SIR", task="registro.tasks.poll_sir_inboxes",
            schedule=settings.REGISTRO_SIR_POLL_SECONDS, former_names=("poll-sir-inboxes",)))
