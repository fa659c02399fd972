"""Navigation and entity switcher for the back-office layout."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from tenants import sections
from tenants.access import current_membership, usable_applications, user_entities


def backoffice(request) -> dict:
    tenant = getattr(request, "tenant", None)
    match = getattr(request, "resolver_match", None)
    if tenant is None or match is None or "gestion" not in match.namespaces:
        return {}
    membership = current_membership(request)
    if membership is None:
        return {}
    usable = usable_applications(request)
    nav = []
    current = match.namespaces[1] if len(match.namespaces) > 1 else ""
    for section in sections.all_sections():
        if section.user_admin_only and not membership.is_user_admin:
            continue
        if section.application and section.application not in usable:
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        nav.append({"label": section.label, "url": url, "icon": section.icon,
                    "active": section.namespace == current})
    return {
        "membership": membership,
        "nav_sections": nav,
        "switchable_entities": [entity for entity in user_entities(request.user)
                                if entity.pk != tenant.pk],
    }
