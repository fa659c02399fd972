"""The citizen's expedientes in the sede's carpeta (/sede/carpeta/expedientes/, namespace
`sede_expedientes`, served where the entity has the expedientes application)."""

from django.urls import path

from expedientes import views_ciudadano

app_name = "sede_expedientes"
urlpatterns = [
    path("", views_ciudadano.lista, name="lista"),
    path("<int:pk>/", views_ciudadano.detalle, name="detalle"),
    path("<int:pk>/aportar/", views_ciudadano.aportar, name="aportar"),
    path("<int:pk>/documentos/<int:doc_pk>/", views_ciudadano.documento, name="documento"),
]
