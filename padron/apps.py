from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _register_api() -> None:
    from tenants.api import routes

    routes.register_viewset("padron/habitantes", "padron.api.views.HabitanteViewSet",
                            basename="padron-habitante")
    routes.register_viewset("padron/vias", "padron.api.views.ViaViewSet", basename="padron-via")
    routes.register_view("padron/tramos/", "padron.api.views.TramoListView", name="padron-tramos")
    routes.register_view("padron/secciones/", "padron.api.views.SeccionListView",
                         name="padron-secciones")
    routes.register_view("padron/residencia/", "padron.api.views.ResidenciaView",
                         name="padron-residencia")
    routes.register_view("padron/convivencia/", "padron.api.views.ConvivenciaView",
                         name="padron-convivencia")
    routes.register_view("padron/censo/", "padron.api.views.CensoView", name="padron-censo")
    routes.register_enum_name("TipoDocumentoPadronEnum", "padron.choices.TipoDocumento")
    routes.register_enum_name("TipoDocumentoConsultaEnum",
                              "padron.api.serializers.TIPOS_DOCUMENTO")
    routes.register_enum_name("EstadoHabitanteEnum", "padron.api.serializers.ESTADOS")


class PadronConfig(AppConfig):
    name = "padron"
    verbose_name = _("Padrón municipal de habitantes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from padron import panels as padron_panels
        from padron import tasks  # noqa: F401 - registers the padrón's job kinds
        from provincial import panels, url_includes
        from tenants import demo_loaders, sections
        from tenants.sections import Section

        sections.register(Section(namespace="padron", label=_("Padrón"),
                                  url_name="gestion:padron:home", icon="padron",
                                  application="padron", order=10))
        demo_loaders.register("padron", "padron.demo.load_demo", order=10)
        _register_api()
        url_includes.register(url_includes.BACKOFFICE, "padron/", "padron.urls")
        # The INE exchange of every entity, for provincial admins on the provincial host.
        url_includes.register(url_includes.PROVINCIAL, "intercambio-ine/",
                              "padron.urls_provincial")
        panels.register(panels.Panel(
            key="padron", title=_("Intercambio con el INE"), menu_label=_("Intercambio INE"),
            url_name="intercambio_ine:mes", is_visible=padron_panels.is_provincial_admin,
            template="padron/provincial/panel.html", context="padron.panels.provincial",
            order=30))
