"""Certificados inside an entity's back office (/gestion/certificados/)."""

from django.urls import path

from certificados import views

app_name = "certificados"
urlpatterns = [
    path("", views.lista, name="list"),
    path("nuevo/", views.nuevo, name="nuevo"),
    path("nuevo/<slug:kind>/", views.nuevo_tipo, name="nuevo_tipo"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/adjuntos/", views.adjuntar, name="adjuntar"),
    path("<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto, name="adjunto"),
    path("<int:pk>/peticion/", views.peticion, name="peticion"),
    path("<int:pk>/anular/", views.anular, name="anular"),
    path("<int:pk>/clave/", views.clave, name="clave"),
    path("<int:pk>/certificado.cer", views.descargar, name="descargar"),
]
