from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from soporte.api.views import IncidenciaViewSet
from tenants.api import views
from tenants.api.permissions import IsEntityMember

router = DefaultRouter()
router.register("trabajos", views.JobViewSet, basename="trabajo")
router.register("incidencias", IncidenciaViewSet, basename="incidencia")

app_name = "api"
urlpatterns = [
    path("v1/entidad/", views.CurrentEntityView.as_view(), name="entidad"),
    path("v1/yo/", views.MeView.as_view(), name="yo"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsEntityMember]),
         name="schema"),
]
