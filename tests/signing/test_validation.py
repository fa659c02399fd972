"""validate(): what is accepted, what is refused and how a report reads."""

from __future__ import annotations

import json

import pytest

from provincial.signing import pades, validation
from provincial.signing.validation import ValidationInputError
from tests.pki import identity


@pytest.mark.parametrize("data", [b"PK\x03\x04 un zip", b"texto plano", b"\x89PNG\r\n"])
def test_what_is_neither_pdf_nor_xml_is_refused_in_spanish(data):
    with pytest.raises(ValidationInputError) as refused:
        validation.validate(data, "subido.bin")
    assert str(refused.value) == ("«subido.bin» no es un PDF ni un XML: solo se validan firmas "
                                  "en documentos PDF (PAdES) y XML (XAdES).")


def test_empty_and_oversized_files_are_refused(monkeypatch):
    with pytest.raises(ValidationInputError, match="El fichero está vacío."):
        validation.validate(b"")
    monkeypatch.setattr(validation, "MAX_BYTES", 1024)
    with pytest.raises(ValidationInputError, match="el máximo que se valida es 0 MB"):
        validation.validate(b"%PDF-1.7" + b" " * 2048)


def test_damaged_pdf_and_malformed_xml_are_refused():
    with pytest.raises(ValidationInputError, match="El PDF está dañado o mal formado"):
        validation.validate(b"%PDF-1.7\n1 0 obj << /Type /Catalog")
    with pytest.raises(ValidationInputError, match="no está bien formado"):
        validation.validate(b"<a><b></a>")


def test_unsigned_pdf_gives_a_report_without_signatures(document_pdf):
    report = validation.validate(document_pdf, "volante.pdf")
    assert (report.format, report.signatures, report.ok) == ("PDF", [], False)
    assert report.summary == "El documento no contiene ninguna firma electrónica."


def test_report_as_dict_is_json_with_iso_dates(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity(), csv="ABCD-EFGH-JKLM")
    data = validation.validate(signed).as_dict()

    assert json.loads(json.dumps(data)) == data
    assert (data["format"], data["ok"]) == ("PDF", True)
    [signature] = data["signatures"]
    assert signature["ok"] is True
    assert signature["field_name"] == "SelloOrgano"
    assert signature["signer"]["nif"] == "P0300500C"
    assert signature["signing_time"][:4].isdigit()
    assert signature["signing_time"][10] == "T"
    assert signature["timestamp_time"] is None
    assert signature["summary"].startswith(
        "Firma válida de SELLO ELECTRONICO AYUNTAMIENTO DE AGOST, hecha el ")


def test_nothing_is_trusted_without_trust_material(document_pdf):
    """The test CA is trusted only through its provider: without it, the same signature
    is intact and untrusted."""
    from provincial.signing import base
    from tests import pki

    signed = pades.sign_pdf(document_pdf, identity())
    base.unregister_trust_provider(pki._trust_provider)
    try:
        [signature] = validation.validate(signed).signatures
    finally:
        base.register_trust_provider(pki._trust_provider)
    assert (signature.intact, signature.trusted, signature.ok) == (True, False, False)
    assert signature.problems == ["La cadena de certificados no llega a una autoridad de "
                                  "confianza."]
