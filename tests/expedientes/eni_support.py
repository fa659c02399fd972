"""Helpers of the ENI tests: entity A seals with the test PKI's sello (tests/pki.py),
trusted for the test, B has none; real PDFs, plain and PAdES-signed; an expediente with
several documents and interesados."""

from __future__ import annotations

import hashlib
import io
from functools import cache

import pytest
from pypdf import PdfWriter

from expedientes.choices import EstadoDocumento, TipoDocumental
from expedientes.models import InteresadoExpediente
from provincial.signing import base
from tests import pki
from tests.expedientes.conftest import CIF, DNI, NIE, make_documento


class SelloDe:
    """A sello provider for one entity (by schema) with the test PKI's certificate."""

    def __init__(self, schema_name: str, name: str = "sello") -> None:
        self.schema_name = schema_name
        self.name = name

    def __call__(self, entity):
        if entity.schema_name != self.schema_name:
            return None
        return pki.identity(self.name)


@pytest.fixture
def sello_a(province):
    """Entity A seals with the test PKI's sello; only the test PKI is trusted."""
    with base.providers_override(sello=[SelloDe(province.a.schema_name)],
                                 trust=[pki._trust_provider]):
        yield pki.pki()


def pdf(paginas: int = 1, titulo: str = "Documento") -> bytes:
    """A real (if blank) PDF, which pyHanko can sign."""
    writer = PdfWriter()
    for _page in range(paginas):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": titulo})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def pdf_firmado() -> bytes:
    """A PDF with a PAdES signature by the test sello (no timestamp)."""
    from provincial.signing.pades import sign_pdf

    with base.providers_override(trust=[pki._trust_provider]):
        return sign_pdf(pdf(titulo="Resolución"), pki.identity("sello"), timestamper=None,
                        visible=False, reason="Resolución de Alcaldía")


def documento_firmado(expediente, titulo: str = "Resolución de Alcaldía", **overrides):
    content = pdf_firmado()
    data = {"tipo_documental": TipoDocumental.RESOLUCION, "estado": EstadoDocumento.FIRMADO,
            "nombre_fichero": "resolucion.pdf", "origen": "1",
            "sha256_original": hashlib.sha256(pdf(titulo="Resolución")).hexdigest()}
    data.update(overrides)
    return make_documento(expediente, titulo, content, **data)


def llenar(expediente, *, sin_firma: int = 2, firmados: int = 1, con_csv: int = 1) -> list:
    """Several documents (citizen's PDFs without signature, signed resolutions, one with
    a CSV) and three interesados (DNI, NIE, CIF; the DNI twice, with two roles)."""
    documentos = []
    for n in range(sin_firma):
        documentos.append(make_documento(expediente, f"Solicitud {n + 1}",
                                         pdf(titulo=f"Solicitud {n + 1}"), orden=len(documentos)))
    for n in range(firmados):
        documentos.append(documento_firmado(expediente, f"Resolución {n + 1}",
                                            orden=len(documentos)))
    for n in range(con_csv):
        documentos.append(make_documento(
            expediente, f"Informe técnico {n + 1}", pdf(titulo="Informe"),
            tipo_documental=TipoDocumental.INFORME, origen="1", csv=f"CSVPRUEBA{n:04d}ABCD",
            orden=len(documentos)))
    for documento, nombre, rol in ((DNI, "María", "solicitante"), (DNI, "María", "titular"),
                                   (NIE, "John", "interesado"), (CIF, "Obras SL", "interesado")):
        InteresadoExpediente.objects.create(expediente=expediente, rol=rol, documento=documento,
                                            tipo_documento="NIF", nombre=nombre)
    return documentos

