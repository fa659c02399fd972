"""The libro de resoluciones: a resolución signed by the Alcaldía and the Secretaría takes
the next number of the year; an annulled one keeps its number, marked, and the next one
gets N+1; the book of a period is a PDF with CSV sealed with the sello de órgano."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from certificados import actions as certificados
from expedientes import libro, portafirmas
from expedientes.choices import EstadoResolucion
from expedientes.models import ContadorResolucion, Historial, Resolucion
from provincial.documents import services as documents
from provincial.models import AuditEvent
from provincial.signing import validation
from tests.expedientes.test_portafirmas_certificados import (
    documento,
    fast_keys,
    make_cast,
    procedimiento_decretos,
    read,
)


@pytest.fixture
def cast(province, in_a, settings):
    fast_keys(settings)
    return make_cast(province)


@pytest.fixture
def procedimiento(in_a):
    return procedimiento_decretos()


def firmar_todo(cast, peticion) -> None:
    for firmante in peticion.firmantes.order_by("orden", "pk"):
        user = {cast.alcalde.pk: cast.alcalde, cast.secretario.pk: cast.secretario,
                cast.tecnico.pk: cast.tecnico}[firmante.user_id]
        portafirmas.firmar(firmante, acting_user=user)


def decreto(cast, expediente, titulo: str, *, circuito=None, resolucion: bool = True):
    doc = documento(expediente, titulo, resolucion=resolucion)
    peticion = portafirmas.enviar_a_firma(doc, circuito or cast.decretos,
                                          acting_user=cast.tecnico)
    firmar_todo(cast, peticion)
    doc.refresh_from_db()
    return doc


def test_a_resolution_signed_by_alcaldia_and_secretaria_is_numbered(cast, expediente):
    doc = decreto(cast, expediente, "Concesión de la licencia de obra menor")

    resolucion = Resolucion.objects.get(documento=doc)
    year = timezone.localdate().year
    assert (resolucion.year, resolucion.numero, resolucion.codigo) == (year, 1, f"{year}/0001")
    assert resolucion.organo == "Alcaldía"
    assert resolucion.extracto == "Concesión de la licencia de obra menor"
    assert resolucion.sha256 == doc.sha256  # the signed bytes
    assert resolucion.expediente == expediente
    assert ContadorResolucion.objects.get(year=year).ultimo == 1
    assert Historial.objects.filter(documento=doc,
                                    accion="Transcrita al libro de resoluciones").exists()
    assert AuditEvent.objects.filter(action="expedientes.resolucion.transcribir",
                                     object_id=str(resolucion.pk)).exists()


def test_only_a_resolution_with_both_signatures_is_transcribed(cast, expediente):
    solo_tecnico = portafirmas.guardar_circuito(
        None, name="Técnico", acting_user=cast.admin,
        pasos=[portafirmas.PasoData(1, "tecnico", cast.tecnico)])
    informe = decreto(cast, expediente, "Informe técnico", resolucion=False)
    sin_secretaria = decreto(cast, expediente, "Resolución sin fe pública",
                             circuito=solo_tecnico)
    assert (informe.estado, sin_secretaria.estado) == ("firmado", "firmado")
    assert Resolucion.objects.count() == 0
    assert libro.requiere_transcripcion(sin_secretaria) is False


def test_an_annulled_resolution_keeps_its_number_and_the_next_gets_n_plus_one(cast, expediente):
    first = decreto(cast, expediente, "Primer decreto")
    resolucion = Resolucion.objects.get(documento=first)
    with pytest.raises(ValidationError, match="Diga por qué se anula"):
        libro.anular_resolucion(resolucion, "", acting_user=cast.secretario)
    with pytest.raises(ValidationError, match="Solo la Secretaría, la Alcaldía"):
        libro.anular_resolucion(resolucion, "Error.", acting_user=cast.tecnico)

    libro.anular_resolucion(resolucion, "Se dictó sobre un expediente equivocado.",
                            acting_user=cast.secretario)
    second = decreto(cast, expediente, "Segundo decreto")

    year = timezone.localdate().year
    rows = list(Resolucion.objects.order_by("numero").values_list(
        "numero", "estado", "motivo_anulacion", "annulled_by_name"))
    assert rows == [(1, EstadoResolucion.ANULADA, "Se dictó sobre un expediente equivocado.",
                     "Marta Boronat Climent"),
                    (2, EstadoResolucion.VIGENTE, "", "")]
    assert Resolucion.objects.get(documento=second).codigo == f"{year}/0002"
    with pytest.raises(ValidationError, match="ya estaba anulada"):
        libro.anular_resolucion(resolucion, "Otra vez.", acting_user=cast.secretario)
    # Transcribing again gives the same entry, never a new number.
    assert libro.transcribir(second).numero == 2
    assert ContadorResolucion.objects.get(year=year).ultimo == 2


def test_the_libro_of_a_period_is_a_sealed_pdf_with_csv(cast, expediente):
    certificados.issue_local_sello(cast.entity, operator=cast.admin)
    first = decreto(cast, expediente, "Concesión de licencia de obra menor")
    decreto(cast, expediente, "Aprobación de la factura de suministro eléctrico")
    libro.anular_resolucion(Resolucion.objects.get(documento=first), "Duplicada.",
                            acting_user=cast.alcalde)
    today = timezone.localdate()

    document = libro.emitir_libro(today - datetime.timedelta(days=1), today,
                                  acting_user=cast.secretario)

    assert document.kind == "libro_resoluciones"
    assert documents.normalize_csv(document.csv) == document.csv
    assert document.is_sealed
    assert document.metadata["resoluciones"] == 2
    assert document.metadata["anuladas"] == 1
    content = documents.read_verified(document)
    report = validation.validate_pdf(content)
    assert report.ok
    assert len(report.signatures) == 1
    assert report.signatures[0].signer.common_name.startswith("SELLO ELECTRONICO DE")
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    year = today.year
    for expected in ("Diligencia de apertura", "Diligencia de cierre", f"{year}/0001",
                     f"{year}/0002", "ANULADA", "Duplicada.", expediente.codigo,
                     document.csv, "Aprobación de la factura de suministro eléctrico"):
        assert expected in text, expected
    # The hash of each signed resolución is in the book (split across lines in the PDF).
    sha = Resolucion.objects.get(numero=2).sha256
    assert sha[:16] in text.replace(" ", "")
    assert AuditEvent.objects.filter(action="expedientes.libro.emitir").count() == 1


def test_a_period_longer_than_a_year_is_refused(cast):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="no puede pasar de un año"):
        libro.emitir_libro(today - datetime.timedelta(days=400), today,
                           acting_user=cast.secretario)


def test_the_signed_document_of_a_resolution_validates_with_both_signatures(cast, expediente):
    doc = decreto(cast, expediente, "Decreto de la Alcaldía")
    report = validation.validate_pdf(read(doc))
    assert [s.signer.nif for s in report.signatures] == [cast.secretario.nif, cast.alcalde.nif]
    assert report.ok
