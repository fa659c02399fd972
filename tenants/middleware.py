"""The two guards of an entity's host: which services' pages it serves at all
(ServiceAvailabilityMiddleware, from tenants.availability), and who enters its back
office (BackofficeAccessMiddleware).

Under an entity's host, any view in the "gestion" namespace requires a logged-in user
with an active membership in that entity (otherwise 404, as if the page did not exist);
a section tied to an application also requires that the application is granted to the
user and unlocked by an approved adhesion (otherwise 403 with the reason).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants import availability, sections
from tenants.access import adhered_applications, current_membership, usable_applications


class ServiceAvailabilityMiddleware:
    """A service's pages (public, back office, API) answer only where the entity adheres
    to a service that includes their application: elsewhere a 404 that says so, the same
    for everyone (which services an entity adheres to is public)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        tenant = getattr(request, "tenant", None)
        if match is None or tenant is None or tenant.is_diputacion:
            return None
        required = availability.required_applications(match, view_func)
        if required is None or required & adhered_applications(request):
            return None
        message = _("Este servicio no está disponible en esta entidad.")
        if match.namespaces and match.namespaces[0] == "api":
            return JsonResponse({"detail": message}, status=404)
        return render(request, "tenants/service_unavailable.html", {"message": message},
                      status=404)


class BackofficeAccessMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        tenant = getattr(request, "tenant", None)
        if match is None or tenant is None or not match.namespaces or match.namespaces[0] != "gestion":
            return None
        if tenant.is_diputacion:
            return render(request, "404.html", status=404)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        membership = current_membership(request)
        if membership is None:
            return render(request, "404.html", status=404)
        section = sections.get(match.namespaces[1]) if len(match.namespaces) > 1 else None
        if section is None:
            return None
        if section.user_admin_only and not membership.is_user_admin:
            return render(request, "403.html", {
                "reason": _("Esta sección es solo para el administrador de usuarios de la entidad.")},
                status=403)
        if section.application and section.application not in usable_applications(request):
            return render(request, "403.html", {
                "reason": _("No tiene concedida la aplicación «%(app)s» en %(entity)s, o la entidad "
                            "no está adherida al servicio que la incluye.")
                % {"app": section.label, "entity": tenant.name_with_article}}, status=403)
        return None
