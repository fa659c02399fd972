"""Provincial page of the INE exchange (provincial host, provincial admins only): for every
entity adhered to the padrón service, the state of the month's file, and a button that
launches the month for all of them — one job per entity, each run in its own schema.

The jobs come from public Job rows of kind padron.ine.generar; the state of each entity's
file (generado, enviado, aceptado, rechazado, recorded in its schema after the job) and its
pending return incidencias and INE errors are read from all schemas in one statement
(padron.ine.resumen).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padron.ine.resumen import EstadoMes, estado_del_mes
from provincial import audit, jobs
from provincial.choices import JobState
from provincial.models import Job
from tenants.choices import AdhesionState
from tenants.models import Entity

JOB_KIND = "padron.ine.generar"  # padron.ine.intercambio.JOB_KIND


def _require_provincial_admin(request: HttpRequest) -> None:
    if not request.tenant.is_diputacion or not request.user.is_provincial_admin:
        raise Http404


def month_end(request: HttpRequest) -> datetime.date:
    """Last day of the month in ?mes=AAAA-MM (POST or GET), else of the previous month."""
    value = request.POST.get("mes") or request.GET.get("mes") or ""
    try:
        first = datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    next_month = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


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


@login_required
def ine_provincial(request: HttpRequest) -> HttpResponse:
    _require_provincial_admin(request)
    period_end = month_end(request)
    entities = list(padron_entities())
    latest = month_jobs(entities, period_end)
    if request.method == "POST":
        launched = 0
        with transaction.atomic():  # jobs reach the broker once all rows are committed
            for entity in entities:
                job = latest.get(entity.pk)
                if job is not None and job.state != JobState.FAILED:
                    continue  # already generated or under way: not launched twice
                jobs.enqueue(JOB_KIND, entity=entity, created_by=request.user,
                             payload={"kind": "variaciones",
                                      "period_end": period_end.isoformat()})
                launched += 1
            audit.record("padron.ine.mes.lanzar", user=request.user,
                         detail={"period_end": period_end.isoformat(), "jobs": launched})
        messages.success(request, _("Se han lanzado %(n)s trabajos.") % {"n": launched})
        return redirect(f"{request.path}?mes={period_end:%Y-%m}")
    estados = estado_del_mes([entity.schema_name for entity in entities], period_end)
    rows = []
    for entity in entities:
        job = latest.get(entity.pk)
        estado = estados.get(entity.schema_name)
        css, text = _status(job, estado)
        rows.append({"entity": entity, "job": job, "css": css, "text": text, "estado": estado})
    return render(request, "tenants/ine_provincial.html", {
        "rows": rows, "period_end": period_end,
        "counts": {css: sum(1 for row in rows if row["css"] == css)
                   for css in ("succeeded", "accepted", "running", "failed", "pending")},
        "incidencias": sum(row["estado"].incidencias_pendientes for row in rows if row["estado"]),
        "errores": sum(row["estado"].errores_pendientes for row in rows if row["estado"])})
