"""Back-office pages of the INE exchange (under /gestion/padron/ine/): the entity's INE
files, generating one (a job on the `intercambios` queue), downloading it (audited) and
recording what INE did with it. Files live in the entity's schema, so a lookup by id
never reaches another entity's file."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from padron.ine import intercambio
from padron.models import FicheroINE, TipoFicheroINE
from provincial import audit, jobs

# What each state button does: POST field "estado" -> action.
STATE_ACTIONS = {
    "enviado": lambda fichero, request: intercambio.marcar_enviado(
        fichero, acting_user=request.user, reference=request.POST.get("referencia", "")),
    "aceptado": lambda fichero, request: intercambio.marcar_aceptado(
        fichero, acting_user=request.user),
    "rechazado": lambda fichero, request: intercambio.marcar_rechazado(
        fichero, acting_user=request.user, motivo=request.POST.get("motivo", "")),
}


def last_day_of_previous_month(today: datetime.date) -> datetime.date:
    return today.replace(day=1) - datetime.timedelta(days=1)


def get_fichero_for(request: HttpRequest, pk: int) -> FicheroINE:
    """A file of request.tenant (the current schema holds only this entity's files)."""
    fichero = FicheroINE.objects.filter(pk=pk).first()
    if fichero is None:
        raise Http404
    return fichero


def ficheros(request: HttpRequest) -> HttpResponse:
    page = Paginator(FicheroINE.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "padron/ine_list.html", {
        "page": page, "default_period_end": last_day_of_previous_month(timezone.localdate()),
        "kinds": [(key, TipoFicheroINE(key).label) for key in intercambio.GENERATORS],
    })


@require_POST
def generar(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    date = parse_date(request.POST.get("fecha", "") or "")
    if kind not in intercambio.GENERATORS or date is None or date > timezone.localdate():
        messages.error(request, _("Indique el tipo de fichero y una fecha que no sea futura."))
        return redirect("gestion:padron:ine")
    key, _generator = intercambio.GENERATORS[kind]
    with transaction.atomic():  # the job reaches the broker once both rows are committed
        job = jobs.enqueue(intercambio.JOB_KIND, entity=request.tenant, created_by=request.user,
                           payload={"kind": kind, key: date.isoformat()})
        audit.record("padron.ine.fichero.solicitar", user=request.user, entity=request.tenant,
                     detail={"job": job.pk, "kind": kind, key: date.isoformat()})
    return redirect("gestion:trabajos:detail", pk=job.pk)


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
    action = STATE_ACTIONS.get(request.POST.get("estado", ""))
    if action is None:
        raise Http404
    try:
        fichero = action(fichero, request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Fichero %(name)s: %(state)s.")
                         % {"name": fichero.name, "state": fichero.get_state_display()})
    return redirect("gestion:padron:ine")
