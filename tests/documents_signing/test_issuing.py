"""Documents issued through provincial.documents are sealed with the issuing entity's sello
de órgano (PAdES), read back by pypdf and by pyHanko's own validator; an entity without a
sello issues them unsealed, saying so; a sello that cannot sign issues nothing, and the
pages that issue say why."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import html
import io
import re
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from padron import documents as padron_documents
from provincial.documents import kinds, services
from provincial.documents.models import UNSEALED, IssuedDocument
from tests.conftest import HOST_A
from tests.padron.test_operaciones import alta
from tests.pki import NIF_AGOST
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
SEALED_FOOTER = ("Documento firmado electrónicamente con sello de órgano del Ajuntament "
                 "d'Agost; su autenticidad e integridad pueden comprobarse en "
                 "http://agost.localhost/sede/verificar/ con el CSV")
UNSEALED_FOOTER = ("Este documento no lleva firma electrónica de órgano: su autenticidad e "
                   "integridad se comprueban con el CSV en la sede electrónica.")


def _asn1(certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def pyhanko_status(content: bytes, test_pki):
    """pyHanko's own validation of the last signature, trusting only the test root."""
    context = ValidationContext(trust_roots=[_asn1(test_pki.root.certificate)],
                                other_certs=[_asn1(test_pki.intermediate.certificate)],
                                crls=[test_pki.crl.public_bytes(Encoding.DER)],
                                allow_fetching=False, revocation_mode="soft-fail")
    signature = PdfFileReader(io.BytesIO(content)).embedded_signatures[-1]
    return asyncio.run(async_validate_pdf_signature(signature, context))


def widget_text(content: bytes, field: str = "SelloOrgano") -> str:
    """The text lines the visible stamp (the signature widget's appearance) shows, joined
    by spaces: its literal strings with their escapes (octal, parentheses) decoded."""
    for annotation in PdfReader(io.BytesIO(content)).pages[-1]["/Annots"]:
        annotation = annotation.get_object()
        if annotation.get("/T") == field:
            stream = annotation["/AP"]["/N"].get_object().get_data().decode("latin-1")
            strings = re.findall(r"\((.*?)(?<!\\)\) Tj", stream)
            return " ".join(re.sub(r"\\([0-7]{3}|.)", _unescape, text) for text in strings)
    raise AssertionError(f"no widget {field}")


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    return chr(int(code, 8)) if len(code) == 3 else code


