"""Issued documents: CSV codes, storage once with the hash, verification per entity."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
from collections import Counter

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from pypdf import PdfReader

from provincial import audit
from provincial.documents import kinds, services
from provincial.documents.models import UNSEALED, IssuedDocument
from provincial.documents.templatetags.documentos import fecha_larga
from provincial.models import AuditEvent

pytestmark = pytest.mark.django_db

# A minimal well-formed PDF, for the tests that do not read the document's text
# (rendering with WeasyPrint costs ~0.3 s each).
PLAIN_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
             b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
CSV_FORMAT = re.compile(r"^CSV(-[A-Z2-7]{4}){6}$")


def pdf_text(content: bytes) -> str:
    """The text of a PDF with its line breaks and runs of spaces as single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def link_uris(content: bytes) -> list[str]:
    """The URIs of the link annotations of a PDF, page by page."""
    uris = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation:
                uris.append(str(annotation["/A"]["/URI"]))
    return uris


@pytest.fixture
def in_a(province):
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


def plain_issue(province, **overrides) -> IssuedDocument:
    fields = {"title": "Volante de empadronamiento", "pdf_bytes": PLAIN_PDF,
              "issuer": province.clerk_a, "subject_document": "12345678Z",
              "subject_name": "María García López", "metadata": {"fecha": datetime.date(2026, 1, 2)}}
    return services.issue(kinds.VOLANTE_INDIVIDUAL.code, **(fields | overrides))


def test_a_rendered_document_prints_its_csv_and_is_stored_once_with_its_hash(in_a, province,
                                                                            settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "https", 0
    document = services.issue_rendered(
        kinds.VOLANTE_INDIVIDUAL.code, "documentos/pdf/base.html", {},
        title="Volante de empadronamiento", issuer=province.clerk_a,
        subject_document="12345678Z", subject_name="María García López")
    stored = document.file.read()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    assert document.size == len(stored)
    assert document.mime_type == "application/pdf"
    assert document.file.name == f"documentos/{province.a.schema_name}/{document.csv}.pdf"
    text = pdf_text(stored)
    assert document.csv in text
    assert "Ajuntament d'Agost" in text
    assert province.a.cif in text
    assert "Puede verificar este documento en https://agost.localhost/sede/verificar/" in text
    assert "no lleva firma electrónica de órgano" in text
    # The address and the QR code are links to the verification page with this CSV, the
    # address the QR code holds (the sede fills the form from ?csv=).
    # (The text link may be one annotation per line it spans.)
    uris = link_uris(stored)
    assert set(uris) == {f"https://agost.localhost/sede/verificar/?csv={document.csv}"}
    assert len(uris) >= 2
    assert (document.signature, document.is_sealed) == (UNSEALED, False)
    assert (document.issuer_id, document.issuer_name) == (province.clerk_a.pk, "Clerk Pruebas")
    event = AuditEvent.objects.get(action="documentos.documento.expedicion",
                                   object_id=str(document.pk))
    assert (event.object_id, event.entity, event.user) == (str(document.pk), province.a,
                                                           province.clerk_a)
    assert event.subject_ref == audit.subject_ref("12345678Z")
    # The CSV alone fetches the document from the sede: it never goes to the audit trail.
    assert document.csv not in f"{event.object_repr}{event.detail}"


def test_the_verification_url_is_the_entitys_sede_with_the_csv(in_a, settings):
    settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = "https", 0
    stamp = services.new_stamp()
    assert stamp.verification_url == f"https://agost.localhost/sede/verificar/?csv={stamp.csv}"
    assert stamp.qr.startswith("data:image/svg+xml")


def test_csv_codes_are_random_120_bit_and_not_sequential(in_a, province):
    codes = [services.new_csv() for _ in range(300)]
    assert all(CSV_FORMAT.match(code) for code in codes)
    assert len(set(codes)) == 300
    bodies = [code.replace("-", "")[3:] for code in codes]
    assert {len(body) for body in bodies} == {24}  # 24 × 5 bits = 120 bits
    # Every position takes (almost) every base32 symbol across 300 draws; a counter or a
    # timestamp would leave most positions fixed.
    for position in range(24):
        assert len(Counter(body[position] for body in bodies)) >= 24
    # Consecutive codes share no prefix beyond chance.
    assert max(len(_common_prefix(a, b)) for a, b in zip(bodies, bodies[1:], strict=False)) <= 4
    first, second = plain_issue(province), plain_issue(province)
    assert first.csv != second.csv
    assert len(_common_prefix(first.csv, second.csv)) < 10


def _common_prefix(a: str, b: str) -> str:
    prefix = ""
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        prefix += x
    return prefix


def test_verify_finds_a_document_only_in_the_schema_of_its_entity(in_a, province):
    document = plain_issue(province)
    assert services.verify(document.csv) == document
    # As a citizen may type it: lower case, spaces instead of dashes, zero for O.
    typed = document.csv.lower().replace("-", " ").replace("o", "0")
    assert services.verify(typed) == document
    assert services.verify("CSV-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA") is None
    assert services.verify("not a code") is None
    with schema_context(province.b.schema_name):
        assert services.verify(document.csv) is None
    connection.set_schema_to_public()
    assert services.verify(document.csv) is None


def test_issued_documents_are_immutable_and_keep_their_metadata(in_a, province):
    document = plain_issue(province)
    document.refresh_from_db()
    assert document.metadata == {"fecha": "2026-01-02"}
    document.title = "Otro"
    with pytest.raises(ValueError, match="immutable"):
        document.save()


def test_only_pdf_bytes_of_a_known_kind_are_issued_and_never_in_the_public_schema(in_a,
                                                                                   province):
    with pytest.raises(services.DocumentError, match="not a PDF"):
        plain_issue(province, pdf_bytes=b"<html>")
    with pytest.raises(services.DocumentError, match="unknown document kind"):
        services.issue("inventado", title="X", pdf_bytes=PLAIN_PDF, issuer=None)
    connection.set_schema_to_public()
    with pytest.raises(services.DocumentError, match="no entity schema"):
        plain_issue(province)
    with schema_context(province.a.schema_name):
        assert not IssuedDocument.objects.exists()


def test_rendering_never_fetches_a_url_named_in_the_html():
    fetcher = services._url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("http://169.254.169.254/latest/meta-data/")
    assert fetcher("data:text/plain,hola").read() == b"hola"


def test_issue_dates_are_written_in_spanish():
    assert fecha_larga(datetime.date(2026, 11, 21)) == "21 de noviembre de 2026"
    assert fecha_larga(datetime.date(2027, 1, 1)) == "1 de enero de 2027"
