"""Who may see which notification. Clerks: the section's guard (application
"expedientes") admits them to every notification of the entity. Citizens: only those
addressed to them, or to someone they represent in that notification through an
apoderamiento still in force; anything else is 404, never 403 (a reference proves nothing
about existence).

Also the minimum level of identification (Cl@ve / eIDAS scale) for the comparecencia:
NOTIFICACIONES_NIVEL_MINIMO (setting or environment, read by notificaciones.conf), by
default "bajo" outside production and "sustancial" in it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from notificaciones.choices import EstadoNotificacion
from notificaciones.conf import NIVELES, nivel_minimo
from notificaciones.models import Evento, Notificacion


def nivel_suficiente(level: str) -> bool:
    """Whether a session identified at `level` may appear (comparecencia)."""
    if level not in NIVELES:
        return False
    return NIVELES.index(level) >= NIVELES.index(nivel_minimo())


def _documento(ciudadano) -> str:
    return (ciudadano.documento or "").strip().upper()


def notificaciones_of(ciudadano) -> QuerySet[Notificacion]:
    """The citizen's notifications: as destinatario, or as the representative recorded on
    the notification while the apoderamiento that made them so is in force (not revoked,
    within its dates, for this person). Annulled ones are not shown."""
    documento = _documento(ciudadano)
    if not documento:
        return Notificacion.objects.none()
    today = timezone.localdate()
    as_representative = (
        Q(representante_documento=documento, apoderamiento__isnull=False,
          apoderamiento__apoderado_documento=documento,
          apoderamiento__revocado_at__isnull=True,
          apoderamiento__valido_desde__lte=today)
        & (Q(apoderamiento__valido_hasta__isnull=True)
           | Q(apoderamiento__valido_hasta__gte=today)))
    return (Notificacion.objects.filter(Q(documento=documento) | as_representative)
            .exclude(estado=EstadoNotificacion.ANULADA)
            .select_related("remesa", "remesa__expediente", "apoderamiento"))


def get_notificacion_of(ciudadano, pk: int) -> Notificacion:
    return get_object_or_404(notificaciones_of(ciudadano), pk=pk)


def pendientes_of(ciudadano) -> QuerySet[Notificacion]:
    return notificaciones_of(ciudadano).filter(estado__in=EstadoNotificacion.pendientes())


def is_representante(ciudadano, notificacion: Notificacion) -> bool:
    """Whether the citizen sees it as representative (not as the destinatario)."""
    return _documento(ciudadano) != notificacion.documento


def acuses_of(notificacion: Notificacion) -> QuerySet[Evento]:
    """The events of a notification that issued an acuse, oldest first."""
    return notificacion.eventos.filter(acuse__isnull=False).select_related("acuse")


def get_evento_con_acuse_of(ciudadano, pk: int, evento_pk: int) -> Evento:
    notificacion = get_notificacion_of(ciudadano, pk)
    return get_object_or_404(acuses_of(notificacion), pk=evento_pk)
