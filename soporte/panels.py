"""Soporte's card on the provincial home page (registered in SoporteConfig.ready)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest

from soporte.choices import Estado


def is_desk_user(user) -> bool:
    """Support agents and provincial admins work the desk (soporte.access.scope_for)."""
    return user.is_support_agent or user.is_provincial_admin


def provincial(request: HttpRequest) -> dict:
    """Open incidents of every entity: all, without an assignee, and assigned to this user."""
    from soporte.access import visible_incidencias

    counts = visible_incidencias(request).filter(state__in=Estado.open_states()).aggregate(
        open=Count("pk"), unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        mine=Count("pk", filter=Q(assignee=request.user)))
    return {"counts": counts}
