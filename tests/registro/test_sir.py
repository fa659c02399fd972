"""SIR screens and the bandeja: send, resend, download, receive (inbox job or upload),
accept and reject, between entity A (agost, L01030020) and B (castalla, L01030535) over
the file-drop transport, with the real SICRES 3.0 files moved from one to the other."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from lxml import etree

from provincial import jobs
from provincial.choices import JobState
from provincial.models import Job
from registro import bandeja, sicres
from registro.models import Asiento, HistorialIntercambio, IntercambioRecibido
from registro.services import registrar
from registro.tasks import RECIBIR_SIR
from tests.conftest import HOST_A, HOST_B

from .conftest import datos, pdf_anexo

BASE = "/gestion/registro/"
A_DIR3, B_DIR3 = "L01030020", "L01030535"
pytestmark = pytest.mark.django_db


@pytest.fixture
def sir_dir(settings, tmp_path):
    settings.REGISTRO_SIR_DIR = str(tmp_path / "sir")
    return Path(settings.REGISTRO_SIR_DIR)


@pytest.fixture
def asiento_a(province, db):
    with schema_context(province.a.schema_name):
        return registrar(**datos(libro="S", anexos=[pdf_anexo()]), acting_user=province.clerk_a)


def salida(sir_dir, schema) -> list[Path]:
    return sorted((sir_dir / schema / "salida").glob("*.xml"))


def deliver(sir_dir, src_schema, dst_schema) -> list[str]:
    """What the SIR network does: carry every file of one outbox to the other's inbox."""
    names = []
    inbox = sir_dir / dst_schema / "entrada"
    inbox.mkdir(parents=True, exist_ok=True)
    for path in salida(sir_dir, src_schema):
        path.replace(inbox / path.name)
        names.append(path.name)
    return names


def run_inbox_job(entity) -> Job:
    job = jobs.enqueue(RECIBIR_SIR, entity=entity)
    assert jobs.run(job.pk) == JobState.SUCCEEDED, Job.objects.get(pk=job.pk).error
    return Job.objects.get(pk=job.pk)


