"""Soporte inside an entity's back office (/gestion/soporte/)."""

from django.urls import path

from soporte import views

app_name = "soporte"
urlpatterns = [
    path("", views.home, name="home"),
    path("nueva/", views.nueva, name="nueva"),
    path("ayuda/<int:pk>/", views.articulo, name="articulo"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/adjuntos/<int:pk>/", views.adjunto, name="adjunto"),
    path("<str:reference>/<slug:name>/", views.action, name="action"),
]
