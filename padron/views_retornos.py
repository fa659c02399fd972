"""Back-office pages of the files INE returns (under /gestion/padron/ine/retornos/):
uploading one (loaded by a job on the `intercambios` queue), the list of loaded files and
the incidencias of each, accepted or rejected one by one or the obvious ones in bulk.
Everything lives in the entity's schema, so a lookup by id never reaches another entity's
file or incidencia."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from padron.ine import retornos
from padron.models import (
    EstadoIncidencia,
    HojaPadronal,
    IncidenciaINE,
    RetornoINE,
    TipoRetornoINE,
)
from provincial import audit, jobs, params
from provincial.choices import FileDirection

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def get_retorno_for(request: HttpRequest, pk: int) -> RetornoINE:
    """A returned file of request.tenant (the current schema holds only its own)."""
    retorno = RetornoINE.objects.filter(pk=pk).first()
    if retorno is None:
        raise Http404
    return retorno


def get_incidencia_for(request: HttpRequest, pk: int) -> IncidenciaINE:
    incidencia = IncidenciaINE.objects.select_related("retorno", "habitante").filter(pk=pk) \
        .first()
    if incidencia is None:
        raise Http404
    return incidencia


def lista(request: HttpRequest) -> HttpResponse:
    page = Paginator(RetornoINE.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "padron/retornos_list.html", {
        "page": page, "kinds": TipoRetornoINE.choices})


@require_POST
def cargar(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    upload = request.FILES.get("fichero")
    if kind not in TipoRetornoINE.values or upload is None:
        messages.error(request, _("Indique el tipo de fichero y adjunte el fichero del INE."))
        return redirect("gestion:padron:retornos")
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("El fichero es demasiado grande (máximo 50 MB)."))
        return redirect("gestion:padron:retornos")
    content = upload.read()
    existing = RetornoINE.objects.filter(sha256=hashlib.sha256(content).hexdigest()).first()
    if existing is not None:
        messages.error(request, " ".join(retornos.already_loaded_error(existing).messages))
        return redirect("gestion:padron:retorno", pk=existing.pk)
    with transaction.atomic():  # the job reaches the broker once job and file are committed
        job = jobs.enqueue(retornos.JOB_KIND, entity=request.tenant, created_by=request.user,
                           payload={"kind": kind})
        job_file = jobs.JobContext(job).add_file(upload.name[:200], content,
                                                 direction=FileDirection.INPUT)
        audit.record("padron.ine.retorno.solicitar", user=request.user, entity=request.tenant,
                     detail={"job": job.pk, "kind": kind, "sha256": job_file.sha256})
    return redirect("gestion:trabajos:detail", pk=job.pk)


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    retorno = get_retorno_for(request, pk)
    incidencias = list(retorno.incidencias.select_related("habitante", "movimiento")
                       .order_by("line"))
    for incidencia in incidencias:
        incidencia.is_obvious = retornos.es_obvia(incidencia)
    return render(request, "padron/retornos_detail.html", {
        "retorno": retorno, "incidencias": incidencias,
        "obvias": sum(1 for i in incidencias if i.is_obvious),
        "pendientes": sum(1 for i in incidencias if i.state == EstadoIncidencia.PENDIENTE)})


@require_POST
def aceptar(request: HttpRequest, pk: int) -> HttpResponse:
    incidencia = get_incidencia_for(request, pk)
    hoja = None
    if number := params.get_text(request.POST, "hoja", max_length=10):
        hoja = HojaPadronal.objects.filter(number=number.zfill(10)).first()
        if hoja is None:
            messages.error(request, _("No existe la hoja padronal %(number)s.")
                           % {"number": number})
            return redirect("gestion:padron:retorno", pk=incidencia.retorno_id)
    try:
        retornos.aceptar(incidencia, request.user, hoja=hoja)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Línea %(line)s aceptada.") % {"line": incidencia.line})
    return redirect("gestion:padron:retorno", pk=incidencia.retorno_id)


@require_POST
def rechazar(request: HttpRequest, pk: int) -> HttpResponse:
    incidencia = get_incidencia_for(request, pk)
    try:
        retornos.rechazar(incidencia, request.user,
                          motivo=params.get_text(request.POST, "motivo", max_length=2000))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Línea %(line)s rechazada.") % {"line": incidencia.line})
    return redirect("gestion:padron:retorno", pk=incidencia.retorno_id)


@require_POST
def aceptar_obvias(request: HttpRequest, pk: int) -> HttpResponse:
    retorno = get_retorno_for(request, pk)
    accepted, failed = retornos.aceptar_obvias(retorno, request.user)
    messages.success(request, _("%(n)s incidencias aceptadas.") % {"n": len(accepted)})
    for incidencia, reason in failed:
        messages.error(request, _("Línea %(line)s: %(reason)s")
                       % {"line": incidencia.line, "reason": reason})
    return redirect("gestion:padron:retorno", pk=retorno.pk)
