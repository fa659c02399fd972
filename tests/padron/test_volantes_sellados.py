"""End to end: the provincial registration office issues entity A a sello de órgano from the
platform's local CA (certificados), a clerk of A issues a volante in the browser, the
volante is signed with that sello, and a citizen verifies it at A's sede. Nothing of the
test PKI: the certificate, its key, its CA and its CRL are the product's own."""

from __future__ import annotations

import hashlib
import html
import io

import pypdf
import pytest
from cryptography.x509.oid import NameOID
from django.db import connection
from django_tenants.utils import schema_context

from certificados import actions as certificados
from certificados import sellos
from certificados.choices import MotivoRevocacion
from provincial.documents import services
from provincial.documents.models import IssuedDocument
from provincial.models import AuditEvent
from provincial.signing import validation
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_volantes import household

pytestmark = pytest.mark.django_db


@pytest.fixture
def sello_local(province):
    sellos.forget()
    with schema_context("public"):
        certificado = certificados.issue_local_sello(province.a,
                                                     operator=province.provincial_admin)
    yield certificado
    sellos.forget()


def _issue(client, habitante) -> IssuedDocument:
    response = client.post(f"/gestion/padron/habitantes/{habitante.pk}/documentos/",
                           {"kind": "volante_convivencia", "fecha": "2022-06-01"})
    assert response.status_code == 302, response.content.decode()[:500]
    return IssuedDocument.objects.latest("issued_at")


def test_a_volante_is_sealed_by_the_local_sello_and_verifies_at_the_sede(
        callejero, ctx, province, client_for, sello_local):
    maria, *_others = household(callejero, ctx)
    clerk = client_for(province.clerk_a, HOST_A)
    document = _issue(clerk, maria)

    assert document.is_sealed
    assert document.signature == "Sello electrónico del Ajuntament d'Agost"
    assert int(document.signature_detail["certificate"]["serial"], 16) == int(sello_local.serial_hex, 16)
    content = document.file.read()
    assert hashlib.sha256(content).hexdigest() == document.sha256

    # pypdf reads the signature field; pyHanko's validator finds it intact and trusted
    # through the local CA's own trust material, the document unchanged since.
    fields = pypdf.PdfReader(io.BytesIO(content)).get_fields()
    assert fields["SelloOrgano"]["/FT"] == "/Sig"
    report = validation.validate_pdf(content)
    [signature] = report.signatures
    assert report.ok, report.summary
    assert (signature.intact, signature.trusted, signature.revoked) == (True, True, False)
    assert not signature.modified_after_signing
    assert int(signature.signer.serial, 16) == int(sello_local.serial_hex, 16)
    root = sellos.trust_material().roots[0]
    root_name = root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert root_name in [c.common_name for c in signature.chain]

    # The use of the key is audited against the certificate, in the public trail.
    connection.set_schema_to_public()
    uses = AuditEvent.objects.filter(action="certificados.sello.uso", object_id=str(sello_local.pk))
    assert uses.count() == 1
    # Named by a digest of the CSV, never the CSV (which fetches the document at the sede).
    purpose = uses.get().detail["purpose"]
    assert services.csv_reference(document.csv) in purpose
    assert document.csv not in purpose

    # A citizen verifies it at A's sede: the stored bytes' signature is shown.
    citizen = client_for(None, HOST_A)
    page = html.unescape(citizen.get("/sede/verificar/", {"csv": document.csv}).content.decode())
    assert "Sello electrónico del Ajuntament d'Agost" in page
    assert "El documento no ha cambiado desde que se firmó." in page
    assert "Sin sello." not in page
    # B's sede knows nothing of it.
    other = html.unescape(client_for(None, HOST_B).get("/sede/verificar/",
                                                       {"csv": document.csv}).content.decode())
    assert "Sello electrónico del Ajuntament d'Agost" not in other
    assert document.sha256 not in other


def test_once_the_sello_is_revoked_documents_say_plainly_they_carry_no_seal(
        callejero, ctx, province, client_for, sello_local):
    maria, *_others = household(callejero, ctx)
    clerk = client_for(province.clerk_a, HOST_A)
    sealed = _issue(clerk, maria)
    assert sealed.is_sealed

    with schema_context("public"):
        certificados.revocar(sello_local, MotivoRevocacion.CLAVE_COMPROMETIDA,
                             "Copia de la clave en un equipo robado.",
                             operator=province.provincial_admin)
        sello_local.refresh_from_db()
        assert sello_local.key_token == ""
        # The CRL the local CA publishes now lists the serial.
        crl = sellos.trust_material().crls
        assert any(crl_.get_revoked_certificate_by_serial_number(
            int(sello_local.serial_hex, 16)) is not None for crl_ in crl)

    with schema_context(province.a.schema_name):
        unsealed = _issue(clerk, maria)
        assert not unsealed.is_sealed
        reader = pypdf.PdfReader(io.BytesIO(unsealed.file.read()))
        text = " ".join(reader.pages[0].extract_text().split())
        assert "Este documento no lleva firma electrónica de órgano" in text
        assert "Documento firmado electrónicamente" not in text
        assert reader.get_fields() is None
        # The document sealed before the revocation now reports the revocation
        # (no trusted timestamp proves it was signed before).
        report = validation.validate_pdf(sealed.file.read())
        assert not report.ok
        assert report.signatures[0].revoked
