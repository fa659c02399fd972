"""Provincial pages of the distribution list (seed 2, g)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tenants import actions
from tenants.forms import CommunicationForm
from tenants.models import Communication
from tenants.views import form_errors_to


def _require_sender(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.can_send_communications):
        raise PermissionDenied(_("No está autorizado para la lista de distribución."))


@login_required
def communication_list(request: HttpRequest) -> HttpResponse:
    _require_sender(request)
    communications = Communication.objects.select_related("sender", "job").order_by("-created_at")
    if not request.user.is_provincial_admin:
        communications = communications.filter(sender=request.user)
    page = Paginator(communications, 20).get_page(request.GET.get("page"))
    return render(request, "tenants/communication_list.html", {"page": page})


@login_required
def communication_new(request: HttpRequest) -> HttpResponse:
    _require_sender(request)
    form = CommunicationForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filters = {"kinds": data["kinds"], "comarcas": data["comarcas"],
                   "mancomunidad": data["mancomunidad"], "service": data["service"]}
        if "preview" in request.POST:
            preview = list(actions.distribution_recipients(**filters))
        else:
            try:
                communication = actions.send_communication(
                    sender=request.user, subject=data["subject"], body=data["body"], **filters)
            except ValidationError as exc:
                form_errors_to(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Comunicación registrada; el envío está en marcha."))
                return redirect("difusion:detail", pk=communication.pk)
    return render(request, "tenants/communication_form.html", {"form": form, "preview": preview})


@login_required
def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sender(request)
    communications = Communication.objects.all()
    if not request.user.is_provincial_admin:
        communications = communications.filter(sender=request.user)
    try:
        communication = communications.select_related("sender", "job").get(pk=pk)
    except Communication.DoesNotExist as exc:
        raise Http404 from exc
    deliveries = communication.deliveries.select_related("entity")
    status_url = reverse("trabajos:status", args=[communication.job_id]) if communication.job_id else ""
    return render(request, "tenants/communication_detail.html",
                  {"communication": communication, "deliveries": deliveries,
                   "job_status_url": status_url})
