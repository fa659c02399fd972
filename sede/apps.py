from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _register_api() -> None:
    from tenants.api import routes

    routes.register_viewset("sede/procedimientos", "sede.api.views.ProcedimientoViewSet",
                            basename="sede-procedimiento")
    routes.register_viewset("sede/tablon", "sede.api.views.EdictoViewSet", basename="sede-edicto")
    routes.register_enum_name("EstadoTablonEnum", "sede.api.serializers.ESTADOS_TABLON")
    routes.register_enum_name("EstadoEdictoEnum", "sede.api.serializers.ESTADOS_EDICTO")
    # Signature validation for every member and service account of the entity, whatever
    # its applications: it reads only what the caller sends.
    routes.register_view("firma/validar/", "sede.api.firma.ValidarFirmaView",
                         name="firma-validar")


class SedeConfig(AppConfig):
    name = "sede"
    verbose_name = _("Sede electrónica")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from provincial import page_cache, url_includes
        from provincial.documents import kinds
        from sede import identificacion, tasks  # noqa: F401 - registers the job kinds
        from tenants import availability, demo_loaders, portal, sections
        from tenants.sections import Section

        sections.register(Section(namespace="sede_gestion", label=_("Sede electrónica"),
                                  url_name="gestion:sede_gestion:home", icon="app",
                                  application="sede", order=30))
        demo_loaders.register("sede", "sede.demo.load_demo", order=30)
        _register_api()
        url_includes.register(url_includes.BACKOFFICE, "sede/", "sede.urls_gestion")
        url_includes.register(url_includes.ENTITY, "sede/", "sede.urls")
        # The sede's entry points on the entity's portal page, where it has e-administración.
        portal.register(portal.Card(key="sede", template="sede/portal_card.html",
                                    services=("eadmin", "eadmin-simplificada"), order=10))
        # The sede's public pages need the application 'sede'; its home is served wherever
        # the entity issues documents (a padrón certificate points there even without the
        # e-administración service), and CSV verification on every entity host: a document
        # must stay verifiable after its entity leaves the service that issued it.
        availability.register("sede", applications=["sede"])
        availability.register("sede:home", applications=kinds.issuing_applications)
        # Signature validation, where the sede issues (sealed) documents.
        availability.register("sede:validar_firma", applications=kinds.issuing_applications)
        for url_name in ("verificar", "verificar_descarga"):
            availability.register(f"sede:{url_name}", applications=availability.ALWAYS)

        # The sede home (kept rendered, provincial.page_cache) shows the latest edictos,
        # the number of procedures and whether today is a working day.
        from registro.models import Festivo
        from sede.models import Edicto, Procedimiento

        for model in (Edicto, Procedimiento, Festivo):
            page_cache.invalidate_on_write(model)

        kinds.register("diligencia_edicto", application="sede",
                       label=_("Diligencia de exposición en el tablón"))
        # A development identification method in a production deployment refuses to
        # start the process (web, worker or command), not just the login page.
        identificacion.check_configuration()
