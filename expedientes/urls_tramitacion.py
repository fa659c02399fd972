"""The expediente's own pages: dashboard, list, opening, its tabs and actions, reports."""

from django.urls import path

from expedientes import views, views_acciones, views_informes

urlpatterns = [
    path("", views.home, name="home"),
    path("lista/", views.lista, name="lista"),
    path("informes/", views_informes.informes, name="informes"),
    path("nuevo/", views.nuevo, name="nuevo"),
    path("nuevo/desde-registro/", views.nuevo_desde_registro, name="nuevo_desde_registro"),
    path("nuevo/desde-registro/<int:asiento_pk>/", views.nuevo_desde_asiento,
         name="nuevo_desde_asiento"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/interesados/", views.detalle_interesados, name="detalle_interesados"),
    path("<int:pk>/documentos/", views.detalle_documentos, name="detalle_documentos"),
    path("<int:pk>/tareas/", views.detalle_tareas, name="detalle_tareas"),
    path("<int:pk>/plazo/", views.detalle_plazo, name="detalle_plazo"),
    path("<int:pk>/historial/", views.detalle_historial, name="detalle_historial"),
    path("<int:pk>/remisiones/", views.detalle_remisiones, name="detalle_remisiones"),
    path("<int:pk>/datos/", views_acciones.datos, name="datos"),
    path("<int:pk>/fase/", views_acciones.fase, name="fase"),
    path("<int:pk>/estado/<slug:accion>/", views_acciones.estado, name="estado"),
    path("<int:pk>/interesados/<int:interesado_pk>/quitar/", views_acciones.interesado_quitar,
         name="interesado_quitar"),
    path("<int:pk>/tareas/<int:tarea_pk>/hecha/", views_acciones.tarea_hecha,
         name="tarea_hecha"),
    path("<int:pk>/tareas/<int:tarea_pk>/cancelar/", views_acciones.tarea_cancelar,
         name="tarea_cancelar"),
    path("<int:pk>/tareas/<int:tarea_pk>/asignar/", views_acciones.tarea_asignar,
         name="tarea_asignar"),
    path("<int:pk>/plazo/suspender/", views_acciones.plazo_suspender, name="plazo_suspender"),
    path("<int:pk>/plazo/reanudar/", views_acciones.plazo_reanudar, name="plazo_reanudar"),
    path("<int:pk>/plazo/ampliar/", views_acciones.plazo_ampliar, name="plazo_ampliar"),
]
