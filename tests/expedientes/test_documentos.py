"""Actions on the documents of an expediente: drafts from templates, «Generar todos»,
editing until frozen, freezing to PDF, files checked by content, annulment, visibility."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from expedientes import documentos
from expedientes.choices import EstadoDocumento, EstadoExpediente, OrigenEni, TipoDocumental
from expedientes.flujo import ExpedienteError
from expedientes.models import Documento, Historial
from provincial.models import AuditEvent
from tenants.demo import ACCEPTANCE_PDF
from tests.expedientes.conftest import make_documento, make_procedimiento

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _plantilla(expediente, code: str):
    return expediente.procedimiento.plantillas.get(code=code)


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "expedientes"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_generar_merges_the_template_into_a_draft(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "providencia"),
                                   acting_user=province.clerk_a)
    documento.refresh_from_db()
    assert (documento.estado, documento.titulo, documento.tipo_documental,
            documento.is_resolucion, documento.orden) == (
        EstadoDocumento.BORRADOR, "Providencia de Alcaldía", TipoDocumental.RESOLUCION, False, 0)
    assert documento.cuerpo == f"<p>Providencia de Alcaldía del expediente {expediente.codigo}.</p>"
    assert documento.is_editable
    assert not documento.is_frozen
    assert not documento.contenido
    assert documento.created_by_id == province.clerk_a.pk
    historial = Historial.objects.get(documento=documento)
    assert historial.accion == "documento"
    assert "generado" in historial.descripcion
    assert AuditEvent.objects.filter(action="expedientes.documento.generacion",
                                     object_id=str(documento.pk)).exists()


def test_generar_todas_makes_one_draft_per_template_and_never_repeats(expediente, province):
    resultado = documentos.generar_todas(expediente, acting_user=province.clerk_a)
    assert [d.titulo for d in resultado.creados] == [
        "Providencia de Alcaldía", "Informe técnico", "Resolución de Alcaldía"]
    assert [d.orden for d in resultado.creados] == [0, 1, 2]
    assert [d.is_resolucion for d in resultado.creados] == [False, False, True]
    assert resultado.omitidas == []
    again = documentos.generar_todas(expediente, acting_user=province.clerk_a)
    assert again.creados == []
    assert again.omitidas == ["Providencia de Alcaldía", "Informe técnico",
                              "Resolución de Alcaldía"]
    # An annulled draft no longer counts: its template is generated again.
    documentos.anular_documento(resultado.creados[1], motivo="Repetir",
                                acting_user=province.clerk_a)
    third = documentos.generar_todas(expediente, acting_user=province.clerk_a)
    assert [d.titulo for d in third.creados] == ["Informe técnico"]
    assert third.creados[0].orden == 3
    assert expediente.documentos.count() == 4


def test_generar_todas_with_a_selection(expediente, province):
    elegida = _plantilla(expediente, "resolucion")
    resultado = documentos.generar_todas(expediente, acting_user=province.clerk_a,
                                         plantillas_ids=[elegida.pk])
    assert [d.plantilla_id for d in resultado.creados] == [elegida.pk]


def test_documents_are_refused_in_a_closed_expediente(expediente, province):
    expediente.estado = EstadoExpediente.CERRADO
    expediente.save()
    with pytest.raises(ExpedienteError, match="no permite añadir o cambiar documentos"):
        documentos.generar_todas(expediente, acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="no permite añadir o cambiar documentos"):
        documentos.incorporar_fichero(expediente, "a.pdf", ACCEPTANCE_PDF,
                                      tipo_documental=TipoDocumental.INFORME,
                                      origen=OrigenEni.ADMINISTRACION,
                                      acting_user=province.clerk_a)
    assert expediente.documentos.count() == 0
    assert _stored_files() == []


def test_a_template_of_another_procedure_is_refused(expediente, province):
    otro = make_procedimiento(code="OTRO")
    with pytest.raises(ExpedienteError, match="no es del procedimiento de este expediente"):
        documentos.generar(expediente, otro.plantillas.first(), acting_user=province.clerk_a)
    assert expediente.documentos.count() == 0


def test_a_template_that_fails_is_reported_and_nothing_is_made(expediente, province):
    plantilla = _plantilla(expediente, "informe-tecnico")
    plantilla.cuerpo = "<p>{% if x %}</p>"  # saved around the editor's check
    plantilla.save()
    with pytest.raises(ExpedienteError) as caught:
        documentos.generar_todas(expediente, acting_user=province.clerk_a)
    assert caught.value.message == (
        "No se ha podido generar «Informe técnico». Error en la línea 1 de la plantilla: la "
        "etiqueta «{% if %}» no se cierra: falta «{% endif %}».")
    assert expediente.documentos.count() == 0  # one transaction: none of the three


def test_editar_borrador_keeps_simple_layout(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "informe-tecnico"),
                                   acting_user=province.clerk_a)
    documentos.editar_borrador(
        documento, '<p class="centrado" onclick="x()">Texto <b>final</b></p><script>x</script>',
        titulo="  Informe   técnico definitivo ", acting_user=province.clerk_a)
    documento.refresh_from_db()
    assert documento.cuerpo == '<p class="centrado">Texto <b>final</b></p>'
    assert documento.titulo == "Informe técnico definitivo"
    assert AuditEvent.objects.filter(action="expedientes.documento.edicion").count() == 1
    with pytest.raises(ExpedienteError, match="Indique el título"):
        documentos.editar_borrador(documento, "<p>x</p>", titulo=" ",
                                   acting_user=province.clerk_a)


def test_congelar_renders_the_pdf_and_freezes_it(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "resolucion"),
                                   acting_user=province.clerk_a)
    frozen = documentos.congelar(documento, acting_user=province.clerk_a)
    frozen.refresh_from_db()
    content = documentos.leer(frozen)
    assert content.startswith(b"%PDF-")
    assert frozen.sha256 == frozen.sha256_original == hashlib.sha256(content).hexdigest()
    assert (frozen.mime_type, frozen.size, frozen.nombre_fichero) == (
        "application/pdf", len(content), "resolucion-de-alcaldia.pdf")
    assert frozen.is_frozen
    assert frozen.frozen_at == frozen.fecha_captura
    assert not frozen.is_editable
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "RESOLUCIÓN DE ALCALDÍA" in text.upper()
    assert f"Resolución de Alcaldía del expediente {expediente.codigo}." in text
    assert f"Expediente {expediente.codigo} · Licencia de obra menor" in text
    assert "Ajuntament d'Agost" in text
    assert "BORRADOR" not in text
    # Frozen once: a second call changes nothing.
    again = documentos.congelar(frozen, acting_user=province.clerk_a)
    assert again.sha256 == frozen.sha256
    assert AuditEvent.objects.filter(action="expedientes.documento.congelacion").count() == 1


def test_a_frozen_document_cannot_change(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "providencia"),
                                   acting_user=province.clerk_a)
    documentos.congelar(documento, acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError) as caught:
        documentos.editar_borrador(documento, "<p>Otro texto</p>", acting_user=province.clerk_a)
    assert caught.value.message == "Un documento firmado o enviado a firma no puede cambiar."
    with pytest.raises(ExpedienteError, match="Solo se anulan borradores"):
        documentos.anular_documento(documento, acting_user=province.clerk_a)
    documento.refresh_from_db()
    assert documento.cuerpo.startswith("<p>Providencia de Alcaldía")
    assert documento.estado == EstadoDocumento.BORRADOR


def test_the_borrador_preview_is_marked(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "providencia"),
                                   acting_user=province.clerk_a)
    text = PdfReader(io.BytesIO(documentos.pdf_borrador(documento))).pages[0].extract_text()
    assert "BORRADOR sin valor: vista previa" in text
    documento.refresh_from_db()
    assert not documento.is_frozen
    assert not documento.contenido


def test_incorporar_fichero_freezes_a_checked_file(expediente, province):
    documento = documentos.incorporar_fichero(
        expediente, "C:\\escaneos\\Informe policial.pdf", ACCEPTANCE_PDF,
        tipo_documental=TipoDocumental.INFORME, origen=OrigenEni.ADMINISTRACION,
        acting_user=province.clerk_a)
    documento.refresh_from_db()
    assert (documento.estado, documento.titulo, documento.nombre_fichero, documento.mime_type,
            documento.size) == (EstadoDocumento.INCORPORADO, "Informe policial",
                                "Informe policial.pdf", "application/pdf", len(ACCEPTANCE_PDF))
    assert documento.sha256 == documento.sha256_original == \
        hashlib.sha256(ACCEPTANCE_PDF).hexdigest()
    assert documento.is_frozen
    assert documento.is_visible_ciudadano is False
    assert documentos.leer(documento) == ACCEPTANCE_PDF
    # A name without extension takes the one of its content.
    png = documentos.incorporar_fichero(expediente, "plano", PNG,
                                        tipo_documental=TipoDocumental.OTROS,
                                        origen=OrigenEni.CIUDADANO, acting_user=None)
    assert (png.nombre_fichero, png.mime_type, png.orden) == ("plano.png", "image/png", 1)
    with pytest.raises(ExpedienteError, match="Un documento incorporado no puede cambiar"):
        documentos.editar_borrador(documento, "<p>x</p>", acting_user=province.clerk_a)


@pytest.mark.parametrize(("nombre", "contenido", "message"), [
    ("informe.pdf", b"Esto es texto, no un PDF.",
     "«informe.pdf» no es un fichero PDF válido: su contenido es TXT (se comprueba el "
     "contenido, no la extensión)."),
    ("informe.pdf", b"%PDF-1.4 truncado sin final",
     "«informe.pdf» no es un fichero PDF válido: su contenido no corresponde a ese formato "
     "(se comprueba el contenido, no la extensión)."),
    ("foto.pdf", PNG,
     "«foto.pdf» no es un fichero PDF válido: su contenido es PNG (se comprueba el "
     "contenido, no la extensión)."),
    ("programa.exe", b"MZ\x90\x00\x03\x00\x00\x00",
     "«programa.exe»: formato no admitido. Se admiten PDF, XML, ODT, ODS, ODP, DOCX, XLSX, "
     "JPEG, PNG, TIFF, RTF, TXT (se comprueba el contenido del fichero, no su nombre)."),
    ("vacio.pdf", b"", "«vacio.pdf» está vacío."),
    ("datos.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
     "«datos.xml»: El XML declara un DOCTYPE o entidades"),
])
def test_a_file_is_judged_by_its_content_and_a_refusal_stores_nothing(expediente, province,
                                                                       nombre, contenido,
                                                                       message):
    with pytest.raises(ExpedienteError) as caught:
        documentos.incorporar_fichero(expediente, nombre, contenido,
                                      tipo_documental=TipoDocumental.INFORME,
                                      origen=OrigenEni.ADMINISTRACION,
                                      acting_user=province.clerk_a)
    assert caught.value.message.startswith(message)
    assert caught.value.field == "fichero"
    assert expediente.documentos.count() == 0
    assert _stored_files() == []
    assert not AuditEvent.objects.filter(action="expedientes.documento.incorporacion").exists()


def test_a_file_over_the_registro_limit_is_refused(expediente, province, settings):
    settings.REGISTRO_ANEXO_MAX_BYTES = 100
    with pytest.raises(ExpedienteError, match="el máximo por fichero es"):
        documentos.incorporar_fichero(expediente, "a.pdf", ACCEPTANCE_PDF,
                                      tipo_documental=TipoDocumental.INFORME,
                                      origen=OrigenEni.ADMINISTRACION,
                                      acting_user=province.clerk_a)
    assert _stored_files() == []


def test_anular_only_drafts(expediente, province):
    documento = documentos.generar(expediente, _plantilla(expediente, "providencia"),
                                   acting_user=province.clerk_a)
    documentos.anular_documento(documento, motivo="Plantilla equivocada",
                                acting_user=province.clerk_a)
    documento.refresh_from_db()
    assert documento.estado == EstadoDocumento.ANULADO
    assert Historial.objects.filter(documento=documento,
                                    descripcion__endswith="anulado: Plantilla equivocada.").exists()
    with pytest.raises(ExpedienteError, match="ya está anulado"):
        documentos.anular_documento(documento, acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="está anulado y no puede cambiar"):
        documentos.editar_borrador(documento, "<p>x</p>", acting_user=province.clerk_a)


def test_only_signed_or_incorporated_documents_reach_the_interesados(expediente, province):
    borrador = documentos.generar(expediente, _plantilla(expediente, "providencia"),
                                  acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="Solo se ponen a disposición"):
        documentos.cambiar_visibilidad(borrador, True, acting_user=province.clerk_a)
    firmado = make_documento(expediente, titulo="Resolución firmada",
                             estado=EstadoDocumento.FIRMADO)
    documentos.cambiar_visibilidad(firmado, True, acting_user=province.clerk_a)
    firmado.refresh_from_db()
    assert firmado.is_visible_ciudadano
    documentos.cambiar_visibilidad(firmado, True, acting_user=province.clerk_a)  # no change
    documentos.cambiar_visibilidad(firmado, False, acting_user=province.clerk_a)
    firmado.refresh_from_db()
    assert not firmado.is_visible_ciudadano
    assert AuditEvent.objects.filter(action="expedientes.documento.visibilidad").count() == 2


def test_a_stored_file_that_changed_is_not_handed_out(expediente, province):
    documento = make_documento(expediente)
    Documento.objects.filter(pk=documento.pk).update(sha256="0" * 64)
    documento.refresh_from_db()
    with pytest.raises(ExpedienteError, match="no coincide con su huella"):
        documentos.leer(documento)
