"""A certificate's life: request, acreditación, sending, recording, suspension, lifting,
revocation; each step with its reason, date and operator, in the history and the audit
trail; every operation from the wrong state refused with a Spanish message and nothing
changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError

from certificados import actions
from certificados.choices import Accion, Autoridad, Estado, MotivoRevocacion, Operacion, Tipo
from certificados.models import Certificado, Evento
from provincial.models import AuditEvent
from tests.certificados.conftest import (
    SIGNING_USAGE,
    employee_subject,
    nif,
    pdf_upload,
    pem,
    png_upload,
    solicitud,
)

pytestmark = pytest.mark.django_db


def _messages(exc: ValidationError) -> dict:
    return {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}


def test_a_request_checks_the_holder_nif_the_dir3_code_and_the_sede_address(province):
    a = province.a
    with pytest.raises(ValidationError) as caught:
        actions.solicitar(a, solicitud(a, Tipo.SEDE, holder_nif="48123456A",
                                       dir3_code="L01030535", sede_domain="https://sede agost"),
                          operator=province.admin_a)
    assert _messages(caught.value) == {
        "holder_nif": ["La letra del NIF 48123456A no corresponde a su número: debería ser "
                       f"{nif('48123456')[-1]}."],
        "dir3_code": ["L01030535 es el código DIR3 de otra entidad; el código del Ajuntament "
                      "d'Agost es L01030020 (o el de una de sus unidades, LA0…)."],
        "sede_domain": ["«sede agost» no es un nombre de dominio válido (p. ej. sede.alcoi.es)."],
    }
    with pytest.raises(ValidationError) as caught:
        actions.solicitar(a, solicitud(a, holder_nif="P0300200A", dir3_code="E04921301"),
                          operator=province.admin_a)
    assert _messages(caught.value) == {
        "holder_nif": ["P0300200A es el NIF de una persona jurídica; escriba el DNI o NIE de la "
                       "persona."],
        "dir3_code": ["E04921301 no es un código DIR3 de la Administración Local: use el de la "
                      "entidad (L01030020) o el de una de sus unidades (LA0…)."]}
    assert not Certificado.objects.filter(entity=a).exists()


def test_a_request_keeps_normalised_identifiers_and_its_documents(province):
    a = province.a
    certificado = actions.solicitar(
        a, solicitud(a, holder_nif=" x1234567-l ", dir3_code="la0012345"),
        operator=province.admin_a, attachments=[pdf_upload(), png_upload()])
    assert (certificado.holder_nif, certificado.dir3_code, certificado.state) == \
        ("X1234567L", "LA0012345", Estado.SOLICITADO)
    assert [(a.name, a.kind, a.size) for a in certificado.adjuntos.all()] == \
        [("dni.pdf", "pdf", len(pdf_upload().read())), ("dni.png", "png", 72)]
    assert list(certificado.eventos.values_list("action", "to_state", "operator")) == \
        [(Accion.SOLICITUD, Estado.SOLICITADO, province.admin_a.pk)]


def test_an_attachment_that_is_not_a_pdf_or_an_image_is_refused(province):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("dni.pdf", b"MZ\x90\x00 programa", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        actions.solicitar(province.a, solicitud(province.a), operator=province.admin_a,
                          attachments=[fake])
    assert caught.value.messages == ["«dni.pdf» no es un fichero PDF / PNG / JPEG (se comprueba "
                                     "su contenido, no su extensión)."]
    assert not Certificado.objects.filter(entity=province.a).exists()


def test_the_whole_fnmt_life_is_recorded_step_by_step(province, request_for, fnmt_ca):
    office = province.provincial_admin
    certificado = request_for(province.a)
    actions.acreditar(certificado, "DNI original visto en persona.", operator=office)
    actions.enviar(certificado, "  FNMT-778812  ", "Aprobada en su aplicación.", operator=office)
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    actions.registrar_emitido(certificado, pem(issued), operator=office)
    actions.suspender(certificado, "Pérdida del portátil.", operator=office)
    actions.levantar_suspension(certificado, "Apareció el portátil.", operator=office)
    actions.revocar(certificado, MotivoRevocacion.CAMBIO_AFILIACION, "Cese el 30/06.",
                    operator=office)
    certificado.refresh_from_db()
    assert certificado.state == Estado.REVOCADO
    assert certificado.external_reference == "FNMT-778812"
    assert certificado.serial_hex == format(issued.serial_number, "X")
    assert certificado.not_after == issued.not_valid_after_utc
    assert certificado.revocation_reason == "affiliation_changed"
    steps = list(certificado.eventos.values_list("action", "from_state", "to_state", "reason",
                                                 "operator"))
    assert steps == [
        (Accion.SOLICITUD, "", Estado.SOLICITADO, "", province.admin_a.pk),
        (Accion.ACREDITACION, Estado.SOLICITADO, Estado.ACREDITADO, "DNI original visto en persona.",
         office.pk),
        (Accion.ENVIO, Estado.ACREDITADO, Estado.ENVIADO, "Aprobada en su aplicación.", office.pk),
        (Accion.REGISTRO, Estado.ENVIADO, Estado.EMITIDO, "", office.pk),
        (Accion.SUSPENSION, Estado.EMITIDO, Estado.SUSPENDIDO, "Pérdida del portátil.", office.pk),
        (Accion.LEVANTAMIENTO, Estado.SUSPENDIDO, Estado.EMITIDO, "Apareció el portátil.",
         office.pk),
        (Accion.REVOCACION, Estado.EMITIDO, Estado.REVOCADO, "Cese el 30/06.", office.pk),
    ]
    codes = list(AuditEvent.objects.filter(object_type="certificados.Certificado",
                                           object_id=str(certificado.pk))
                 .order_by("pk").values_list("action", "entity", "user"))
    assert codes == [
        ("certificados.solicitud.crear", province.a.pk, province.admin_a.pk),
        ("certificados.solicitud.acreditar", province.a.pk, office.pk),
        ("certificados.solicitud.enviar", province.a.pk, office.pk),
        ("certificados.certificado.registrar", province.a.pk, office.pk),
        ("certificados.certificado.suspender", province.a.pk, office.pk),
        ("certificados.certificado.levantar", province.a.pk, office.pk),
        ("certificados.certificado.revocar", province.a.pk, office.pk),
    ]


@pytest.mark.parametrize(("state", "operation", "message"), [
    ("solicitado", "suspender", "No se puede suspender CER-{pk:06d}: está «Solicitado»."),
    ("solicitado", "enviar", "No se puede enviar a la autoridad CER-{pk:06d}: está «Solicitado»."),
    ("acreditado", "registrar", "No se puede registrar el certificado emitido de CER-{pk:06d}: "
                                "está «Identidad acreditada»."),
    ("enviado", "acreditar", "No se puede acreditar la identidad de CER-{pk:06d}: está «Enviado "
                             "a la autoridad»."),
    ("enviado", "revocar", "No se puede revocar CER-{pk:06d}: está «Enviado a la autoridad»."),
    ("enviado", "anular", "No se puede anular CER-{pk:06d}: está «Enviado a la autoridad»."),
])
def test_an_operation_from_the_wrong_state_is_refused_and_changes_nothing(
        province, request_for, state, operation, message):
    certificado = request_for(province.a, state=state)
    before = (certificado.state, certificado.eventos.count(),
              AuditEvent.objects.filter(object_id=str(certificado.pk)).count())
    office = province.provincial_admin
    calls = {
        "suspender": lambda: actions.suspender(certificado, "motivo", operator=office),
        "enviar": lambda: actions.enviar(certificado, "X-1", operator=office),
        "registrar": lambda: actions.registrar_emitido(certificado, b"-----BEGIN CERTIFICATE",
                                                       operator=office),
        "acreditar": lambda: actions.acreditar(certificado, "nota", operator=office),
        "revocar": lambda: actions.revocar(certificado, "unspecified", "motivo", operator=office),
        "anular": lambda: actions.anular(certificado, "ya no hace falta",
                                         operator=province.admin_a),
    }
    with pytest.raises(ValidationError) as caught:
        calls[operation]()
    assert caught.value.messages == [message.format(pk=certificado.pk)]
    certificado.refresh_from_db()
    assert (certificado.state, certificado.eventos.count(),
            AuditEvent.objects.filter(object_id=str(certificado.pk)).count()) == before


def test_the_local_ca_request_is_issued_not_sent_and_fnmt_is_sent_not_issued(province,
                                                                               request_for):
    local = request_for(province.a, authority=Autoridad.LOCAL, state="acreditado")
    with pytest.raises(ValidationError) as caught:
        actions.enviar(local, "X-1", operator=province.provincial_admin)
    assert caught.value.messages == ["La AC de la plataforma no recibe envíos: emita el "
                                     "certificado directamente."]
    fnmt = request_for(province.a, state="acreditado")
    with pytest.raises(ValidationError) as caught:
        actions.emitir(fnmt, operator=province.provincial_admin)
    assert caught.value.messages == ["Esta solicitud es para FNMT-RCM (AC Sector Público): "
                                     "envíela y registre el certificado que emita."]
    with pytest.raises(ValidationError) as caught:
        actions.enviar(fnmt, "   ", operator=province.provincial_admin)
    assert caught.value.messages == ["Escriba el código de solicitud que le dio la FNMT-RCM."]
    fnmt.refresh_from_db()
    assert fnmt.state == Estado.ACREDITADO


@pytest.mark.parametrize(("call", "message"), [
    (lambda c, u: actions.rechazar(c, "  ", operator=u),
     "Diga el motivo del rechazo: se comunica a la entidad."),
    (lambda c, u: actions.acreditar(c, "", operator=u),
     "Anote qué comprobó (documento de identidad visto, nombramiento…)."),
])
def test_decisions_need_their_reason(province, request_for, call, message):
    certificado = request_for(province.a)
    with pytest.raises(ValidationError) as caught:
        call(certificado, province.provincial_admin)
    assert caught.value.messages == [message]
    certificado.refresh_from_db()
    assert certificado.state == Estado.SOLICITADO


def test_the_entity_asks_and_the_office_acts_or_declines(province, request_for):
    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="emitido")
    with pytest.raises(ValidationError) as caught:
        actions.pedir_operacion(certificado, Operacion.LEVANTAR, "por favor",
                                operator=province.admin_a)
    assert caught.value.messages == [f"No se puede pedir el levantamiento de la suspensión de "
                                     f"{certificado.reference}: está «Emitido»."]
    actions.pedir_operacion(certificado, Operacion.SUSPENDER, "Robo del portátil.",
                            operator=province.admin_a)
    certificado.refresh_from_db()
    assert (certificado.requested_operation, certificado.requested_operation_reason,
            certificado.requested_operation_by) == ("suspender", "Robo del portátil.",
                                                    province.admin_a)
    actions.suspender(certificado, "A petición de la entidad: robo.",
                      operator=province.provincial_admin)
    certificado.refresh_from_db()
    assert (certificado.state, certificado.requested_operation) == (Estado.SUSPENDIDO, "")
    actions.pedir_operacion(certificado, Operacion.LEVANTAR, "Lo hemos recuperado.",
                            operator=province.admin_a)
    actions.descartar_peticion(certificado, "Un equipo robado no vuelve a ser de confianza.",
                               operator=province.provincial_admin)
    certificado.refresh_from_db()
    assert (certificado.state, certificado.requested_operation) == (Estado.SUSPENDIDO, "")
    assert list(certificado.eventos.filter(action__in=[Accion.PETICION,
                                                       Accion.PETICION_DESCARTADA])
                .values_list("action", "data")) == [
        (Accion.PETICION, {"operation": "suspender"}),
        (Accion.PETICION, {"operation": "levantar"}),
        (Accion.PETICION_DESCARTADA, {"operation": "levantar"})]


def test_the_entity_withdraws_a_request_before_it_reaches_the_authority(province, request_for):
    certificado = request_for(province.a)
    actions.anular(certificado, "Se equivocó de persona.", operator=province.admin_a)
    certificado.refresh_from_db()
    assert certificado.state == Estado.ANULADO
    assert certificado.eventos.last().reason == "Se equivocó de persona."


def test_the_history_is_append_only(province, request_for):
    certificado = request_for(province.a)
    evento = Evento.objects.get(certificado=certificado)
    with pytest.raises(InternalError), transaction.atomic():
        Evento.objects.filter(pk=evento.pk).update(reason="reescrito")
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM certificados_evento WHERE id = %s", [evento.pk])
    assert Evento.objects.get(pk=evento.pk).reason == ""
