"""Back-office pages of the entity's office holders (/gestion/cargos/, user administrator):
who held the alcaldía, the secretaría… and when, as the documents name them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tenants import actions, offices
from tenants.access import get_office_holder_for
from tenants.forms import EndOfficeForm, OfficeHolderForm
from tenants.models import OfficeHolder
from tenants.views import form_errors_to


def _data(form: OfficeHolderForm) -> actions.OfficeHolderData:
    data = form.cleaned_data
    return actions.OfficeHolderData(
        office=data["office"], name=data["name"], nif=data["nif"], wording=data["wording"],
        title=data["title"], start_date=data["start_date"], end_date=data["end_date"])


@require_http_methods(["GET"])
def office_list(request: HttpRequest) -> HttpResponse:
    holders = list(OfficeHolder.objects.for_entity(request.tenant)
                   .order_by("office", "-start_date", "-pk"))
    today = timezone.localdate()
    signatories = offices.Signatories(request.tenant, today)
    for holder in holders:
        holder.signature_title = offices.signature_title(holder)
    return render(request, "tenants/office_list.html", {
        "current": [h for h in holders if h.is_current],
        "other": [h for h in holders if not h.is_current],
        "secretaria": signatories.secretaria, "visto_bueno": signatories.visto_bueno,
        "today": today})


@require_http_methods(["GET", "POST"])
def office_add(request: HttpRequest) -> HttpResponse:
    form = OfficeHolderForm(request.POST or None, entity=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            holder = actions.add_office_holder(request.tenant, _data(form),
                                               acting_user=request.user)
        except ValidationError as exc:
            form_errors_to(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("%(name)s consta como %(office)s desde el %(date)s.")
                             % {"name": holder.name, "office": holder.get_office_display(),
                                "date": holder.start_date.strftime("%d/%m/%Y")})
            return redirect("gestion:cargos:list")
    return render(request, "tenants/office_form.html", {"form": form, "holder": None})


@require_http_methods(["GET", "POST"])
def office_edit(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_office_holder_for(request, pk)
    initial = {field: getattr(holder, field) for field in (
        "office", "name", "nif", "wording", "title", "start_date", "end_date")}
    form = OfficeHolderForm(request.POST or None, initial=initial, entity=request.tenant)
    end_form = EndOfficeForm(initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_office_holder(holder, _data(form), acting_user=request.user)
        except ValidationError as exc:
            form_errors_to(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Datos de %(name)s guardados.") % {"name": holder.name})
            return redirect("gestion:cargos:list")
    return render(request, "tenants/office_form.html",
                  {"form": form, "holder": holder, "end_form": end_form})


@require_http_methods(["POST"])
def office_end(request: HttpRequest, pk: int) -> HttpResponse:
    holder = get_office_holder_for(request, pk)
    end_form = EndOfficeForm(request.POST)
    if end_form.is_valid():
        try:
            actions.end_office_holder(holder, end_form.cleaned_data["end_date"],
                                      acting_user=request.user)
        except ValidationError as exc:
            form_errors_to(end_form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("%(name)s deja de constar como %(office)s tras el "
                                        "%(date)s.")
                             % {"name": holder.name, "office": holder.get_office_display(),
                                "date": holder.end_date.strftime("%d/%m/%Y")})
            return redirect("gestion:cargos:list")
    initial = {field: getattr(holder, field) for field in (
        "office", "name", "nif", "wording", "title", "start_date", "end_date")}
    return render(request, "tenants/office_form.html", {
        "form": OfficeHolderForm(initial=initial, entity=request.tenant), "holder": holder,
        "end_form": end_form}, status=400)
