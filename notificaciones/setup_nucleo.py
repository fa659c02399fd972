"""What the core of the notificaciones registers (document kinds for the acuses, job
kinds for the avisos, the periodic task of art. 43.2, audit labels, the reservation of
notified documents in the expedientes' citizen pages), called once from
NotificacionesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from expedientes import hooks as expedientes_hooks
    from notificaciones import (
        audit_actions,  # noqa: F401 - registers the audit labels
        avisos,  # noqa: F401 - registers the aviso job kind
        conf,
    )
    from notificaciones.acuses import KIND
    from notificaciones.tasks import VENCER_TASK
    from provincial import periodic
    from provincial.documents import kinds

    # Who handles expedientes notifies their resolutions: the same application.
    kinds.register(KIND, application="expedientes", label=_("Acuse de notificación"))
    periodic.register(periodic.Entry(
        name="Rechazar por plazo las notificaciones no accedidas", task=VENCER_TASK,
        schedule=conf.vencimiento_seconds()))
    # A notified act is read by appearing, never around it through the expediente's pages.
    expedientes_hooks.register_reservados("notificaciones.reservas.reservados")
    expedientes_hooks.register_bloquea_visibilidad("notificaciones.reservas.bloquea_visibilidad")
