"""`{% provincial_menu_links %}`: the provincial menu's links to the apps' pages, from the
panel registry (provincial.panels)."""

from __future__ import annotations

from django import template

from provincial import panels

register = template.Library()


@register.inclusion_tag("provincial/includes/menu_links.html", takes_context=True)
def provincial_menu_links(context) -> dict:
    request = context.get("request")
    return {"links": panels.menu(request) if request is not None else []}
