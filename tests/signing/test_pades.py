"""PAdES: signed with the test PKI's certificates, read back by pyHanko's validator and by
pypdf, refused where the certificate must not sign, and judged after changes."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ContentStream,
    DictionaryObject,
    NameObject,
    RectangleObject,
    TextStringObject,
)

from provincial.signing import pades, validation
from provincial.signing.base import (
    SigningError,
    TrustMaterial,
    register_trust_provider,
    unregister_trust_provider,
)
from provincial.signing.timestamps import TimestampError
from tests.pki import fresh_crl, identity


def _appearance_text(annotation) -> list[str]:
    """The strings the widget's appearance shows (Tj operands), through its XObjects."""
    return _shown_strings(annotation["/AP"]["/N"].get_object())


def _shown_strings(stream) -> list[str]:
    shown = [str(operands[0]) for operands, operator in
             ContentStream(stream, None).operations if operator == b"Tj"]
    for xobject in (stream.get("/Resources", {}).get("/XObject", {}) or {}).values():
        shown += _shown_strings(xobject.get_object())
    return shown


def test_sello_signature_is_intact_trusted_and_readable_by_pypdf(document_pdf):
    uses = []
    signed = pades.sign_pdf(document_pdf, identity("sello", on_use=uses.append),
                            csv="ABCD-EFGH-JKLM", reason="Expedición del volante",
                            location="Agost")

    # pyHanko's own validator, with the platform's trust.
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert len(embedded) == 1
    status = validate_pdf_signature(embedded[0],
                                    signer_validation_context=validation.validation_context())
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (
        True, True, True, True)
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded[0].sig_object["/Reason"] == "Expedición del volante"

    # pypdf: the same page, a signature field, and the stamp with the CSV on the last page.
    reader = PdfReader(io.BytesIO(signed))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(document_pdf)).pages) == 1
    fields = reader.get_fields()
    assert fields["SelloOrgano"]["/FT"] == "/Sig"
    widgets = [annotation.get_object() for annotation in reader.pages[-1]["/Annots"]
               if annotation.get_object()["/Subtype"] == "/Widget"]
    assert len(widgets) == 1
    lines = _appearance_text(widgets[0])
    # Wrapped to the half strip (64 Courier characters of 6 pt).
    assert lines[0] == "Firmado electrónicamente por Sello electrónico del Ayuntamiento"
    assert lines[1] == "de Agost"
    assert lines[2].startswith("Fecha: ")
    assert lines[2].endswith(" (hora peninsular)")
    assert lines[3] == "CSV: ABCD-EFGH-JKLM"
    assert len(lines) == 4
    left, bottom, right, top = (float(value) for value in widgets[0]["/Rect"])
    # In the strip below the footer: from 3 mm to 15 mm above the page's bottom edge.
    assert (round(bottom, 1), round(top, 1)) == (8.5, 42.5)
    assert round(left, 1) == 56.7
    assert right < 297.6
    # The key's owner is told the field, never the CSV (which fetches the document).
    assert uses == ["PAdES SelloOrgano"]

    report = validation.validate_pdf(signed)
    assert report.ok
    [signature] = report.signatures
    assert signature.signer.common_name == "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"
    assert signature.signer.nif == "P0300500C"
    assert [info.common_name for info in signature.chain] == [
        "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST", "AC SECTOR PUBLICO PRUEBAS",
        "AC RAIZ PRUEBAS"]
    assert signature.coverage == "documento completo"
    assert signature.timestamp_time is None
    assert signature.signing_time is not None
    assert signature.problems == []


def test_timestamped_signature_carries_the_tsa_time_and_validation_data(document_pdf, tsa):
    pades.sign_pdf(document_pdf, identity(), csv="ABCD-EFGH-JKLM")
    asked_before = len(tsa.log)
    signed = pades.sign_pdf(document_pdf, identity(), csv="ABCD-EFGH-JKLM")

    # One request per signature (pyHanko's sizing sample is asked once per client).
    assert [entry.status for entry in tsa.log[asked_before:]] == ["granted"]
    assert tsa.log[-1].content_type == "application/timestamp-query"
    assert tsa.log[-1].hash_algorithm == "sha256"
    report = validation.validate_pdf(signed)
    [signature] = report.signatures
    assert signature.ok, signature.problems
    assert signature.timestamp_time is not None
    assert abs((signature.timestamp_time - signature.signing_time).total_seconds()) < 60
    # B-LT: the document security store holds the chains and the CRL.
    reader = PdfReader(io.BytesIO(signed))
    dss = reader.trailer["/Root"]["/DSS"]
    assert len(dss["/Certs"]) >= 3
    assert len(dss["/CRLs"]) == 1
    # The signature itself was not disturbed by the DSS revision after it.
    assert signature.coverage == "revisión completa, con cambios posteriores"
    assert not signature.modified_after_signing


