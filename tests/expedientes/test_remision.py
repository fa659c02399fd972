"""Remissions in ENI format: the action, the job (run here in-process; through a real
worker in test_remision_worker), the file-drop transport, failures and retries, the pages
and their isolation."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from expedientes import remisiones
from expedientes.choices import EstadoExpediente, EstadoRemision
from expedientes.eni import validacion
from expedientes.models import Historial, HistorialRemision, Remision
from provincial import jobs
from provincial.choices import JobState
from provincial.models import AuditEvent, Job
from provincial.signing import base
from tests.conftest import HOST_A, HOST_B
from tests.expedientes import eni_support
from tests.expedientes.conftest import make_documento
from tests.expedientes.eni_support import llenar, pdf
from tests.pki import _trust_provider

# The ENI fixtures (tests/expedientes/eni_support.py).
sello_a = eni_support.sello_a

JUZGADO = "Juzgado de lo Contencioso-Administrativo n.º 1 de Alicante"


@pytest.fixture
def drop(settings, tmp_path) -> Path:
    settings.EXPEDIENTES_ENI_DROP_DIR = tmp_path / "eni"
    return tmp_path / "eni"


def _remitir(expediente, user=None, **overrides) -> Remision:
    data = {"destino_codigo": "j00001234", "destino_nombre": JUZGADO,
            "motivo": "Requerimiento en el recurso 12/2026", "transporte": "carpeta",
            "acting_user": user}
    data.update(overrides)
    return remisiones.remitir(expediente, **data)


def _estados(remision: Remision) -> list[str]:
    return list(HistorialRemision.objects.filter(remision=remision).values_list("estado",
                                                                                  flat=True))


def test_a_remission_is_a_job_that_builds_validates_and_drops_the_package(
        expediente, sello_a, drop, province):
    llenar(expediente)
    remision = _remitir(expediente, province.clerk_a)

    job = Job.objects.get(pk=remision.job_id)
    assert (job.kind, job.state, job.queue, job.entity_id, job.payload) == (
        "expedientes.eni.remitir", JobState.PENDING, "intercambios", province.a.pk,
        {"remision": remision.pk})
    assert (remision.estado, remision.destino_codigo) == (EstadoRemision.PENDIENTE, "J00001234")
    assert Historial.objects.filter(expediente=expediente, accion="remision_eni").count() == 1
    assert AuditEvent.objects.filter(action="expedientes.remision.crear",
                                     object_id=str(remision.pk)).exists()

    assert jobs.run(job.pk) == JobState.SUCCEEDED
    remision.refresh_from_db()
    job.refresh_from_db()
    assert remision.estado == EstadoRemision.ENVIADA, remision.error
    assert (remision.documentos, remision.estado_eni) == (4, "E03")
    assert remision.identificador == f"ES_L01030020_{expediente.year}_EXP_{expediente.numero:030d}"
    assert job.result == {"remision": remision.pk, "documentos": 4,
                          "identificador": remision.identificador, "estado_eni": "E03"}
    carpeta = drop / province.a.schema_name / f"{remision.identificador}_R{remision.pk}"
    assert remision.referencia == f"{province.a.schema_name}/{carpeta.name}"
    assert sorted(p.name for p in carpeta.iterdir()) == [
        "documento-001.xml", "documento-002.xml", "documento-003.xml", "documento-004.xml",
        "expediente.xml", "metadatos-adicionales.xml"]
    assert validacion.validate_paquete(carpeta).errores == []
    assert _estados(remision) == ["pendiente", "pendiente", "pendiente", "enviada"]
    with remision.paquete.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in carpeta.iterdir())
        assert z.read("expediente.xml") == (carpeta / "expediente.xml").read_bytes()
    assert remision.paquete_size == remision.paquete.size
    assert Historial.objects.filter(expediente=expediente, accion="remision_eni").count() == 2

    # Run again (a duplicated delivery): nothing is sent twice.
    assert remisiones.ejecutar(remision.pk, jobs.JobContext(job)) == {
        "remision": remision.pk, "ya_enviada": True}


def test_a_transport_failure_leaves_an_error_and_the_retry_sends_it(
        expediente, sello_a, settings, tmp_path, province):
    llenar(expediente, firmados=0, con_csv=0)
    blocker = tmp_path / "no-es-carpeta"
    blocker.write_text("un fichero donde debía haber una carpeta")
    settings.EXPEDIENTES_ENI_DROP_DIR = blocker / "eni"
    remision = _remitir(expediente, province.clerk_a)

    with pytest.raises(jobs.TemporaryJobError, match="El transporte no ha aceptado el paquete"):
        jobs.run(remision.job_id)
    remision.refresh_from_db()
    job = Job.objects.get(pk=remision.job_id)
    assert (remision.estado, job.state, job.attempts) == (EstadoRemision.ERROR, JobState.QUEUED, 1)
    assert "El transporte no ha aceptado el paquete" in remision.error
    assert _estados(remision)[-1] == "error"
    # The package was built and validated: the clerk can download it meanwhile.
    assert remision.paquete
    assert remision.documentos == 2

    settings.EXPEDIENTES_ENI_DROP_DIR = tmp_path / "eni"  # the carrier is back
    assert jobs.run(remision.job_id) == JobState.SUCCEEDED
    remision.refresh_from_db()
    assert (remision.estado, remision.error) == (EstadoRemision.ENVIADA, "")
    assert _estados(remision) == ["pendiente", "pendiente", "pendiente", "error",
                                  "pendiente", "pendiente", "enviada"]
    assert (tmp_path / "eni" / province.a.schema_name
            / f"{remision.identificador}_R{remision.pk}" / "expediente.xml").is_file()


def test_a_failed_remission_is_retried_by_the_clerk(expediente, drop, province):
    make_documento(expediente, content=pdf())
    with base.providers_override(sello=[]), \
            pytest.raises(remisiones.RemisionError, match="no tiene sello de órgano"):
        _remitir(expediente, province.clerk_a)
    assert not Remision.objects.exists()

    sello = eni_support.SelloDe(province.a.schema_name)
    with base.providers_override(sello=[sello], trust=[_trust_provider]):
        remision = _remitir(expediente, province.clerk_a)
    # The sello is withdrawn before the job runs: a permanent error, not retried alone.
    with base.providers_override(sello=[], trust=[_trust_provider]):
        assert jobs.run(remision.job_id) == JobState.FAILED
    remision.refresh_from_db()
    assert remision.estado == EstadoRemision.ERROR
    assert "no tiene sello de órgano" in remision.error
    primero = remision.job_id

    with base.providers_override(sello=[sello], trust=[_trust_provider]):
        remision = remisiones.reintentar(remision, acting_user=province.clerk_a)
        assert remision.job_id != primero
        assert remision.estado == EstadoRemision.PENDIENTE
        with pytest.raises(remisiones.RemisionError, match="Solo se reintenta"):
            remisiones.reintentar(remision, acting_user=province.clerk_a)
        assert jobs.run(remision.job_id) == JobState.SUCCEEDED
    remision.refresh_from_db()
    assert remision.estado == EstadoRemision.ENVIADA
    assert AuditEvent.objects.filter(action="expedientes.remision.reintentar").count() == 1


def test_remitir_refuses_bad_input(expediente, sello_a, drop, province):
    with pytest.raises(remisiones.RemisionError, match="no tiene documentos"):
        _remitir(expediente)
    make_documento(expediente, content=pdf())
    with pytest.raises(remisiones.RemisionError, match="Indique a quién") as caught:
        _remitir(expediente, destino_nombre="  ")
    assert caught.value.field == "destino_nombre"
    with pytest.raises(remisiones.RemisionError, match="letras y cifras"):
        _remitir(expediente, destino_codigo="J-0001")
    with pytest.raises(remisiones.RemisionError, match="Elija un transporte"):
        _remitir(expediente, transporte="paloma")
    assert not Remision.objects.exists()


def test_an_open_expediente_goes_as_e03_and_a_closed_one_as_e02(expediente, sello_a, drop):
    make_documento(expediente, content=pdf())
    abierta = _remitir(expediente)
    jobs.run(abierta.job_id)
    expediente.estado = EstadoExpediente.CERRADO
    expediente.save()
    cerrada = _remitir(expediente)
    jobs.run(cerrada.job_id)
    abierta.refresh_from_db()
    cerrada.refresh_from_db()
    assert (abierta.estado_eni, cerrada.estado_eni) == ("E03", "E02")


# --- pages ------------------------------------------------------------------------------


def test_the_clerk_remits_from_the_page_and_follows_the_remission(
        expediente, sello_a, drop, province, client_for):
    llenar(expediente, firmados=0, con_csv=0)
    clerk = client_for(province.clerk_a, HOST_A)
    url = reverse("gestion:expedientes:remitir", args=[expediente.pk])
    page = clerk.get(url)
    assert page.status_code == 200
    assert "índice para remisión cerrado" in page.content.decode()

    refused = clerk.post(url, {"destino_nombre": "", "transporte": "carpeta"})
    assert refused.status_code == 400
    assert "Indique a quién se remite el expediente." in refused.content.decode()
    assert not Remision.objects.exists()

    response = clerk.post(url, {"destino_nombre": JUZGADO, "destino_codigo": "j00001234",
                                "transporte": "carpeta", "motivo": "Requerimiento"})
    remision = Remision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gestion:expedientes:remision", args=[remision.pk])
    jobs.run(remision.job_id)

    detalle = clerk.get(response["Location"]).content.decode()
    assert "Enviada" in detalle
    assert remision.expediente.codigo in detalle
    assert "Paquete ENI validado" in detalle
    lista = clerk.get(reverse("gestion:expedientes:remisiones"), {"estado": "enviada"})
    assert JUZGADO in lista.content.decode()
    assert JUZGADO not in clerk.get(reverse("gestion:expedientes:remisiones"),
                                    {"estado": "error"}).content.decode()
    assert JUZGADO in clerk.get(reverse("gestion:expedientes:remisiones"),
                                {"texto": expediente.codigo}).content.decode()
    bad = clerk.get(reverse("gestion:expedientes:remisiones"),
                    {"desde": "2026-12-31", "hasta": "2026-01-01"})
    assert bad.status_code == 200
    assert "La fecha final es anterior a la inicial." in bad.content.decode()

    # The expediente's own page lists its remissions (expedientes/eni/_remisiones.html).
    tab = clerk.get(reverse("gestion:expedientes:detalle_remisiones", args=[expediente.pk]))
    assert tab.status_code == 200
    assert JUZGADO in tab.content.decode()
    assert url in tab.content.decode()

    download = clerk.get(reverse("gestion:expedientes:remision_paquete", args=[remision.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    assert "expediente.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_the_retry_button_restarts_a_failed_remission(expediente, sello_a, settings, tmp_path,
                                                      province, client_for):
    make_documento(expediente, content=pdf())
    blocker = tmp_path / "bloqueo"
    blocker.write_text("x")
    settings.EXPEDIENTES_ENI_DROP_DIR = blocker / "eni"
    settings.JOB_MAX_ATTEMPTS = 1
    remision = _remitir(expediente, province.clerk_a)
    assert jobs.run(remision.job_id) == JobState.FAILED
    clerk = client_for(province.clerk_a, HOST_A)
    detail = clerk.get(reverse("gestion:expedientes:remision", args=[remision.pk])).content.decode()
    assert "Reintentar" in detail
    assert "Descargar el paquete" in detail

    settings.EXPEDIENTES_ENI_DROP_DIR = tmp_path / "eni"
    response = clerk.post(reverse("gestion:expedientes:remision_reintentar", args=[remision.pk]))
    assert response.status_code == 302
    remision.refresh_from_db()
    assert jobs.run(remision.job_id) == JobState.SUCCEEDED
    remision.refresh_from_db()
    assert remision.estado == EstadoRemision.ENVIADA


def test_another_entity_gets_404_for_a_remission(expediente, sello_a, drop, province,
                                                 client_for):
    make_documento(expediente, content=pdf())
    remision = _remitir(expediente, province.clerk_a)
    jobs.run(remision.job_id)
    remision.refresh_from_db()
    before = (remision.estado, remision.job_id, HistorialRemision.objects.count())
    clerk_b = client_for(province.clerk_b, HOST_B)
    for name in ("remision", "remision_paquete"):
        assert clerk_b.get(reverse(f"gestion:expedientes:{name}", args=[remision.pk])) \
            .status_code == 404
    assert clerk_b.post(reverse("gestion:expedientes:remision_reintentar",
                                args=[remision.pk])).status_code == 404
    assert clerk_b.post(reverse("gestion:expedientes:remitir", args=[expediente.pk]),
                        {"destino_nombre": JUZGADO, "transporte": "carpeta"}).status_code == 404
    assert JUZGADO not in clerk_b.get(reverse("gestion:expedientes:remisiones")) \
        .content.decode()
    with schema_context(province.a.schema_name):
        remision.refresh_from_db()
        assert (remision.estado, remision.job_id, HistorialRemision.objects.count()) == before
        assert Remision.objects.count() == 1


def test_a_missing_file_fails_the_remission_with_its_reason(expediente, sello_a, drop, province):
    documento = make_documento(expediente, "Solicitud", pdf())
    remision = _remitir(expediente, province.clerk_a)
    documento.contenido.storage.delete(documento.contenido.name)
    assert jobs.run(remision.job_id) == JobState.FAILED
    remision.refresh_from_db()
    job = Job.objects.get(pk=remision.job_id)
    assert remision.estado == EstadoRemision.ERROR
    assert remision.error.startswith("No se puede leer el fichero del documento «Solicitud»")
    assert job.error == remision.error
    assert not remision.paquete
    assert not drop.exists()
