"""Which services' pages an entity's host serves: a registry of URL namespaces (or single
URL names) and the applications that unlock them.

A service's pages (public, back office and API) answer only where the entity has an
approved adhesion to a service that includes one of those applications; elsewhere they
are a 404 saying the service is not available in this entity.
`ServiceAvailabilityMiddleware` decides for every view from three sources, so a new app
is covered by what it already declares:

1. this registry (public pages, e.g. the sede), by the most specific key: the URL name
   with its namespaces (`sede:verificar`), then each enclosing namespace (`sede`);
2. the back-office section of a `gestion:` URL (`tenants.sections`, its `application`);
3. the view's `required_application` (API views, as `IsEntityMember` reads it).

A page none of them names belongs to no service and is always served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tenants import sections

Applications = Iterable[str] | Callable[[], Iterable[str]] | None

# `applications=ALWAYS`: the page belongs to no service and is served on every entity host
# (CSV verification: a document stays verifiable after its entity leaves the service that
# issued it).
ALWAYS = None


@dataclass(frozen=True)
class Route:
    key: str  # "sede" (a URL namespace) or "sede:verificar" (one URL name in it)
    # Any one of them unlocks the pages; a callable is asked on every request (e.g. the
    # applications that issue documents, for CSV verification).
    applications: Applications


_routes: dict[str, Route] = {}


def register(key: str, *, applications: Applications) -> None:
    _routes[key] = Route(key=key, applications=applications)


def _resolve(applications: Applications) -> frozenset[str] | None:
    if applications is ALWAYS:
        return None
    return frozenset(applications() if callable(applications) else applications)


def required_applications(match, view_func) -> frozenset[str] | None:
    """The applications of which the entity needs one to serve this view, or None when the
    view belongs to no service."""
    namespaces = list(match.namespaces)
    keys = [":".join([*namespaces, match.url_name])] if match.url_name else []
    keys += [":".join(namespaces[:depth]) for depth in range(len(namespaces), 0, -1)]
    for key in keys:
        route = _routes.get(key)
        if route is not None:
            return _resolve(route.applications)
    if len(namespaces) > 1 and namespaces[0] == "gestion":
        section = sections.get(namespaces[1])
        if section is not None and section.application:
            return frozenset([section.application])
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    application = getattr(view_class, "required_application", None)
    return frozenset([application]) if application else None
