"""The entity's service accounts, mounted at /gestion/cuentas-servicio/ (user administrators)."""

from django.urls import path

from tenants import views_service_accounts as views

app_name = "cuentas_servicio"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("nueva/", views.account_add, name="add"),
    path("<int:pk>/revocar/", views.account_revoke, name="revoke"),
]
