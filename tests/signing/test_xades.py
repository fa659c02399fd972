"""XAdES: enveloped, detached in the same document, the ENI TF03 placeholder and
Facturae's EPES policy; verified by our validation and by signxml itself."""

from __future__ import annotations

import pytest
from lxml import etree
from signxml import DigestAlgorithm
from signxml.xades import XAdESSignatureConfiguration, XAdESSignaturePolicy, XAdESVerifier

from provincial.signing import validation, xades
from provincial.signing.base import SigningError
from provincial.signing.validation import ValidationInputError
from tests.pki import identity

DS = "{http://www.w3.org/2000/09/xmldsig#}"
XADES = "{http://uri.etsi.org/01903/v1.3.2#}"
FACTURA = (b'<?xml version="1.0" encoding="UTF-8"?>'
           b'<fe:Facturae xmlns:fe="http://www.facturae.es/Facturae/2014/v3.2.2/Facturae">'
           b'<FileHeader Id="CABECERA"><SchemaVersion>3.2.2</SchemaVersion></FileHeader>'
           b'<Invoices Id="FACTURAS"><Invoice><InvoiceTotal>121.00</InvoiceTotal></Invoice>'
           b'</Invoices></fe:Facturae>')
INDICE = (b'<eniexp:expediente xmlns:eniexp="urn:ejemplo:expediente-e" '
          b'xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
          b'<eniexp:IndiceContenido Id="INDICE_CONTENIDO"><eniexp:Documento>doc-1'
          b'</eniexp:Documento></eniexp:IndiceContenido>'
          b'<eniexp:firmas><eniexp:firma><ds:Signature Id="FIRMA_INDICE"/></eniexp:firma>'
          b'</eniexp:firmas></eniexp:expediente>')


def _only(report):
    assert report.format == "XML"
    [signature] = report.signatures
    return signature


