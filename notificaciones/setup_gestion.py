"""What the clerk's side of the notificaciones registers (back-office URLs and section,
API routes, demo), called once from NotificacionesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from provincial import url_includes
    from tenants import demo_loaders, sections
    from tenants.sections import Section

    # Who handles expedientes notifies their resolutions: the same application grants it.
    sections.register(Section(namespace="notificaciones", label=_("Notificaciones"),
                              url_name="gestion:notificaciones:home", icon="notificacion",
                              application="expedientes", order=27))
    url_includes.register(url_includes.BACKOFFICE, "notificaciones/", "notificaciones.urls")
    # After the expedientes (45): their signed resolutions are what the demo notifies.
    demo_loaders.register("notificaciones", "notificaciones.demo.load_demo", order=50)
