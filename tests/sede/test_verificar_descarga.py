"""The download of a verified document at the sede (/sede/verificar/documento/): its name
is encoded in Content-Disposition (quotes, non-ASCII letters and line breaks in a title
or an uploaded file's name never break or inject headers), only a PDF is shown inline,
anything else is an attachment, and nothing is sniffed."""

from __future__ import annotations

import hashlib
import re
import urllib.parse

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from expedientes.choices import EstadoDocumento
from provincial.documents import services as documents
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.conftest import make_documento, make_expediente, make_procedimiento
from tests.sede.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

DESCARGA = "/sede/verificar/documento/"
ONE_FILENAME = re.compile(r'(inline|attachment); filename(\*=utf-8\'\'[^;\s"]+'
                          r'|="(?:[^"\\\x00-\x1f]|\\.)*")')
AWKWARD = 'Informe "final"\r\nX-Inyectado: sí – año\\ñ; filename="otro.html"'


def download(csv: str, host: str = HOST_A):
    return Client(HTTP_HOST=host).get(DESCARGA, {"csv": csv})


def filename_of(response) -> str:
    """The name a browser takes from Content-Disposition (RFC 6266: filename* first)."""
    value = response["Content-Disposition"]
    if "filename*=utf-8''" in value:
        return urllib.parse.unquote(value.split("filename*=utf-8''", 1)[1])
    quoted = value.split('filename="', 1)[1]
    assert quoted.endswith('"')
    return quoted[:-1].replace('\\"', '"').replace("\\\\", "\\")


def assert_safe_headers(response, *, disposition: str) -> None:
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    value = response["Content-Disposition"]
    assert value.split(";", 1)[0] == disposition
    assert "\r" not in value
    assert "\n" not in value
    assert not response.has_header("X-Inyectado")
    # One parameter only, well formed: the awkward name did not add its own.
    assert ONE_FILENAME.fullmatch(value), value


@pytest.fixture
def in_a(province):
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


def _documento(**overrides):
    expediente = make_expediente(make_procedimiento())
    return make_documento(expediente, overrides.pop("titulo", "Informe"),
                          estado=EstadoDocumento.FIRMADO, csv=documents.new_csv(),
                          **overrides)


# --- an expediente's document ------------------------------------------------------------


def test_an_awkward_file_name_is_encoded_and_the_pdf_shown_inline(in_a):
    documento = _documento(titulo=AWKWARD, nombre_fichero=AWKWARD + ".pdf")
    connection.set_schema_to_public()
    response = download(documento.csv)
    assert_safe_headers(response, disposition="inline")
    assert response["Content-Type"] == "application/pdf"
    assert filename_of(response) == AWKWARD + ".pdf"  # the very name, non-ASCII included
    assert hashlib.sha256(response.content).hexdigest() == documento.sha256
    # Another entity's sede still knows nothing of it.
    assert download(documento.csv, HOST_B).status_code == 404


def test_an_awkward_title_without_a_file_name_gives_a_plain_name(in_a):
    documento = _documento(titulo=AWKWARD, nombre_fichero="")
    connection.set_schema_to_public()
    response = download(documento.csv)
    assert_safe_headers(response, disposition="inline")
    assert response["Content-Disposition"] == \
        'inline; filename="informe-final-x-inyectado-si-anon-filenameotrohtml.pdf"'


def test_a_document_that_is_not_a_pdf_is_an_attachment(in_a):
    content = b"<html><script>alert(document.cookie)</script></html>"
    documento = _documento(titulo="Plano", nombre_fichero='plano "v2".html',
                           mime_type="text/html", size=len(content), sha256=hashlib.sha256(
                               content).hexdigest(),
                           sha256_original=hashlib.sha256(content).hexdigest(),
                           content=content)
    connection.set_schema_to_public()
    response = download(documento.csv)
    assert_safe_headers(response, disposition="attachment")
    assert response["Content-Type"] == "text/html"
    assert response["Content-Disposition"] == 'attachment; filename="plano \\"v2\\".html"'
    assert filename_of(response) == 'plano "v2".html'
    assert response.content == content


def test_a_malformed_stored_mime_type_is_served_as_an_opaque_attachment(in_a):
    documento = _documento(mime_type="text/html\r\nX-Inyectado: 1", nombre_fichero="a.pdf")
    connection.set_schema_to_public()
    response = download(documento.csv)
    assert_safe_headers(response, disposition="attachment")
    assert response["Content-Type"] == "application/octet-stream"


# --- an issued document ------------------------------------------------------------------


def test_an_issued_pdf_with_an_awkward_title_is_shown_inline(province):
    with schema_context(province.a.schema_name):
        issued = documents.issue("volante_individual", title=AWKWARD, pdf_bytes=pdf_bytes(),
                                 issuer=None, stamp=documents.new_stamp(),
                                 subject_document="12345678Z")
    response = download(issued.csv)
    assert_safe_headers(response, disposition="inline")
    assert response["Content-Type"] == "application/pdf"
    assert filename_of(response) == issued.download_name
    assert issued.download_name.startswith("volante_individual-")
    assert hashlib.sha256(response.content).hexdigest() == issued.sha256


def test_an_issued_document_that_is_not_a_pdf_is_an_attachment(province):
    content = '<?xml version="1.0"?><volante>sí</volante>'.encode()
    with schema_context(province.a.schema_name):
        issued = documents.issue("volante_individual", title=AWKWARD, pdf_bytes=content,
                                 issuer=None, stamp=documents.new_stamp(),
                                 mime_type="application/xml")
    response = download(issued.csv)
    assert_safe_headers(response, disposition="attachment")
    assert response["Content-Type"] == "application/xml"
    assert filename_of(response) == issued.download_name
    assert issued.download_name.endswith(".xml")
    assert response.content == content
