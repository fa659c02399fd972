"""Pages of the ENI remissions (expedientes.views_eni)."""

from django.urls import path

from expedientes import views_eni

urlpatterns = [
    path("remisiones/", views_eni.lista, name="remisiones"),
    path("remisiones/<int:pk>/", views_eni.detalle, name="remision"),
    path("remisiones/<int:pk>/paquete/", views_eni.paquete, name="remision_paquete"),
    path("remisiones/<int:pk>/reintentar/", views_eni.reintentar, name="remision_reintentar"),
    path("<int:pk>/remitir/", views_eni.remitir, name="remitir"),
]
