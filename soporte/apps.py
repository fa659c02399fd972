from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SoporteConfig(AppConfig):
    name = "soporte"
    verbose_name = _("Soporte e incidencias")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import panels, url_includes
        from soporte import panels as soporte_panels
        from soporte import tasks  # noqa: F401 - registers the job kinds
        from tenants import demo_loaders, sections
        from tenants.api import routes
        from tenants.sections import Section

        sections.register(Section(namespace="soporte", label=_("Soporte"),
                                  url_name="gestion:soporte:home", icon="soporte",
                                  application="soporte", order=80))
        demo_loaders.register("soporte", "soporte.demo.load_demo", order=80)
        url_includes.register(url_includes.BACKOFFICE, "soporte/", "soporte.urls")
        # The provincial desk, for support agents and provincial admins.
        url_includes.register(url_includes.PROVINCIAL, "soporte/", "soporte.urls_provincial")
        panels.register(panels.Panel(
            key="soporte", title=_("Soporte"), url_name="soporte_prov:home",
            is_visible=soporte_panels.is_desk_user, template="soporte/panel_provincial.html",
            context="soporte.panels.provincial", order=20))
        routes.register_viewset("incidencias", "soporte.api.views.IncidenciaViewSet",
                                basename="incidencia")
        routes.register_enum_name("IncidenciaStateEnum", "soporte.choices.Estado")