def test_an_unreachable_tsa_refuses_to_sign(document_pdf, settings):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"
    uses = []
    with pytest.raises(TimestampError, match="No se pudo contactar con la autoridad de sellado"):
        pades.sign_pdf(document_pdf, identity("sello", on_use=uses.append))
    assert uses == []


@pytest.mark.parametrize(("name", "message"), [
    ("expired", "«SELLO ELECTRONICO CADUCADO AGOST» caducó el"),
    ("revoked", "«SELLO ELECTRONICO REVOCADO AGOST» está revocado desde el"),
    ("other_ca", "está emitido por una autoridad no reconocida (CN=AC OTRA RAIZ PRUEBAS"),
    ("wrong_usage", "no admite la firma electrónica (su uso de clave no incluye firma digital"),
])
def test_certificates_that_must_not_sign_are_refused(document_pdf, name, message):
    uses = []
    with pytest.raises(SigningError) as refused:
        pades.sign_pdf(document_pdf, identity(name, on_use=uses.append), csv="X")
    assert message in str(refused.value)
    assert uses == []


def test_a_certificate_unknown_to_the_platform_signs_unchecked_but_does_not_validate(
        document_pdf):
    signed = pades.sign_pdf(document_pdf, identity("other_ca"), check_certificate=False)
    [signature] = validation.validate_pdf(signed).signatures
    assert (signature.intact, signature.trusted, signature.ok) == (True, False, False)
    assert signature.problems == ["La cadena de certificados no llega a una autoridad de "
                                  "confianza."]
    assert [info.common_name for info in signature.chain] == [
        "SELLO ELECTRONICO OTRA AC AGOST", "AC OTRA RAIZ PRUEBAS"]


def test_a_revoked_certificate_is_reported_revoked(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity("revoked"), check_certificate=False)
    [signature] = validation.validate_pdf(signed).signatures
    assert (signature.intact, signature.revoked, signature.trusted, signature.ok) == (
        True, True, False, False)
    assert signature.problems[0].startswith("El certificado del firmante está revocado desde")


def test_two_incremental_signatures_both_validate(document_pdf):
    first = pades.sign_pdf(document_pdf, identity(), csv="ABCD-EFGH-JKLM")
    second = pades.sign_pdf(first, identity(), csv="ABCD-EFGH-JKLM")

    assert second.startswith(first)
    report = validation.validate_pdf(second)
    assert [signature.field_name for signature in report.signatures] == [
        "SelloOrgano", "SelloOrgano-2"]
    assert [signature.ok for signature in report.signatures] == [True, True]
    assert [signature.coverage for signature in report.signatures] == [
        "revisión completa, con cambios posteriores", "documento completo"]
    assert report.ok
    assert report.summary == "El documento tiene 2 firmas electrónicas válidas."
    # The second stamp takes the other half of the strip.
    widgets = [annotation.get_object() for annotation in
               PdfReader(io.BytesIO(second)).pages[-1]["/Annots"]]
    rects = sorted(float(widget["/Rect"][0]) for widget in widgets)
    assert rects[0] < 297.6 < rects[1]


def test_a_changed_byte_in_the_signed_range_breaks_integrity(document_pdf):
    signed = bytearray(pades.sign_pdf(document_pdf, identity()))
    position = signed.index(b"/Producer")
    signed[position + 1] = ord("Q")

    report = validation.validate_pdf(bytes(signed))
    [signature] = report.signatures
    assert (signature.intact, signature.ok, report.ok) == (False, False, False)
    assert signature.problems[0].startswith("La firma no corresponde al contenido firmado")
    assert report.summary == "La firma del documento no es válida."


