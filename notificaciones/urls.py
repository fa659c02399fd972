"""The clerk's pages of the notificaciones, under /gestion/notificaciones/."""

from django.urls import path

from notificaciones import views

app_name = "notificaciones"
urlpatterns = [
    path("", views.lista, name="home"),
    path("nueva/", views.nueva, name="nueva"),
    path("estadisticas/", views.estadisticas, name="estadisticas"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/reenviar-aviso/", views.reenviar, name="reenviar"),
    path("<int:pk>/entrega/", views.entrega, name="entrega"),
    path("<int:pk>/anular/", views.anular, name="anular"),
    path("<int:pk>/acuses/<int:evento_pk>/", views.acuse, name="acuse"),
    path("apoderamientos/", views.apoderamientos, name="apoderamientos"),
    path("apoderamientos/nuevo/", views.apoderamiento_nuevo, name="apoderamiento_nuevo"),
    path("apoderamientos/<int:pk>/", views.apoderamiento, name="apoderamiento"),
    path("apoderamientos/<int:pk>/revocar/", views.apoderamiento_revocar,
         name="apoderamiento_revocar"),
]
