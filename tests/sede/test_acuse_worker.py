"""The acknowledgement e-mail of a submission at the sede, sent by a real Celery worker to
a real SMTP server, on committed rows (the worker is another process)."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django_tenants.utils import schema_context

from provincial import settings as project_settings
from provincial.choices import JobState
from provincial.documents.models import IssuedDocument
from provincial.models import IdempotencyKey, Job
from registro.models import Asiento
from sede.models import Presentacion
from sede.tasks import ACUSE_JOB
from tests.conftest import wait_for
from tests.sede.conftest import citizen

PREFIXES = ("registro_", "sede_", "documentos_", "expedientes_", "notificaciones_")


def _row_counts(schema: str) -> dict[str, int]:
    """Rows of the schema's registro, sede and document tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = [row[0] for row in cursor.fetchall() if row[0].startswith(PREFIXES)]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


@pytest.mark.worker
def test_a_real_worker_sends_the_acknowledgement_once(province, celery_worker_process,
                                                      smtp_server, django_db_blocker):
    schema = province.a.schema_name
    worker_media = FileSystemStorage(location=project_settings.MEDIA_ROOT)
    with django_db_blocker.unblock():
        with schema_context(schema):
            if Asiento.objects.exists() or Presentacion.objects.exists() \
                    or IssuedDocument.objects.exists():
                raise AssertionError(f"{schema} is not empty: a previous test left committed rows")
            before_rows = _row_counts(schema)
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        before_mail = len(smtp_server.messages)
        try:
            client = citizen()
            response = client.post("/sede/instancia-general/", {
                "email": "acuse-worker@example.org",
                "expone": "Que la farola del número 5 de la calle Mayor no funciona.",
                "solicita": "Que se repare."})
            assert response.status_code == 302
            assert client.post(response["Location"]).status_code == 302
            job = Job.objects.get(kind=ACUSE_JOB, pk__gt=max(before_jobs, default=0))
            wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=90)
            job = Job.objects.get(pk=job.pk)
            assert (job.state, job.queue) == (JobState.SUCCEEDED, "default"), job.error
            assert job.celery_task_id
            with schema_context(schema):
                asiento = Asiento.objects.get()
            assert job.result == {"sent": True, "numero": asiento.numero_registro}
            sent = smtp_server.messages[before_mail:]
            assert [rcpt for _from, rcpt, _content in sent] == [["acuse-worker@example.org"]]
            message = message_from_bytes(sent[0][2])
            assert asiento.numero_registro in message["Subject"]
            [pdf] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
            assert pdf.get_payload(decode=True).startswith(b"%PDF-")
        finally:
            IdempotencyKey.objects.filter(key__startswith=f"{ACUSE_JOB}:{schema}:").delete()
            Job.objects.exclude(pk__in=before_jobs).delete()
            with schema_context(schema):
                for name in IssuedDocument.objects.values_list("file", flat=True):
                    worker_media.delete(name)
                # Only the tables that were empty: reference data (organigrama, holidays)
                # stays as it was.
                empty = sorted(table for table, rows in before_rows.items() if not rows)
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE {} RESTART IDENTITY".format(
                        ", ".join(f'"{schema}"."{table}"' for table in empty)))
                assert _row_counts(schema) == before_rows, "rows left behind"
            connection.set_schema_to_public()
