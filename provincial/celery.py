"""The Celery application. Tasks receive ids and plain JSON; the entity travels in the Job row."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provincial.settings")

app = Celery("provincial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "intercambios", "provision")]
app.autodiscover_tasks()
