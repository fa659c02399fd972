"""Persisted jobs: a registry of kinds, enqueue-after-commit, dispatch, and the runner.

A job row is written in the caller's transaction; it is handed to the broker only after
that transaction commits. If the broker cannot be reached the job stays PENDING (an
outbox) and `dispatch_pending_jobs` hands it over when the broker is back. The runner
claims a job with a conditional UPDATE, so a duplicated or redelivered message does not
run a finished job again; handlers make their own effects idempotent.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from provincial.choices import FileDirection, JobState
from provincial.models import Job, JobFile

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure the user must read: the message is shown on the job page (in Spanish)."""


class TemporaryJobError(JobError):
    """A failure worth retrying (peer down, timeout): retried with backoff up to the limit."""


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str
    handler: Callable[[JobContext], dict[str, Any] | None]
    queue: str = "default"
    # The application (tenants.choices.Application) whose users see these jobs of their
    # entity; None for the entity's administrative work, seen by its user administrators.
    application: str | None = None


class JobRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}

    def register(self, code: str, *, label: str, application: str | None,
                 queue: str = "default"):
        """Decorator: `@registry.register("x.y", label=_("…"), application="padron",
        queue="intercambios")`. Every kind names its application (or None): it decides who
        sees its jobs (tenants.access.entity_jobs)."""
        from tenants.choices import Application

        if application is not None and application not in Application.values:
            raise ImproperlyConfigured(f"job kind {code}: unknown application {application!r}")

        def decorator(handler):
            self._kinds[code] = JobKind(code=code, label=label, handler=handler, queue=queue,
                                        application=application)
            return handler

        return decorator

    def all(self) -> list[JobKind]:
        return list(self._kinds.values())

    def get(self, code: str) -> JobKind | None:
        return self._kinds.get(code)

    def label(self, code: str) -> str:
        """What people read for a kind: its registered label; for a kind no longer (or
        not yet) registered, the Spanish name of its application, never the raw code."""
        from django.apps import apps

        kind = self._kinds.get(code)
        if kind is not None:
            return str(kind.label)
        try:
            config = apps.get_app_config(code.split(".", 1)[0])
        except LookupError:
            return str(_("Trabajo"))
        return str(_("Trabajo: %(application)s") % {"application": config.verbose_name})

    def __getitem__(self, code: str) -> JobKind:
        return self._kinds[code]


registry = JobRegistry()

# The Celery queues (provincial.celery), as people read them on job pages.
QUEUE_LABELS = {
    "default": _("general"),
    "intercambios": _("intercambios con otras administraciones"),
    "provision": _("preparación de entidades"),
}


def queue_label(queue: str) -> str:
    return str(QUEUE_LABELS.get(queue, _("otra cola")))


