"""/api/ on an entity's host: `/api/v1/` built from the route registry (tenants.api.routes,
filled by each app's AppConfig.ready()) and `/api/schema/`, the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from tenants.api import routes
from tenants.api.permissions import IsEntityMember

router = DefaultRouter()
for prefix, viewset, basename in routes.viewsets():
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    *[path(f"v1/{route}", view.as_view(), name=name) for route, view, name in routes.views()],
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsEntityMember],
                                               custom_settings=routes.SCHEMA_SETTINGS),
         name="schema"),
]
