"""The padrón on the provincial host, at /intercambio-ine/ (mounted by PadronConfig.ready):
the INE exchange of every entity, for provincial admins."""

from django.urls import path

from padron import views_provincial as views

app_name = "intercambio_ine"
urlpatterns = [
    path("", views.ine_provincial, name="mes"),
    path("generar/", views.ine_lanzar, name="lanzar"),
    path("trabajos/<int:pk>/", views.ine_trabajo, name="trabajo"),
    path("trabajos/<int:pk>/fichero/", views.ine_trabajo_fichero, name="trabajo_fichero"),
]
