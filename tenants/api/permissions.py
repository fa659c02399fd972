"""API permissions: the same rule as the back office, for session and token clients."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from tenants.access import current_membership, usable_applications


class IsEntityMember(BasePermission):
    """Authenticated, on an entity's host, with an active membership there.

    A view may set `required_application` to also demand that application.
    """

    message = "No tiene acceso a esta entidad."

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_diputacion or not request.user.is_authenticated:
            return False
        # DRF authenticates (token) after the middleware ran: recompute for this user.
        request._request.user = request.user
        if hasattr(request._request, "_membership"):
            del request._request._membership
        if current_membership(request._request) is None:
            return False
        application = getattr(view, "required_application", None)
        return application is None or application in usable_applications(request._request)
