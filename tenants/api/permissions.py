"""API permissions: the same rule as the back office, for session and token clients, and
the rule of service accounts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from tenants.access import adhered_applications, current_membership, usable_applications
from tenants.service_accounts import service_account_of


class IsEntityMember(BasePermission):
    """Authenticated, on an entity's host, with an active membership there.

    A view may set `required_application` to also demand that application.

    A service account (its token is already known to belong to this host's entity) may
    call only views that say `service_account_access = True`, and, where the view names a
    `required_application`, only if the account was granted it and the entity still
    adheres to a service that includes it.
    """

    message = "No tiene acceso a esta entidad."

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_diputacion or not request.user.is_authenticated:
            return False
        account = service_account_of(request.user)
        if account is not None:
            return self._service_account_may(request, view, account)
        # DRF authenticates (token) after the middleware ran: recompute for this user.
        request._request.user = request.user
        if hasattr(request._request, "_membership"):
            del request._request._membership
        if current_membership(request._request) is None:
            return False
        application = getattr(view, "required_application", None)
        return application is None or application in usable_applications(request._request)

    def _service_account_may(self, request, view, account) -> bool:
        if not getattr(view, "service_account_access", False):
            self.message = _("Las cuentas de servicio no pueden usar esta operación.")
            return False
        application = getattr(view, "required_application", None)
        if application is None:
            return True
        if application not in account.applications or \
                application not in adhered_applications(request._request):
            from tenants.choices import Application

            label = Application(application).label if application in Application.values \
                else application
            self.message = _("Esta cuenta de servicio no tiene concedida la aplicación "
                             "«%(application)s».") % {"application": label}
            return False
        return True
