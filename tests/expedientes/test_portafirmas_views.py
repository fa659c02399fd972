"""The portafirmas' and the libro's pages and API, as the signers of entity A on
agost.localhost: the inbox with its filters, a batch signed, a rejection with its reason,
the PDF; circuits, delegations, sending a document; the libro with its search, an
annulment and the book issued. Someone else's item is a 404 in A, and A's items are a 404
from B's host (pages and API), with nothing changed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from certificados import actions as certificados
from expedientes import portafirmas
from expedientes.choices import Cargo, EstadoDocumento, EstadoFirmante, EstadoResolucion
from expedientes.models import CircuitoFirma, Delegacion, Firmante, Resolucion
from provincial.models import AuditEvent
from provincial.signing import validation
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.test_libro import decreto
from tests.expedientes.test_portafirmas_certificados import (
    documento,
    fast_keys,
    make_cast,
    member,
    nif,
    procedimiento_decretos,
    read,
)

BASE = "/gestion/expedientes/"
API = "/api/v1/portafirmas/"


@pytest.fixture
def cast(province, in_a, settings):
    fast_keys(settings)
    return make_cast(province)


@pytest.fixture
def procedimiento(in_a):
    return procedimiento_decretos()


def enviar(cast, expediente, titulo: str, circuito=None):
    doc = documento(expediente, titulo)
    peticion = portafirmas.enviar_a_firma(doc, circuito or cast.tres, acting_user=cast.tecnico)
    return doc, peticion.firmantes.get(user_id=cast.tecnico.pk)


def test_the_inbox_lists_what_is_pending_and_signs_a_batch(cast, expediente, client_for,
                                                           province,
                                                           django_assert_max_num_queries):
    items = [enviar(cast, expediente, f"Informe {n}")[1] for n in (1, 2)]
    client = client_for(cast.tecnico, HOST_A)
    with django_assert_max_num_queries(30):
        page = client.get(f"{BASE}portafirmas/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Informe 1" in html
    assert "Informe 2" in html
    assert f'name="firmantes" value="{items[0].pk}"' in html

    response = client.post(f"{BASE}portafirmas/",
                           {"firmantes": [str(item.pk) for item in items]}, follow=True)

    assert "Firmados 2 documentos de 2." in response.content.decode()
    with schema_context(province.a.schema_name):
        assert {Firmante.objects.get(pk=i.pk).estado for i in items} == {EstadoFirmante.FIRMADO}
        pending = client.get(f"{BASE}portafirmas/").content.decode()
        assert "No tiene nada pendiente de firma." in pending
        signed = client.get(f"{BASE}portafirmas/?vista=firmados").content.decode()
        assert "Informe 1" in signed
        assert "Informe 2" not in client.get(
            f"{BASE}portafirmas/?vista=firmados&expediente=999/2001").content.decode()
        bad = client.get(f"{BASE}portafirmas/?expediente=abc").content.decode()
        assert "Escriba el número del expediente: 12/2026 o 12." in bad
        # An id that is not pending for this user is refused as a whole batch.
        refused = client.post(f"{BASE}portafirmas/", {"firmantes": [str(items[0].pk)]},
                              follow=True).content.decode()
        assert "ya no está pendiente de su firma" in refused


def test_an_item_page_its_pdf_and_a_rejection_with_its_reason(cast, expediente, client_for,
                                                              province):
    doc, item = enviar(cast, expediente, "Informe de la policía local")
    client = client_for(cast.tecnico, HOST_A)
    page = client.get(f"{BASE}portafirmas/{item.pk}/").content.decode()
    assert "Informe de la policía local" in page
    assert "Rechazar la firma" in page
    pdf = client.get(f"{BASE}portafirmas/{item.pk}/documento/")
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]) == read(doc)

    empty = client.post(f"{BASE}portafirmas/{item.pk}/rechazar/", {"motivo": ""})
    assert empty.status_code == 400
    assert "Escriba el motivo." in empty.content.decode()
    done = client.post(f"{BASE}portafirmas/{item.pk}/rechazar/",
                       {"motivo": "Falta la fotografía del informe."})
    assert done.status_code == 302
    with schema_context(province.a.schema_name):
        item.refresh_from_db()
        doc.refresh_from_db()
        assert (item.estado, item.motivo_rechazo) == (EstadoFirmante.RECHAZADO,
                                                      "Falta la fotografía del informe.")
        assert doc.estado == EstadoDocumento.RECHAZADO
    assert AuditEvent.objects.filter(action="expedientes.firma.documento").count() == 1


def test_someone_elses_item_is_a_404_in_a_and_from_b_with_nothing_changed(
        cast, expediente, client_for, province):
    doc, item = enviar(cast, expediente, "Informe reservado")
    other = member(cast.entity, cast.admin, "otra_a", "Otra", "Persona", nif("21000007"))
    before = read(doc)
    attempts = [(client_for(other, HOST_A), HOST_A), (client_for(province.clerk_b, HOST_B),
                                                      HOST_B)]
    for client, _host in attempts:
        assert client.get(f"{BASE}portafirmas/{item.pk}/").status_code == 404
        assert client.get(f"{BASE}portafirmas/{item.pk}/documento/").status_code == 404
        assert client.post(f"{BASE}portafirmas/{item.pk}/firmar/").status_code == 404
        assert client.post(f"{BASE}portafirmas/{item.pk}/rechazar/",
                           {"motivo": "No."}).status_code == 404
        assert client.get(f"{API}{item.pk}/").status_code == 404
        assert client.post(f"{API}{item.pk}/firmar/").status_code == 404
        assert client.post(f"{API}{item.pk}/rechazar/", {"motivo": "No."}).status_code == 404
        assert client.get(f"{API}{item.pk}/documento/").status_code == 404
        assert "Informe reservado" not in client.get(f"{BASE}portafirmas/?vista=todos") \
            .content.decode()
        assert client.get(API).json()["results"] == []
    with schema_context(province.a.schema_name):
        item.refresh_from_db()
        assert item.estado == EstadoFirmante.PENDIENTE
        assert read(doc) == before


def test_the_api_lists_signs_and_rejects(cast, expediente, client_for, province):
    first_doc, first = enviar(cast, expediente, "Informe A")
    _second_doc, second = enviar(cast, expediente, "Informe B")
    client = client_for(cast.tecnico, HOST_A)
    listed = client.get(API).json()
    assert [(r["id"], r["documento"]["titulo"], r["cargo"], r["estado"], r["por_delegacion"])
            for r in listed["results"]] == [
        (first.pk, "Informe A", Cargo.TECNICO, "pendiente", False),
        (second.pk, "Informe B", Cargo.TECNICO, "pendiente", False)]
    assert listed["results"][0]["expediente"]["codigo"] == expediente.codigo

    signed = client.post(f"{API}{first.pk}/firmar/")
    assert signed.status_code == 200
    assert signed.json()["estado"] == "firmado"
    again = client.post(f"{API}{first.pk}/firmar/")
    assert again.status_code == 409
    assert again.json()["detail"] == "Esta firma ya está «Firmado»."
    no_reason = client.post(f"{API}{second.pk}/rechazar/", {"motivo": ""})
    assert no_reason.status_code == 400
    rejected = client.post(f"{API}{second.pk}/rechazar/", {"motivo": "Mal redactado."})
    assert rejected.status_code == 200
    assert (rejected.json()["estado"], rejected.json()["motivo_rechazo"]) == \
        ("rechazado", "Mal redactado.")
    assert [r["id"] for r in client.get(f"{API}?vista=todos").json()["results"]] == \
        [second.pk, first.pk]
    assert client.get(f"{API}?vista=otra").status_code == 400
    with schema_context(province.a.schema_name):
        assert len(validation.validate_pdf(read(first_doc)).signatures) == 1


def test_circuits_are_created_with_their_steps(cast, client_for, province):
    client = client_for(cast.tecnico, HOST_A)
    assert "Secretaría → Alcaldía (decretos)" in \
        client.get(f"{BASE}portafirmas/circuitos/").content.decode()
    data = {"name": "Intervención → Alcaldía", "description": "Gastos", "is_active": "on",
            "pasos-TOTAL_FORMS": "2", "pasos-INITIAL_FORMS": "0", "pasos-MIN_NUM_FORMS": "0",
            "pasos-MAX_NUM_FORMS": "20", "pasos-0-orden": "1", "pasos-0-cargo": "tecnico",
            "pasos-0-user": "", "pasos-1-orden": "2", "pasos-1-cargo": "alcaldia",
            "pasos-1-user": ""}
    refused = client.post(f"{BASE}portafirmas/circuitos/nuevo/", data)
    assert refused.status_code == 400
    assert "Elija la persona que firma este paso." in refused.content.decode()

    data["pasos-0-user"] = str(cast.tecnico.pk)
    assert client.post(f"{BASE}portafirmas/circuitos/nuevo/", data).status_code == 302
    with schema_context(province.a.schema_name):
        circuito = CircuitoFirma.objects.get(name="Intervención → Alcaldía")
        assert [(p.orden, p.cargo, p.user_id) for p in circuito.pasos.all()] == [
            (1, "tecnico", cast.tecnico.pk), (2, "alcaldia", None)]
    edit = client.get(f"{BASE}portafirmas/circuitos/{circuito.pk}/").content.decode()
    assert 'value="Intervención → Alcaldía"' in edit
    assert client_for(province.clerk_b, HOST_B).get(
        f"{BASE}portafirmas/circuitos/{circuito.pk}/").status_code == 404


def test_a_delegation_is_made_listed_and_revoked_by_the_titular(cast, client_for, province):
    client = client_for(cast.alcalde, HOST_A)
    today = timezone.localdate()
    response = client.post(f"{BASE}portafirmas/delegaciones/", {
        "delegado": cast.tecnico.pk, "desde": today.isoformat(), "hasta": today.isoformat(),
        "motivo": "Vacaciones"})
    assert response.status_code == 302
    with schema_context(province.a.schema_name):
        delegacion = Delegacion.objects.get()
        assert (delegacion.titular_id, delegacion.delegado_id) == (cast.alcalde.pk,
                                                                   cast.tecnico.pk)
    page = client.get(f"{BASE}portafirmas/delegaciones/").content.decode()
    assert "En vigor" in page
    assert "Vacaciones" in page
    # Someone outside it cannot see or revoke it.
    outsider = client_for(cast.secretario, HOST_A)
    assert outsider.post(f"{BASE}portafirmas/delegaciones/{delegacion.pk}/revocar/") \
        .status_code == 404
    assert client.post(f"{BASE}portafirmas/delegaciones/{delegacion.pk}/revocar/") \
        .status_code == 302
    with schema_context(province.a.schema_name):
        delegacion.refresh_from_db()
        assert delegacion.revoked_at is not None


def test_a_document_is_sent_to_signature_from_its_page(cast, expediente, client_for, province):
    doc = documento(expediente, "Propuesta de resolución")
    client = client_for(cast.tecnico, HOST_A)
    url = f"{BASE}{expediente.pk}/documentos/{doc.pk}/firma/"
    assert "Enviar a firma" in client.get(url).content.decode()
    assert client.post(url, {"circuito": cast.decretos.pk}).status_code == 302
    page = client.get(url).content.decode()
    assert "Marta Boronat Climent" in page
    assert "Pendiente de firma" in page
    assert "Retirar del portafirmas" in page
    with schema_context(province.a.schema_name):
        doc.refresh_from_db()
        assert doc.estado == EstadoDocumento.EN_FIRMA
    assert client_for(province.clerk_b, HOST_B).get(url).status_code == 404


def test_the_libro_page_searches_annuls_and_issues_the_book(cast, expediente, client_for,
                                                            province):
    certificados.issue_local_sello(cast.entity, operator=cast.admin)
    doc = decreto(cast, expediente, "Concesión de licencia de obra menor")
    decreto(cast, expediente, "Aprobación de facturas")
    resolucion = Resolucion.objects.get(documento=doc)
    client = client_for(cast.secretario, HOST_A)
    page = client.get(f"{BASE}libro/").content.decode()
    assert resolucion.codigo in page
    assert "Aprobación de facturas" in page
    found = client.get(f"{BASE}libro/?q=licencia").content.decode()
    assert "Concesión de licencia" in found
    assert "Aprobación de facturas" not in found
    assert "Aprobación de facturas" not in client.get(f"{BASE}libro/?q=1").content.decode()

    assert client.post(f"{BASE}libro/{resolucion.pk}/anular/",
                       {"motivo": "Error en el destinatario."}).status_code == 302
    with schema_context(province.a.schema_name):
        resolucion.refresh_from_db()
        assert resolucion.estado == EstadoResolucion.ANULADA
    # The técnico may read the libro but not annotate it.
    tecnico = client_for(cast.tecnico, HOST_A)
    other = Resolucion.objects.exclude(pk=resolucion.pk).get()
    tecnico.post(f"{BASE}libro/{other.pk}/anular/", {"motivo": "No."})
    other.refresh_from_db()
    assert other.estado == EstadoResolucion.VIGENTE

    today = timezone.localdate().isoformat()
    issued = client.get(f"{BASE}libro/emitir/?desde={today}&hasta={today}")
    assert issued.status_code == 200
    assert issued["Content-Type"] == "application/pdf"
    assert issued.content.startswith(b"%PDF-")
    listed = client.get(f"{BASE}libro/").content.decode()
    assert "Libros emitidos" in listed
    assert client.get(f"{BASE}libro/emitir/?desde={today}&hasta=2000-01-01").status_code == 400
    assert client_for(province.clerk_b, HOST_B).post(
        f"{BASE}libro/{other.pk}/anular/", {"motivo": "No."}).status_code == 404
