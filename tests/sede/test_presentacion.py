"""Instancia general and procedure forms: from the form to the asiento, the justificante
and the acknowledgement e-mail; and every kind of bad input."""

from __future__ import annotations

import hashlib
import re
from email import message_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from provincial import jobs
from provincial.models import Job
from registro.models import Asiento, ContadorRegistro
from sede.models import Presentacion, Procedimiento
from tests.conftest import HOST_A
from tests.sede.conftest import citizen, pdf_bytes
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes, mime: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=mime)


def form(**overrides) -> dict:
    data = {"email": "maria@example.org", "telefono": "600000000",
            "expone": "Que soy vecina de la calle Mayor y la farola del número 5 no funciona.",
            "solicita": "Que se repare la farola."}
    data.update(overrides)
    return data


def fill(client, data: dict, path: str = "/sede/instancia-general/"):
    return client.post(path, data)


def submit(client, data: dict, path: str = "/sede/instancia-general/"):
    """Fill and confirm; returns (confirm URL, final response)."""
    response = fill(client, data, path)
    assert response.status_code == 302, _errors(response)
    confirm_url = response["Location"]
    return confirm_url, client.post(confirm_url)


def _errors(response) -> str:
    body = response.content.decode()
    return " | ".join(re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', body)) or body[:300]


def asientos(province) -> list[Asiento]:
    with schema_context(province.a.schema_name):
        return list(Asiento.objects.prefetch_related("interesados", "anexos"))


def test_instancia_general_registers_and_gives_number_and_justificante(province):
    client = citizen()
    attachment = pdf_bytes("Fotografía de la farola")
    data = form(anexos=[upload("farola.pdf", attachment)])
    response = fill(client, data)
    assert response.status_code == 302
    confirm = client.get(response["Location"])
    body = confirm.content.decode()
    assert "Revise y envíe su solicitud" in body
    assert "farola.pdf" in body
    assert asientos(province) == []  # nothing registered before confirming
    done = client.post(response["Location"])
    assert done.status_code == 302
    [asiento] = asientos(province)
    assert done["Location"] == f"/sede/carpeta/presentaciones/{asiento.pk}/"
    assert (asiento.libro, asiento.canal, asiento.asunto) == ("E", "sede", "Instancia general")
    assert asiento.solicita == "Que se repare la farola."
    [interesado] = asiento.interesados.all()
    assert (interesado.documento, interesado.nombre, interesado.apellido1,
            interesado.es_representante, interesado.email) == (
        "12345678Z", "María", "García", False, "maria@example.org")
    [anexo] = asiento.anexos.all()
    assert (anexo.nombre, anexo.sha256) == ("farola.pdf", hashlib.sha256(attachment).hexdigest())
    receipt = client.get(done["Location"]).content.decode()
    assert asiento.numero_registro in receipt
    assert anexo.sha256 in receipt
    pdf = client.get(f"/sede/carpeta/presentaciones/{asiento.pk}/justificante/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert asiento.numero_registro in text
    assert "farola.pdf" in text
    # The acknowledgement job waits for the commit.
    job = Job.objects.get(kind="sede.acuse")
    assert job.payload == {"asiento": asiento.pk, "email": "maria@example.org"}
    assert job.entity_id == province.a.pk
    # The draft's bytes are gone once in the registro.
    with schema_context(province.a.schema_name):
        draft = Presentacion.objects.get()
        assert (draft.asiento_id, draft.anexos.count()) == (asiento.pk, 0)


def test_acknowledgement_email_goes_out_once_with_the_justificante(province, smtp_server,
                                                                   settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client = citizen()
    submit(client, form(email="acuse@example.org"))
    [asiento] = asientos(province)
    job = Job.objects.get(kind="sede.acuse")
    before = len(smtp_server.messages)
    assert jobs.run(job.pk) == "succeeded"
    sent = smtp_server.messages[before:]
    assert [rcpt for _f, rcpt, _c in sent] == [["acuse@example.org"]]
    message = message_from_bytes(sent[0][2])
    assert asiento.numero_registro in message["Subject"]
    parts = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    assert parts[0].get_payload(decode=True).startswith(b"%PDF-")
    # Run again (a redelivered message): no second e-mail.
    Job.objects.filter(pk=job.pk).update(state="queued")
    jobs.run(job.pk)
    assert len(smtp_server.messages) == before + 1


def test_representative_files_for_another_person(province):
    client = citizen(documento="00000023T", nombre="Ana", apellido1="Pérez", apellido2="")
    submit(client, form(representa="on", representado_documento="12345678z",
                        representado_nombre="María", representado_apellido1="García",
                        representado_apellido2="López"))
    [asiento] = asientos(province)
    people = [(i.documento, i.es_representante) for i in asiento.interesados.all()]
    assert people == [("12345678Z", False), ("00000023T", True)]
    # Both see it in their carpeta.
    assert asiento.numero_registro in client.get("/sede/carpeta/").content.decode()
    assert asiento.numero_registro in citizen().get("/sede/carpeta/").content.decode()


def test_representation_needs_a_valid_document_and_name(province):
    response = fill(citizen(), form(representa="on", representado_documento="12345678A"))
    errors = _errors(response)
    assert "Indique el DNI, NIE o CIF de la persona representada" in errors
    assert "Indique el nombre o la razón social" in errors


def test_procedure_form_asks_its_own_questions(province, in_a):
    Procedimiento.objects.create(
        code="VADO", name="Licencia de vado permanente", description="Vado.",
        plazo_resolucion="3 meses", sentido_silencio="estimatorio", organo="Alcaldía",
        tipo_formulario="especifico",
        campos=[{"name": "matricula", "label": "Matrícula del vehículo", "required": True}])
    connection.set_schema_to_public()
    client = citizen()
    path = "/sede/procedimientos/VADO/solicitar/"
    assert "Matrícula del vehículo" in client.get(path).content.decode()
    assert "Este campo es requerido." in _errors(fill(client, form(), path))
    submit(client, form(campo_matricula="1234 BCD"), path)
    [asiento] = asientos(province)
    assert (asiento.asunto, asiento.procedimiento) == ("Licencia de vado permanente", "VADO")
    assert asiento.expone.startswith("Matrícula del vehículo: 1234 BCD")


@pytest.mark.parametrize(("files", "message"), [
    ([("grande.pdf", b"%PDF-1.4\n" + b"0" * 3000)], "«grande.pdf» ocupa 0,0 MB; el máximo es 0,0 MB."),
    ([("notas.txt", b"solo texto")], "«notas.txt»: formato no admitido. Se admiten PDF, XML, "
                                     "ODT, ODS, DOCX, XLSX, JPEG, PNG"),
    ([("programa.exe", b"MZ\x90\x00")], "«programa.exe»: formato no admitido."),
    ([("foto.pdf", PNG)], "«foto.pdf» no es un fichero PDF válido: su contenido es PNG"),
    ([("falso.pdf", b"esto no es un PDF")], "«falso.pdf» no es un fichero PDF válido"),
    ([("datos.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')],
     "«datos.xml»: El XML declara un DOCTYPE o entidades"),
    ([(f"f{i}.png", PNG) for i in range(4)], "Puede adjuntar como máximo 3 ficheros."),
])
def test_bad_attachments_are_refused_and_nothing_is_kept(province, settings, files, message):
    settings.SEDE_ATTACHMENT_MAX_BYTES = 2000
    settings.SEDE_ATTACHMENTS_MAX = 3
    response = fill(citizen(), form(anexos=[upload(n, c) for n, c in files]))
    assert response.status_code == 200
    assert message in _errors(response).replace("&#x27;", "'").replace("&quot;", '"')
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.count() == 0


@pytest.mark.parametrize(("expone", "message"), [
    ("", "Este campo es requerido."),
    ("   \n  ", "Este campo es requerido."),
    ("x" * 100_000, "Asegúrese de que este valor tenga menos de 10000 caracteres (tiene 100000)."),
])
def test_expone_empty_or_too_long_is_refused(province, expone, message):
    response = fill(citizen(), form(expone=expone))
    assert response.status_code == 200
    assert message in _errors(response)
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.count() == 0


def test_double_click_on_enviar_files_one_asiento(province):
    client = citizen()
    response = fill(client, form(anexos=[upload("a.png", PNG)]))
    confirm = response["Location"]
    first = client.post(confirm)
    second = client.post(confirm)
    [asiento] = asientos(province)
    assert first["Location"] == second["Location"] == f"/sede/carpeta/presentaciones/{asiento.pk}/"
    assert Job.objects.filter(kind="sede.acuse").count() == 1
    with schema_context(province.a.schema_name):
        assert ContadorRegistro.objects.get().ultimo == asiento.numero


def test_database_failure_mid_submission_registers_nothing(province):
    client = citizen()
    confirm = fill(client, form(anexos=[upload("a.png", PNG)]))["Location"]
    with schema_context(province.a.schema_name), connection.cursor() as cursor:
        # A real failure inside PostgreSQL after the asiento row is written.
        cursor.execute("""
            CREATE FUNCTION sede_test_fail() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'disco lleno'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER sede_test_fail BEFORE INSERT ON registro_anexo
            FOR EACH ROW EXECUTE FUNCTION sede_test_fail();""")
    response = client.post(confirm)
    assert response.status_code == 503
    assert "No se ha registrado su solicitud" in response.content.decode()
    assert "Inténtelo de nuevo" in response.content.decode()
    assert asientos(province) == []
    assert Job.objects.filter(kind="sede.acuse").count() == 0
    with schema_context(province.a.schema_name):
        assert ContadorRegistro.objects.filter(ultimo__gt=0).count() == 0
        draft = Presentacion.objects.get()
        assert (draft.asiento_id, draft.anexos.count()) == (None, 1)
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER sede_test_fail ON registro_anexo")
    # The citizen retries and it works, numbered from 1 (no gap).
    assert client.post(confirm).status_code == 302
    [asiento] = asientos(province)
    assert asiento.numero == 1


def test_only_identified_citizens_reach_the_forms(province):
    from django.test import Client

    anonymous = Client(HTTP_HOST=HOST_A)
    response = anonymous.get("/sede/instancia-general/")
    assert response.status_code == 302
    assert response["Location"] == "/sede/identificarse/?next=%2Fsede%2Finstancia-general%2F"


def test_another_citizen_cannot_confirm_someone_elses_draft(province):
    confirm = fill(citizen(), form())["Location"]
    intruder = citizen(documento="00000023T", nombre="Ana", apellido1="Pérez")
    assert intruder.get(confirm).status_code == 404
    assert intruder.post(confirm).status_code == 404
    assert asientos(province) == []
