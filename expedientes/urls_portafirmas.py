from django.urls import path

from expedientes import views_libro, views_portafirmas
from provincial.documents.views import download as download_document

urlpatterns = [
    path("portafirmas/", views_portafirmas.bandeja, name="bandeja"),
    path("portafirmas/<int:pk>/", views_portafirmas.firma, name="firma"),
    path("portafirmas/<int:pk>/firmar/", views_portafirmas.firmar, name="firmar"),
    path("portafirmas/<int:pk>/rechazar/", views_portafirmas.rechazar, name="rechazar"),
    path("portafirmas/<int:pk>/documento/", views_portafirmas.firma_documento,
         name="firma_documento"),
    path("portafirmas/peticiones/<int:pk>/retirar/", views_portafirmas.retirar,
         name="peticion_retirar"),
    path("portafirmas/circuitos/", views_portafirmas.circuitos, name="circuitos"),
    path("portafirmas/circuitos/nuevo/", views_portafirmas.circuito, name="circuito_nuevo"),
    path("portafirmas/circuitos/<int:pk>/", views_portafirmas.circuito, name="circuito"),
    path("portafirmas/delegaciones/", views_portafirmas.delegaciones, name="delegaciones"),
    path("portafirmas/delegaciones/<int:pk>/revocar/", views_portafirmas.delegacion_revocar,
         name="delegacion_revocar"),
    path("<int:pk>/documentos/<int:doc_pk>/firma/", views_portafirmas.enviar,
         name="enviar_a_firma"),
    path("libro/", views_libro.libro_page, name="libro"),
    path("libro/emitir/", views_libro.libro_emitir, name="libro_emitir"),
    path("libro/<int:pk>/anular/", views_libro.resolucion_anular, name="resolucion_anular"),
    path("libro/documentos/<int:pk>/", download_document, {"application": "expedientes"},
         name="libro_documento"),
]
