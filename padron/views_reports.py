"""Back-office reports of the padrón: exports of the inhabitant list, the files of export
jobs, and the statistics page (under /gestion/padron/, application 'padron')."""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from padron import exports, stats
from padron.forms import BusquedaForm
from padron.queries import filter_habitantes
from provincial import audit, jobs
from tenants.access import get_job_for

EXPORT_ACTION = "padron.exportacion"


def _filters(request: HttpRequest) -> dict | None:
    """The list filters of the query string, validated as the list screen does."""
    form = BusquedaForm(request.GET)
    if not form.is_valid():
        return None
    return exports.clean_filters(form.cleaned_data)


def exportar(request: HttpRequest, fmt: str) -> HttpResponse:
    """Export the list as filtered on screen. Up to PADRON_EXPORT_DIRECT_MAX_ROWS rows the
    file is the response; a longer list asks for confirmation (GET) and then runs as a job
    (POST, the filters still in the query string) whose page offers the file."""
    export_format = exports.FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    filters = _filters(request)
    if filters is None:
        return redirect(f"{reverse('gestion:padron:list')}?{request.GET.urlencode()}")
    total = filter_habitantes(filters).count()
    detail = {"format": fmt, "filters": filters, "rows": total}
    if total <= exports.direct_max_rows():
        result = exports.build(fmt, filters, entity_name=request.tenant.name)
        detail["rows"] = result.rows
        audit.record(EXPORT_ACTION, user=request.user, entity=request.tenant, detail=detail)
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        response["Cache-Control"] = "no-store"
        return response
    if request.method != "POST":
        return render(request, "padron/export_confirm.html", {
            "format": export_format, "total": total, "limit": exports.direct_max_rows(),
            "filters": exports.describe_filters(filters), "query_string": request.GET.urlencode()})
    with transaction.atomic():  # the job reaches the broker once both rows are committed
        job = jobs.enqueue(exports.JOB_KIND, entity=request.tenant, created_by=request.user,
                           payload={"format": fmt, "filters": filters})
        audit.record(EXPORT_ACTION, user=request.user, entity=request.tenant,
                     detail={**detail, "job": job.pk})
    return redirect("gestion:trabajos:detail", pk=job.pk)


def job_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file of one of this entity's padrón jobs (an export, an INE file): the job is
    looked up within request.tenant only, and every download is audited."""
    job = get_job_for(request, pk)
    if not job.kind.startswith("padron."):
        raise Http404
    job_file = job.files.filter(pk=file_pk).first()
    if job_file is None:
        raise Http404
    audit.record(f"{EXPORT_ACTION}.descarga" if job.kind == exports.JOB_KIND
                 else "padron.trabajo.fichero.descarga",
                 user=request.user, entity=request.tenant, obj=job_file,
                 detail={"job": job.pk, "file": job_file.name, "sha256": job_file.sha256})
    response = FileResponse(job_file.file.open("rb"), as_attachment=True, filename=job_file.name)
    response["Cache-Control"] = "no-store"
    return response


def job_files(request: HttpRequest, pk: int) -> HttpResponse:
    """The files of a padrón job with download links (the job page lists them unlinked)."""
    job = get_job_for(request, pk)
    if not job.kind.startswith("padron."):
        raise Http404
    return render(request, "padron/export_files.html", {"job": job, "files": job.files.all()})


def estadisticas(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = stats.compute(today)
    return render(request, "padron/estadisticas.html", {
        "today": today, "stats": data, "charts": stats.charts(data),
        "title": _("Estadísticas del padrón")})
