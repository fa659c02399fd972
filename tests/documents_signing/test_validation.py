"""Signature validation at the sede (/sede/validar-firma/) and in the API
(POST /api/v1/firma/validar/): a signed PDF or XML gets its report in Spanish; a tampered
one, one changed after signing, an unsigned one, a file that is neither, an XML with
entities and a file too large get the precise reason (4xx in the API); anonymous use is
rate-limited; nothing uploaded is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from provincial.documents import kinds, services
from provincial.documents.models import IssuedDocument
from tests import pki
from tests.conftest import HOST_A, HOST_B
from tests.documents_signing.test_verification import page_text
from tests.service_accounts import service_client

pytestmark = pytest.mark.django_db

PAGE = "/sede/validar-firma/"
API = "/api/v1/firma/validar/"
XML_WITH_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x "xxxxxxxx">]>\n'
                   b"<r>&x;&x;&x;</r>")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _unsigned_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


UNSIGNED_PDF = _unsigned_pdf()


@pytest.fixture
def signed(sello_a, province) -> bytes:
    with schema_context(province.a.schema_name):
        document = services.issue_rendered(kinds.VOLANTE_INDIVIDUAL.code,
                                           "documentos/pdf/base.html", {},
                                           title="Volante de empadronamiento", issuer=None)
        return document.file.read()


def tampered(content: bytes) -> bytes:
    """The same bytes with one signed byte changed (the title in the document info)."""
    changed = content.replace(b"Volante de empadronamiento", b"Volante de empadronamientO", 1)
    assert changed != content
    assert len(changed) == len(content)
    return changed


def changed_after_signing(content: bytes) -> bytes:
    """An incremental update after the signature that adds text to the page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    stream = writer.add_object(generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 100 400 Td (Texto nuevo) Tj ET"))
    writer.add_stream_to_page(0, stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def signed_xml() -> bytes:
    """An XML signed (enveloped XMLDSig) with the test PKI's sello, its chain in KeyInfo."""
    from cryptography.hazmat.primitives.serialization import Encoding
    from signxml import XMLSigner

    issued = pki.pki().certs["sello"]
    root = etree.fromstring(b"<solicitud><asunto>Licencia de obra menor</asunto></solicitud>")
    certs = [cert.public_bytes(Encoding.PEM).decode()
             for cert in (issued.certificate, *issued.chain)]
    signed_root = XMLSigner().sign(root, key=issued.private_key, cert=certs)
    return etree.tostring(signed_root, xml_declaration=True, encoding="UTF-8")


def media_files() -> list[Path]:
    return sorted(p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()) \
        if Path(django_settings.MEDIA_ROOT).exists() else []


def post_page(client: Client, name: str, content: bytes):
    response = client.post(PAGE, {"fichero": SimpleUploadedFile(name, content)})
    return response.status_code, page_text(response.content.decode())


def test_the_page_reports_a_signed_pdf(signed, province):
    before = media_files()
    status, text = post_page(Client(HTTP_HOST=HOST_A), "volante.pdf", signed)
    assert status == 200
    assert "Resultado de la validación de «volante.pdf»" in text
    assert "El documento tiene una firma electrónica válida." in text
    assert "Firmante SELLO ELECTRONICO AYUNTAMIENTO DE AGOST NIF P0300500C" in text
    assert "El documento no ha cambiado desde que se firmó." in text
    assert "Emitido por una autoridad de confianza" in text
    assert "AC RAIZ PRUEBAS" in text
    # Nothing uploaded is kept.
    assert media_files() == before
    with schema_context(province.a.schema_name):
        assert IssuedDocument.objects.count() == 1


def test_the_page_reports_a_tampered_pdf_and_one_changed_after_signing(signed):
    client = Client(HTTP_HOST=HOST_A)
    status, text = post_page(client, "alterado.pdf", tampered(signed))
    assert status == 200
    assert "La firma del documento no es válida." in text
    assert "La firma no corresponde al contenido: el documento o la firma se han alterado." \
        in text
    # The chain was not judged (the signature does not match): not "untrusted".
    assert "No se ha comprobado: la firma no corresponde al contenido." in text
    assert "No se ha podido comprobar que sea de una autoridad de confianza" not in text
    status, text = post_page(client, "modificado.pdf", changed_after_signing(signed))
    assert status == 200
    assert "La firma del documento no es válida." in text
    assert "La firma es íntegra, pero el documento se ha modificado después de firmarse." \
        in text
    assert "El documento se ha modificado después de esta firma." in text


def metadata_changed_after_signing(content: bytes) -> bytes:
    """An incremental update after the signature that only changes the document's title."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(PdfReader(io.BytesIO(content)), incremental=True)
    writer.add_metadata({"/Title": "Otro título"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_change_of_metadata_after_signing_is_not_called_unchanged(signed):
    """pyHanko does not count a new title as a modification; the page must not say the
    file is as signed either."""
    status, text = post_page(Client(HTTP_HOST=HOST_A), "titulo.pdf",
                             metadata_changed_after_signing(signed))
    assert status == 200
    assert "El documento no ha cambiado desde que se firmó." not in text
    assert "Lo firmado no ha cambiado. Después de esta firma se añadieron al fichero otras " \
        "firmas, datos de validación o metadatos (título, autor), que no alteran el " \
        "contenido firmado." in text


@pytest.mark.parametrize(("name", "content", "message"), [
    ("sin-firma.pdf", UNSIGNED_PDF, "El documento no contiene ninguna firma electrónica."),
    ("imagen.pdf", PNG, "«imagen.pdf» no es un PDF ni un XML: solo se validan firmas en "
                        "documentos PDF (PAdES) y XML (XAdES)."),
    ("entidades.xml", XML_WITH_ENTITY, "El XML declara un DOCTYPE o entidades; por seguridad "
                                       "no se admiten."),
])
def test_the_page_refuses_what_it_cannot_validate_saying_why(name, content, message,
                                                             trusted_pki):
    status, text = post_page(Client(HTTP_HOST=HOST_A), name, content)
    assert status == 400
    assert message in text
    assert "Resultado de la validación" not in text


def test_the_page_reports_a_signed_xml(trusted_pki):
    status, text = post_page(Client(HTTP_HOST=HOST_A), "solicitud.xml", signed_xml())
    assert status == 200
    assert "El documento tiene una firma electrónica válida." in text
    assert "Firmante SELLO ELECTRONICO AYUNTAMIENTO DE AGOST" in text
    assert "El contenido firmado no ha cambiado desde que se firmó." in text


def test_anonymous_validation_is_rate_limited_but_not_a_members(settings, province,
                                                                 client_for, trusted_pki):
    settings.SEDE_SIGNATURE_VALIDATION_RATE = 2
    anonymous = Client(HTTP_HOST=HOST_A)
    statuses = [post_page(anonymous, "x.pdf", UNSIGNED_PDF)[0] for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert anonymous.get(PAGE).status_code == 200
    clerk = client_for(province.clerk_a, HOST_A)
    assert [post_page(clerk, "x.pdf", UNSIGNED_PDF)[0] for _ in range(3)] == [400] * 3


@pytest.mark.parametrize("extra", [1, 100 * 1024])
def test_the_page_refuses_a_file_too_large(trusted_pki, extra):
    """Just over the limit (read, then refused) and well over it (refused unread)."""
    from provincial.signing import validation

    body = b"%PDF-1.4\n" + b"0" * (validation.MAX_BYTES + extra)
    status, text = post_page(Client(HTTP_HOST=HOST_A), "grande.pdf", body)
    assert status == 413
    assert "El fichero es demasiado grande: el máximo que se valida es 20 MB." in text


def test_the_page_needs_the_csrf_token(signed):
    client = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    response = client.post(PAGE, {"fichero": SimpleUploadedFile("v.pdf", signed)})
    assert response.status_code == 403
    page = client.get(PAGE)
    token = page.cookies["csrftoken"].value
    response = client.post(PAGE, {"fichero": SimpleUploadedFile("v.pdf", signed),
                                  "csrfmiddlewaretoken": token})
    assert response.status_code == 200


# --- API ------------------------------------------------------------------------------


@pytest.fixture
def api(province):
    return service_client(province, province.a, HOST_A, ["sede"], name="Validador")


def test_the_api_answers_the_report_of_a_signed_pdf(api, signed):
    response = api.post(API, {"fichero": SimpleUploadedFile("volante.pdf", signed)})
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["format"], report["ok"], report["summary"]) == (
        "PDF", True, "El documento tiene una firma electrónica válida.")
    [signature] = report["signatures"]
    assert signature["field_name"] == "SelloOrgano"
    assert signature["signer"]["common_name"] == "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"
    assert signature["signer"]["nif"] == pki.NIF_AGOST
    assert [c["common_name"] for c in signature["chain"]] == [
        "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST", "AC SECTOR PUBLICO PRUEBAS",
        "AC RAIZ PRUEBAS"]
    assert (signature["intact"], signature["trusted"], signature["revoked"],
            signature["modified_after_signing"], signature["ok"]) == (
        True, True, False, False, True)
    assert signature["timestamp_time"] is None
    assert signature["signing_time"].startswith("20")


def test_the_api_reports_what_changed_and_refuses_bad_input_with_4xx(api, signed):
    modified = api.post(API, {"fichero": SimpleUploadedFile("m.pdf",
                                                            changed_after_signing(signed))})
    assert modified.status_code == 200
    assert (modified.json()["ok"], modified.json()["signatures"][0]["modified_after_signing"]) \
        == (False, True)
    for name, content, message in [
            ("sin-firma.pdf", UNSIGNED_PDF, "El documento no contiene ninguna firma electrónica."),
            ("texto.txt", b"hola", "«texto.txt» no es un PDF ni un XML"),
            ("e.xml", XML_WITH_ENTITY, "El XML declara un DOCTYPE o entidades")]:
        response = api.post(API, {"fichero": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, name
        assert response.json()["fichero"][0].startswith(message), name
    missing = api.post(API, {})
    assert missing.status_code == 400
    assert list(missing.json()) == ["fichero"]


@pytest.mark.parametrize("extra", [1, 100 * 1024])
def test_the_api_refuses_a_file_too_large_with_413(api, extra):
    from provincial.signing import validation

    body = b"%PDF-1.4\n" + b"0" * (validation.MAX_BYTES + extra)
    response = api.post(API, {"fichero": SimpleUploadedFile("grande.pdf", body)})
    assert response.status_code == 413
    assert response.json() == {
        "detail": "El fichero es demasiado grande: el máximo que se valida es 20 MB."}


def test_the_api_is_for_members_and_accounts_of_the_entity(province, signed, client_for):
    anonymous = Client(HTTP_HOST=HOST_A).post(API, {"fichero": SimpleUploadedFile("v.pdf",
                                                                                  signed)})
    assert anonymous.status_code in (401, 403)
    of_b = service_client(province, province.b, HOST_B, ["sede"])
    # B's token on A's host is not a credential there.
    other_host = Client(HTTP_HOST=HOST_A, HTTP_AUTHORIZATION=f"Bearer {of_b.token}")
    assert other_host.post(API, {"fichero": SimpleUploadedFile("v.pdf", signed)}
                           ).status_code == 401
    member = client_for(province.clerk_a, HOST_A)
    response = member.post(API, {"fichero": SimpleUploadedFile("v.pdf", signed)})
    assert (response.status_code, response.json()["ok"]) == (200, True)


def test_the_schema_describes_the_operation(province, client_for):
    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/firma/validar/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "413", "429"}
    report = schema["components"]["schemas"]["InformeFirma"]
    assert set(report["properties"]) == {"format", "ok", "summary", "signatures"}


# --- back office ----------------------------------------------------------------------


def test_the_sedes_clerks_validate_in_the_back_office(signed, province, client_for):
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get("/gestion/sede/").content.decode().count(
        'href="/gestion/sede/validar-firma/"') == 1
    response = clerk.post("/gestion/sede/validar-firma/",
                          {"fichero": SimpleUploadedFile("volante.pdf", signed)})
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert "Resultado de la validación de «volante.pdf»" in text
    assert "Firmante SELLO ELECTRONICO AYUNTAMIENTO DE AGOST" in text
    refused = clerk.post("/gestion/sede/validar-firma/",
                         {"fichero": SimpleUploadedFile("e.xml", XML_WITH_ENTITY)})
    assert refused.status_code == 400
    assert "El XML declara un DOCTYPE o entidades" in page_text(refused.content.decode())


def test_the_back_office_page_is_only_for_the_sedes_users(signed, province, client_for):
    without_sede = client_for(province.shared_official, HOST_A)
    response = without_sede.post("/gestion/sede/validar-firma/",
                                 {"fichero": SimpleUploadedFile("v.pdf", signed)})
    assert response.status_code == 403
    anonymous = Client(HTTP_HOST=HOST_A).get("/gestion/sede/validar-firma/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/cuentas/")
