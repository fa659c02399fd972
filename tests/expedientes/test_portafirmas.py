"""The portafirmas' actions: sequential and parallel circuits, each signature an
incremental PAdES revision that validates, rejection, withdrawal, delegation, batches,
and a signed document that no action changes."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from certificados import actions as certificados
from certificados.choices import MotivoRevocacion
from expedientes import portafirmas
from expedientes.choices import Cargo, EstadoDocumento, EstadoFirmante, EstadoPeticion
from expedientes.models import Firmante, Historial, PeticionFirma
from provincial.models import AuditEvent
from provincial.signing import validation
from tests.expedientes.test_portafirmas_certificados import (
    documento,
    fast_keys,
    make_cast,
    pdf_bytes,
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


def estados(peticion: PeticionFirma) -> list[tuple[str, str]]:
    return [(f.user_name, f.estado) for f in peticion.firmantes.order_by("orden", "pk")]


def firmante_of(peticion: PeticionFirma, user) -> Firmante:
    return peticion.firmantes.get(user_id=user.pk)


def signature_names(content: bytes) -> list[str]:
    """The /Name of each signature (the label the stamp prints)."""
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    return [str(sig.sig_object.get("/Name")) for sig in reader.embedded_regular_signatures]


def test_a_sequential_circuit_waits_for_each_step(cast, expediente):
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)
    doc.refresh_from_db()
    assert doc.estado == EstadoDocumento.EN_FIRMA
    assert estados(peticion) == [("Clerk Pruebas", "pendiente"),
                                 ("Marta Boronat Climent", "en_espera"),
                                 ("Carme Navarro Jover", "en_espera")]
    # The secretaria sees nothing yet, and cannot jump the queue.
    assert list(portafirmas.pendientes(cast.secretario)) == []
    with pytest.raises(ValidationError, match="Aún no le toca"):
        portafirmas.firmar(firmante_of(peticion, cast.secretario), acting_user=cast.secretario)

    portafirmas.firmar(firmante_of(peticion, cast.tecnico), acting_user=cast.tecnico)
    assert estados(peticion) == [("Clerk Pruebas", "firmado"),
                                 ("Marta Boronat Climent", "pendiente"),
                                 ("Carme Navarro Jover", "en_espera")]
    assert [f.pk for f in portafirmas.pendientes(cast.secretario)] == \
        [firmante_of(peticion, cast.secretario).pk]
    portafirmas.firmar(firmante_of(peticion, cast.secretario), acting_user=cast.secretario)
    portafirmas.firmar(firmante_of(peticion, cast.alcalde), acting_user=cast.alcalde)

    peticion.refresh_from_db()
    doc.refresh_from_db()
    assert (peticion.estado, doc.estado) == (EstadoPeticion.FIRMADA, EstadoDocumento.FIRMADO)
    assert peticion.finished_at is not None


def test_each_signature_is_a_new_revision_that_validates(cast, expediente):
    doc = documento(expediente)
    original = read(doc)
    peticion = portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)
    revisions = [original]
    for user in (cast.tecnico, cast.secretario, cast.alcalde):
        portafirmas.firmar(firmante_of(peticion, user), acting_user=user)
        revisions.append(read(doc))

    doc.refresh_from_db()
    final = revisions[-1]
    # Incremental: every revision keeps the earlier bytes as they were.
    assert all(later.startswith(earlier) for earlier, later in zip(revisions, revisions[1:],
                                                                  strict=False))
    assert doc.sha256_original == hashlib.sha256(original).hexdigest()
    assert doc.sha256 == hashlib.sha256(final).hexdigest() != doc.sha256_original
    assert [f.sha256_firmado for f in peticion.firmantes.order_by("orden")] == \
        [hashlib.sha256(r).hexdigest() for r in revisions[1:]]
    report = validation.validate_pdf(final)
    assert len(report.signatures) == 3
    assert [s.ok for s in report.signatures] == [True, True, True]
    assert report.ok, report.summary
    assert [s.signer.nif for s in report.signatures] == \
        [cast.tecnico.nif, cast.secretario.nif, cast.alcalde.nif]
    # One field per signer, and the stamp names them with their post.
    firmantes = list(peticion.firmantes.order_by("orden"))
    assert [s.field_name for s in report.signatures] == [f"Firma-{f.pk}" for f in firmantes]
    assert signature_names(final) == ["Clerk Pruebas", "Marta Boronat Climent (Secretaría)",
                                      "Carme Navarro Jover (Alcaldía)"]
    # Who, when, with which certificate: in the signer's row and the history.
    alcalde = firmante_of(peticion, cast.alcalde)
    assert alcalde.signed_by_id == cast.alcalde.pk
    assert alcalde.signed_at is not None
    assert f"IDCES-{cast.alcalde.nif}" in alcalde.certificate_subject
    assert Historial.objects.filter(documento=doc, accion="Firmado").count() == 3
    assert AuditEvent.objects.filter(action="expedientes.firma.firmar").count() == 3


def test_steps_with_the_same_order_sign_in_parallel(cast, expediente):
    paralelo = portafirmas.guardar_circuito(
        None, name="Técnico y Secretaría → Alcaldía", acting_user=cast.admin,
        pasos=[portafirmas.PasoData(1, Cargo.TECNICO, cast.tecnico),
               portafirmas.PasoData(1, Cargo.SECRETARIA),
               portafirmas.PasoData(2, Cargo.ALCALDIA)])
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, paralelo, acting_user=cast.tecnico)
    assert estados(peticion) == [("Clerk Pruebas", "pendiente"),
                                 ("Marta Boronat Climent", "pendiente"),
                                 ("Carme Navarro Jover", "en_espera")]
    # Either order; the alcaldesa only once both have signed.
    portafirmas.firmar(firmante_of(peticion, cast.secretario), acting_user=cast.secretario)
    assert firmante_of(peticion, cast.alcalde).estado == EstadoFirmante.EN_ESPERA
    portafirmas.firmar(firmante_of(peticion, cast.tecnico), acting_user=cast.tecnico)
    assert firmante_of(peticion, cast.alcalde).estado == EstadoFirmante.PENDIENTE
    portafirmas.firmar(firmante_of(peticion, cast.alcalde), acting_user=cast.alcalde)
    assert validation.validate_pdf(read(doc)).ok


def test_a_rejection_needs_a_reason_closes_the_request_and_keeps_the_bytes(cast, expediente):
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)
    portafirmas.firmar(firmante_of(peticion, cast.tecnico), acting_user=cast.tecnico)
    signed_once = read(doc)
    secretaria = firmante_of(peticion, cast.secretario)
    with pytest.raises(ValidationError, match="Diga por qué rechaza la firma"):
        portafirmas.rechazar(secretaria, "   ", acting_user=cast.secretario)

    portafirmas.rechazar(secretaria, "Falta el informe técnico favorable.",
                         acting_user=cast.secretario)

    peticion.refresh_from_db()
    doc.refresh_from_db()
    assert peticion.estado == EstadoPeticion.RECHAZADA
    assert peticion.finished_at
    assert doc.estado == EstadoDocumento.RECHAZADO
    assert estados(peticion) == [("Clerk Pruebas", "firmado"),
                                 ("Marta Boronat Climent", "rechazado"),
                                 ("Carme Navarro Jover", "omitido")]
    assert firmante_of(peticion, cast.secretario).motivo_rechazo == \
        "Falta el informe técnico favorable."
    assert read(doc) == signed_once
    entry = Historial.objects.get(documento=doc, accion="Firma rechazada")
    assert entry.descripcion.endswith("Motivo: Falta el informe técnico favorable.")
    assert entry.user_id == cast.secretario.pk
    assert list(portafirmas.pendientes(cast.alcalde)) == []
    # Corrected, it may go to signature again.
    again = portafirmas.enviar_a_firma(doc, cast.decretos, acting_user=cast.tecnico)
    assert again.estado == EstadoPeticion.EN_CURSO


def test_a_document_in_a_circuit_is_not_sent_twice_and_withdrawal_restores_it(cast, expediente):
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, cast.decretos, acting_user=cast.tecnico)
    with pytest.raises(ValidationError, match="ya está en un circuito de firma"):
        portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)
    with pytest.raises(ValidationError, match="Solo quien lo envió"):
        portafirmas.retirar(peticion, "Error.", acting_user=cast.alcalde)

    portafirmas.retirar(peticion, "Se envió el borrador equivocado.", acting_user=cast.tecnico)

    peticion.refresh_from_db()
    doc.refresh_from_db()
    assert (peticion.estado, peticion.motivo_retirada) == (EstadoPeticion.RETIRADA,
                                                           "Se envió el borrador equivocado.")
    assert doc.estado == EstadoDocumento.INCORPORADO
    assert {f.estado for f in peticion.firmantes.all()} == {EstadoFirmante.OMITIDO}
    assert list(portafirmas.pendientes(cast.secretario)) == []


def test_a_delegate_signs_during_the_period_saying_so_and_not_after(cast, expediente):
    today = timezone.localdate()
    delegacion = portafirmas.crear_delegacion(
        titular=cast.alcalde, delegado=cast.tecnico, desde=today, hasta=today,
        motivo="Vacaciones", acting_user=cast.alcalde)
    first, second = documento(expediente, "Decreto primero"), documento(expediente,
                                                                         "Decreto segundo")
    peticiones = [portafirmas.enviar_a_firma(d, cast.decretos, acting_user=cast.tecnico)
                  for d in (first, second)]
    for peticion in peticiones:
        portafirmas.firmar(firmante_of(peticion, cast.secretario), acting_user=cast.secretario)
    # The delegate sees the titular's pending items beside their own.
    assert {f.peticion_id for f in portafirmas.pendientes(cast.tecnico)} == \
        {p.pk for p in peticiones}

    firmado = portafirmas.firmar(firmante_of(peticiones[0], cast.alcalde),
                                 acting_user=cast.tecnico)

    firmado.refresh_from_db()
    assert (firmado.user_id, firmado.signed_by_id, firmado.delegacion_id) == \
        (cast.alcalde.pk, cast.tecnico.pk, delegacion.pk)
    assert firmado.is_delegated
    assert signature_names(read(first))[-1] == \
        "Clerk Pruebas (Alcaldía), por delegación de Carme Navarro Jover"
    assert validation.validate_pdf(read(first)).signatures[-1].signer.nif == cast.tecnico.nif
    assert "por delegación de Carme Navarro Jover" in \
        Historial.objects.get(documento=first, accion="Firmado",
                              user_id=cast.tecnico.pk).descripcion

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert list(portafirmas.pendientes(cast.tecnico)) == []
        with pytest.raises(ValidationError, match="ni tiene una delegación en vigor"):
            portafirmas.firmar(firmante_of(peticiones[1], cast.alcalde), acting_user=cast.tecnico)
    assert firmante_of(peticiones[1], cast.alcalde).estado == EstadoFirmante.PENDIENTE


def test_a_revoked_delegation_no_longer_lets_the_delegate_sign(cast, expediente):
    today = timezone.localdate()
    delegacion = portafirmas.crear_delegacion(
        titular=cast.alcalde, delegado=cast.tecnico, desde=today, hasta=today,
        acting_user=cast.alcalde)
    with pytest.raises(ValidationError):
        portafirmas.crear_delegacion(titular=cast.alcalde, delegado=cast.secretario,
                                     desde=today, hasta=today, acting_user=cast.alcalde)
    with pytest.raises(ValidationError, match="Solo puede delegar su propia firma"):
        portafirmas.crear_delegacion(titular=cast.alcalde, delegado=cast.secretario,
                                     desde=today, hasta=today, acting_user=cast.tecnico)
    portafirmas.revocar_delegacion(delegacion, acting_user=cast.alcalde)
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, cast.decretos, acting_user=cast.tecnico)
    portafirmas.firmar(firmante_of(peticion, cast.secretario), acting_user=cast.secretario)
    assert list(portafirmas.pendientes(cast.tecnico)) == []
    with pytest.raises(ValidationError):
        portafirmas.firmar(firmante_of(peticion, cast.alcalde), acting_user=cast.tecnico)


def test_a_signer_without_a_usable_certificate_is_told_in_spanish(cast, expediente):
    from certificados.models import Certificado

    certificado = Certificado.objects.get(holder_nif=cast.tecnico.nif)
    certificados.revocar(certificado, MotivoRevocacion.CAMBIO_AFILIACION, "Cambio de puesto.",
                         operator=cast.admin)
    doc = documento(expediente)
    before = read(doc)
    peticion = portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico)

    with pytest.raises(ValidationError) as refused:
        portafirmas.firmar(firmante_of(peticion, cast.tecnico), acting_user=cast.tecnico)

    assert refused.value.messages == [
        "Clerk Pruebas no tiene un certificado de empleado público del Ajuntament d'Agost, "
        "vigente y custodiado por la plataforma, con el que firmar. Pídalo a la oficina de "
        "registro de certificados de la Diputación a través de la persona administradora de "
        "usuarios."]
    assert firmante_of(peticion, cast.tecnico).estado == EstadoFirmante.PENDIENTE
    assert read(doc) == before


def test_a_batch_signs_every_item_it_can_and_reports_the_one_it_cannot(cast, expediente):
    docs = [documento(expediente, f"Decreto {n}") for n in range(1, 5)]
    peticiones = [portafirmas.enviar_a_firma(d, cast.decretos, acting_user=cast.tecnico)
                  for d in docs]
    items = list(portafirmas.pendientes(cast.secretario).order_by("pk"))
    assert len(items) == 4
    # The third is withdrawn after the inbox was shown.
    portafirmas.retirar(peticiones[2], "Duplicado.", acting_user=cast.tecnico)

    results = portafirmas.firmar_lote(items, acting_user=cast.secretario)

    assert [(r.titulo, r.ok) for r in results] == [
        ("Decreto 1", True), ("Decreto 2", True), ("Decreto 3", False), ("Decreto 4", True)]
    assert results[2].mensaje == "La petición de firma ya no está en curso: está «Retirada»."
    assert [len(validation.validate_pdf(read(doc)).signatures) for doc in docs[:2] + docs[3:]] \
        == [1, 1, 1]
    assert read(docs[2]) == pdf_bytes()


def test_a_signed_document_cannot_be_changed_by_any_action(cast, expediente):
    doc = documento(expediente)
    peticion = portafirmas.enviar_a_firma(doc, cast.decretos, acting_user=cast.tecnico)
    for user in (cast.secretario, cast.alcalde):
        portafirmas.firmar(firmante_of(peticion, user), acting_user=user)
    signed = read(doc)
    sha = doc.sha256

    attempts = [
        lambda: portafirmas.enviar_a_firma(doc, cast.tres, acting_user=cast.tecnico),
        lambda: portafirmas.firmar(firmante_of(peticion, cast.alcalde), acting_user=cast.alcalde),
        lambda: portafirmas.rechazar(firmante_of(peticion, cast.alcalde), "Quiero cambiarlo.",
                                     acting_user=cast.alcalde),
        lambda: portafirmas.retirar(peticion, "Quiero cambiarlo.", acting_user=cast.tecnico),
    ]
    messages = []
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        messages.append(refused.value.messages[0])

    assert messages == [
        "«Resolución de concesión de licencia» está «Firmado»: no se puede enviar a firma.",
        "La petición de firma ya no está en curso: está «Firmada».",
        "La petición de firma ya no está en curso: está «Firmada».",
        "La petición de firma ya está «Firmada».",
    ]
    doc.refresh_from_db()
    assert (doc.estado, doc.sha256) == (EstadoDocumento.FIRMADO, sha)
    assert read(doc) == signed


def test_a_step_without_anyone_in_the_post_stops_the_sending(cast, expediente):
    from tenants import actions as tenant_actions
    from tenants.models import OfficeHolder

    holder = OfficeHolder.objects.for_entity(cast.entity).get(office="secretaria_intervencion")
    tenant_actions.end_office_holder(holder, datetime.date(2024, 1, 1), acting_user=cast.admin)
    doc = documento(expediente)
    with pytest.raises(ValidationError, match="Nadie ocupa hoy el cargo «Secretaría»"):
        portafirmas.enviar_a_firma(doc, cast.decretos, acting_user=cast.tecnico)
    doc.refresh_from_db()
    assert doc.estado == EstadoDocumento.INCORPORADO
    assert PeticionFirma.objects.count() == 0


def test_a_draft_is_frozen_when_sent_and_its_signatures_validate(cast, expediente):
    from expedientes.models import Documento

    draft = Documento.objects.create(
        expediente=expediente, titulo="Decreto de concesión", estado=EstadoDocumento.BORRADOR,
        tipo_documental="TD01", is_resolucion=True,
        cuerpo="<p>Se concede la licencia de obra menor solicitada.</p>")
    peticion = portafirmas.enviar_a_firma(draft, cast.decretos, acting_user=cast.tecnico)
    draft.refresh_from_db()
    assert draft.is_frozen
    assert draft.estado == EstadoDocumento.EN_FIRMA
    frozen = read(draft)
    assert draft.sha256 == draft.sha256_original == hashlib.sha256(frozen).hexdigest()
    for user in (cast.secretario, cast.alcalde):
        portafirmas.firmar(firmante_of(peticion, user), acting_user=user)
    draft.refresh_from_db()
    assert draft.sha256_original == hashlib.sha256(frozen).hexdigest() != draft.sha256
    assert read(draft).startswith(frozen)
    report = validation.validate_pdf(read(draft))
    assert report.ok
    assert len(report.signatures) == 2
    assert draft.resolucion.numero == 1
