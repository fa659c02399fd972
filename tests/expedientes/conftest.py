"""Fixtures of the expedientes tests: entity schemas, a procedure with templates, and
expedientes and documents made directly (so that each part can be tested on its own; the
opening action itself is tested in test_tramitacion)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes.choices import EstadoDocumento, TipoDocumental, UnidadPlazo
from expedientes.models import Documento, Expediente, Plantilla, Procedimiento
from sede.choices import SentidoSilencio
from tenants.demo import ACCEPTANCE_PDF

DNI = "12345678Z"
NIE = "X1234567L"
CIF = "B12345674"


@pytest.fixture
def in_a(province, db):
    """Run the test inside entity A's schema."""
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


@pytest.fixture
def in_b(province, db):
    with schema_context(province.b.schema_name):
        yield province.b
    connection.set_schema_to_public()


def make_procedimiento(code: str = "OBRA-MENOR", **overrides) -> Procedimiento:
    data = {"code": code, "sia_code": "2045678", "name": "Licencia de obra menor",
            "familia": "urbanismo", "base_legal": "Ley 5/2014 LOTUP, art. 232",
            "plazo_cantidad": 1, "plazo_unidad": UnidadPlazo.MESES,
            "sentido_silencio": SentidoSilencio.ESTIMATORIO, "organo_resolutorio": "Alcaldía",
            "documentos_requeridos": [{"nombre": "Memoria descriptiva", "obligatorio": True}],
            "fases": ["Inicio", "Instrucción", "Resolución"]}
    data.update(overrides)
    procedimiento = Procedimiento.objects.create(**data)
    for orden, (code, name, tipo, is_resolucion) in enumerate([
            ("providencia", "Providencia de Alcaldía", TipoDocumental.RESOLUCION, False),
            ("informe-tecnico", "Informe técnico", TipoDocumental.INFORME, False),
            ("resolucion", "Resolución de Alcaldía", TipoDocumental.RESOLUCION, True)]):
        Plantilla.objects.create(
            procedimiento=procedimiento, code=code, name=name, tipo_documental=tipo,
            is_resolucion=is_resolucion, orden=orden,
            cuerpo=f"<p>{name} del expediente {{{{ expediente.codigo }}}}.</p>")
    return procedimiento


def make_expediente(procedimiento: Procedimiento, asunto: str = "Reforma de cocina",
                    **overrides) -> Expediente:
    """An expediente row as the opening action leaves it (number = last + 1)."""
    year = overrides.pop("year", timezone.localdate().year)
    last = Expediente.objects.filter(year=year).aggregate(n=Max("numero"))["n"] or 0
    data = {"year": year, "numero": last + 1, "procedimiento": procedimiento,
            "asunto": asunto, "fase": procedimiento.first_fase,
            "fecha_inicio": timezone.localdate(),
            "fecha_vencimiento": timezone.localdate() + datetime.timedelta(days=30)}
    data.update(overrides)
    return Expediente.objects.create(**data)


def make_documento(expediente: Expediente, titulo: str = "Solicitud",
                   content: bytes = ACCEPTANCE_PDF, **overrides) -> Documento:
    """A frozen PDF document of the expediente (as incorporated from the registro)."""
    digest = hashlib.sha256(content).hexdigest()
    data = {"expediente": expediente, "titulo": titulo,
            "tipo_documental": TipoDocumental.SOLICITUD, "estado": EstadoDocumento.INCORPORADO,
            "nombre_fichero": "solicitud.pdf", "mime_type": "application/pdf",
            "size": len(content), "sha256": digest, "sha256_original": digest,
            "origen": "0", "fecha_captura": timezone.now(), "frozen_at": timezone.now()}
    data.update(overrides)
    documento = Documento(**data)
    documento.contenido.save("documento", ContentFile(content), save=False)
    documento.save()
    return documento


@pytest.fixture
def procedimiento(in_a) -> Procedimiento:
    return make_procedimiento()


@pytest.fixture
def expediente(procedimiento) -> Expediente:
    return make_expediente(procedimiento)
