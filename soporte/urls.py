"""Soporte inside an entity's back office (/gestion/soporte/)."""

from django.urls import path

from soporte import views

app_name = "soporte"
urlpatterns = [
    path("", views.home, name="home"),
]
