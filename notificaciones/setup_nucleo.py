"""What the core of the notificaciones registers (document kinds for the acuses, job
kinds for the avisos, the periodic task of art. 43.2, audit labels), called once from
NotificacionesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

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