def test_text_added_to_a_page_after_signing_is_detected(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity())
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = writer.add_object(generic.StreamObject(
        stream_data=b"BT /Helv 30 Tf 100 500 Td (ANULADO) Tj ET"))
    writer.add_stream_to_page(0, stream)
    output = io.BytesIO()
    writer.write(output)

    [signature] = validation.validate_pdf(output.getvalue()).signatures
    assert signature.intact
    assert (signature.modified_after_signing, signature.ok) == (True, False)
    assert signature.coverage == "revisión completa, con cambios posteriores"
    assert "El documento se ha modificado después de esta firma." in signature.problems


def test_an_annotation_added_after_signing_is_detected(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity())
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_annotation(0, DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): RectangleObject([100, 100, 120, 120]),
        NameObject("/Contents"): TextStringObject("Añadido después"),
    }))
    output = io.BytesIO()
    writer.write(output)
    assert output.getvalue().startswith(signed)

    [signature] = validation.validate_pdf(output.getvalue()).signatures
    assert signature.intact
    assert (signature.modified_after_signing, signature.ok) == (True, False)


def test_an_invisible_signature_has_no_stamp(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity(), visible=False, field_name="Firma")
    reader = PdfReader(io.BytesIO(signed))
    widget = reader.pages[-1]["/Annots"][0].get_object()
    assert [float(value) for value in widget["/Rect"]] == [0, 0, 0, 0]
    assert validation.validate_pdf(signed).ok


def test_a_file_that_is_not_a_pdf_is_not_signed():
    with pytest.raises(SigningError, match="no es un PDF legible"):
        pades.sign_pdf(b"%PDF-1.7 nada", identity())


def test_a_certificate_expired_at_signing_time_is_reported(document_pdf):
    signed = pades.sign_pdf(document_pdf, identity("expired"), check_certificate=False)
    [signature] = validation.validate_pdf(signed).signatures
    assert (signature.intact, signature.expired_at_signing, signature.trusted) == (
        True, True, False)
    assert signature.problems[0].startswith("El certificado del firmante había caducado (el ")


def test_a_timestamp_keeps_a_signature_valid_after_the_certificate_expires(document_pdf,
                                                                          settings, tsa):
    import datetime as dt

    import time_machine

    timestamped = pades.sign_pdf(document_pdf, identity())
    settings.SIGNING_TSA_URL = ""
    untimestamped = pades.sign_pdf(document_pdf, identity())

    # Three years on, the sello (valid two years) has expired; the TSA's certificate has not,
    # and the CA publishes a current CRL.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3 * 365)

    def current_crl():
        return TrustMaterial(crls=(fresh_crl(later),))

    register_trust_provider(current_crl)
    try:
        with time_machine.travel(later, tick=False):
            [proven] = validation.validate_pdf(timestamped).signatures
            [unproven] = validation.validate_pdf(untimestamped).signatures
    finally:
        unregister_trust_provider(current_crl)
    assert (proven.ok, proven.expired_at_signing) == (True, False), proven.problems
    assert (unproven.intact, unproven.trusted, unproven.ok) == (True, False, False)
    assert unproven.problems[0].startswith("El certificado del firmante no está vigente")
    assert unproven.problems[0].endswith("y no hay sello de tiempo que pruebe que se firmó "
                                         "cuando lo estaba.")


def test_an_empty_signature_field_of_the_document_is_filled_with_the_stamp(document_pdf):
    from pyhanko.sign import fields

    writer = IncrementalPdfFileWriter(io.BytesIO(document_pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(
        "FirmaAlcalde", on_page=0, box=(300, 600, 540, 640)))
    prepared = io.BytesIO()
    writer.write(prepared)

    signed = pades.sign_pdf(prepared.getvalue(), identity(), csv="ABCD-EFGH-JKLM",
                            field_name="FirmaAlcalde")
    reader = PdfReader(io.BytesIO(signed))
    [widget] = [annotation.get_object() for annotation in reader.pages[0]["/Annots"]]
    assert [float(value) for value in widget["/Rect"]] == [300, 600, 540, 640]
    assert _appearance_text(widget)[-1] == "CSV: ABCD-EFGH-JKLM"
    [signature] = validation.validate_pdf(signed).signatures
    assert (signature.field_name, signature.ok) == ("FirmaAlcalde", True)
