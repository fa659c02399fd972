from django.urls import path

from sede import views, views_ciudadano, views_firma
from sede.clave import views as views_clave

app_name = "sede"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedimientos/", views.procedimiento_list, name="procedimientos"),
    path("procedimientos/<slug:code>/", views.procedimiento_detail, name="procedimiento"),
    path("procedimientos/<slug:code>/solicitar/", views_ciudadano.instancia,
         name="procedimiento_solicitar"),
    path("calendario/", views.calendario_view, name="calendario"),
    path("tablon/", views.tablon, name="tablon"),
    path("tablon/archivo/", views.tablon_archivo, name="tablon_archivo"),
    path("tablon/<int:pk>/", views.edicto_detail, name="edicto"),
    path("tablon/<int:pk>/documento/", views.edicto_documento, name="edicto_documento"),
    path("tablon/<int:pk>/diligencia/", views.edicto_diligencia, name="edicto_diligencia"),
    path("verificar/", views.verificar, name="verificar"),
    path("verificar/documento/", views.verificar_descarga, name="verificar_descarga"),
    path("validar-firma/", views_firma.validar_firma, name="validar_firma"),
    path("identificarse/", views_ciudadano.identificacion_view, name="identificacion"),
    # Cl@ve before the generic method route: it leaves for another site and comes back.
    path("identificarse/clave/", views_clave.start, name="clave"),
    path("identificarse/clave/acs/", views_clave.acs, name="clave_acs"),
    path("identificarse/clave/metadata/", views_clave.metadata, name="clave_metadata"),
    path("identificarse/<slug:method>/", views_ciudadano.identificar, name="identificar"),
    path("salir/", views_ciudadano.salir, name="salir"),
    path("instancia-general/", views_ciudadano.instancia, name="instancia"),
    path("presentar/<uuid:key>/", views_ciudadano.confirmar, name="confirmar"),
    path("carpeta/", views_ciudadano.carpeta, name="carpeta"),
    path("carpeta/presentaciones/<int:pk>/", views_ciudadano.presentacion,
         name="presentacion"),
    path("carpeta/presentaciones/<int:pk>/justificante/", views_ciudadano.justificante,
         name="justificante"),
    path("carpeta/volante/", views_ciudadano.volante, name="volante"),
    path("carpeta/volantes/<int:pk>/", views_ciudadano.volante_descarga,
         name="volante_descarga"),
]
