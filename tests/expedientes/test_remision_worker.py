"""A remission through a real Celery worker (queue «intercambios») on committed rows: the
entity's own sello de órgano from the platform's local CA signs, the worker builds,
validates and drops the package, and the test finds it in the drop directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django_tenants.utils import schema_context

from certificados import actions as certificados
from certificados import sellos
from certificados.models import AvisoCaducidad, Certificado, Evento, LocalCA
from expedientes import remisiones
from expedientes.choices import EstadoRemision, UnidadPlazo
from expedientes.eni import validacion
from expedientes.models import Expediente, Procedimiento, Remision
from provincial import settings as project_settings
from provincial.choices import JobState
from provincial.models import Job
from sede.choices import SentidoSilencio
from tests.conftest import wait_for
from tests.expedientes.conftest import make_documento, make_expediente
from tests.expedientes.eni_support import pdf

pytestmark = pytest.mark.worker


def _purge_sello(certificado: Certificado, had_ca: bool) -> None:
    """The sello issued for the test, with its history (the test lifts the append-only
    trigger inside its transaction) and the local CA if the test made it."""
    with transaction.atomic():
        AvisoCaducidad.objects.filter(certificado=certificado).delete()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE certificados_evento DISABLE TRIGGER "
                           "certificados_evento_append_only")
            Evento.objects.filter(certificado=certificado).delete()
            cursor.execute("ALTER TABLE certificados_evento ENABLE TRIGGER "
                           "certificados_evento_append_only")
        certificado.delete()
        if not had_ca:
            LocalCA.objects.all().delete()
    sellos.forget()


def test_a_remission_runs_in_a_real_worker_and_drops_the_package(
        province, celery_worker_process, django_db_blocker, settings):
    schema = province.a.schema_name
    settings.MEDIA_ROOT = project_settings.MEDIA_ROOT  # where the worker reads and writes
    media = FileSystemStorage(location=project_settings.MEDIA_ROOT)
    drop = Path(project_settings.EXPEDIENTES_ENI_DROP_DIR) / schema
    with django_db_blocker.unblock():
        before_jobs = set(Job.objects.values_list("pk", flat=True))
        had_ca = LocalCA.objects.exists()
        with schema_context(schema):
            assert not Remision.objects.exists(), "a previous test left committed remissions"
        sellos.forget()
        certificado = certificados.issue_local_sello(province.a,
                                                     operator=province.provincial_admin)
        files: list[str] = []
        carpeta = None
        try:
            with schema_context(schema):
                procedimiento = Procedimiento.objects.create(
                    code="ENI-WORKER", sia_code="2099001", name="Remisión de prueba",
                    plazo_cantidad=1, plazo_unidad=UnidadPlazo.MESES,
                    sentido_silencio=SentidoSilencio.ESTIMATORIO)
                # A year and number no real expediente has: the drop directory is shared
                # with the developer's own data, and its name comes from them.
                expediente = make_expediente(procedimiento, "Recurso contencioso", year=1999,
                                             numero=990001)
                assert not list(drop.glob(f"ES_*_1999_EXP_{990001:030d}_R*"))
                documentos = [make_documento(expediente, "Solicitud", pdf(titulo="Solicitud")),
                              make_documento(expediente, "Informe", pdf(titulo="Informe"),
                                             csv="CSVWORKER0001ABCD", origen="1")]
                files = [d.contenido.name for d in documentos]
                remision = remisiones.remitir(
                    expediente, destino_codigo="J00001234",
                    destino_nombre="Juzgado de lo Contencioso-Administrativo n.º 1",
                    motivo="Requerimiento", transporte="carpeta", acting_user=province.clerk_a)
            wait_for(lambda: Job.objects.get(pk=remision.job_id).is_finished, timeout=120)
            job = Job.objects.get(pk=remision.job_id)
            assert (job.state, job.queue) == (JobState.SUCCEEDED, "intercambios"), job.error
            assert job.celery_task_id
            assert job.progress == 100
            with schema_context(schema):
                remision.refresh_from_db()
                assert remision.estado == EstadoRemision.ENVIADA, remision.error
                assert (remision.documentos, remision.estado_eni) == (2, "E03")
                files.append(remision.paquete.name)
                carpeta = drop / f"{remision.identificador}_R{remision.pk}"
                assert sorted(p.name for p in carpeta.iterdir()) == [
                    "documento-001.xml", "documento-002.xml", "expediente.xml",
                    "metadatos-adicionales.xml"]
                # The worker signed with A's sello from the local CA, which the platform
                # trusts: the package validates here too, signatures included.
                resultado = validacion.validate_paquete(carpeta)
                assert resultado.errores == []
                assert list(remision.historial.values_list("estado", flat=True)) == [
                    "pendiente", "pendiente", "pendiente", "enviada"]
        finally:
            _clean_up(
                lambda: _delete_files(media, files),
                lambda: carpeta is not None and shutil.rmtree(carpeta, ignore_errors=True),
                lambda: _prune(drop, Path(project_settings.EXPEDIENTES_ENI_DROP_DIR).parent),
                lambda: Job.objects.exclude(pk__in=before_jobs).delete(),
                lambda: _purge_rows(schema),
                lambda: _purge_sello(certificado, had_ca))


def _prune(directory: Path, stop: Path) -> None:
    """Remove `directory` and its parents up to `stop` while they are empty."""
    while directory != stop and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def _delete_files(media: FileSystemStorage, names: list[str]) -> None:
    root = Path(media.location)
    for name in names:
        if name:
            media.delete(name)
            _prune((root / name).parent, root)


def _purge_rows(schema: str) -> None:
    with schema_context(schema):
        Remision.objects.all().delete()
        Expediente.objects.filter(procedimiento__code="ENI-WORKER").delete()
        Procedimiento.objects.filter(code="ENI-WORKER").delete()


def _clean_up(*steps) -> None:
    """Run every step even if one fails (committed rows and files must not stay behind),
    then raise the first failure."""
    failures = []
    for step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - re-raised below
            failures.append(exc)
    if failures:
        raise failures[0]
