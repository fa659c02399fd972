"""The expedientes' back-office URLs (namespace `gestion:expedientes`), one module per part."""

from expedientes import urls_catalogo, urls_eni, urls_portafirmas, urls_tramitacion

app_name = "expedientes"
urlpatterns = [
    *urls_tramitacion.urlpatterns,
    *urls_catalogo.urlpatterns,
    *urls_portafirmas.urlpatterns,
    *urls_eni.urlpatterns,
]
