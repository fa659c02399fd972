"""Periodic tasks come from the apps' registrations (provincial.periodic), not the settings:
the Celery app's beat schedule once the task modules are imported, and a real
`celery -A provincial worker -B` process that writes them to django-celery-beat's table."""

import os
import subprocess
import sys
import time

import pytest
from celery.schedules import crontab
from django.conf import settings

from provincial import periodic
from tests.conftest import ROOT, database_url_for_subprocess

EXPECTED = {
    "Enviar a la cola los trabajos pendientes": ("provincial.tasks.dispatch_pending_jobs", 30, None),
    "Reponer los esquemas de reserva": ("tenants.tasks.refill_spare_schemas", 600, "provision"),
    "Copia de seguridad nocturna de las entidades": (
        "tenants.tasks.backup_all_entities", crontab(hour=2, minute=30), "provision"),
    "Borrar los traspasos de sesión usados o caducados": (
        "tenants.tasks.purge_login_handoffs", 3600, None),
    "Consultar las bandejas SIR": ("registro.tasks.poll_sir_inboxes", 300, None),
    "Revisar la caducidad de los certificados": (
        "certificados.tasks.revisar_caducidades", crontab(hour=7, minute=0), None),
    "Publicar las CRL de la autoridad de certificación local": (
        "certificados.tasks.publicar_crls", crontab(hour=0, minute=20), None),
    "Rechazar por plazo las notificaciones no accedidas": (
        "notificaciones.tasks.vencer_notificaciones", 60, None),
}


def test_the_settings_name_no_periodic_task():
    assert not hasattr(settings, "CELERY_BEAT_SCHEDULE")


def test_the_beat_schedule_holds_every_app_entry_once_the_task_modules_are_imported():
    from provincial.celery import app

    app.loader.import_default_modules()  # what the worker and beat do at start-up
    schedule = app.conf.beat_schedule
    assert set(schedule) == set(EXPECTED)
    for name, (task, every, queue) in EXPECTED.items():
        assert schedule[name]["task"] == task
        assert schedule[name]["schedule"] == every
        assert schedule[name].get("options") == ({"queue": queue} if queue else None)


def test_a_registered_entry_reaches_the_schedule_and_its_former_name_is_retired():
    entry = periodic.Entry(name="Prueba de registro periódico", task="tests.tarea", schedule=60,
                           queue="intercambios", former_names=("prueba-periodica",))
    periodic.register(entry)
    try:
        assert periodic.beat_schedule()["Prueba de registro periódico"] == {
            "task": "tests.tarea", "schedule": 60, "options": {"queue": "intercambios"}}
        assert "prueba-periodica" in periodic.former_names()
    finally:
        periodic._entries.pop(entry.name)
    assert "prueba-periodica" not in periodic.former_names()


@pytest.fixture
def committed_periodic_tasks(django_db_setup, django_db_blocker):
    from django_celery_beat.models import PeriodicTask

    with django_db_blocker.unblock():
        PeriodicTask.objects.all().delete()
        yield PeriodicTask
        PeriodicTask.objects.all().delete()


@pytest.mark.worker
def test_a_worker_with_embedded_beat_schedules_the_registered_tasks(committed_periodic_tasks,
                                                                    django_db_blocker):
    """`celery -A provincial worker -B`: the DatabaseScheduler writes every registered entry
    under its Spanish name, and deletes the row an entry had under its former name."""
    from django_celery_beat.models import IntervalSchedule

    PeriodicTask = committed_periodic_tasks
    with django_db_blocker.unblock():
        every = IntervalSchedule.objects.get_or_create(every=300, period="seconds")[0]
        PeriodicTask.objects.create(name="poll-sir-inboxes", task="registro.tasks.poll_sir_inboxes",
                                    interval=every)
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(),
               "REDIS_URL": settings.REDIS_URL}
    log = open(ROOT / ".data" / "test-beat.log", "w")  # noqa: SIM115 - closed below
    # A queue nobody sends to: this worker runs no task, it only hosts beat.
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "provincial", "worker", "-B", "-Q",
         f"pruebas-beat-{os.getpid()}", "-c", "1", "--loglevel", "INFO", "-n",
         f"pruebas-beat-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        names: set[str] = set()
        while time.monotonic() < deadline:
            with django_db_blocker.unblock():
                names = set(PeriodicTask.objects.values_list("name", flat=True))
            if set(EXPECTED) <= names and "poll-sir-inboxes" not in names:
                break
            assert process.poll() is None, f"the worker exited; see {log.name}"
            time.sleep(0.5)
        with django_db_blocker.unblock():
            rows = {row.name: row for row in PeriodicTask.objects.select_related("interval")}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    # Celery's own result clean-up is added by every scheduler, not by an app.
    assert set(rows) == {*EXPECTED, "celery.backend_cleanup"}
    sir = rows["Consultar las bandejas SIR"]
    assert sir.task == "registro.tasks.poll_sir_inboxes"
    assert (sir.interval.every, sir.interval.period) == (300, "seconds")
    assert rows["Reponer los esquemas de reserva"].queue == "provision"
