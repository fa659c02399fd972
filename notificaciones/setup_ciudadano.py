"""What the citizen's side of the notificaciones registers (the carpeta's URLs, where
they are served, the labels of its audit actions), called once from
NotificacionesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from provincial import url_includes
    from provincial.audit_labels import labels
    from tenants import availability

    url_includes.register(url_includes.ENTITY, "sede/carpeta/notificaciones/",
                          "notificaciones.urls_ciudadano")
    # Notifications are made from the expedientes (the clerk's section is granted by the
    # same application): the citizen's pages answer where the entity has it.
    availability.register("notificaciones_ciudadano", applications=["expedientes"])
    labels.register({
        "notificaciones.ciudadano.consulta": _("Consulta de sus notificaciones por una "
                                               "persona en la sede"),
        "notificaciones.acuse.descarga": _("Descarga de un acuse de notificación en la sede"),
    })
