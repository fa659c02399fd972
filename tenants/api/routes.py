"""Registry of the REST API served under `/api/v1/` on every entity's host.

Each app registers its routes in its AppConfig.ready(); `tenants/api/urls.py` builds the
router and the URL patterns from this registry, and the OpenAPI schema (`/api/schema/`)
describes whatever is registered:

    from tenants.api import routes

    routes.register_viewset("incidencias", "soporte.api.views.IncidenciaViewSet",
                            basename="incidencia")        # /api/v1/incidencias/…
    routes.register_view("padron/residencia/", "padron.api.views.ResidenciaView",
                         name="padron-residencia")          # /api/v1/padron/residencia/
    routes.register_enum_name("IncidenciaStateEnum", "soporte.choices.Estado")

Views and viewsets are given by dotted path (imported when the URLs load) or as classes.
URL names live in the `api` namespace (`api:incidencia-list`, `api:padron-residencia`).
Every view gets the default permission `IsEntityMember` (a member of this entity); set
`required_application = "padron"` on the view to also demand that application, which
`ServiceAvailabilityMiddleware` reads too (404 where the entity does not adhere to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

ViewRef = str | type  # a dotted path or the class itself


@dataclass(frozen=True)
class ViewSetRoute:
    prefix: str  # "incidencias": /api/v1/incidencias/ and /api/v1/incidencias/<pk>/
    viewset: ViewRef
    basename: str  # URL names "<basename>-list", "<basename>-detail"


@dataclass(frozen=True)
class ViewRoute:
    route: str  # "entidad/": /api/v1/entidad/ (django.urls.path syntax)
    view: ViewRef  # an APIView class
    name: str


_viewsets: dict[str, ViewSetRoute] = {}
_views: dict[str, ViewRoute] = {}
# drf-spectacular's ENUM_NAME_OVERRIDES: the component name of each choice set that
# appears under the same field name in two APIs (e.g. `state` of jobs and of incidents).
_enum_names: dict[str, Any] = {}


def register_viewset(prefix: str, viewset: ViewRef, *, basename: str) -> None:
    if prefix in _viewsets and _viewsets[prefix].viewset != viewset:
        raise ValueError(f"API prefix {prefix!r} is already registered")
    _viewsets[prefix] = ViewSetRoute(prefix=prefix, viewset=viewset, basename=basename)


def register_view(route: str, view: ViewRef, *, name: str) -> None:
    if route in _views and _views[route].view != view:
        raise ValueError(f"API route {route!r} is already registered")
    _views[route] = ViewRoute(route=route, view=view, name=name)


def register_enum_name(name: str, choices: Any) -> None:
    """Name the OpenAPI component of a choice set (a dotted path to a TextChoices, or one).

    drf-spectacular reads its ENUM_NAME_OVERRIDES setting wherever a schema is generated,
    `check --deploy` included: the name goes into that dict (empty in the settings) too."""
    _enum_names[name] = choices
    settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"][name] = choices


def _resolve(ref: ViewRef) -> type:
    return import_string(ref) if isinstance(ref, str) else ref


def viewsets() -> list[tuple[str, type, str]]:
    """(prefix, viewset class, basename) in prefix order."""
    return [(route.prefix, _resolve(route.viewset), route.basename)
            for route in sorted(_viewsets.values(), key=lambda route: route.prefix)]


def views() -> list[tuple[str, type, str]]:
    """(route, view class, name) in route order."""
    return [(route.route, _resolve(route.view), route.name)
            for route in sorted(_views.values(), key=lambda route: route.route)]


def service_account_applications() -> set[str]:
    """The applications whose API a service account may use: those named by the
    `required_application` of a registered view that says `service_account_access`."""
    classes = [view for _prefix, view, _basename in viewsets()] + \
        [view for _route, view, _name in views()]
    return {view.required_application for view in classes
            if getattr(view, "service_account_access", False)
            and getattr(view, "required_application", None)}


# The registered enum names as drf-spectacular settings, for a view's `custom_settings`
# (the same names are in the global settings already).
SCHEMA_SETTINGS: dict[str, Any] = {"ENUM_NAME_OVERRIDES": _enum_names}


# The foundation's own routes.
register_view("entidad/", "tenants.api.views.CurrentEntityView", name="entidad")
register_view("yo/", "tenants.api.views.MeView", name="yo")
register_viewset("trabajos", "tenants.api.views.JobViewSet", basename="trabajo")
register_enum_name("JobStateEnum", "provincial.choices.JobState")
