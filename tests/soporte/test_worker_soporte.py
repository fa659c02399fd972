"""Notifications of an incident sent by a real Celery worker over real SMTP, on committed
rows (the worker is another process); the test removes what it committed."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from provincial.choices import JobState
from provincial.models import Job
from soporte import actions
from tests.conftest import wait_for
from tests.soporte.test_browser_soporte import purge_soporte


@pytest.mark.worker
def test_a_real_worker_mails_the_reporter_with_the_reference(province, celery_worker_process,
                                                            smtp_server, django_db_blocker):
    with django_db_blocker.unblock():
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        before_mail = len(smtp_server.messages)
        try:
            incidencia = actions.crear_incidencia(
                province.a, actions.NuevaIncidencia(
                    subject="La sede no carga desde el móvil",
                    description="Desde esta mañana la página se queda en blanco."),
                reporter=province.clerk_a, acting_user=province.clerk_a)
            launched = Job.objects.filter(kind="soporte.notificar").exclude(pk__in=before_jobs)
            assert launched.exists()
            wait_for(lambda: all(job.is_finished for job in launched.all()), timeout=90)
            assert {job.state for job in launched.all()} == {JobState.SUCCEEDED}
            sent = [(rcpt, message_from_bytes(content, policy=policy.default))
                    for _from, rcpt, content in smtp_server.messages[before_mail:]]
            to_reporter = [m for rcpt, m in sent if rcpt == [province.clerk_a.email]]
            assert len(to_reporter) == 1
            assert str(to_reporter[0]["Subject"]).strip() == (
                f"[{incidencia.reference}] La sede no carga desde el móvil")
        finally:
            purge_soporte(province.a)
            Job.objects.exclude(pk__in=before_jobs).delete()
