"""Registry of periodic tasks (Celery beat): each app declares its own entries in its
AppConfig.ready(), so the settings name no app's task.

    periodic.register(periodic.Entry(name="Consultar las bandejas SIR",
                                     task="registro.tasks.poll_sir_inboxes", schedule=300))

`provincial.celery` turns the registry into `app.conf.beat_schedule` when the worker or
beat imports the task modules (after django.setup(), so every app has registered its
entries): `celery -A provincial beat` and `celery -A provincial worker -B` both schedule
them, and django-celery-beat's DatabaseScheduler copies them into its table, where the
periodic-task admin shows each under its Spanish name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from celery.schedules import crontab


@dataclass(frozen=True)
class Entry:
    # The entry's name is stored as the identity of django-celery-beat's PeriodicTask row
    # (its unique `name`, what the admin lists), so it is written in Spanish and never
    # translated: a name in another language would be another row, run twice.
    name: str
    task: str  # the Celery task name, e.g. "registro.tasks.poll_sir_inboxes"
    schedule: float | crontab  # seconds between runs, or a crontab
    queue: str | None = None  # None: the task's default queue
    # Names this entry had before (e.g. "poll-sir-inboxes"): beat deletes their rows when it
    # starts, or the DatabaseScheduler would keep running the old row beside the new one.
    former_names: tuple[str, ...] = field(default=())


_entries: dict[str, Entry] = {}


def register(entry: Entry) -> None:
    """Declare a periodic task; a second entry under the same name replaces the first."""
    _entries[entry.name] = entry


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda entry: entry.name)


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The registry as Celery's `beat_schedule` setting."""
    schedule: dict[str, dict[str, Any]] = {}
    for entry in entries():
        item: dict[str, Any] = {"task": entry.task, "schedule": entry.schedule}
        if entry.queue:
            item["options"] = {"queue": entry.queue}
        schedule[entry.name] = item
    return schedule


def former_names() -> set[str]:
    return {name for entry in _entries.values() for name in entry.former_names} - set(_entries)


def retire_former_entries() -> int:
    """Delete the database scheduler's rows kept under names entries no longer have."""
    from django_celery_beat.models import PeriodicTask

    names = former_names()
    if not names:
        return 0
    deleted, _ = PeriodicTask.objects.filter(name__in=names).delete()
    return deleted
