"""Soporte on the provincial host (/soporte/): the agents' desk."""

from django.urls import path

from soporte import views

app_name = "soporte_prov"
urlpatterns = [
    path("", views.home, name="home"),
]
