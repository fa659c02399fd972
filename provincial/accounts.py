"""Login and logout, the same on every host."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse

from tenants.views import handoff


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.request.tenant.is_diputacion:
            return reverse("mis_entidades")
        return reverse("gestion:dashboard")


app_name = "cuentas"
urlpatterns = [
    path("entrar/", LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("traspaso/<str:token>/", handoff, name="handoff"),
]
