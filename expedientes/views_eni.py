"""Back-office pages of the ENI remissions: the entity's list, the remit form of an
expediente, a remission's detail with its history and job, its package (zip) and a retry.

Every object comes through a scoped lookup: the schema confines queries to the request's
entity and the middleware demands the expedientes application, so another entity's
remission is the same 404 as a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expedientes import access, flujo, remisiones
from expedientes.choices import EstadoRemision
from expedientes.eni import transporte as eni_transporte
from expedientes.forms_eni import RemisionFiltroForm, RemitirForm
from expedientes.models import Remision
from provincial import audit
from provincial.models import Job

PAGE_SIZE = 25


def _remisiones() -> QuerySet[Remision]:
    return Remision.objects.select_related("expediente__procedimiento")


def get_remision_for(request: HttpRequest, pk: int) -> Remision:
    return get_object_or_404(_remisiones(), pk=pk)


def _jobs(request: HttpRequest, remisiones_: list[Remision]) -> dict[int, Job]:
    """The jobs of these remissions, in one query, only the request's entity's."""
    ids = [r.job_id for r in remisiones_ if r.job_id]
    if not ids:
        return {}
    return {job.pk: job for job in Job.objects.for_entity(request.tenant).filter(pk__in=ids)}


def lista(request: HttpRequest) -> HttpResponse:
    filtro = RemisionFiltroForm(request.GET or None)
    rows = _remisiones()
    if filtro.is_valid():
        data = filtro.cleaned_data
        if data["estado"]:
            rows = rows.filter(estado=data["estado"])
        if texto := data["texto"].strip():
            numero = texto.split("/")
            query = (Q(destino_nombre__icontains=texto) | Q(destino_codigo__iexact=texto)
                     | Q(identificador__icontains=texto) | Q(expediente__asunto__icontains=texto))
            if len(numero) == 2 and all(part.strip().isdigit() for part in numero):
                query |= Q(expediente__numero=int(numero[0]), expediente__year=int(numero[1]))
            rows = rows.filter(query)
        if data["desde"]:
            rows = rows.filter(created_at__date__gte=data["desde"])
        if data["hasta"]:
            rows = rows.filter(created_at__date__lte=data["hasta"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    jobs = _jobs(request, list(page))
    for remision in page:
        remision.job = jobs.get(remision.job_id)
    return render(request, "expedientes/eni/lista.html", {
        "filtro": filtro, "page": page,
        "errores": Remision.objects.filter(estado=EstadoRemision.ERROR).count()})


def remitir(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    if not flujo.puede(expediente, flujo.REMITIR):
        messages.error(request, _("El expediente %(codigo)s está «%(estado)s» y no se puede "
                                  "remitir.") % {"codigo": expediente.codigo,
                                                 "estado": expediente.get_estado_display()})
        return redirect("gestion:expedientes:detalle", expediente.pk)
    form = RemitirForm(request.POST or None,
                       initial={"transporte": next(iter(eni_transporte.disponibles()), "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            remision = remisiones.remitir(
                expediente, destino_codigo=data["destino_codigo"],
                destino_nombre=data["destino_nombre"], motivo=data["motivo"],
                transporte=data["transporte"], acting_user=request.user)
        except remisiones.RemisionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except flujo.ExpedienteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Remisión en preparación: el paquete ENI se construye, "
                                        "se valida y se entrega en segundo plano."))
            return redirect("gestion:expedientes:remision", remision.pk)
    documentos = expediente.documentos.filter(
        estado__in=remisiones.eni_expediente.EXPORTADOS).exclude(contenido="").count()
    return render(request, "expedientes/eni/remitir.html", {
        "expediente": expediente, "form": form, "documentos": documentos,
        "estado_eni": remisiones.eni_expediente.metadatos.estado(expediente,
                                                                para_remision=True)},
        status=400 if form.errors else 200)


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    remision = get_remision_for(request, pk)
    job = _jobs(request, [remision]).get(remision.job_id)
    transporte = eni_transporte.disponibles().get(remision.transporte)
    return render(request, "expedientes/eni/detalle.html", {
        "remision": remision, "job": job, "historial": remision.historial.all(),
        "transporte": transporte.nombre if transporte else remision.transporte,
        "status_url": reverse("gestion:trabajos:status", args=[job.pk]) if job else ""})


def paquete(request: HttpRequest, pk: int) -> HttpResponse:
    remision = get_remision_for(request, pk)
    if not remision.paquete:
        raise Http404
    try:
        handle = remision.paquete.open("rb")
    except OSError as exc:
        raise Http404 from exc
    audit.record("expedientes.remision.descarga", user=request.user, entity=request.tenant,
                 obj=remision, detail={"identificador": remision.identificador})
    response = FileResponse(handle, as_attachment=True,
                            filename=f"{remision.identificador or remision.pk}.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def reintentar(request: HttpRequest, pk: int) -> HttpResponse:
    remision = get_remision_for(request, pk)
    try:
        remisiones.reintentar(remision, acting_user=request.user)
    except remisiones.RemisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Remisión puesta de nuevo en marcha."))
    return redirect("gestion:expedientes:remision", remision.pk)
