"""Template helpers of the clerk's notificaciones for other apps' pages: the
notifications of an expediente (its «Notificaciones» card)."""

from __future__ import annotations

from django import template
from django.db import connection

register = template.Library()


@register.simple_tag
def notificaciones_del_expediente(expediente) -> list:
    """The notifications made from documents of `expediente` in the current entity."""
    if expediente is None or connection.schema_name == "public":
        return []
    from notificaciones.queries import notificaciones_de_expediente

    return notificaciones_de_expediente(expediente)
