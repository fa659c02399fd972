"""The código seguro de verificación of the documents of an expediente (art. 27.3.a Ley
39/2015, art. 42 Ley 40/2015): a draft frozen to PDF gets a CSV of its own, printed in the
footer with the verification address; once signed in the portafirmas it verifies at the
sede of its entity (title, state, signatures, the current signed bytes), nowhere else; a
draft prints none and never verifies; an annulled resolution verifies saying so; issued
documents verify as before."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from pypdf import PdfReader

from expedientes import documentos, libro, portafirmas
from expedientes.choices import EstadoDocumento, TipoDocumental
from expedientes.models import Documento
from provincial.documents import services as documents
from provincial.models import AuditEvent
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.conftest import make_documento
from tests.expedientes.test_portafirmas_certificados import fast_keys, make_cast, read
from tests.sede.conftest import pdf_bytes

VERIFICAR = "/sede/verificar/"
DESCARGA = "/sede/verificar/documento/"


@pytest.fixture
def cast(province, in_a, settings):
    fast_keys(settings)
    return make_cast(province)


def _plantilla(expediente, code: str):
    return expediente.procedimiento.plantillas.get(code=code)


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _compact(text: str) -> str:
    # pypdf may break a long line (the URL) where the footer wraps it.
    return "".join(text.split())


def _resolucion(expediente, user):
    return documentos.generar(expediente, _plantilla(expediente, "resolucion"),
                              acting_user=user)


def _firmar(cast, documento, circuito=None) -> Documento:
    peticion = portafirmas.enviar_a_firma(documento, circuito or cast.tres,
                                          acting_user=cast.tecnico)
    users = {u.pk: u for u in (cast.alcalde, cast.secretario, cast.tecnico)}
    for firmante in peticion.firmantes.order_by("orden", "pk"):
        portafirmas.firmar(firmante, acting_user=users[firmante.user_id])
    documento.refresh_from_db()
    return documento


# --- the CSV printed when frozen ---------------------------------------------------------


def test_congelar_gives_a_csv_printed_in_the_footer_with_the_verification_url(
        expediente, province):
    draft = _resolucion(expediente, province.clerk_a)
    assert draft.csv == ""
    borrador_text = _text(documentos.pdf_borrador(draft))
    assert "CSV" not in borrador_text
    assert "/sede/verificar/" not in _compact(borrador_text)

    frozen = documentos.congelar(draft, acting_user=province.clerk_a)
    frozen.refresh_from_db()
    assert documents.normalize_csv(frozen.csv) == frozen.csv  # the issued documents' format
    content = read(frozen)
    assert hashlib.sha256(content).hexdigest() == frozen.sha256_original == frozen.sha256
    text = _compact(_text(content))
    assert frozen.csv in text
    base = documents.verification_base_url(province.a)
    assert base == "http://agost.localhost/sede/verificar/" or base.endswith(
        "agost.localhost/sede/verificar/")
    assert _compact(base) in text
    # The QR and the link hold the page with the code filled in.
    link = documents.verification_url(province.a, frozen.csv)
    annotations = [annotation.get_object()["/A"]["/URI"]
                   for page in PdfReader(io.BytesIO(content)).pages
                   for annotation in page.get("/Annots", [])
                   if "/A" in annotation.get_object()]
    assert link in annotations
    # Freezing again changes nothing, the CSV included.
    again = documentos.congelar(frozen, acting_user=province.clerk_a)
    assert again.csv == frozen.csv
    # The audit trail names the code only by its reference, never the code itself.
    event = AuditEvent.objects.get(action="expedientes.documento.congelacion",
                                   object_id=str(frozen.pk))
    assert event.detail["csv"] == documents.csv_reference(frozen.csv)
    assert frozen.csv not in str(event.detail)


def test_each_frozen_document_has_its_own_csv(expediente, province):
    one = documentos.congelar(_resolucion(expediente, province.clerk_a),
                              acting_user=province.clerk_a)
    other = documentos.congelar(
        documentos.generar(expediente, _plantilla(expediente, "informe-tecnico"),
                           acting_user=province.clerk_a), acting_user=province.clerk_a)
    assert one.csv
    assert other.csv
    assert one.csv != other.csv


def test_a_new_csv_avoids_codes_already_used_by_issued_documents(expediente, province,
                                                                  monkeypatch):
    issued = documents.issue("volante_individual", title="Volante", pdf_bytes=pdf_bytes(),
                             issuer=None, stamp=documents.new_stamp())
    taken = make_documento(expediente, "Otro", csv=documents.new_csv())
    fresh = documents.new_csv()
    codes = iter([issued.csv, taken.csv, fresh])
    monkeypatch.setattr(documents, "new_csv", lambda: next(codes))
    assert documentos.nuevo_csv() == fresh
    # Nothing but used codes: refused, in Spanish, rather than a duplicate.
    monkeypatch.setattr(documents, "new_csv", lambda: issued.csv)
    with pytest.raises(documentos.ExpedienteError, match="código seguro de verificación"):
        documentos.nuevo_csv()


def test_an_incorporated_document_gets_no_csv(expediente, province):
    documento = documentos.incorporar_fichero(
        expediente, "informe.pdf", pdf_bytes(), tipo_documental=TipoDocumental.INFORME,
        acting_user=province.clerk_a, origen="0")
    assert documento.estado == EstadoDocumento.INCORPORADO
    assert documento.csv == ""


# --- verification at the sede ------------------------------------------------------------


def test_a_signed_document_verifies_at_its_entitys_sede_only(cast, expediente):
    doc = _firmar(cast, documentos.congelar(_resolucion(expediente, cast.tecnico),
                                            acting_user=cast.tecnico))
    assert doc.estado == EstadoDocumento.FIRMADO
    signed = read(doc)
    assert doc.sha256 != doc.sha256_original
    # The signatures' visible stamps carry the CSV too (portafirmas passes it to pades).
    assert doc.csv in _compact(_text(signed))

    client = Client(HTTP_HOST=HOST_A)
    typed = doc.csv.lower().replace("-", " ")
    response = client.get(VERIFICAR, {"csv": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Documento auténtico" in body
    assert "Resolución de Alcaldía" in body  # the title
    assert "Firmado" in body
    assert doc.sha256 in body
    # The PAdES report: three signatures, valid, with their signers.
    assert "3 firmas electrónicas (PAdES)" in body
    for user in (cast.tecnico, cast.secretario, cast.alcalde):
        assert f"{user.get_full_name().upper()} - {user.nif}" in body
    assert body.count("<strong>Firma válida</strong>") == 3
    assert "Firma no válida" not in body
    # Never the expediente's code, its procedure or who asked.
    assert expediente.codigo not in body
    assert expediente.asunto not in body
    event = AuditEvent.objects.filter(action="sede.verificacion").latest("pk")
    assert (event.object_type, event.object_id) == ("expedientes.Documento", str(doc.pk))
    assert doc.csv not in event.object_repr

    download = client.get(DESCARGA, {"csv": doc.csv})
    assert download.status_code == 200
    assert download.content == signed
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]

    # Entity B's sede knows nothing of it: the answer of an unknown code.
    other = Client(HTTP_HOST=HOST_B)
    from_b = other.get(VERIFICAR, {"csv": doc.csv})
    assert from_b.status_code == 404
    assert "Resolución de Alcaldía" not in from_b.content.decode()
    download_b = other.get(DESCARGA, {"csv": doc.csv})
    assert download_b.status_code == 404
    assert b"%PDF" not in download_b.content
    # A code never given, and a malformed one: 404.
    assert client.get(VERIFICAR, {"csv": documents.new_csv()}).status_code == 404
    assert client.get(VERIFICAR, {"csv": "CSV-NOPE"}).status_code == 404
    assert client.get(DESCARGA, {"csv": documents.new_csv()}).status_code == 404


def test_a_document_not_yet_signed_does_not_verify(cast, expediente):
    doc = documentos.congelar(_resolucion(expediente, cast.tecnico), acting_user=cast.tecnico)
    client = Client(HTTP_HOST=HOST_A)
    assert client.get(VERIFICAR, {"csv": doc.csv}).status_code == 404  # frozen only
    portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)
    doc.refresh_from_db()
    assert doc.estado == EstadoDocumento.EN_FIRMA
    assert client.get(VERIFICAR, {"csv": doc.csv}).status_code == 404
    assert client.get(DESCARGA, {"csv": doc.csv}).status_code == 404
    with schema_context("public"):
        assert documents.verify_any(doc.csv) is None


def test_the_download_is_refused_when_the_stored_bytes_changed(cast, expediente):
    doc = _firmar(cast, documentos.congelar(_resolucion(expediente, cast.tecnico),
                                            acting_user=cast.tecnico))
    found = documents.verify_any(doc.csv)
    assert found is not None
    assert found.read() == read(doc)
    with doc.contenido.open("wb") as handle:
        handle.write(read(doc) + b"%tampered\n")
    with pytest.raises(documents.DocumentError):
        documents.verify_any(doc.csv).read()


def test_an_annulled_resolution_verifies_saying_so(cast, expediente):
    doc = _firmar(cast, documentos.congelar(_resolucion(expediente, cast.tecnico),
                                            acting_user=cast.tecnico), cast.decretos)
    resolucion = doc.resolucion
    libro.anular_resolucion(resolucion, "Se dictó sobre un expediente equivocado.",
                            acting_user=cast.secretario)
    response = Client(HTTP_HOST=HOST_A).get(VERIFICAR, {"csv": doc.csv})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Documento anulado." in body
    assert "Anulado" in body
    assert "Documento auténtico: coincide" not in body
    # The reason stays in the libro: the public page does not tell it.
    assert "expediente equivocado" not in body
    assert Client(HTTP_HOST=HOST_A).get(DESCARGA, {"csv": doc.csv}).content == read(doc)


def test_an_issued_document_still_verifies_as_before(province, db):
    with schema_context(province.a.schema_name):
        issued = documents.issue("volante_individual", title="Volante de empadronamiento",
                                 pdf_bytes=pdf_bytes(), issuer=None,
                                 stamp=documents.new_stamp(), subject_document="12345678Z")
        assert documents.verify(issued.csv) == issued
        assert documents.verify_any(issued.csv).obj == issued
    client = Client(HTTP_HOST=HOST_A)
    response = client.get(VERIFICAR, {"csv": issued.csv})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Documento auténtico: coincide con el expedido" in body
    assert "Volante de empadronamiento" in body
    assert "Expedido" in body
    download = client.get(DESCARGA, {"csv": issued.csv})
    assert hashlib.sha256(download.content).hexdigest() == issued.sha256
    event = AuditEvent.objects.filter(action="sede.verificacion").latest("pk")
    assert (event.object_type, event.object_id) == ("documentos.IssuedDocument",
                                                     str(issued.pk))
    assert event.subject_ref


def test_the_eni_document_of_a_signed_document_carries_its_pades_and_its_csv(cast, expediente):
    from lxml import etree

    from expedientes.eni import esquemas, validacion
    from expedientes.eni import expediente as eni_expediente
    from expedientes.eni.esquemas import NS_FIRMA, q
    from provincial.signing import base
    from tests import pki
    from tests.expedientes.eni_support import SelloDe

    doc = _firmar(cast, documentos.congelar(_resolucion(expediente, cast.tecnico),
                                            acting_user=cast.tecnico))
    with base.providers_override(sello=[SelloDe(cast.entity.schema_name)],
                                 trust=[pki._trust_provider]):
        expediente_xml, paquete = eni_expediente.exportar(expediente)
        xml = paquete[0][1]
        assert validacion.validate_documento(xml).errores == []
        assert validacion.validate_expediente(expediente_xml, [xml]).errores == []
    assert len(paquete) == 1
    xml = paquete[0][1]
    schema = esquemas.schema("documentoEni.xsd")
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    root = etree.fromstring(xml)
    # Signed in the portafirmas (TF06, inside the PDF) and verifiable by its CSV (TF01);
    # not sealed again by the export.
    assert [t.text for t in root.iter(q(NS_FIRMA, "TipoFirma"))] == ["TF06", "TF01"]
    assert root.find(f".//{q(NS_FIRMA, 'CSV')}").findtext(q(NS_FIRMA, "ValorCSV")) == doc.csv