def stored_files(province, entity) -> list[Path]:
    from django.conf import settings

    folder = Path(settings.MEDIA_ROOT) / "documentos" / entity.schema_name
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_certificado_of_an_entity_with_a_sello_is_sealed_and_validates(
        sello_a, province, callejero, ctx, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "http", 0
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    document = padron_documents.certificado(maria, acting_user=province.clerk_a)
    content = document.file.read()

    # The stored bytes are the signed ones, and their hash is the recorded one.
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.size == len(content)
    fields = PdfReader(io.BytesIO(content)).get_fields()
    assert fields["SelloOrgano"]["/FT"] == "/Sig"
    assert fields["SelloOrgano"]["/V"]["/Reason"] == "Documento expedido por Ajuntament d'Agost"
    assert fields["SelloOrgano"]["/V"]["/Location"] == "Alicante"

    status = pyhanko_status(content, sello_a_pki())
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (
        True, True, True, True)
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.signing_cert.subject.native["common_name"] == \
        "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"

    # The visible stamp carries the signer and the CSV; the footer says it is sealed.
    stamp = widget_text(content)
    assert stamp.startswith("Firmado electrónicamente por Sello electrónico del Ayuntamiento")
    assert stamp.endswith(f"(hora peninsular) CSV: {document.csv}")
    text = pdf_text(content)
    assert SEALED_FOOTER in text
    assert "no lleva firma electrónica" not in text
    assert "CERTIFICADO DE EMPADRONAMIENTO" in text

    assert (document.signature, document.is_sealed) == (
        "Sello electrónico del Ayuntamiento de Agost", True)
    detail = document.signature_detail
    certificate = sello_a_pki().certs["sello"].certificate
    assert detail["certificate"]["serial"] == format(certificate.serial_number, "X")
    assert NIF_AGOST in detail["certificate"]["subject"]
    assert (detail["field"], detail["reference"], detail["timestamp"]) == (
        "SelloOrgano", "test:sello", None)
    signed_at = datetime.datetime.fromisoformat(detail["signed_at"])
    assert abs(signed_at - document.issued_at) < datetime.timedelta(seconds=30)
    # The key's owner is told of each use (certificados audits it), never with the CSV,
    # which alone fetches the document from the sede.
    assert sello_a.uses == [f"PAdES documento {services.csv_reference(document.csv)}"]
    assert services.csv_reference(document.csv) == \
        hashlib.sha256(document.csv.encode()).hexdigest()[:12]


def sello_a_pki():
    from tests import pki

    return pki.pki()


def test_an_entity_without_a_sello_issues_unsealed_saying_so(sello_a, province, in_b,
                                                              settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "http", 0
    document = services.issue_rendered(
        kinds.VOLANTE_INDIVIDUAL.code, "documentos/pdf/base.html", {},
        title="Volante de empadronamiento", issuer=province.clerk_b)
    content = document.file.read()
    assert (document.signature, document.signature_detail, document.is_sealed) == (
        UNSEALED, {}, False)
    assert PdfReader(io.BytesIO(content)).get_fields() is None
    assert b"/ByteRange" not in content
    text = pdf_text(content)
    assert UNSEALED_FOOTER in text
    assert "Puede verificar este documento en http://castalla.localhost/sede/verificar/" in text
    assert "firmado electrónicamente" not in text
    assert sello_a.uses == []


@pytest.mark.parametrize(("certificate", "reason"), [
    ("expired", "«SELLO ELECTRONICO CADUCADO AGOST» caducó el"),
    ("revoked", "«SELLO ELECTRONICO REVOCADO AGOST» está revocado desde el"),
])
def test_a_sello_that_cannot_sign_issues_nothing(sello_of, province, callejero, ctx,
                                                 certificate, reason):
    provider = sello_of(certificate)
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    before = (IssuedDocument.objects.count(), stored_files(province, province.a))
    with pytest.raises(services.SigningFailed) as failure:
        padron_documents.volante_individual(maria, acting_user=province.clerk_a)
    assert failure.value.message.startswith(
        "No se ha expedido el documento: no se ha podido sellar con el sello de órgano de "
        "Ajuntament d'Agost. El certificado ")
    assert reason in failure.value.message
    assert isinstance(failure.value, services.DocumentError)
    assert (IssuedDocument.objects.count(), stored_files(province, province.a)) == before
    assert provider.uses == []


def test_the_clerks_issue_form_shows_why_nothing_was_issued(sello_of, province, callejero,
                                                            ctx, client_for):
    sello_of("expired")
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    connection.set_schema_to_public()
    client = client_for(province.clerk_a, HOST_A)
    response = client.post(f"/gestion/padron/habitantes/{maria.pk}/documentos/", {"kind": "certificado"},
                           follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "No se ha expedido el documento: no se ha podido sellar con el sello de órgano" \
        in body.replace("&#x27;", "'")
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.count() == 0


def test_a_justificante_that_cannot_be_sealed_answers_503_with_the_reason(
        sello_of, province, client_for):
    from registro import services as registro
    from tests.registro.conftest import datos

    sello_of("revoked")
    with schema_context(province.a.schema_name):
        asiento = registro.registrar(**datos(canal="presencial"), acting_user=province.clerk_a)
    client = client_for(province.clerk_a, HOST_A)
    response = client.get(f"/gestion/registro/asientos/{asiento.pk}/justificante/")
    assert response.status_code == 503
    body = response.content.decode().replace("&#x27;", "'")
    assert "No se ha podido expedir el documento" in body
    assert "está revocado desde el" in body
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.count() == 0


def test_a_justificante_that_cannot_be_sealed_answers_503_in_json_to_the_api(
        sello_of, province):
    from django.utils import timezone

    from registro import services as registro
    from registro.models import UnidadOrganica
    from tests.registro.conftest import datos
    from tests.service_accounts import service_client

    sello_of("expired")
    with schema_context(province.a.schema_name):
        UnidadOrganica.objects.create(nombre="Urbanismo", codigo_dir3="LA0012345")
        registro.registrar(**datos(canal="presencial"), acting_user=province.clerk_a)
    api = service_client(province, province.a, HOST_A, ["registro"])
    year = timezone.localdate().year
    response = api.get(f"/api/v1/registro/asientos/{year}-E-000001/justificante/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "caducó el" in response.json()["detail"]


def test_with_a_timestamp_authority_the_seal_is_timestamped_and_recorded(sello_a, tsa,
                                                                         province, in_a):
    document = services.issue_rendered(kinds.VOLANTE_INDIVIDUAL.code,
                                       "documentos/pdf/base.html", {},
                                       title="Volante de empadronamiento", issuer=None)
    content = document.file.read()
    status = pyhanko_status(content, sello_a_pki())
    assert (status.intact, status.trusted, status.timestamp_validity.trusted) == (
        True, True, True)
    detail = document.signature_detail
    assert detail["timestamp"] == status.timestamp_validity.timestamp.isoformat()
    assert "TSA PRUEBAS" in detail["tsa"]
    # (pyHanko also asks for a token over dummy data, to size the signature.)
    assert {entry.status for entry in tsa.log} == {"granted"}


def test_a_timestamp_authority_that_refuses_leaves_the_seal_without_timestamp(
        sello_a, tsa, province, in_a):
    tsa.faults.add("refuse")
    document = services.issue_rendered(kinds.VOLANTE_INDIVIDUAL.code, "documentos/pdf/base.html",
                                       {}, title="Volante de empadronamiento", issuer=None)
    assert document.is_sealed
    assert document.signature_detail["timestamp"] is None
    assert "autoridad de sellado de tiempo" in document.signature_detail["timestamp_error"]
    status = pyhanko_status(document.file.read(), sello_a_pki())
    assert (status.intact, status.trusted, status.timestamp_validity) == (True, True, None)
    assert {entry.status for entry in tsa.log} == {"rejection:time_not_available"}


def test_where_a_timestamp_is_required_a_refusing_authority_issues_nothing(
        sello_a, tsa, province, in_a, settings):
    settings.SIGNING_TSA_REQUIRED = True
    tsa.faults.add("refuse")
    with pytest.raises(services.SigningFailed) as failure:
        services.issue_rendered(kinds.VOLANTE_INDIVIDUAL.code, "documentos/pdf/base.html", {},
                                title="Volante de empadronamiento", issuer=None)
    assert "autoridad de sellado de tiempo" in failure.value.message
    assert IssuedDocument.objects.count() == 0
    assert stored_files(province, province.a) == []


def test_the_sedes_diligencia_that_cannot_be_sealed_answers_503_and_is_not_kept(
        sello_of, province, in_a):
    from django.utils import timezone

    from sede.models import Edicto

    sello_of("expired")
    now = timezone.now()
    edicto = Edicto.objects.create(title="Aprobación del presupuesto", body="Texto",
                                   publish_from=now - datetime.timedelta(days=30),
                                   publish_until=now - datetime.timedelta(days=1))
    connection.set_schema_to_public()
    response = Client(HTTP_HOST=HOST_A).get(f"/sede/tablon/{edicto.pk}/diligencia/")
    assert response.status_code == 503
    body = html.unescape(response.content.decode())
    assert "No se ha expedido el documento: no se ha podido sellar con el sello de órgano" \
        in body
    with schema_context(province.a.schema_name):
        edicto.refresh_from_db()
        assert edicto.diligencia_id is None
        assert IssuedDocument.objects.count() == 0


def test_the_citizens_volante_at_the_sede_says_why_it_was_not_issued(sello_of, province,
                                                                    callejero, ctx):
    from tests.sede.conftest import citizen

    sello_of("revoked")
    alta(callejero, ctx, fecha=D(2020, 3, 1))
    connection.set_schema_to_public()
    response = citizen().post("/sede/carpeta/volante/", follow=True)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "No se ha expedido el documento: no se ha podido sellar con el sello de órgano" \
        in body
    assert "está revocado desde el" in body
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.count() == 0


def test_the_acuse_job_fails_with_the_reason_and_sends_nothing(sello_of, province, mailoutbox):
    from provincial import jobs
    from provincial.choices import JobState
    from provincial.models import Job
    from registro import services as registro
    from sede.tasks import ACUSE_JOB
    from tests.registro.conftest import datos

    sello_of("expired")
    with schema_context(province.a.schema_name):
        asiento = registro.registrar(**datos(canal="presencial"), acting_user=province.clerk_a)
    # Its last attempt: a temporary failure (the sello may be renewed, the TSA come back)
    # is retried while attempts remain, then the job fails with the reason.
    job = Job.objects.create(kind=ACUSE_JOB, entity=province.a, queue="default",
                             payload={"asiento": asiento.pk, "email": "lucia@example.org"},
                             max_attempts=1)
    assert jobs.run(job.pk) == JobState.FAILED
    job.refresh_from_db()
    assert job.error.startswith("No se ha expedido el documento: no se ha podido sellar")
    assert mailoutbox == []
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.count() == 0
