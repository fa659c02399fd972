"""Views of the platform core: unknown host, health, the provincial home, job pages."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from provincial.choices import JobState
from tenants.access import entity_jobs, get_job_for
from tenants.models import Entity, Service


def unknown_host(request: HttpRequest) -> HttpResponse:
    """A host that is not a registered domain: a plain 404 page, no tenant, no traceback."""
    # The raw header (escaped by the template): get_host() would answer 400 for a host
    # outside ALLOWED_HOSTS, and this page must be the same 404 for every unknown host.
    host = request.META.get("HTTP_HOST", "").split(":")[0][:253]
    return render(request, "unknown_host.html", {"host": host}, status=404)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and worker status as JSON (503 if the database is down)."""
    report: dict[str, object] = {}
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is the report
        report["database"] = f"error: {type(exc).__name__}"
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5,
                                      socket_timeout=0.5)
        client.ping()
        report["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        report["broker"] = f"error: {type(exc).__name__}"
    if report["broker"] == "ok":
        from provincial.celery import app

        try:
            replies = app.control.ping(timeout=0.7) or []
        except Exception:  # noqa: BLE001
            replies = []
        report["workers"] = len(replies)
        report["worker"] = "ok" if replies else "none"
    else:
        report["workers"] = 0
        report["worker"] = "unknown"
    report["pending_jobs"] = _pending_jobs()
    report["status"] = "ok" if report["database"] == "ok" and report["broker"] == "ok" \
        and report["worker"] == "ok" else "degraded"
    report["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


def _pending_jobs() -> int | None:
    from provincial.models import Job

    try:
        return Job.objects.filter(state=JobState.PENDING).count()
    except Exception:  # noqa: BLE001
        return None


def provincial_home(request: HttpRequest) -> HttpResponse:
    entities = Entity.objects.adhered().filter(is_active=True).prefetch_related("domains")
    query = request.GET.get("q", "").strip()
    if query:
        entities = entities.filter(name__icontains=query)
    page = Paginator(entities, 24).get_page(request.GET.get("page"))
    return render(request, "provincial/home.html", {
        "page": page, "query": query,
        "services": Service.objects.filter(is_active=True),
        "entity_count": Entity.objects.adhered().filter(is_active=True).count(),
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
