"""The citizen's notificaciones in the carpeta ciudadana, under /sede/carpeta/notificaciones/
(namespace `notificaciones_ciudadano`, served where the entity has the expedientes
application)."""

from django.urls import path

from notificaciones import views_ciudadano

app_name = "notificaciones_ciudadano"
urlpatterns = [
    path("", views_ciudadano.lista, name="lista"),
    path("<int:pk>/", views_ciudadano.detalle, name="detalle"),
    path("<int:pk>/acceder/", views_ciudadano.acceder, name="acceder"),
    path("<int:pk>/rechazar/", views_ciudadano.rechazar, name="rechazar"),
    path("<int:pk>/contenido/", views_ciudadano.contenido, name="contenido"),
    path("<int:pk>/acuses/<int:evento_pk>/", views_ciudadano.acuse, name="acuse"),
]
