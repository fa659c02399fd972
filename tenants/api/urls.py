"""/api/ on an entity's host: `/api/v1/` built from the route registry (tenants.api.routes,
filled by each app's AppConfig.ready()) and `/api/schema/`, the OpenAPI schema.

Every view is wrapped by `calls.audited` (each call of a service account is audited), and
any other path under /api/ answers a JSON 404, as the API's own 404s do."""

from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from tenants.api import routes
from tenants.api.calls import audited
from tenants.api.permissions import IsEntityMember


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: for the entity's members and its service accounts."""

    permission_classes = [IsEntityMember]
    service_account_access = True
    custom_settings = routes.SCHEMA_SETTINGS


def _audited(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = audited(pattern.callback)
        elif isinstance(pattern, URLResolver):
            _audited(pattern.url_patterns)
    return patterns


def not_found(request, rest: str = ""):
    return JsonResponse({"detail": _("No encontrado.")}, status=404)


router = DefaultRouter()
for prefix, viewset, basename in routes.viewsets():
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    *_audited([path(f"v1/{route}", view.as_view(), name=name)
               for route, view, name in routes.views()]),
    path("v1/", include(_audited(router.urls))),
    path("schema/", audited(SchemaView.as_view()), name="schema"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
