"""What the tramitacion part of the expedientes registers in the foundation's registries (API
routes, document kinds, job kinds, audit labels, demo, periodic tasks), called once from
ExpedientesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from provincial import url_includes
    from sede import hooks
    from tenants import availability, demo_loaders
    from tenants.api import routes

    routes.register_viewset("expedientes", "expedientes.api.views.ExpedienteViewSet",
                            basename="expedientes-expediente")
    routes.register_enum_name("EstadoExpedienteEnum", "expedientes.choices.EstadoExpediente")
    routes.register_enum_name("RolInteresadoEnum", "expedientes.choices.RolInteresado")
    routes.register_enum_name("EstadoDocumentoExpedienteEnum",
                              "expedientes.choices.EstadoDocumento")
    routes.register_enum_name("TipoDocumentalEniEnum", "expedientes.choices.TipoDocumental")
    routes.register_enum_name("OrigenExpedienteEnum", "expedientes.choices.Origen")
    routes.register_enum_name("OrigenEniEnum", "expedientes.choices.OrigenEni")

    # The citizen's expedientes, in the sede's carpeta ciudadana.
    url_includes.register(url_includes.ENTITY, "sede/carpeta/expedientes/",
                          "expedientes.urls_ciudadano")
    availability.register("sede_expedientes", applications=["expedientes"])

    # A submission at the sede whose procedure is mapped opens its expediente.
    hooks.register_presentacion_registrada("expedientes.actions_sede.abrir_desde_sede")

    # After the registro (its asientos and holidays), the sede and the certificates (the
    # sello that signs what is issued).
    demo_loaders.register("expedientes", "expedientes.demo.load_demo", order=45)