def test_send_reject_resend_accept_round_trip(client_for, province, asiento_a, sir_dir,
                                              django_capture_on_commit_callbacks):
    a, b = province.a.schema_name, province.b.schema_name
    clerk_a = client_for(province.clerk_a, HOST_A)
    clerk_b = client_for(province.clerk_b, HOST_B)
    detail_a = f"{BASE}asientos/{asiento_a.pk}/"
    page = clerk_a.get(detail_a).content.decode()
    assert "Enviar por SIR" in page
    assert "Descargar fichero SICRES" not in page

    response = clerk_a.post(f"{detail_a}sir/enviar/", {
        "destino_dir3": B_DIR3.lower(), "destino_nombre": "Ayuntamiento de Castalla"})
    assert response.status_code == 302
    with schema_context(a):
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        ident = asiento.identificador_intercambio
        assert (asiento.estado_intercambio, asiento.destino_sir_dir3) == ("enviado", B_DIR3)
        assert [(h.estado_anterior, h.estado) for h in asiento.historial_sir.all()] == [
            ("", "pendiente_envio"), ("pendiente_envio", "enviado")]
    assert [p.name for p in salida(sir_dir, a)] == [f"{ident}.xml"]
    page = clerk_a.get(detail_a).content.decode()
    assert "Historial del intercambio" in page
    assert "Pendiente de envío" in page
    assert "Enviar por SIR" not in page  # sent: no second send until an error or rejection
    download = clerk_a.get(f"{detail_a}sir/fichero/")
    assert download["Content-Type"] == "application/xml"
    root = etree.fromstring(download.content)
    sicres.validar(root)
    assert root.findtext("De_Destino/Codigo_Entidad_Registral_Destino") == B_DIR3
    assert root.findtext("De_Internos_Control/Identificador_Intercambio") == ident

    # B's inbox job takes the file into the bandeja and answers with an ACK.
    assert deliver(sir_dir, a, b) == [f"{ident}.xml"]
    with schema_context(b), django_capture_on_commit_callbacks(execute=True):
        job = run_inbox_job(province.b)
        assert job.result == {"nuevos": 1, "repetidos": 0, "errores": 0}
        recibido = IntercambioRecibido.objects.get()
        assert (recibido.estado, recibido.origen_dir3, recibido.identificador_intercambio,
                recibido.numero_registro_origen) == ("pendiente", A_DIR3, ident,
                                                     asiento_a.numero_registro)
        assert Asiento.objects.count() == 0
    deliver(sir_dir, b, a)
    with schema_context(a), django_capture_on_commit_callbacks(execute=True):
        assert run_inbox_job(province.a).result["nuevos"] == 1
        assert Asiento.objects.get(pk=asiento_a.pk).estado_intercambio == "ack"

    # B rejects with a reason: nothing registered, the fichero goes back with anotación 04.
    bandeja_page = clerk_b.get(f"{BASE}sir/").content.decode()
    assert ident in bandeja_page
    assert "1 intercambio pendiente" in bandeja_page
    assert clerk_b.post(f"{BASE}sir/{recibido.pk}/rechazar/", {"motivo": ""}).status_code == 302
    motivo = ("No es competencia de este ayuntamiento: diríjase a la Conselleria de Medio "
              "Ambiente, que tramita este asunto.")
    with django_capture_on_commit_callbacks(execute=True):
        clerk_b.post(f"{BASE}sir/{recibido.pk}/rechazar/", {"motivo": motivo})
    with schema_context(b):
        recibido.refresh_from_db()
        assert (recibido.estado, recibido.motivo_rechazo, recibido.resuelto_por) == (
            "rechazado", motivo, province.clerk_b.get_full_name())
        assert Asiento.objects.count() == 0
    rechazo = etree.fromstring(salida(sir_dir, b)[0].read_bytes())
    sicres.validar(rechazo)
    assert rechazo.findtext("De_Internos_Control/Tipo_Anotacion") == "04"
    assert rechazo.findtext("De_Destino/Codigo_Entidad_Registral_Destino") == A_DIR3
    assert rechazo.findtext("De_Origen_o_Remitente/Codigo_Entidad_Registral_Origen") == B_DIR3
    assert rechazo.findtext("De_Internos_Control/Descripcion_Tipo_Anotacion") == motivo[:80]
    assert clerk_b.post(f"{BASE}sir/{recibido.pk}/aceptar/").status_code == 302
    with schema_context(b):
        assert IntercambioRecibido.objects.get().estado == "rechazado"

    deliver(sir_dir, b, a)
    with schema_context(a):
        run_inbox_job(province.a)
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        assert asiento.estado_intercambio == "rechazado"
        assert asiento.intercambio_detalle.startswith("No es competencia")
    page = clerk_a.get(detail_a).content.decode()
    assert "Reenviar por SIR" in page
    assert 'value="L01030535"' in page

    # A sends it again; B accepts it this time: an entrada, and a confirmation back to A.
    clerk_a.post(f"{detail_a}sir/enviar/", {"destino_dir3": B_DIR3})
    deliver(sir_dir, a, b)
    with schema_context(b), django_capture_on_commit_callbacks(execute=True):
        run_inbox_job(province.b)
        nuevo = IntercambioRecibido.objects.get(estado="pendiente")
        assert nuevo.tipo_anotacion == "03"
    deliver(sir_dir, b, a)  # the ACK of the resend
    with schema_context(a):
        run_inbox_job(province.a)
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_b.post(f"{BASE}sir/{nuevo.pk}/aceptar/")
    with schema_context(b):
        entrada = Asiento.objects.get()
        assert response["Location"] == f"{BASE}asientos/{entrada.pk}/"
        assert (entrada.libro, entrada.canal, entrada.estado_intercambio,
                entrada.numero_registro_origen) == ("E", "sir", "aceptado",
                                                    asiento_a.numero_registro)
        assert entrada.anexos.get().sha256 == hashlib.sha256(pdf_anexo().contenido).hexdigest()
        assert IntercambioRecibido.objects.get(pk=nuevo.pk).asiento_id == entrada.pk
        received_bytes = nuevo.fichero.read()
    assert clerk_b.get(f"{BASE}asientos/{entrada.pk}/sir/fichero/").content == received_bytes
    assert deliver(sir_dir, b, a) == [f"{ident}_CONFIRMACION.xml"]
    with schema_context(a):
        job = run_inbox_job(province.a)
        assert job.result == {"nuevos": 1, "repetidos": 0, "errores": 0}, job.log
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        assert (asiento.estado_intercambio, asiento.intercambio_detalle) == (
            "aceptado", entrada.numero_registro)
        assert [h.estado for h in asiento.historial_sir.all()] == [
            "pendiente_envio", "enviado", "ack", "rechazado", "reenviado", "ack", "aceptado"]


@pytest.fixture
def fichero(asiento_a, province):
    with schema_context(province.a.schema_name):
        return sicres.exportar(asiento_a, destino_codigo=B_DIR3,
                               identificador=f"{A_DIR3}_26_00000077")


