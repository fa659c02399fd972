"""The inbox job through a real Celery worker (queue intercambios), on committed rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django_tenants.utils import schema_context

from provincial import jobs
from provincial import settings as project_settings
from provincial.choices import JobState
from provincial.models import Job
from registro import sicres
from registro.models import Asiento, IntercambioRecibido
from registro.services import registrar
from registro.tasks import RECIBIR_SIR
from tests.conftest import wait_for

from .conftest import datos, pdf_anexo


def _fichero(province) -> bytes:
    """A real fichero from A, built in a transaction that is then rolled back."""
    with schema_context(province.a.schema_name), transaction.atomic():
        asiento = registrar(**datos(anexos=[pdf_anexo()]))
        data = sicres.exportar(asiento, destino_codigo="L01030535",
                               identificador="L01030020_26_00009999")
        transaction.set_rollback(True)
    return data


@pytest.mark.worker
def test_a_real_worker_empties_the_inbox_once(province, celery_worker_process,
                                               django_db_blocker):
    schema = province.b.schema_name
    base = Path(project_settings.MEDIA_ROOT) / "sir" / schema
    worker_media = FileSystemStorage(location=project_settings.MEDIA_ROOT)
    with django_db_blocker.unblock():
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        with schema_context(schema):
            assert not IntercambioRecibido.objects.exists()
        data = _fichero(province)
        try:
            results = []
            for _round in range(2):  # the same file dropped again is seen as repeated
                (base / "entrada").mkdir(parents=True, exist_ok=True)
                (base / "entrada" / "L01030020_26_00009999.xml").write_bytes(data)
                job = jobs.enqueue(RECIBIR_SIR, entity=province.b)
                wait_for(lambda job=job: Job.objects.get(pk=job.pk).is_finished, timeout=60)
                job = Job.objects.get(pk=job.pk)
                assert (job.state, job.queue) == (JobState.SUCCEEDED, "intercambios"), job.error
                assert job.celery_task_id
                results.append(job.result)
            assert results == [{"nuevos": 1, "repetidos": 0, "errores": 0},
                               {"nuevos": 0, "repetidos": 1, "errores": 0}]
            with schema_context(schema):
                recibido = IntercambioRecibido.objects.get()
                assert (recibido.estado, recibido.recibido_por, recibido.origen_dir3) == (
                    "pendiente", "", "L01030020")
                assert Asiento.objects.count() == 0
            assert not list((base / "entrada").glob("*.xml"))
            acks = list((base / "salida").glob("*_ACK_*.xml"))
            assert len(acks) == 1
            assert sicres.leer_mensaje(acks[0].read_bytes())["Tipo_Mensaje"] == "01"
        finally:
            with schema_context(schema):
                for row in IntercambioRecibido.objects.all():
                    worker_media.delete(row.fichero.name)
                IntercambioRecibido.objects.all().delete()
            Job.objects.exclude(pk__in=before_jobs).delete()
            shutil.rmtree(base, ignore_errors=True)
