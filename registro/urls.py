from django.urls import path

from provincial.documents.views import download as download_document
from registro import views, views_padron, views_sir

app_name = "registro"
urlpatterns = [
    path("", views.home, name="home"),
    path("asientos/", views.lista, name="lista"),
    path("asientos/nuevo/<slug:libro_code>/", views.nuevo, name="nuevo"),
    path("consulta-padron/", views_padron.consulta_padron, name="consulta_padron"),
    path("asientos/<int:pk>/", views.detalle, name="detalle"),
    path("asientos/<int:pk>/anexos/<int:anexo_pk>/", views.anexo, name="anexo"),
    path("asientos/<int:pk>/justificante/", views.justificante, name="justificante"),
    path("asientos/<int:pk>/anular/", views.anular, name="anular"),
    path("asientos/<int:pk>/distribuir/", views.distribuir, name="distribuir"),
    path("asientos/<int:pk>/sir/enviar/", views_sir.enviar, name="sir_enviar"),
    path("asientos/<int:pk>/sir/fichero/", views_sir.descargar, name="sir_fichero"),
    path("sir/", views_sir.lista, name="bandeja"),
    path("sir/buzon/", views_sir.consultar_buzon, name="sir_buzon"),
    path("sir/<int:pk>/", views_sir.recibido, name="recibido"),
    path("sir/<int:pk>/fichero/", views_sir.recibido_fichero, name="recibido_fichero"),
    path("sir/<int:pk>/aceptar/", views_sir.aceptar, name="recibido_aceptar"),
    path("sir/<int:pk>/rechazar/", views_sir.rechazar, name="recibido_rechazar"),
    path("organigrama/", views.unidades, name="unidades"),
    path("organigrama/<int:pk>/", views.unidades, name="unidad"),
    path("calendario/", views.festivos, name="festivos"),
    path("calendario/<int:pk>/borrar/", views.festivo_borrar, name="festivo_borrar"),
    path("libro/", views.libro_periodo, name="libro"),
    path("documentos/<int:pk>/", download_document, {"application": "registro"},
         name="documento"),
]
