"""Liveness (/healthz: fast, nothing outside the process) and readiness (/readyz: each part)."""

import json
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection

from provincial.celery import app
from provincial.choices import JobState
from provincial.models import Job
from tests.conftest import HOST_A, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def _refuse(*_args, **_kwargs):
    raise AssertionError("the liveness check must not reach outside the process")


@pytest.mark.parametrize("host", [HOST_A, HOST_PROVINCIAL, "10.0.0.7", "desconocido.example"])
def test_liveness_answers_on_any_host_without_database_broker_or_workers(
        client, settings, host, django_assert_num_queries):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    with mock.patch("redis.Redis.from_url", _refuse), \
            mock.patch.object(app.control, "ping", _refuse), \
            django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies


def test_liveness_is_fast(client, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        assert client.get("/healthz", HTTP_HOST=HOST_A).status_code == 200
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.010, timings


def test_readiness_reports_each_part_and_is_ready_with_a_worker(client):
    Job.objects.create(kind="provincial.diagnostic", entity=None)
    pending = Job.objects.filter(state=JobState.PENDING).count()
    pongs = [{"celery@uno": {"ok": "pong"}}, {"celery@dos": {"ok": "pong"}}]
    with mock.patch.object(app.control, "ping", return_value=pongs):
        started = time.perf_counter()
        response = client.get("/readyz", HTTP_HOST=HOST_A)
        elapsed_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    report = json.loads(response.content)
    # The check's own duration, in milliseconds: within the request's.
    assert 0 < report.pop("ms") <= elapsed_ms + 0.1
    assert report == {"database": "ok", "broker": "ok", "workers": 2, "worker": "ok",
                      "pending_jobs": pending, "status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_without_workers_is_503(client):
    with mock.patch.object(app.control, "ping", return_value=[]):
        response = client.get("/readyz", HTTP_HOST="desconocido.example")
    assert response.status_code == 503
    report = json.loads(response.content)
    assert (report["database"], report["broker"], report["worker"], report["workers"],
            report["status"]) == ("ok", "ok", "none", 0, "degraded")


def test_readiness_with_the_broker_down_reports_it_and_pings_no_worker(client, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS
    with mock.patch.object(app.control, "ping", _refuse):
        response = client.get("/readyz", HTTP_HOST=HOST_PROVINCIAL)
    assert response.status_code == 503
    report = json.loads(response.content)
    assert (report["database"], report["broker"], report["worker"], report["workers"],
            report["status"]) == ("ok", "error: ConnectionError", "unknown", 0, "degraded")


def test_readiness_with_the_database_down_reports_it(client):
    pongs = [{"celery@uno": {"ok": "pong"}}]
    with mock.patch.object(app.control, "ping", return_value=pongs), \
            mock.patch.object(connection, "cursor", side_effect=OperationalError("caída")):
        response = client.get("/readyz", HTTP_HOST=HOST_A)
    assert response.status_code == 503
    report = json.loads(response.content)
    assert (report["database"], report["broker"], report["worker"], report["pending_jobs"],
            report["status"]) == ("error: OperationalError", "ok", "ok", None, "degraded")
