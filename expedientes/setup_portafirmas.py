"""What the portafirmas part of the expedientes registers in the foundation's registries (API
routes, document kinds, job kinds, audit labels, demo, periodic tasks), called once from
ExpedientesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from expedientes import audit_portafirmas  # noqa: F401 - registers the audit labels
    from provincial.documents import kinds
    from tenants.api import routes

    # The libro of a period, issued with CSV and sealed by the sello de órgano.
    kinds.register("libro_resoluciones", application="expedientes",
                   label=_("Libro de resoluciones"))
    # The signer's inbox: list what is pending, sign one, reject one. Not under
    # "expedientes/", whose detail route takes any segment as an expediente's reference.
    routes.register_viewset("portafirmas", "expedientes.api.portafirmas.FirmaViewSet",
                            basename="expedientes-firma")
    routes.register_enum_name("EstadoFirmanteEnum", "expedientes.choices.EstadoFirmante")
    routes.register_enum_name("CargoFirmaEnum", "expedientes.choices.Cargo")
