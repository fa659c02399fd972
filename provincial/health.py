"""Health checks, answered before anything else in the request pipeline, on every host.

- `/healthz` (liveness): the process is up and answers. No host lookup, no database, no
  broker, no worker ping, so a load balancer gets its answer in well under 10 ms and a
  database or broker outage never makes an orchestrator restart healthy web processes.
- `/readyz` (readiness): database, broker, workers and pending jobs, each reported; 200
  only when the database, the broker and at least one worker answer, 503 otherwise.

Both are answered by `HealthCheckMiddleware`, first in MIDDLEWARE: before the HTTPS
redirect (a load balancer probes the backend over plain HTTP), before host routing (it
probes with its own Host header, often an IP address) and before sessions (no cookie).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
BROKER_TIMEOUT_SECONDS = 0.5
WORKER_PING_SECONDS = 0.7


def liveness() -> dict[str, object]:
    return {"status": "ok"}


def readiness() -> tuple[dict[str, object], int]:
    """Each part of the platform a request or a job needs, and the HTTP status to answer."""
    started = time.perf_counter()
    report: dict[str, object] = {"database": _database(), "broker": _broker()}
    if report["broker"] == "ok":
        workers = _workers()
        report["workers"] = workers
        report["worker"] = "ok" if workers else "none"
    else:
        report["workers"] = 0
        report["worker"] = "unknown"
    report["pending_jobs"] = _pending_jobs() if report["database"] == "ok" else None
    ready = report["database"] == "ok" and report["broker"] == "ok" and report["worker"] == "ok"
    report["status"] = "ok" if ready else "degraded"
    report["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return report, 200 if ready else 503


def _database() -> str:
    try:
        # Routing has not run yet: the connection may still point at the previous
        # request's entity. Job rows live in the public schema.
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure is the report
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker() -> str:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL,
                                      socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                      socket_timeout=BROKER_TIMEOUT_SECONDS)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


def _workers() -> int:
    from provincial.celery import app

    try:
        return len(app.control.ping(timeout=WORKER_PING_SECONDS) or [])
    except Exception:  # noqa: BLE001
        return 0


def _pending_jobs() -> int | None:
    from provincial.choices import JobState
    from provincial.models import Job

    try:
        return Job.objects.filter(state=JobState.PENDING).count()
    except Exception:  # noqa: BLE001
        return None


class HealthCheckMiddleware:
    """Answers GET/HEAD on the two health paths; every other request passes through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path_info == LIVENESS_PATH:
                return _json(liveness(), 200)
            if request.path_info == READINESS_PATH:
                return _json(*readiness())
        return self.get_response(request)


def _json(report: dict[str, object], status: int) -> JsonResponse:
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = "no-store"
    return response
