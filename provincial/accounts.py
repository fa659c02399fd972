"""Login and logout, the same on every host."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from provincial.ratelimit import rate_limit
from tenants import actions, twofactor
from tenants.views import handoff, handoff_issue, handoff_start


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        if self.request.tenant.is_diputacion:
            return reverse("mis_entidades")
        return reverse("gestion:dashboard")


@login_required
@require_POST
def logout_everywhere(request):
    """Close every session of the user, on every entity's host."""
    actions.logout_everywhere(request.user)
    logout(request)
    return redirect("cuentas:login")


app_name = "cuentas"
urlpatterns = [
    path("entrar/", rate_limit("login", limit=20, seconds=60)(LoginView.as_view()), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    # Entity switching (tenants.views, docs/architecture.md): target host, source host,
    # target host again. No URL carries a secret.
    path("traspaso/", handoff_start, name="handoff_start"),
    path("traspaso/emitir/", handoff_issue, name="handoff_issue"),
    path("traspaso/completar/", handoff, name="handoff"),
    path("verificar/", rate_limit("2fa", limit=10, seconds=60)(twofactor.verify),
         name="2fa_verify"),
    path("doble-factor/alta/", twofactor.enrol, name="2fa_enrol"),
    path("doble-factor/codigos/", twofactor.regenerate_codes, name="2fa_codes"),
    path("cerrar-todas/", logout_everywhere, name="logout_everywhere"),
]
