from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        url_includes.register(url_includes.BACKOFFICE, "padron/", "padron.urls")
        # The INE exchange of every entity, for provincial admins on the provincial host.
        url_includes.register(url_includes.PROVINCIAL, "intercambio-ine/",
                              "padron.urls_provincial")
        panels.register(panels.Panel(
            key="padron", title=_("Intercambio con el INE"), menu_label=_("Intercambio INE"),
            url_name="intercambio_ine:mes", is_visible=padron_panels.is_provincial_admin,
            template="padron/provincial/panel.html", context="padron.panels.provincial",
            order=30))
