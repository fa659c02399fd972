"""Provincial pages of the INE exchange (provincial host, `/intercambio-ine/`, provincial
admins only; mounted and put in the provincial menu by PadronConfig.ready): for every
entity adhered to the padrón service, the state of the month's file; a confirmation step
before launching the month for all of them (one job per entity, each run in its own
schema); and, per entity, the job that generated its file with the file itself to look at
and download before it is sent.

The jobs come from public Job rows of kind padron.ine.generar; the state of each entity's
file (generado, enviado, aceptado, rechazado, recorded in its schema after the job) and its
pending return incidencias and INE errors are read from all schemas in one statement
(padron.ine.resumen). A file is read from its entity's schema by the job's id.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_tenants.utils import schema_context

from padron.ine import vista
from padron.ine.intercambio import JOB_KIND
from padron.ine.resumen import EstadoMes, estado_del_mes
from padron.models import FicheroINE
from provincial import audit, jobs, params
from provincial.choices import JobState
from provincial.models import Job
from tenants.choices import AdhesionState
from tenants.models import Entity

CONFIRM_VALUE = "si"


def _require_provincial_admin(request: HttpRequest) -> None:
    if not request.tenant.is_diputacion or not request.user.is_provincial_admin:
        raise Http404


def month_end(request: HttpRequest) -> datetime.date:
    """Last day of the month in mes=AAAA-MM (POST or GET), else of the previous month;
    a malformed month answers 400."""
    data = request.POST if request.method == "POST" else request.GET
    previous = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return params.get_month(data, "mes", default=previous)


def padron_entities():
    return (Entity.objects.adhered()
            .filter(is_active=True, adhesions__service__code="padron",
                    adhesions__state=AdhesionState.APPROVED)
            .distinct().order_by("name"))


def month_jobs(entities, period_end: datetime.date) -> dict[int, Job]:
    """The latest job of the month per entity id."""
    latest: dict[int, Job] = {}
    for job in (Job.objects.filter(kind=JOB_KIND, entity__in=entities,
                                   payload__kind="variaciones",
                                   payload__period_end=period_end.isoformat())
                .order_by("entity_id", "-created_at")):
        latest.setdefault(job.entity_id, job)
    return latest


def get_ine_job_for(request: HttpRequest, pk: int) -> Job:
    """An INE generation job of an entity adhered to the padrón, for a provincial admin on
    the provincial host; anything else (another kind, a missing job, another user) is 404."""
    _require_provincial_admin(request)
    job = (Job.objects.filter(pk=pk, kind=JOB_KIND, entity__in=padron_entities())
           .select_related("entity", "created_by").first())
    if job is None:
        raise Http404
    return job


def _fichero_of(job: Job):
    """The FicheroINE the job generated, read in its entity's schema (None until then)."""
    with schema_context(job.entity.schema_name):
        return FicheroINE.objects.filter(job_id=job.pk).first()


FILE_STATES = {"generado": ("succeeded", gettext_lazy("Generado")),
               "enviado": ("succeeded", gettext_lazy("Enviado")),
               "aceptado": ("accepted", gettext_lazy("Aceptado por el INE")),
               "rechazado": ("failed", gettext_lazy("Rechazado por el INE"))}


def _status(job: Job | None, estado: EstadoMes | None) -> tuple[str, str]:
    """(css class, text) of an entity's month: the file's own state when there is one."""
    if estado is not None and estado.file_state:
        css, label = FILE_STATES.get(estado.file_state, ("succeeded", estado.file_state))
        kind = _("parte negativo") if estado.file_kind == "negativo" else \
            _("%(n)s registros") % {"n": estado.records}
        return css, f"{label} ({kind})"
    if job is None:
        return "pending", _("Pendiente")
    if job.state == JobState.FAILED:
        return "failed", _("Con errores")
    if job.state != JobState.SUCCEEDED:
        return "running", _("Generándose")
    result = job.result or {}
    kind = _("parte negativo") if result.get("kind") == "negativo" else _("%(n)s registros") % {
        "n": result.get("records", 0)}
    state = _("Enviado") if result.get("state") in ("enviado", "aceptado") else _("Generado")
    return "succeeded", f"{state} ({kind})"


