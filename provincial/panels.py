"""Registry of the apps' panels on the provincial host: a card on the provincial home page
and a link in the provincial menu, for the users each app chooses.

An app registers its panel in its AppConfig.ready():

    panels.register(panels.Panel(
        key="soporte", title=_("Soporte"), url_name="soporte_prov:home",
        is_visible=lambda user: user.is_support_agent or user.is_provincial_admin,
        template="soporte/panel_provincial.html", context="soporte.panels.provincial",
        order=20))

`template` renders the card's body with `panel`, `url` (the panel's page) and what
`context(request)` returns (a function or its dotted path, called only for users who see
the panel). The menu link reads `title` (or `menu_label`) and is marked as the current page
on `url_name`, and as the current section on any other page of its namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import import_string

ContextFunction = Callable[[HttpRequest], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    key: str  # the app's label, e.g. "soporte"
    title: Any  # lazy Spanish text: the card's heading and the menu link
    url_name: str  # the page the card and the menu link lead to, e.g. "soporte_prov:home"
    is_visible: Callable[[Any], bool]  # given an authenticated user
    template: str  # the card's body
    context: ContextFunction | str | None = None
    menu_label: Any = None  # the menu link's text when it differs from the title
    in_menu: bool = True
    order: int = 100

    @property
    def namespace(self) -> str:
        return self.url_name.rpartition(":")[0]

    def card(self, request: HttpRequest) -> str:
        """The card's HTML for this request's user."""
        context = self.context
        if isinstance(context, str):
            context = import_string(context)
        values = context(request) if context else {}
        return render_to_string(self.template, {**values, "panel": self,
                                                "url": reverse(self.url_name)}, request)


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _panels[panel.key] = panel


def visible_to(user) -> list[Panel]:
    if user is None or not user.is_authenticated:
        return []
    return sorted((panel for panel in _panels.values() if panel.is_visible(user)),
                  key=lambda panel: (panel.order, panel.key))


def cards(request: HttpRequest) -> list[str]:
    """The home page's cards, rendered, for the request's user."""
    return [panel.card(request) for panel in visible_to(request.user)]


def menu(request: HttpRequest) -> list[dict[str, Any]]:
    """The menu links of the panels the request's user sees, with their aria-current."""
    match = getattr(request, "resolver_match", None)
    current_name = match.view_name if match else ""
    current_namespace = match.namespace if match else ""
    links = []
    for panel in visible_to(request.user):
        if not panel.in_menu:
            continue
        current = ""
        if current_name == panel.url_name:
            current = "page"
        elif panel.namespace and current_namespace == panel.namespace:
            current = "true"
        links.append({"label": panel.menu_label or panel.title, "url": reverse(panel.url_name),
                      "current": current})
    return links
