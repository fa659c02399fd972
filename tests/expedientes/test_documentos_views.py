"""The document pages of an expediente: the table in the «Documentos» tab, template
selection and generation, the draft editor, previews, downloads, uploads, and isolation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from expedientes import documentos
from expedientes.choices import EstadoDocumento
from expedientes.models import Documento
from provincial.models import AuditEvent
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.conftest import make_documento


@pytest.fixture
def clerk(province, client_for):
    return client_for(province.clerk_a, HOST_A)


def _url(name: str, *args) -> str:
    return reverse(f"gestion:expedientes:{name}", args=args)


def test_the_documents_tab_shows_the_table_and_the_ways_to_add(expediente, province, clerk):
    firmado = make_documento(expediente, titulo="Solicitud del interesado")
    page = clerk.get(_url("detalle_documentos", expediente.pk)).content.decode()
    assert "Solicitud del interesado" in page
    assert firmado.sha256[:12] in page
    assert _url("documento", expediente.pk, firmado.pk) in page
    assert "Generar todos" in page
    assert "Providencia de Alcaldía" in page  # a button per template
    assert _url("documento_subir", expediente.pk) in page


def test_generating_from_the_page(expediente, province, clerk):
    plantilla = expediente.procedimiento.plantillas.get(code="informe-tecnico")
    selection = clerk.get(_url("generar", expediente.pk), {"previa": plantilla.pk})
    assert selection.status_code == 200
    assert f"Informe técnico del expediente {expediente.codigo}." in selection.content.decode()
    response = clerk.post(_url("generar", expediente.pk), {"plantilla": plantilla.pk})
    documento = Documento.objects.get(expediente=expediente)
    assert response["Location"] == _url("documento_editar", expediente.pk, documento.pk)
    response = clerk.post(_url("generar_todas", expediente.pk))
    assert response["Location"] == _url("detalle_documentos", expediente.pk)
    assert sorted(expediente.documentos.values_list("titulo", flat=True)) == [
        "Informe técnico", "Providencia de Alcaldía", "Resolución de Alcaldía"]
    page = clerk.get(response["Location"]).content.decode()
    assert "Ya estaban generados, no se repiten: Informe técnico." in page
    bad = clerk.post(_url("generar", expediente.pk), {"plantilla": "999999"})
    assert bad.status_code == 302
    assert expediente.documentos.count() == 3


def test_the_draft_editor_saves_and_previews(expediente, province, clerk):
    documento = documentos.generar(expediente, expediente.procedimiento.plantillas.first(),
                                   acting_user=province.clerk_a)
    url = _url("documento_editar", expediente.pk, documento.pk)
    assert clerk.get(url).status_code == 200
    live = clerk.post(_url("documento_previa", expediente.pk, documento.pk),
                      {"cuerpo": "<p>Hola</p><script>x()</script>"})
    assert '<div class="ct-papel"><p>Hola</p></div>' in live.content.decode()
    response = clerk.post(url, {"titulo": "Providencia", "cuerpo": "<p>Texto nuevo</p>"})
    assert response["Location"] == _url("documento", expediente.pk, documento.pk)
    documento.refresh_from_db()
    assert (documento.titulo, documento.cuerpo) == ("Providencia", "<p>Texto nuevo</p>")
    pdf = clerk.get(_url("documento_previa", expediente.pk, documento.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    detail = clerk.get(_url("documento", expediente.pk, documento.pk)).content.decode()
    assert "<p>Texto nuevo</p>" in detail
    assert "Borrador «Providencia» modificado." in detail


def test_a_frozen_document_cannot_be_edited_from_the_page(expediente, province, clerk):
    documento = documentos.generar(expediente, expediente.procedimiento.plantillas.first(),
                                   acting_user=province.clerk_a)
    documentos.congelar(documento, acting_user=province.clerk_a)
    url = _url("documento_editar", expediente.pk, documento.pk)
    response = clerk.post(url, {"titulo": "Otro", "cuerpo": "<p>Cambiado</p>"})
    assert response.status_code == 400
    assert "Un documento firmado o enviado a firma no puede cambiar." in \
        response.content.decode()
    documento.refresh_from_db()
    assert documento.titulo == "Providencia de Alcaldía"
    assert "Cambiado" not in documento.cuerpo
    redirected = clerk.get(url)
    assert redirected["Location"] == _url("documento", expediente.pk, documento.pk)
    # Its preview is the stored PDF; downloading it is audited.
    assert clerk.get(_url("documento_previa", expediente.pk, documento.pk))["Location"] == \
        _url("documento_descargar", expediente.pk, documento.pk)
    detail = clerk.get(_url("documento", expediente.pk, documento.pk)).content.decode()
    documento.refresh_from_db()
    assert documento.sha256 in detail
    assert "Documento congelado" in detail
    download = clerk.get(_url("documento_descargar", expediente.pk, documento.pk))
    assert download.status_code == 200
    assert download.content == documentos.leer(documento)
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="expedientes.documento.descarga",
                                     object_id=str(documento.pk)).exists()


def test_a_closed_expediente_offers_no_generation(expediente, clerk):
    expediente.estado = "cerrado"
    expediente.save()
    page = clerk.get(_url("generar", expediente.pk)).content.decode()
    assert "no admite documentos nuevos" in page
    assert "Generar todas las plantillas seleccionadas" not in page
    tab = clerk.get(_url("detalle_documentos", expediente.pk)).content.decode()
    assert "Generar todos" not in tab
    clerk.post(_url("generar_todas", expediente.pk))
    assert expediente.documentos.count() == 0


def test_upload_checks_the_content(expediente, province, clerk):
    url = _url("documento_subir", expediente.pk)
    assert clerk.get(url).status_code == 200
    fake = SimpleUploadedFile("informe.pdf", b"texto que dice ser un PDF",
                              content_type="application/pdf")
    response = clerk.post(url, {"fichero": fake, "tipo_documental": "TD13", "origen": "1",
                                "estado_elaboracion": "EE01", "titulo": ""})
    assert response.status_code == 400
    assert ("«informe.pdf» no es un fichero PDF válido: su contenido es TXT (se comprueba "
            "el contenido, no la extensión).") in response.content.decode()
    assert expediente.documentos.count() == 0
    good = SimpleUploadedFile("informe.pdf", ACCEPTANCE_PDF, content_type="application/pdf")
    response = clerk.post(url, {"fichero": good, "tipo_documental": "TD13", "origen": "1",
                                "estado_elaboracion": "EE01", "titulo": "Informe policial"})
    assert response["Location"] == _url("detalle_documentos", expediente.pk)
    documento = expediente.documentos.get()
    assert (documento.titulo, documento.estado) == ("Informe policial",
                                                    EstadoDocumento.INCORPORADO)


def test_visibility_and_annulment_from_the_page(expediente, province, clerk):
    incorporado = make_documento(expediente)
    response = clerk.post(_url("documento_visibilidad", expediente.pk, incorporado.pk),
                          {"visible": "1", "volver": "lista"})
    assert response["Location"] == _url("detalle_documentos", expediente.pk)
    incorporado.refresh_from_db()
    assert incorporado.is_visible_ciudadano
    borrador = documentos.generar(expediente, expediente.procedimiento.plantillas.first(),
                                  acting_user=province.clerk_a)
    clerk.post(_url("documento_visibilidad", expediente.pk, borrador.pk), {"visible": "1"})
    borrador.refresh_from_db()
    assert not borrador.is_visible_ciudadano
    assert clerk.post(_url("documento_anular", expediente.pk, borrador.pk),
                      {"motivo": ""}).status_code == 302
    borrador.refresh_from_db()
    assert borrador.estado == EstadoDocumento.BORRADOR  # a reason is required
    clerk.post(_url("documento_anular", expediente.pk, borrador.pk), {"motivo": "Duplicado"})
    borrador.refresh_from_db()
    assert borrador.estado == EstadoDocumento.ANULADO


def test_another_entity_gets_404_for_every_document_page(expediente, province, client_for):
    documento = documentos.generar(expediente, expediente.procedimiento.plantillas.first(),
                                   acting_user=province.clerk_a)
    incorporado = make_documento(expediente)
    other = client_for(province.clerk_b, HOST_B)
    gets = [_url("generar", expediente.pk), _url("documento_subir", expediente.pk)]
    for doc in (documento, incorporado):
        gets += [_url(name, expediente.pk, doc.pk) for name in (
            "documento", "documento_editar", "documento_previa", "documento_descargar")]
    for url in gets:
        assert other.get(url).status_code == 404, url
    posts = [(_url("generar", expediente.pk), {"plantilla": documento.plantilla_id}),
             (_url("generar_todas", expediente.pk), {}),
             (_url("documento_editar", expediente.pk, documento.pk),
              {"titulo": "B", "cuerpo": "<p>B</p>"}),
             (_url("documento_visibilidad", expediente.pk, incorporado.pk), {"visible": "1"}),
             (_url("documento_anular", expediente.pk, documento.pk), {"motivo": "B"})]
    for url, data in posts:
        assert other.post(url, data).status_code == 404, url
    # A clerk of B on A's host is no member of A.
    outsider = client_for(province.clerk_b, HOST_A)
    assert outsider.get(_url("documento", expediente.pk, documento.pk)).status_code == 404
    assert outsider.post(_url("generar_todas", expediente.pk)).status_code == 404
    with schema_context(province.a.schema_name):
        documento.refresh_from_db()
        incorporado.refresh_from_db()
        assert (documento.titulo, documento.estado) == ("Providencia de Alcaldía",
                                                        EstadoDocumento.BORRADOR)
        assert not incorporado.is_visible_ciudadano
        assert Documento.objects.filter(expediente=expediente).count() == 2