def test_bad_uploads_get_a_spanish_reason_and_write_nothing(client_for, province, fichero):
    clerk_b = client_for(province.clerk_b, HOST_B)
    root = etree.fromstring(fichero)
    root.find("De_Anexo/Anexo").text = base64.b64encode(b"%PDF-1.4 otro\n%%EOF").decode()
    wrong_hash = etree.tostring(root)
    root = etree.fromstring(fichero)
    root.remove(root.find("De_Asunto"))
    cases = [
        (fichero.replace(b"?>", b'?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                         1), "DOCTYPE o entidades"),
        (wrong_hash, "no coincide con su huella (Hash)"),
        (etree.tostring(root), "no es válido según el XSD"),
        (b"<Factura><Numero>1</Numero></Factura>", "No es un fichero SICRES 3.0"),
        (b"PK\x03\x04 no es XML", "XML"),
        (sicres.mensaje(origen=A_DIR3, destino=B_DIR3, identificador="L01030020_26_09999999",
                        tipo="01"), "No hay ningún asiento con el identificador"),
    ]
    for content, reason in cases:
        response = clerk_b.post(f"{BASE}sir/", {
            "fichero": SimpleUploadedFile("intercambio.xml", content)})
        assert response.status_code == 200
        assert reason in response.content.decode(), reason
    with schema_context(province.b.schema_name):
        assert IntercambioRecibido.objects.count() == 0
        assert Asiento.objects.count() == 0


def test_the_same_file_twice_is_one_row_and_never_two_entradas(
        client_for, province, fichero, sir_dir, django_capture_on_commit_callbacks):
    clerk_b = client_for(province.clerk_b, HOST_B)
    first = clerk_b.post(f"{BASE}sir/", {"fichero": SimpleUploadedFile("a.xml", fichero)})
    with schema_context(province.b.schema_name):
        recibido = IntercambioRecibido.objects.get()
        assert first["Location"] == f"{BASE}sir/{recibido.pk}/"
        assert recibido.recibido_por == province.clerk_b.get_full_name()
    second = clerk_b.post(f"{BASE}sir/", {"fichero": SimpleUploadedFile("b.xml", fichero)},
                          follow=True)
    assert "ya se había recibido" in second.content.decode()
    inbox = sir_dir / province.b.schema_name / "entrada"
    inbox.mkdir(parents=True)
    (inbox / "otra-vez.xml").write_bytes(fichero)
    (inbox / "roto.xml").write_bytes(b"<De_Mensaje><Tipo_Mensaje>01</Tipo_Mensaje></De_Mensaje>")
    with schema_context(province.b.schema_name):
        job = run_inbox_job(province.b)
        assert job.result == {"nuevos": 0, "repetidos": 1, "errores": 1}
        assert "otra-vez.xml: ya recibido" in job.log
        assert "roto.xml: El fichero SICRES 3.0 no es válido según el XSD" in job.log
        assert IntercambioRecibido.objects.count() == 1
        clerk_b.post(f"{BASE}sir/{recibido.pk}/aceptar/")
        clerk_b.post(f"{BASE}sir/{recibido.pk}/aceptar/")
        assert Asiento.objects.count() == 1
        with django_capture_on_commit_callbacks(execute=True):
            again = bandeja.recibir("tercera.xml", fichero)
        assert (again.nuevo, again.recibido.pk) == (False, recibido.pk)
        assert Asiento.objects.count() == 1
    assert sorted(p.name for p in inbox.iterdir()) == ["error"]
    assert sorted(p.name for p in (inbox / "error").iterdir()) == [
        "roto.xml", "roto.xml.motivo.txt"]


def test_send_refuses_own_entity_bad_codes_and_annulled(client_for, province, asiento_a,
                                                       sir_dir):
    clerk_a = client_for(province.clerk_a, HOST_A)
    url = f"{BASE}asientos/{asiento_a.pk}/sir/enviar/"
    for code, reason in [(A_DIR3, "es esta misma entidad"), ("XYZ", "9 caracteres"),
                         ("", "obligatorio")]:
        page = clerk_a.post(url, {"destino_dir3": code}, follow=True).content.decode()
        assert reason in page, code
    with schema_context(province.a.schema_name):
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        assert (asiento.estado_intercambio, asiento.identificador_intercambio) == ("", "")
        assert HistorialIntercambio.objects.count() == 0
    assert clerk_a.get(f"{BASE}asientos/{asiento_a.pk}/sir/fichero/").status_code == 302
    clerk_a.post(f"{BASE}asientos/{asiento_a.pk}/anular/", {"motivo": "Duplicado"})
    page = clerk_a.post(url, {"destino_dir3": B_DIR3}, follow=True).content.decode()
    assert "Un asiento anulado no se envía." in page
    assert not (sir_dir / province.a.schema_name / "salida").exists()


def test_transport_failure_keeps_the_asiento_pending_and_a_retry_reuses_its_identifier(
        client_for, province, asiento_a, settings, tmp_path):
    blocked = tmp_path / "no-dir"
    blocked.write_text("a file where the folder should be")
    settings.REGISTRO_SIR_DIR = str(blocked)
    clerk_a = client_for(province.clerk_a, HOST_A)
    url = f"{BASE}asientos/{asiento_a.pk}/sir/enviar/"
    page = clerk_a.post(url, {"destino_dir3": B_DIR3}, follow=True).content.decode()
    assert "El transporte SIR no ha aceptado el fichero" in page
    with schema_context(province.a.schema_name):
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        assert asiento.estado_intercambio == "pendiente_envio"
        ident = asiento.identificador_intercambio
    settings.REGISTRO_SIR_DIR = str(tmp_path / "sir")
    clerk_a.post(url, {"destino_dir3": B_DIR3})
    with schema_context(province.a.schema_name):
        asiento = Asiento.objects.get(pk=asiento_a.pk)
        assert (asiento.estado_intercambio, asiento.identificador_intercambio) == (
            "enviado", ident)
    assert (tmp_path / "sir" / province.a.schema_name / "salida" / f"{ident}.xml").exists()


def test_outsiders_get_404_and_nothing_changes(client_for, province, fichero, asiento_a):
    with schema_context(province.a.schema_name):
        recibido = bandeja.recibir("a.xml", fichero).recibido  # A receives its own, for ids
    urls = [f"sir/{recibido.pk}/", f"sir/{recibido.pk}/fichero/",
            f"asientos/{asiento_a.pk}/sir/fichero/"]
    for client in (client_for(province.clerk_b, HOST_B), client_for(province.clerk_a, HOST_B)):
        for url in urls:
            assert client.get(BASE + url).status_code in (403, 404), url
        for url in (f"sir/{recibido.pk}/aceptar/", f"sir/{recibido.pk}/rechazar/",
                    f"asientos/{asiento_a.pk}/sir/enviar/"):
            assert client.post(BASE + url, {"motivo": "x", "destino_dir3": A_DIR3}) \
                .status_code in (403, 404), url
    with schema_context(province.a.schema_name):
        assert IntercambioRecibido.objects.get().estado == "pendiente"
        assert Asiento.objects.get().estado_intercambio == ""


def test_the_periodic_poll_launches_one_inbox_job_where_files_wait(province, asiento_a,
                                                                   sir_dir):
    """registro.tasks.poll_sir_inboxes (beat, every REGISTRO_SIR_POLL_SECONDS): a job only
    for an entity whose inbox holds files, and not a second one while the first waits."""
    from registro.tasks import poll_sir_inboxes

    assert poll_sir_inboxes() == 0  # no inbox holds anything
    with schema_context(province.a.schema_name):
        sicres.enviar(asiento_a, destino_codigo=B_DIR3, acting_user=province.clerk_a)
    assert deliver(sir_dir, province.a.schema_name, province.b.schema_name)
    assert poll_sir_inboxes() == 1
    launched = Job.objects.filter(kind=RECIBIR_SIR)
    assert [job.entity for job in launched] == [province.b]
    assert poll_sir_inboxes() == 0  # B's job is still pending: not launched twice
    assert launched.count() == 1


def test_a_failed_acceptance_leaves_no_asiento_and_no_file(province, fichero, monkeypatch):
    """Accepting registers the entrada (with its anexos' files) and then writes the
    confirmation: if that fails, nothing of the entrada stays, files included."""
    with schema_context(province.b.schema_name):
        fila = bandeja.recibir("intercambio.xml", fichero).recibido
        before = Asiento.objects.count()
        written = []
        original = sicres.importar

        def importar(*args, **kwargs):
            asiento = original(*args, **kwargs)
            written.extend(a.fichero for a in asiento.anexos.all())
            return asiento

        def broken(**kwargs):
            raise RuntimeError("fallo al escribir la confirmación")

        monkeypatch.setattr(sicres, "importar", importar)
        monkeypatch.setattr(sicres, "mensaje", broken)
        with pytest.raises(RuntimeError):
            bandeja.aceptar(fila, acting_user=province.clerk_b)
        assert written  # the import did store the anexo…
        assert not any(f.storage.exists(f.name) for f in written)  # …and it is gone
        assert Asiento.objects.count() == before
        fila.refresh_from_db()
        assert fila.estado == "pendiente"
