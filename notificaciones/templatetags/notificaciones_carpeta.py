"""`{% notificaciones_pendientes ciudadano as n %}`: how many notifications await the
identified citizen (as destinatario or representative), for the sede's carpeta."""

from __future__ import annotations

from django import template

from notificaciones import access

register = template.Library()


@register.simple_tag
def notificaciones_pendientes(ciudadano) -> int:
    if ciudadano is None:
        return 0
    return access.pendientes_of(ciudadano).count()
