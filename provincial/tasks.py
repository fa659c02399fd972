"""Celery tasks of the platform core."""

from __future__ import annotations

from celery import shared_task

from provincial import jobs


@shared_task(bind=True, name="provincial.tasks.run_job", acks_late=True,
             reject_on_worker_lost=True, max_retries=None)
def run_job(self, job_id: int) -> str:
    """Run a persisted job (see provincial.jobs). Safe to receive twice."""
    try:
        return jobs.run(job_id, self.request.id or "")
    except jobs.TemporaryJobError as exc:
        countdown = min(600, 5 * 2 ** max(0, self.request.retries))
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="provincial.tasks.dispatch_pending_jobs")
def dispatch_pending_jobs() -> int:
    """Hand to the broker the jobs that could not be sent when they were created."""
    return jobs.dispatch_pending()
