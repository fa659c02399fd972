"""Views of the platform core: unknown host, the provincial home, job pages (health checks:
provincial/health.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from provincial import panels, params
from provincial.choices import JobState
from tenants.access import entity_jobs, get_job_for
from tenants.models import Entity, Service


def unknown_host(request: HttpRequest) -> HttpResponse:
    """A host that is not a registered domain: a plain 404 page, no tenant, no traceback."""
    # The raw header (escaped by the template): get_host() would answer 400 for a host
    # outside ALLOWED_HOSTS, and this page must be the same 404 for every unknown host.
    host = request.META.get("HTTP_HOST", "").split(":")[0][:253]
    return render(request, "unknown_host.html", {"host": host}, status=404)


def provincial_home(request: HttpRequest) -> HttpResponse:
    """The Diputación's home: the panels the apps registered for this user
    (provincial.panels), the adhered entities and the service catalogue."""
    entities = Entity.objects.adhered().filter(is_active=True).prefetch_related("domains")
    query = params.get_text(request.GET, "q")
    if query:
        entities = entities.filter(name__icontains=query)
    page = Paginator(entities, 24).get_page(request.GET.get("page"))
    return render(request, "provincial/home.html", {
        "page": page, "query": query,
        "services": Service.objects.filter(is_active=True),
        "entity_count": Entity.objects.adhered().filter(is_active=True).count(),
        "panels": panels.cards(request),
    })


def job_list(request: HttpRequest) -> HttpResponse:
    jobs = entity_jobs(request).select_related("created_by").order_by("-created_at")
    state = request.GET.get("estado", "")
    if state in JobState.values:
        jobs = jobs.filter(state=state)
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "provincial/job_list.html",
                  {"page": page, "states": JobState.choices, "state": state})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for(request, pk)
    namespace = ":".join(request.resolver_match.namespaces)
    return render(request, "provincial/job_detail.html", {
        "job": job, "files": job.files.all(),
        "status_url": reverse(f"{namespace}:status", args=[job.pk])})


def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by static/js/jobs.js to show a job's progress live."""
    job = get_job_for(request, pk)
    return JsonResponse({
        "id": job.pk, "state": job.state, "state_label": job.get_state_display(),
        "progress": job.progress, "message": job.progress_message, "log": job.log[-5000:],
        "error": job.error, "attempts": job.attempts, "finished": job.is_finished,
        "pending_notice": _("El sistema de colas no está disponible ahora; el trabajo está "
                            "guardado y se enviará en cuanto vuelva.")
        if job.state == JobState.PENDING else "",
    })
