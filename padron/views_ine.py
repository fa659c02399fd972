"""Back-office pages of the INE exchange (under /gestion/padron/ine/): the entity's INE
files, generating one (a job on the `intercambios` queue), looking at it before it is sent
(a summary and its first records), downloading it (both audited) and recording what INE did
with it. Files live in the entity's schema, so a lookup by id never reaches another
entity's file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from padron.ine import intercambio, vista
from padron.ine.forms import EstadoFicheroForm, GenerarFicheroForm
from padron.models import FicheroINE
from provincial import audit, jobs

# What each state button does: the form's "estado" -> action.
STATE_ACTIONS = {
    "enviado": lambda fichero, data, user: intercambio.marcar_enviado(
        fichero, acting_user=user, reference=data["referencia"]),
    "aceptado": lambda fichero, data, user: intercambio.marcar_aceptado(
        fichero, acting_user=user),
    "rechazado": lambda fichero, data, user: intercambio.marcar_rechazado(
        fichero, acting_user=user, motivo=data["motivo"]),
}


def get_fichero_for(request: HttpRequest, pk: int) -> FicheroINE:
    """A file of request.tenant (the current schema holds only this entity's files)."""
    fichero = FicheroINE.objects.filter(pk=pk).first()
    if fichero is None:
        raise Http404
    return fichero


def _list(request: HttpRequest, form: GenerarFicheroForm) -> HttpResponse:
    page = Paginator(FicheroINE.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "padron/ine_list.html", {"page": page, "form": form})


def ficheros(request: HttpRequest) -> HttpResponse:
    return _list(request, GenerarFicheroForm())


@require_POST
def generar(request: HttpRequest) -> HttpResponse:
    form = GenerarFicheroForm(request.POST)
    if not form.is_valid():
        return _list(request, form)
    kind, date = form.cleaned_data["kind"], form.cleaned_data["fecha"]
    key, _generator = intercambio.GENERATORS[kind]
    with transaction.atomic():  # the job reaches the broker once both rows are committed
        job = jobs.enqueue(intercambio.JOB_KIND, entity=request.tenant, created_by=request.user,
                           payload={"kind": kind, key: date.isoformat()})
        audit.record("padron.ine.fichero.solicitar", user=request.user, entity=request.tenant,
                     detail={"job": job.pk, "kind": kind, key: date.isoformat()})
    return redirect("gestion:trabajos:detail", pk=job.pk)


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    """The file before it is sent: its facts, records by kind and its first records."""
    fichero = get_fichero_for(request, pk)
    with fichero.file.open("rb") as handle:
        preview = vista.vista_previa(handle, filename=fichero.name)
    audit.record("padron.ine.fichero.vista", user=request.user, entity=request.tenant,
                 obj=fichero, detail={"sha256": fichero.sha256, "kind": fichero.kind})
    return render(request, "padron/ine_detail.html", {
        "fichero": fichero, "vista": preview, "estado_form": EstadoFicheroForm()})


def descargar(request: HttpRequest, pk: int) -> FileResponse:
    fichero = get_fichero_for(request, pk)
    audit.record("padron.ine.fichero.descarga", user=request.user, entity=request.tenant,
                 obj=fichero, detail={"sha256": fichero.sha256, "kind": fichero.kind})
    response = FileResponse(fichero.file.open("rb"), as_attachment=True, filename=fichero.name,
                            content_type="text/plain; charset=iso-8859-1")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def estado(request: HttpRequest, pk: int) -> HttpResponse:
    fichero = get_fichero_for(request, pk)
    form = EstadoFicheroForm(request.POST)
    if not form.is_valid():
        if "estado" in form.errors:
            raise Http404  # not one of the buttons
        messages.error(request, " ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            for name, errors in form.errors.items()))
        return redirect("gestion:padron:ine")
    try:
        fichero = STATE_ACTIONS[form.cleaned_data["estado"]](fichero, form.cleaned_data,
                                                             request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Fichero %(name)s: %(state)s.")
                         % {"name": fichero.name, "state": fichero.get_state_display()})
    return redirect("gestion:padron:ine")
