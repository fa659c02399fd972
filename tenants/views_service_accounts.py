"""Back-office pages of the entity's service accounts (/gestion/cuentas-servicio/, user
administrator): the programs that call the entity's REST API, each with a token shown
once at creation, and their revocation. Creating and revoking are audited (actions in
tenants.service_accounts)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tenants import service_accounts
from tenants.access import adhered_applications, get_service_account_for
from tenants.api import routes
from tenants.forms_service_accounts import ServiceAccountForm
from tenants.models import ServiceAccount
from tenants.views import form_errors_to


def _available(request: HttpRequest) -> set[str]:
    return routes.service_account_applications() & adhered_applications(request)


@require_http_methods(["GET"])
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = list(ServiceAccount.objects.for_entity(request.tenant)
                    .select_related("created_by", "revoked_by")
                    .order_by("revoked_at", "name", "pk"))
    return render(request, "tenants/service_account_list.html", {
        "active": [a for a in accounts if a.is_active],
        "revoked": [a for a in accounts if not a.is_active],
        "schema_url": "/api/schema/"})


@never_cache
@require_http_methods(["GET", "POST"])
def account_add(request: HttpRequest) -> HttpResponse:
    form = ServiceAccountForm(request.POST or None, available_applications=_available(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = service_accounts.create_service_account(
                request.tenant, name=form.cleaned_data["name"],
                applications=form.cleaned_data["applications"], acting_user=request.user)
        except ValidationError as exc:
            form_errors_to(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            # The token is shown in this answer only (never stored, never in a message
            # kept in the session); the page is not cached.
            return render(request, "tenants/service_account_created.html", {
                "account": created.account, "token": created.token})
    return render(request, "tenants/service_account_form.html", {"form": form})


@require_http_methods(["POST"])
def account_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_service_account_for(request, pk)
    try:
        service_accounts.revoke_service_account(account, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("Cuenta «%(name)s» revocada: su token ya no sirve.")
                         % {"name": account.name})
    return redirect("gestion:cuentas_servicio:list")