def _to_launch(entities: list[Entity], latest: dict[int, Job]) -> list[Entity]:
    """Entities whose month has no job yet or only a failed one: never launched twice."""
    return [entity for entity in entities
            if latest.get(entity.pk) is None or latest[entity.pk].state == JobState.FAILED]


@login_required
@require_GET
def ine_provincial(request: HttpRequest) -> HttpResponse:
    _require_provincial_admin(request)
    period_end = month_end(request)
    entities = list(padron_entities())
    latest = month_jobs(entities, period_end)
    estados = estado_del_mes([entity.schema_name for entity in entities], period_end)
    rows = []
    for entity in entities:
        job = latest.get(entity.pk)
        estado = estados.get(entity.schema_name)
        css, text = _status(job, estado)
        rows.append({"entity": entity, "job": job, "css": css, "text": text, "estado": estado,
                     "has_file": job is not None and job.state == JobState.SUCCEEDED})
    return render(request, "padron/provincial/ine_mes.html", {
        "rows": rows, "period_end": period_end,
        "counts": {css: sum(1 for row in rows if row["css"] == css)
                   for css in ("succeeded", "accepted", "running", "failed", "pending")},
        "incidencias": sum(row["estado"].incidencias_pendientes for row in rows if row["estado"]),
        "errores": sum(row["estado"].errores_pendientes for row in rows if row["estado"])})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ine_lanzar(request: HttpRequest) -> HttpResponse:
    """Generate the month for every padrón entity: a page that says what will be launched
    (GET, or a POST without the confirmation), then a POST that confirms it."""
    _require_provincial_admin(request)
    period_end = month_end(request)
    entities = list(padron_entities())
    latest = month_jobs(entities, period_end)
    pending = _to_launch(entities, latest)
    confirmed = request.method == "POST" and \
        params.get_text(request.POST, "confirmar", max_length=10) == CONFIRM_VALUE
    if not confirmed:
        launched_ids = {entity.pk for entity in pending}
        return render(request, "padron/provincial/ine_lanzar.html", {
            "period_end": period_end, "pending": pending, "confirm_value": CONFIRM_VALUE,
            "skipped": [(entity, latest[entity.pk]) for entity in entities
                        if entity.pk not in launched_ids]})
    with transaction.atomic():  # jobs reach the broker once all rows are committed
        for entity in pending:
            jobs.enqueue(JOB_KIND, entity=entity, created_by=request.user,
                         payload={"kind": "variaciones", "period_end": period_end.isoformat()})
        audit.record("padron.ine.mes.lanzar", user=request.user,
                     detail={"period_end": period_end.isoformat(), "jobs": len(pending)})
    messages.success(request, _("Se han lanzado %(n)s trabajos.") % {"n": len(pending)})
    return redirect(f"{reverse('intercambio_ine:mes')}?mes={period_end:%Y-%m}")


@login_required
@require_GET
def ine_trabajo(request: HttpRequest, pk: int) -> HttpResponse:
    """One entity's INE job: its state and log, and the file it generated with its first
    records, to check before it is sent."""
    job = get_ine_job_for(request, pk)
    fichero = _fichero_of(job)
    preview = None
    if fichero is not None:
        with fichero.file.open("rb") as handle:
            preview = vista.vista_previa(handle, filename=fichero.name)
        audit.record("padron.ine.fichero.vista", user=request.user, entity=job.entity,
                     obj=fichero, detail={"job": job.pk, "sha256": fichero.sha256,
                                          "kind": fichero.kind})
    return render(request, "padron/provincial/ine_trabajo.html", {
        "job": job, "fichero": fichero, "vista": preview,
        "job_url": reverse("intercambio_ine:trabajo", args=[job.pk])})


@login_required
@require_GET
def ine_trabajo_fichero(request: HttpRequest, pk: int) -> FileResponse:
    """The file of one entity's INE job, as the entity's clerks download it (audited under
    that entity)."""
    job = get_ine_job_for(request, pk)
    fichero = _fichero_of(job)
    if fichero is None:
        raise Http404
    audit.record("padron.ine.fichero.descarga", user=request.user, entity=job.entity,
                 obj=fichero, detail={"job": job.pk, "sha256": fichero.sha256,
                                      "kind": fichero.kind})
    response = FileResponse(fichero.file.open("rb"), as_attachment=True, filename=fichero.name,
                            content_type="text/plain; charset=iso-8859-1")
    response["Cache-Control"] = "no-store"
    return response
