"""The entity's office holders, mounted at /gestion/cargos/ (user administrators)."""

from django.urls import path

from tenants import views_offices as views

app_name = "cargos"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("nuevo/", views.office_add, name="add"),
    path("<int:pk>/", views.office_edit, name="edit"),
    path("<int:pk>/terminar/", views.office_end, name="end"),
]
