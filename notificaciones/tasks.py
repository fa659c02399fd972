"""Celery tasks of the notificaciones (found by Celery's autodiscovery): the periodic
rejection by deadline (art. 43.2) and expiry, run in every entity's schema."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

VENCER_TASK = "notificaciones.tasks.vencer_notificaciones"


@shared_task(name=VENCER_TASK)
def vencer_notificaciones() -> dict[str, int]:
    """Periodic (every NOTIFICACIONES_VENCIMIENTO_SECONDS): in each active entity's
    schema, reject the notifications whose ten days have passed and expire those whose
    remesa has expired (notificaciones.actions.vencer_pendientes; idempotent, so an
    overlapping or repeated run changes nothing twice). One entity's failure does not
    stop the others. Returns the count per schema where something changed."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from notificaciones import actions
    from notificaciones.choices import EstadoNotificacion
    from notificaciones.models import Notificacion
    from tenants.models import Entity

    now = timezone.now()
    done: dict[str, int] = {}
    for schema in (Entity.objects.adhered().filter(is_active=True)
                   .order_by("schema_name").values_list("schema_name", flat=True)):
        try:
            with schema_context(schema):
                if not Notificacion.objects.filter(
                        estado__in=EstadoNotificacion.pendientes()).exists():
                    continue
                count = actions.vencer_pendientes(now)
        except Exception:  # noqa: BLE001 - logged; the other entities go on
            logger.exception("notificaciones: deadlines not applied in %s", schema)
            continue
        finally:
            connection.set_schema_to_public()
        if count:
            done[schema] = count
    return done