def test_enveloped_signature_validates_and_names_the_signer():
    uses = []
    signed = xades.sign_xml(FACTURA, identity("sello", on_use=uses.append))

    root = etree.fromstring(signed)
    signature = root[-1]
    assert signature.tag == f"{DS}Signature"
    references = signature.findall(f"{DS}SignedInfo/{DS}Reference")
    assert references[0].get("URI") == ""
    assert signature.find(f"{DS}SignedInfo/{DS}CanonicalizationMethod").get("Algorithm") == (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    assert signature.find(f".//{XADES}SigningCertificate/{XADES}Cert") is not None
    assert uses == ["XAdES documento"]

    report = validation.validate_xml(signed)
    item = _only(report)
    assert (item.intact, item.trusted, item.revoked, item.ok) == (True, True, False, True)
    assert item.coverage == "documento completo"
    assert item.signer.common_name == "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"
    assert item.signer.nif == "P0300500C"
    assert item.signing_time is not None
    assert [info.common_name for info in item.chain] == [
        "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST", "AC SECTOR PUBLICO PRUEBAS",
        "AC RAIZ PRUEBAS"]
    assert report.summary == "El documento tiene una firma electrónica válida."
    # signxml's own verifier agrees (three references: document, signed properties, key).
    results = XAdESVerifier().verify(
        signed, x509_cert=identity().certificate,
        expect_config=XAdESSignatureConfiguration(expect_references=3))
    assert len(results) == 3


def test_detached_signature_signs_an_element_beside_it():
    signed = xades.sign_xml(FACTURA, identity(), detached=True, reference_uri="#FACTURAS")

    root = etree.fromstring(signed)
    reference = root[-1].find(f"{DS}SignedInfo/{DS}Reference")
    assert reference.get("URI") == "#FACTURAS"
    # Beside what it signs, so no enveloped-signature transform.
    assert [transform.get("Algorithm") for transform in reference.iter(f"{DS}Transform")] == [
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"]
    assert _only(validation.validate_xml(signed)).ok
    assert _only(validation.validate_xml(signed)).coverage == "parcial"

    # Changing the header (not signed) keeps it valid; changing the invoices does not.
    assert validation.validate_xml(signed.replace(b"3.2.2</Schema", b"3.2.1</Schema")).ok
    tampered = _only(validation.validate_xml(signed.replace(b"121.00", b"12.00")))
    assert (tampered.intact, tampered.ok) == (False, False)
    assert tampered.problems[0].startswith("La firma no corresponde al contenido firmado")


def test_eni_index_is_signed_in_its_placeholder_keeping_its_id():
    signed = xades.sign_xml(INDICE, identity(), reference_uri="#INDICE_CONTENIDO",
                            placeholder_id="FIRMA_INDICE")
    root = etree.fromstring(signed)
    [signature] = root.iter(f"{DS}Signature")
    assert signature.get("Id") == "FIRMA_INDICE"
    assert signature.getparent().tag == "{urn:ejemplo:expediente-e}firma"
    assert len(signature.findall(f"{DS}SignedInfo/{DS}Reference")) == 3
    item = _only(validation.validate_xml(signed))
    assert (item.field_name, item.ok) == ("FIRMA_INDICE", True)

    tampered = _only(validation.validate_xml(signed.replace(b"doc-1", b"doc-2")))
    assert (tampered.intact, tampered.ok) == (False, False)


def test_facturae_policy_makes_it_epes():
    signed = xades.sign_xml(FACTURA, identity(), signature_policy=xades.FACTURAE_POLICY_V3_1)

    root = etree.fromstring(signed)
    policy = root.find(f".//{XADES}SignedProperties/{XADES}SignedSignatureProperties/"
                       f"{XADES}SignaturePolicyIdentifier/{XADES}SignaturePolicyId")
    assert policy.find(f"{XADES}SigPolicyId/{XADES}Identifier").text == (
        "http://www.facturae.es/politica_de_firma_formato_facturae/"
        "politica_de_firma_formato_facturae_v3_1.pdf")
    assert policy.find(f"{XADES}SigPolicyId/{XADES}Description").text == (
        "Política de Firma Facturae v3.1")
    assert policy.find(f"{XADES}SigPolicyHash/{DS}DigestMethod").get("Algorithm") == (
        "http://www.w3.org/2000/09/xmldsig#sha1")
    assert policy.find(f"{XADES}SigPolicyHash/{DS}DigestValue").text == (
        "Ohixl6upD6av8N7pEvDABhEL6hM=")
    # signxml checks the policy it is told to expect against what was signed.
    XAdESVerifier().verify(signed, x509_cert=identity().certificate,
                           expect_config=XAdESSignatureConfiguration(expect_references=3),
                           expect_signature_policy=XAdESSignaturePolicy(
                               Identifier=xades.FACTURAE_POLICY_V3_1["identifier"],
                               Description="Política de Firma Facturae v3.1",
                               DigestMethod=DigestAlgorithm.SHA1,
                               DigestValue="Ohixl6upD6av8N7pEvDABhEL6hM="))
    assert _only(validation.validate_xml(signed)).ok


@pytest.mark.parametrize(("name", "message"), [
    ("expired", "caducó el"),
    ("revoked", "está revocado desde el"),
    ("other_ca", "está emitido por una autoridad no reconocida"),
    ("wrong_usage", "no admite la firma electrónica"),
])
def test_certificates_that_must_not_sign_xml_are_refused(name, message):
    uses = []
    with pytest.raises(SigningError, match=message):
        xades.sign_xml(FACTURA, identity(name, on_use=uses.append))
    assert uses == []


def test_unchecked_signature_of_another_ca_is_intact_but_untrusted():
    signed = xades.sign_xml(FACTURA, identity("other_ca"), check_certificate=False)
    item = _only(validation.validate_xml(signed))
    assert (item.intact, item.trusted, item.ok) == (True, False, False)
    assert item.problems == ["La cadena de certificados no llega a una autoridad de "
                             "confianza."]


def test_unchecked_signature_with_a_revoked_certificate_is_reported_revoked():
    signed = xades.sign_xml(FACTURA, identity("revoked"), check_certificate=False)
    item = _only(validation.validate_xml(signed))
    assert (item.intact, item.revoked, item.ok) == (True, True, False)
    assert item.problems[0].startswith("El certificado del firmante está revocado desde el")


def test_xml_with_a_doctype_is_neither_signed_nor_validated():
    hostile = (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a Id="A">&x;</a>')
    with pytest.raises(SigningError, match="DOCTYPE o entidades"):
        xades.sign_xml(hostile, identity())
    with pytest.raises(ValidationInputError, match="DOCTYPE o entidades"):
        validation.validate_xml(hostile)
    with pytest.raises(ValidationInputError, match="DOCTYPE o entidades"):
        validation.validate(hostile, "factura.xml")


def test_references_must_name_elements_of_the_document():
    with pytest.raises(SigningError, match="ningún elemento con Id «OTRO»"):
        xades.sign_xml(FACTURA, identity(), detached=True, reference_uri="#OTRO")
    with pytest.raises(SigningError, match="necesita la referencia"):
        xades.sign_xml(FACTURA, identity(), detached=True)
    with pytest.raises(SigningError, match="único hueco de firma"):
        xades.sign_xml(FACTURA, identity(), placeholder_id="NO_HAY")


def test_unsigned_xml_reports_no_signature():
    report = validation.validate_xml(FACTURA)
    assert (report.signatures, report.ok) == ([], False)
    assert report.summary == "El documento no contiene ninguna firma electrónica."
