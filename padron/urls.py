from django.urls import path

from padron import views
from padron.documents import expedir
from provincial.documents.views import download as download_document

app_name = "padron"
urlpatterns = [
    path("", views.home, name="home"),
    path("habitantes/", views.habitante_list, name="list"),
    path("habitantes/alta/", views.alta, name="alta"),
    path("habitantes/<int:pk>/", views.habitante_detail, name="detail"),
    path("habitantes/<int:pk>/baja/", views.baja, name="baja"),
    path("habitantes/<int:pk>/modificar/", views.modificar, name="modificar"),
    path("habitantes/<int:pk>/domicilio/", views.cambio_domicilio, name="domicilio"),
    path("habitantes/<int:pk>/renovar/", views.renovar, name="renovar"),
    path("habitantes/<int:pk>/errores/<int:error_pk>/tratar/", views.tratar_error,
         name="tratar_error"),
    path("habitantes/<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto, name="adjunto"),
    path("hojas/<int:pk>/", views.hoja_detail, name="hoja"),
    path("avisos/", views.avisos, name="avisos"),
    path("a-fecha/", views.en_fecha, name="en_fecha"),
    path("habitantes/<int:pk>/documentos/", expedir, name="expedir"),
    path("documentos/<int:pk>/", download_document, {"application": "padron"}, name="documento"),
]

# Exports of the inhabitant list, the files of padrón jobs and the statistics page.
from padron import views_reports  # noqa: E402 - appended after the routes above

urlpatterns += [
    path("habitantes/exportar/<slug:fmt>/", views_reports.exportar, name="exportar"),
    path("trabajos/<int:pk>/ficheros/", views_reports.job_files, name="job_files"),
    path("trabajos/<int:pk>/ficheros/<int:file_pk>/", views_reports.job_file, name="job_file"),
    path("estadisticas/", views_reports.estadisticas, name="estadisticas"),
]

# Outgoing INE exchange (files of variations, parte negativo, padrón a fecha).
from padron import views_ine  # noqa: E402 - appended after the routes above

urlpatterns += [
    path("ine/", views_ine.ficheros, name="ine"),
    path("ine/generar/", views_ine.generar, name="ine_generar"),
    path("ine/<int:pk>/", views_ine.detalle, name="ine_detalle"),
    path("ine/<int:pk>/descargar/", views_ine.descargar, name="ine_descargar"),
    path("ine/<int:pk>/estado/", views_ine.estado, name="ine_estado"),
]

# Incoming INE exchange: returned files and their incidencias.
from padron import views_retornos  # noqa: E402 - appended after the routes above

urlpatterns += [
    path("ine/retornos/", views_retornos.lista, name="retornos"),
    path("ine/retornos/cargar/", views_retornos.cargar, name="retornos_cargar"),
    path("ine/retornos/<int:pk>/", views_retornos.detalle, name="retorno"),
    path("ine/retornos/<int:pk>/aceptar-evidentes/", views_retornos.aceptar_obvias,
         name="retorno_aceptar_obvias"),
    path("ine/incidencias/<int:pk>/aceptar/", views_retornos.aceptar, name="incidencia_aceptar"),
    path("ine/incidencias/<int:pk>/rechazar/", views_retornos.rechazar,
         name="incidencia_rechazar"),
]

# Search as you type of the choosers (INE code lists, the entity's streets).
from padron import views_choosers  # noqa: E402 - appended after the routes above

urlpatterns += [
    path("buscar/codigos/<slug:tabla>/", views_choosers.codigos, name="chooser_codigos"),
    path("buscar/vias/", views_choosers.vias, name="chooser_vias"),
]

# A household's cambio de domicilio.
from padron import views_hogar  # noqa: E402 - appended after the routes above

urlpatterns += [
    path("hojas/<int:pk>/domicilio/", views_hogar.cambio_domicilio_hoja, name="hoja_domicilio"),
]
