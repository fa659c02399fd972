"""Fixtures of the registro tests: entity schemas, valid interesados, small real files."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from registro.models import UnidadOrganica
from registro.services import AnexoData, InteresadoData
from tenants.demo import ACCEPTANCE_PDF

DNI = "12345678Z"
NIE = "X1234567L"
CIF = "B12345674"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
       b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
XML = b'<?xml version="1.0" encoding="UTF-8"?><solicitud><dato>1</dato></solicitud>'


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def persona(**overrides) -> InteresadoData:
    data = {"tipo": "fisica", "tipo_documento": "dni", "documento": DNI, "nombre": "Lucía",
            "apellido1": "Pérez", "apellido2": "Sanz", "email": "lucia@example.org"}
    data.update(overrides)
    return InteresadoData(**data)


def empresa(**overrides) -> InteresadoData:
    data = {"tipo": "juridica", "tipo_documento": "cif", "documento": CIF, "nombre": "",
            "razon_social": "Construcciones Agost SL"}
    data.update(overrides)
    return InteresadoData(**data)


def pdf_anexo(nombre: str = "solicitud.pdf") -> AnexoData:
    return AnexoData(nombre=nombre, contenido=ACCEPTANCE_PDF)


def datos(**overrides) -> dict:
    """Keyword arguments of a valid `registrar` call."""
    data = {"libro": "E", "canal": "presencial", "asunto": "Solicitud de licencia",
            "resumen": "Licencia de obra menor en calle Mayor 3",
            "interesados": [persona()], "expone": "Que desea reformar la cocina.",
            "solicita": "Licencia de obra menor."}
    data.update(overrides)
    return data


@pytest.fixture
def in_a(province, db):
    """Run the test inside entity A's schema."""
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


@pytest.fixture
def unidad(in_a):
    return UnidadOrganica.objects.create(nombre="Urbanismo", codigo_dir3="LA0012345")
