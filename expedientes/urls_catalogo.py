"""URLs of the procedures catalogue, its templates and the documents of an expediente."""

from django.urls import path

from expedientes import views_catalogo, views_documentos

urlpatterns = [
    path("procedimientos/", views_catalogo.procedimientos, name="procedimientos"),
    path("procedimientos/nuevo/", views_catalogo.procedimiento_nuevo,
         name="procedimiento_nuevo"),
    path("procedimientos/<int:pk>/", views_catalogo.procedimiento, name="procedimiento"),
    path("procedimientos/<int:pk>/editar/", views_catalogo.procedimiento_editar,
         name="procedimiento_editar"),
    path("procedimientos/<int:pk>/actualizar/", views_catalogo.procedimiento_actualizar,
         name="procedimiento_actualizar"),
    path("procedimientos/<int:pk>/plantillas/nueva/", views_catalogo.plantilla_nueva,
         name="plantilla_nueva"),
    path("procedimientos/<int:pk>/plantillas/previa/", views_catalogo.plantilla_previa,
         name="plantilla_previa"),
    path("procedimientos/<int:pk>/plantillas/<int:plantilla_pk>/", views_catalogo.plantilla,
         name="plantilla"),
    path("catalogo-provincial/", views_catalogo.catalogo_provincial,
         name="catalogo_provincial"),
    path("catalogo-provincial/adoptar-todos/", views_catalogo.adoptar_todos,
         name="adoptar_todos"),
    path("catalogo-provincial/<str:codigo>/", views_catalogo.modelo, name="modelo"),
    path("catalogo-provincial/<str:codigo>/adoptar/", views_catalogo.adoptar, name="adoptar"),
    # The documents of an expediente (its list is the expediente's «Documentos» tab).
    path("<int:pk>/documentos/generar/", views_documentos.generar, name="generar"),
    path("<int:pk>/documentos/generar-todos/", views_documentos.generar_todas,
         name="generar_todas"),
    path("<int:pk>/documentos/subir/", views_documentos.documento_subir,
         name="documento_subir"),
    path("<int:pk>/documentos/<int:doc_pk>/", views_documentos.documento, name="documento"),
    path("<int:pk>/documentos/<int:doc_pk>/editar/", views_documentos.documento_editar,
         name="documento_editar"),
    path("<int:pk>/documentos/<int:doc_pk>/previa/", views_documentos.documento_previa,
         name="documento_previa"),
    path("<int:pk>/documentos/<int:doc_pk>/descargar/", views_documentos.documento_descargar,
         name="documento_descargar"),
    path("<int:pk>/documentos/<int:doc_pk>/visibilidad/",
         views_documentos.documento_visibilidad, name="documento_visibilidad"),
    path("<int:pk>/documentos/<int:doc_pk>/anular/", views_documentos.documento_anular,
         name="documento_anular"),
]