class JobContext:
    """What a handler gets: the job, and ways to report progress, log and attach files."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.payload

    def progress(self, percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        Job.objects.filter(pk=self.job.pk).update(progress=percent, progress_message=message[:200],
                                                  updated_at=timezone.now())

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        Job.objects.filter(pk=self.job.pk).update(log=Concat(F("log"), Value(f"[{stamp}] {line}\n")),
                                                  updated_at=timezone.now())

    def add_file(self, name: str, content: bytes | IO[bytes], *,
                 direction: str = FileDirection.OUTPUT) -> JobFile:
        """Keep a file of the job: bytes, or a binary file object read in chunks (a large
        output is hashed and copied without ever being held in memory)."""
        if isinstance(content, bytes):
            digest, size, source = hashlib.sha256(content).hexdigest(), len(content), \
                ContentFile(content)
        else:
            sha, size = hashlib.sha256(), 0
            content.seek(0)
            for chunk in iter(lambda: content.read(1 << 20), b""):
                sha.update(chunk)
                size += len(chunk)
            content.seek(0)
            digest, source = sha.hexdigest(), File(content)
        job_file = JobFile(job=self.job, direction=direction, name=name, sha256=digest,
                           size=size)
        job_file.file.save(name, source, save=True)
        return job_file


def apply_once(key: str, effect: Callable[[], Any], *, job: Job | None = None) -> bool:
    """Run `effect` unless an effect with this key was already applied; atomically.

    The key row and the effect commit together: a worker killed in the middle leaves
    neither, and the retry applies the effect exactly once. Returns True if it ran.
    """
    from provincial.models import IdempotencyKey

    with transaction.atomic():
        _row, created = IdempotencyKey.objects.get_or_create(
            key=key, defaults={"job_id": job.pk if job else None})
        if created:
            effect()
        return created


def enqueue(kind: str, *, entity=None, payload: dict | None = None, created_by=None) -> Job:
    """Create a job and hand it to the broker once the current transaction commits."""
    job_kind = registry[kind]
    job = Job.objects.create(
        kind=kind, entity=entity, queue=job_kind.queue, payload=payload or {},
        created_by=created_by, max_attempts=settings.JOB_MAX_ATTEMPTS,
    )
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> bool:
    """Send a PENDING job to its queue. Returns False (job stays pending) if the broker is down."""
    from provincial.tasks import run_job

    job = Job.objects.filter(pk=job_id, state=JobState.PENDING).only("queue").first()
    if job is None:
        return False
    try:
        run_job.apply_async(args=[job_id], queue=job.queue, retry=False)
    except Exception as exc:  # kombu/redis raise many types when the broker is away
        logger.warning("broker unavailable, job %s stays pending: %s", job_id, exc)
        return False
    now = timezone.now()
    Job.objects.filter(pk=job_id, state=JobState.PENDING).update(
        state=JobState.QUEUED, dispatched_at=now, updated_at=now)
    return True


def dispatch_pending(grace_seconds: int | None = None) -> int:
    """Dispatch jobs left pending (broker was down, or the process died after commit).

    Also puts back in the outbox the jobs whose message was lost (queued, never started,
    for JOB_REQUEUE_SECONDS) and those whose worker died (running without heartbeat for
    JOB_HEARTBEAT_TIMEOUT); the claim makes a duplicate delivery harmless.
    """
    now = timezone.now()
    Job.objects.filter(state=JobState.QUEUED, updated_at__lt=now - datetime.timedelta(
        seconds=settings.JOB_REQUEUE_SECONDS)).update(state=JobState.PENDING)
    Job.objects.filter(state=JobState.RUNNING, updated_at__lt=now - datetime.timedelta(
        seconds=settings.JOB_HEARTBEAT_TIMEOUT)).update(state=JobState.PENDING)
    grace = settings.JOB_OUTBOX_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = now - datetime.timedelta(seconds=grace)
    sent = 0
    for job_id in Job.objects.filter(state=JobState.PENDING, created_at__lte=cutoff) \
            .order_by("created_at").values_list("pk", flat=True)[:500]:
        if not dispatch(job_id):
            break
        sent += 1
    return sent


def claim(job_id: int, task_id: str) -> bool:
    """Mark a job RUNNING for this attempt, unless it is finished, out of attempts, or
    running elsewhere with a live heartbeat (a duplicate delivery must not run alongside)."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT)
    return bool(Job.objects.filter(
        Q(pk=job_id), Q(attempts__lt=F("max_attempts")),
        Q(state__in=[JobState.PENDING, JobState.QUEUED])
        | Q(state=JobState.RUNNING, updated_at__lt=stale),
    ).update(state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=now,
             updated_at=now, celery_task_id=task_id or "", error=""))


def run(job_id: int, task_id: str = "") -> str:
    """Run one job in its entity's schema. Returns the resulting state."""
    if not claim(job_id, task_id):
        # Finished, cancelled, missing, running elsewhere, or exhausted by redeliveries
        # (a worker killed each time): an exhausted job is failed instead of looping.
        Job.objects.filter(pk=job_id, state__in=JobState.live(),
                           attempts__gte=F("max_attempts")).update(
            state=JobState.FAILED, finished_at=timezone.now(),
            error=str(_("Se agotaron los intentos: el proceso se interrumpió repetidamente.")))
        return "skipped"
    job = Job.objects.select_related("entity").get(pk=job_id)
    kind = registry.get(job.kind)
    if kind is None:
        _finish(job_id, JobState.FAILED, error=str(_("Tipo de trabajo desconocido: %(kind)s")
                                                   % {"kind": job.kind}))
        return JobState.FAILED
    schema = job.entity.schema_name if job.entity_id else "public"
    try:
        with schema_context(schema):
            result = kind.handler(JobContext(job)) or {}
    except TemporaryJobError as exc:
        job.refresh_from_db(fields=["attempts", "max_attempts"])
        if job.attempts < job.max_attempts:
            Job.objects.filter(pk=job_id).update(state=JobState.QUEUED, error=str(exc),
                                                 updated_at=timezone.now())
            raise
        _finish(job_id, JobState.FAILED, error=str(exc))
        return JobState.FAILED
    except JobError as exc:
        _finish(job_id, JobState.FAILED, error=str(exc))
        return JobState.FAILED
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        _finish(job_id, JobState.FAILED,
                error=str(_("Error interno (%(type)s). El equipo técnico ha sido avisado.")
                          % {"type": type(exc).__name__}))
        return JobState.FAILED
    _finish(job_id, JobState.SUCCEEDED, result=result)
    return JobState.SUCCEEDED


def _finish(job_id: int, state: str, *, error: str = "", result: dict | None = None) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"state": state, "finished_at": now, "updated_at": now, "error": error}
    if state == JobState.SUCCEEDED:
        fields.update(progress=100, result=result or {})
    Job.objects.filter(pk=job_id).update(**fields)
