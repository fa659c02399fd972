"""The Celery application. Tasks receive ids and plain JSON; the entity travels in the Job row."""

from __future__ import annotations

import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provincial.settings")

app = Celery("provincial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "intercambios", "provision")]
app.autodiscover_tasks()


@signals.import_modules.connect(sender=app)
def collect_periodic_tasks(**kwargs) -> None:
    """The beat schedule from the apps' registrations (provincial.periodic).

    Beat (`celery beat`, or the worker's `-B`) and the worker send import_modules before
    the scheduler is built; Celery's Django fix-up, connected when `app` was created and
    so called first, has run django.setup() by then, and every AppConfig.ready() has
    registered its entries.
    """
    from provincial import periodic

    app.conf.beat_schedule = periodic.beat_schedule()


@signals.beat_init.connect
def retire_renamed_periodic_tasks(sender=None, **kwargs) -> None:
    """Rows of the database scheduler left under an entry's former name would run beside
    the renamed entry: delete them (the scheduler re-reads its table when it changes)."""
    from django_celery_beat.schedulers import DatabaseScheduler

    from provincial import periodic

    if isinstance(getattr(sender, "scheduler", None), DatabaseScheduler):
        periodic.retire_former_entries()
