from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PadronConfig(AppConfig):
    name = "padron"
    verbose_name = _("Padrón municipal de habitantes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from padron import tasks  # noqa: F401 - registers the padrón's job kinds
        from tenants import demo_loaders, sections
        from tenants.sections import Section

        sections.register(Section(namespace="padron", label=_("Padrón"),
                                  url_name="gestion:padron:home", icon="padron",
                                  application="padron", order=10))
        demo_loaders.register("padron", "padron.demo.load_demo", order=10)
