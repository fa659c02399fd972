"""Back office of the sede, mounted at /gestion/sede/ (guarded by the application 'sede')."""

from django.urls import path

from sede import views_firma
from sede import views_gestion as views

app_name = "sede_gestion"
urlpatterns = [
    path("", views.home, name="home"),
    path("procedimientos/", views.procedimiento_list, name="procedimientos"),
    path("procedimientos/nuevo/", views.procedimiento_form, name="procedimiento_nuevo"),
    path("procedimientos/<int:pk>/", views.procedimiento_form, name="procedimiento"),
    path("procedimientos/<int:pk>/estado/", views.procedimiento_estado,
         name="procedimiento_estado"),
    path("procedimientos/<int:pk>/borrar/", views.procedimiento_borrar,
         name="procedimiento_borrar"),
    path("tablon/", views.tablon, name="tablon"),
    path("tablon/nuevo/", views.edicto_nuevo, name="edicto_nuevo"),
    path("tablon/<int:pk>/", views.edicto_detail, name="edicto"),
    path("tablon/<int:pk>/editar/", views.edicto_editar, name="edicto_editar"),
    path("tablon/<int:pk>/retirar/", views.edicto_retirar, name="edicto_retirar"),
    path("tablon/<int:pk>/borrar/", views.edicto_borrar, name="edicto_borrar"),
    path("tablon/<int:pk>/documento/", views.edicto_documento, name="edicto_documento"),
    path("tablon/<int:pk>/diligencia/", views.edicto_diligencia, name="edicto_diligencia"),
    path("validar-firma/", views_firma.validar_firma_gestion, name="validar_firma"),
]
