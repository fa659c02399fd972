"""Soporte on the provincial host (/soporte/): the agents' desk."""

from django.urls import path

from soporte import views_desk as views

app_name = "soporte_prov"
urlpatterns = [
    path("", views.cola, name="home"),
    path("acciones/", views.bulk, name="bulk"),
    path("nueva/", views.nueva, name="nueva"),
    path("llamada/", views.llamada, name="llamada"),
    path("estadisticas/", views.estadisticas, name="estadisticas"),
    path("estadisticas/exportar/", views.exportar, name="exportar"),
    path("conocimiento/", views.conocimiento, name="conocimiento"),
    path("conocimiento/nuevo/", views.articulo_editar, name="articulo_nuevo"),
    path("conocimiento/<int:pk>/", views.articulo_editar, name="articulo"),
    path("correo/", views.correo, name="correo"),
    path("correo/<int:pk>/", views.correo_detalle, name="correo_detalle"),
    path("correo/<int:pk>/asociar/", views.correo_asociar, name="correo_asociar"),
    path("correo/<int:pk>/descartar/", views.correo_descartar, name="correo_descartar"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/adjuntos/<int:pk>/", views.adjunto, name="adjunto"),
    path("<str:reference>/<slug:name>/", views.action, name="action"),
]
