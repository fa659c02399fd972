"""The remesa and the life of each notification: channel rules (art. 14), apoderamientos,
numbering, the salida in the registro, the comparecencia by the right person only, the
first terminal event wins (art. 41.7), atomicity and tenant isolation."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes.choices import EstadoDocumento
from expedientes.models import Documento
from notificaciones import actions, avisos
from notificaciones.actions import (
    NotificacionError,
    acceder,
    anular,
    apoderamiento_vigente,
    crear_remesa,
    rechazar,
    registrar_apoderamiento,
    registrar_entrega_papel,
    revocar_apoderamiento,
)
from notificaciones.choices import (
    Canal,
    CanalAviso,
    EstadoNotificacion,
    MotivoCanal,
    ResultadoPapel,
    TipoEvento,
)
from notificaciones.models import Aviso, ContadorNotificacion, Evento, Notificacion, Remesa
from provincial.documents.models import IssuedDocument
from provincial.documents.services import SigningFailed
from provincial.models import AuditEvent
from registro import services as registro
from registro.models import Asiento, ContadorRegistro
from tests.documents_signing.conftest import sello_of, trusted_pki  # noqa: F401 (fixtures)
from tests.expedientes.conftest import CIF, DNI, make_documento
from tests.notificaciones.conftest import (
    OTHER_DNI,
    REPRESENTANTE_DNI,
    actor,
    empresa,
    lucia,
    notificar,
    papel,
)


def year() -> int:
    """The year of the references, computed when the test runs (not at import: a run
    that crosses New Year's Eve would disagree)."""
    return timezone.now().astimezone(actions.MADRID).year


def apoderar(poderdante=DNI, apoderado=REPRESENTANTE_DNI, procedimiento="", **extra):
    data = {"poderdante_tipo_documento": "NIF", "poderdante_documento": poderdante,
            "poderdante_nombre": "Lucía Pérez Gómez", "apoderado_tipo_documento": "NIF",
            "apoderado_documento": apoderado, "apoderado_nombre": "Gestoría Ana Martí",
            "apoderado_email": "ana@gestoria.example", "apoderado_telefono": "611222333",
            "procedimiento_code": procedimiento,
            "valido_desde": timezone.localdate() - datetime.timedelta(days=30),
            "referencia": "Apud acta 12/2026"}
    data.update(extra)
    return registrar_apoderamiento(acting_user=None, **data)


# --- channels, numbering, the registro ------------------------------------------------------


def test_channel_by_article_14(resolucion, province):
    sociedad, elige, profesional, en_papel = notificar(
        resolucion, empresa(), lucia(),
        lucia(documento="00000023T", nombre="Pilar", obligado=MotivoCanal.PROFESIONAL,
              eligio_electronica=False),
        papel(), acting_user=province.clerk_a)
    assert (sociedad.canal, sociedad.motivo_canal, sociedad.estado) == (
        Canal.SEDE, MotivoCanal.PERSONA_JURIDICA, EstadoNotificacion.PUESTA_DISPOSICION)
    assert (elige.canal, elige.motivo_canal) == (Canal.SEDE, MotivoCanal.ELECCION)
    assert (profesional.canal, profesional.motivo_canal) == (Canal.SEDE,
                                                             MotivoCanal.PROFESIONAL)
    assert (en_papel.canal, en_papel.motivo_canal, en_papel.estado, en_papel.vence_at) == (
        Canal.PAPEL, MotivoCanal.NO_OBLIGADO, EstadoNotificacion.PENDIENTE_PAPEL, None)
    for n in (sociedad, elige, profesional):
        assert n.vence_at == actions.vencimiento(n.puesta_at)
    # A company is obliged even if nobody said so; a comunidad de bienes too (art. 14.2.b).
    [cb] = notificar(resolucion, empresa(documento="E12345674", nombre="Hermanos Ruiz CB"))
    assert (cb.canal, cb.motivo_canal) == (Canal.SEDE, MotivoCanal.ENTIDAD_SIN_PERSONALIDAD)


def test_references_are_numbered_without_gaps_per_year(resolucion):
    first = notificar(resolucion, lucia(), empresa())
    second = notificar(resolucion, papel())
    assert [n.referencia for n in first + second] == [
        f"N-{year()}-{i:06d}" for i in (1, 2, 3)]
    assert ContadorNotificacion.objects.get(year=year()).last == 3


def test_each_notification_has_its_salida_with_the_content_and_the_interesado(resolucion,
                                                                             province):
    electronica, en_papel = notificar(resolucion, lucia(), papel(), acting_user=province.clerk_a)
    remesa = electronica.remesa
    assert remesa.expediente_id == resolucion.expediente_id
    assert (remesa.contenido_nombre, remesa.contenido_sha256) == ("resolucion.pdf",
                                                                  resolucion.sha256)
    assert remesa.procedimiento_code == "OBRA-MENOR"
    assert remesa.created_by_name
    for n, canal in ((electronica, "sede"), (en_papel, "correo")):
        asiento = Asiento.objects.get(pk=n.asiento_salida_id)
        assert (asiento.libro, asiento.canal) == ("S", canal)
        assert asiento.idempotency_key == f"notificacion:{n.referencia}"
        [interesado] = asiento.interesados.all()
        assert (interesado.documento, interesado.es_representante) == (n.documento, False)
        [anexo] = asiento.anexos.all()
        assert (anexo.nombre, anexo.sha256) == ("resolucion.pdf", resolucion.sha256)
        assert n.referencia in asiento.asunto
    assert electronica.asiento_salida_id != en_papel.asiento_salida_id


def test_a_salida_of_the_registro_can_be_notified(in_a):
    from tests.test_documents import PLAIN_PDF

    salida = registro.registrar(
        libro="S", canal="presencial", asunto="Requerimiento de documentación",
        resumen="Requerimiento", interesados=[registro.InteresadoData(
            tipo="fisica", tipo_documento="NIF", documento=DNI, nombre="Lucía",
            apellido1="Pérez")],
        anexos=[registro.AnexoData(nombre="requerimiento.pdf", contenido=PLAIN_PDF)])
    remesa = crear_remesa(asiento_origen=salida, concepto="Requerimiento de documentación",
                          destinatarios=[lucia()], acting_user=None)
    [n] = remesa.notificaciones.all()
    assert remesa.expediente is None
    assert remesa.contenido_nombre == "requerimiento.pdf"
    assert n.eventos.get().acuse is not None
    assert n.eventos.get().documento_expediente is None
    entrada = registro.registrar(
        libro="E", canal="presencial", asunto="Solicitud", resumen="Solicitud",
        interesados=[registro.InteresadoData(tipo="fisica", tipo_documento="NIF",
                                             documento=DNI, nombre="Lucía",
                                             apellido1="Pérez")],
        anexos=[registro.AnexoData(nombre="s.pdf", contenido=PLAIN_PDF)])
    with pytest.raises(NotificacionError, match="no es del libro de salida"):
        crear_remesa(asiento_origen=entrada, concepto="X", destinatarios=[lucia()],
                     acting_user=None)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"concepto": "  "}, "concepto"),
    ({"destinatarios": []}, "al menos un destinatario"),
    ({"destinatarios": [lucia(documento="12345678A")]}, "no es válido"),
    ({"destinatarios": [lucia(), lucia(nombre="Otra")]}, "repetido"),
    ({"destinatarios": [lucia(email="no-es-correo")]}, "correo electrónico"),
    ({"destinatarios": [papel(direccion="")]}, "dirección postal"),
    ({"destinatarios": [lucia(obligado="inventado")]}, "motivo de obligación"),
    ({"destinatarios": [lucia(apellido1="")]}, "Primer apellido"),
])
def test_bad_input_is_refused_with_a_clear_message(resolucion, kwargs, message):
    data = {"documento": resolucion, "concepto": "Resolución", "destinatarios": [lucia()],
            "acting_user": None}
    data.update(kwargs)
    with pytest.raises(NotificacionError, match=message):
        crear_remesa(**data)
    assert not Remesa.objects.exists()
    assert not ContadorNotificacion.objects.exists()


def test_only_signed_documents_are_notified(expediente):
    borrador = make_documento(expediente, titulo="Borrador", estado=EstadoDocumento.BORRADOR)
    with pytest.raises(NotificacionError, match="Solo se notifican documentos firmados"):
        notificar(borrador)
    assert not Remesa.objects.exists()


def test_a_failure_half_way_leaves_nothing(resolucion, monkeypatch):
    before = {"asientos": Asiento.objects.count(), "docs": IssuedDocument.objects.count(),
              "expediente": Documento.objects.filter(expediente=resolucion.expediente).count(),
              "contadores": list(ContadorRegistro.objects.values_list("libro", "year",
                                                                      "ultimo"))}
    calls = []
    real = avisos.programar

    def failing(notificacion, **kwargs):
        calls.append(notificacion.referencia)
        if len(calls) == 2:
            raise RuntimeError("broker caído a mitad")
        return real(notificacion, **kwargs)

    monkeypatch.setattr(avisos, "programar", failing)
    with pytest.raises(RuntimeError):
        notificar(resolucion, lucia(), empresa())
    assert calls == [f"N-{year()}-000001", f"N-{year()}-000002"]
    assert not Remesa.objects.exists()
    assert not Notificacion.objects.exists()
    assert not Evento.objects.exists()
    assert not Aviso.objects.exists()
    assert Asiento.objects.count() == before["asientos"]
    assert IssuedDocument.objects.count() == before["docs"]
    assert Documento.objects.filter(expediente=resolucion.expediente).count() == \
        before["expediente"]
    assert list(ContadorRegistro.objects.values_list("libro", "year", "ultimo")) == \
        before["contadores"]
    monkeypatch.setattr(avisos, "programar", real)
    # The numbers given back are used again: no gap.
    [n] = notificar(resolucion)
    assert n.referencia == f"N-{year()}-000001"


# --- apoderamientos -----------------------------------------------------------------------


def test_the_apoderamiento_in_force_names_the_representative(resolucion):
    general = apoderar()
    especifico = apoderar(apoderado="00000023T", procedimiento="OBRA-MENOR",
                          apoderado_nombre="Pilar Soler", apoderado_email="pilar@example.org")
    assert apoderamiento_vigente(DNI, "OBRA-MENOR") == especifico
    assert apoderamiento_vigente(DNI, "OTRO") == general
    assert apoderamiento_vigente(DNI, "") == general
    [n] = notificar(resolucion)
    assert n.apoderamiento == especifico
    assert (n.representante_documento, n.representante_nombre) == ("00000023T", "Pilar Soler")
    assert {(a.canal, a.destino) for a in n.avisos.all()} >= {
        (CanalAviso.EMAIL, "lucia@example.org"), (CanalAviso.EMAIL, "pilar@example.org")}
    # The representative appears for the interesado; the interesado can too.
    acceder(n, actor("00000023T", "Pilar Soler"))
    n.refresh_from_db()
    assert (n.estado, n.actor_documento) == (EstadoNotificacion.ACCEDIDA, "00000023T")
    actions.consultar(n, actor())
    assert n.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR).count() == 1
    # Someone else's NIF: refused (the view answers 404).
    with pytest.raises(NotificacionError):
        acceder(n, actor(REPRESENTANTE_DNI, "Gestoría Ana Martí"))


def test_apoderamiento_dates_are_inclusive_and_revoked_ones_do_not_count(in_a):
    hoy = timezone.localdate()
    a = apoderar(valido_desde=hoy, valido_hasta=hoy + datetime.timedelta(days=10))
    assert apoderamiento_vigente(DNI, "X", on=hoy) == a
    assert apoderamiento_vigente(DNI, "X", on=hoy + datetime.timedelta(days=10)) == a
    assert apoderamiento_vigente(DNI, "X", on=hoy + datetime.timedelta(days=11)) is None
    assert apoderamiento_vigente(DNI, "X", on=hoy - datetime.timedelta(days=1)) is None
    revocar_apoderamiento(a, motivo="Revocado por el poderdante", acting_user=None)
    assert apoderamiento_vigente(DNI, "X", on=hoy) is None
    with pytest.raises(NotificacionError, match="ya está revocado"):
        revocar_apoderamiento(a, motivo="Otra vez", acting_user=None)


@pytest.mark.parametrize(("extra", "message"), [
    ({"apoderado_documento": DNI}, "mismo poderdante"),
    ({"poderdante_documento": "1234"}, "no es válido"),
    ({"apoderado_nombre": ""}, "nombre del apoderado"),
    ({"valido_hasta": datetime.date(2000, 1, 1)}, "anterior a la inicial"),
    ({"apoderado_email": "x@"}, "correo"),
])
def test_bad_apoderamientos_are_refused(in_a, extra, message):
    with pytest.raises(NotificacionError, match=message):
        apoderar(**extra)


def test_a_revoked_representative_cannot_appear(resolucion):
    poder = apoderar()
    [n] = notificar(resolucion)
    assert n.representante_documento == REPRESENTANTE_DNI
    revocar_apoderamiento(poder, motivo="Fin de la relación", acting_user=None)
    with pytest.raises(NotificacionError, match="revocada"):
        acceder(n, actor(REPRESENTANTE_DNI, "Gestoría Ana Martí"))
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION


# --- the comparecencia and the states ------------------------------------------------------


def test_access_practises_it_once_and_records_who_how_and_from_where(resolucion):
    [n] = notificar(resolucion)
    acceder(n, actor())
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ACCEDIDA
    assert (n.actor_documento, n.actor_nombre, n.actor_metodo, n.actor_nivel) == (
        DNI, "Lucía Pérez Gómez", "clave", "sustancial")
    assert n.practicada_at is not None
    acceso = n.eventos.get(tipo=TipoEvento.ACCESO)
    assert (acceso.ip, acceso.user_agent, acceso.estado_resultante) == (
        "192.0.2.10", "pytest", EstadoNotificacion.ACCEDIDA)
    assert acceso.acuse is not None
    # A second access (another tab, a double click) records nothing: nothing is served.
    acceder(n, actor())
    assert not n.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR).exists()
    # Each download of the content is a consulta, sin efecto, without acuse.
    nombre, _mime, data = actions.consultar(n, actor())
    assert (nombre, hashlib.sha256(data).hexdigest()) == ("resolucion.pdf",
                                                          n.remesa.contenido_sha256)
    consulta = n.eventos.get(tipo=TipoEvento.CONSULTA_POSTERIOR)
    assert (consulta.is_sin_efecto, consulta.acuse, consulta.estado_resultante) == (
        True, None, "")
    n.refresh_from_db()
    assert n.practicada_at == acceso.at  # the first access counts
    assert AuditEvent.objects.filter(action="notificaciones.notificacion.acceso",
                                     object_id=str(n.pk)).count() == 1
    assert AuditEvent.objects.filter(action="notificaciones.notificacion.consulta").count() == 1


def test_another_citizen_can_neither_open_nor_reject(resolucion):
    [n] = notificar(resolucion)
    for action in (acceder, rechazar):
        with pytest.raises(NotificacionError):
            action(n, actor(OTHER_DNI, "Tomás Ruiz"))
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION
    assert list(n.eventos.values_list("tipo", flat=True)) == [TipoEvento.PUESTA_DISPOSICION]


def test_express_rejection_ends_it_and_the_content_is_no_longer_delivered(resolucion):
    [n] = notificar(resolucion)
    rechazar(n, actor())
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.RECHAZADA
    assert n.eventos.get(tipo=TipoEvento.RECHAZO).acuse is not None
    with pytest.raises(NotificacionError, match="ya no está pendiente"):
        rechazar(n, actor())
    # The trámite is done (art. 41.5): the sede does not deliver the content as notified,
    # and nothing is recorded for the attempt.
    assert not actions.puede_ver_contenido(n)
    with pytest.raises(NotificacionError, match="fue rechazada"):
        acceder(n, actor())
    with pytest.raises(NotificacionError, match="fue rechazada"):
        actions.consultar(n, actor())
    with pytest.raises(NotificacionError, match="no está disponible"):
        actions.contenido(n)
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.RECHAZADA  # the first terminal event counts
    assert list(n.eventos.values_list("tipo", flat=True)) == [TipoEvento.PUESTA_DISPOSICION,
                                                              TipoEvento.RECHAZO]


@pytest.mark.parametrize(("estado", "visible"), [
    (EstadoNotificacion.PUESTA_DISPOSICION, False), (EstadoNotificacion.PENDIENTE_PAPEL, False),
    (EstadoNotificacion.ACCEDIDA, True), (EstadoNotificacion.ENTREGADA_PAPEL, True),
    (EstadoNotificacion.RECHAZADA, False), (EstadoNotificacion.RECHAZADA_PLAZO, False),
    (EstadoNotificacion.FALLIDA_PAPEL, False), (EstadoNotificacion.EXPIRADA, False),
    (EstadoNotificacion.ANULADA, False),
])
def test_the_content_is_delivered_only_once_accessed_or_delivered_on_paper(estado, visible):
    assert actions.puede_ver_contenido(Notificacion(estado=estado)) is visible
    assert set(EstadoNotificacion.values) == {
        EstadoNotificacion.PUESTA_DISPOSICION, EstadoNotificacion.PENDIENTE_PAPEL,
        EstadoNotificacion.ACCEDIDA, EstadoNotificacion.ENTREGADA_PAPEL,
        EstadoNotificacion.RECHAZADA, EstadoNotificacion.RECHAZADA_PLAZO,
        EstadoNotificacion.FALLIDA_PAPEL, EstadoNotificacion.EXPIRADA,
        EstadoNotificacion.ANULADA}  # a new state must be decided here


def test_content_is_not_given_before_access(resolucion):
    [n] = notificar(resolucion)
    assert not actions.puede_ver_contenido(n)
    with pytest.raises(NotificacionError):
        actions.contenido(n)


def test_paper_first_terminal_event_wins(resolucion, province):
    voluntaria, entregada, rehusada, ausente = notificar(
        resolucion, papel(), papel(documento="00000023T"), papel(documento="00000001R"),
        papel(documento="00000002W"))
    # Voluntary access at the sede first (art. 42.1, 41.7): the later delivery is recorded
    # without effect.
    acceder(voluntaria, actor(OTHER_DNI, "Tomás Ruiz"))
    now = timezone.now()
    registrar_entrega_papel(voluntaria, resultado=ResultadoPapel.ENTREGADA, at=now,
                            receptor_nombre="Tomás Ruiz", receptor_documento=OTHER_DNI,
                            acting_user=province.clerk_a)
    voluntaria.refresh_from_db()
    assert voluntaria.estado == EstadoNotificacion.ACCEDIDA
    tardia = voluntaria.eventos.get(tipo=TipoEvento.ENTREGA_PAPEL)
    assert (tardia.is_sin_efecto, tardia.acuse) == (True, None)

    registrar_entrega_papel(entregada, resultado=ResultadoPapel.ENTREGADA, at=now,
                            receptor_nombre="Vecina del 2º", acting_user=province.clerk_a)
    registrar_entrega_papel(rehusada, resultado=ResultadoPapel.REHUSADA, at=now,
                            acting_user=province.clerk_a)
    registrar_entrega_papel(ausente, resultado=ResultadoPapel.AUSENTE, at=now,
                            acting_user=province.clerk_a)
    for n, estado, tipo in ((entregada, EstadoNotificacion.ENTREGADA_PAPEL,
                             TipoEvento.ENTREGA_PAPEL),
                            (rehusada, EstadoNotificacion.RECHAZADA, TipoEvento.RECHAZO),
                            (ausente, EstadoNotificacion.FALLIDA_PAPEL,
                             TipoEvento.ENTREGA_PAPEL_FALLIDA)):
        n.refresh_from_db()
        assert n.estado == estado
        evento = n.eventos.get(tipo=tipo)
        assert evento.acuse is not None
        assert evento.actor_user_id == province.clerk_a.pk
    assert entregada.actor_nombre == "Vecina del 2º"
    # Electronic ones have no paper delivery; the delivery needs the receiver's name.
    [sede] = notificar(resolucion)
    with pytest.raises(NotificacionError, match="es electrónica"):
        registrar_entrega_papel(sede, resultado=ResultadoPapel.ENTREGADA, at=now,
                                receptor_nombre="X", acting_user=None)
    [otra] = notificar(resolucion, papel())
    with pytest.raises(NotificacionError, match="nombre de quien recibe"):
        registrar_entrega_papel(otra, resultado=ResultadoPapel.ENTREGADA, at=now,
                                acting_user=None)
    with pytest.raises(NotificacionError, match="futura"):
        registrar_entrega_papel(otra, resultado=ResultadoPapel.AUSENTE,
                                at=now + datetime.timedelta(days=1), acting_user=None)


def test_annulment(resolucion, province):
    [n, accedida] = notificar(resolucion, lucia(), empresa())
    with pytest.raises(NotificacionError, match="motivo"):
        anular(n, motivo=" ", acting_user=province.clerk_a)
    anular(n, motivo="Destinatario equivocado", acting_user=province.clerk_a)
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ANULADA
    evento = n.eventos.get(tipo=TipoEvento.ANULACION)
    assert (evento.acuse is not None, evento.detalle["motivo"]) == (True,
                                                                    "Destinatario equivocado")
    with pytest.raises(NotificacionError, match="ya no está disponible"):
        acceder(n, actor())
    acceder(accedida, actor(CIF, "Construcciones Biar SL"))
    with pytest.raises(NotificacionError, match="Solo se anulan notificaciones pendientes"):
        anular(accedida, motivo="Tarde", acting_user=province.clerk_a)


def test_every_action_is_audited(resolucion, province):
    [n] = notificar(resolucion, acting_user=province.clerk_a)
    acceder(n, actor())
    actions_recorded = set(AuditEvent.objects.filter(action__startswith="notificaciones.")
                           .values_list("action", flat=True))
    assert actions_recorded >= {"notificaciones.remesa.alta",
                                "notificaciones.notificacion.puesta",
                                "notificaciones.notificacion.acceso"}
    from provincial.audit_labels import labels

    assert all(labels.is_declared(code) for code in actions_recorded)


# --- tenant isolation ---------------------------------------------------------------------


def test_a_notification_of_a_is_neither_visible_nor_actionable_from_b(province, resolucion):
    [n] = notificar(resolucion)
    schema_a = connection.schema_name
    with schema_context(province.b.schema_name):
        assert not Notificacion.objects.filter(referencia=n.referencia).exists()
        assert not Notificacion.objects.exists()
        for action in (lambda: acceder(n, actor()), lambda: rechazar(n, actor()),
                       lambda: anular(n, motivo="x", acting_user=None)):
            with pytest.raises(Notificacion.DoesNotExist):
                action()
        assert actions.vencer_pendientes(n.vence_at + datetime.timedelta(days=1)) == 0
    with schema_context(schema_a):
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION
        assert n.eventos.count() == 1


# --- review: paper after a failed delivery, art. 41.7, double submits, the sello -----------


def test_after_a_failed_paper_delivery_access_at_the_sede_practises_it(resolucion, province):
    ausente, rehusa = notificar(resolucion, papel(), papel(documento="00000023T"))
    now = timezone.now()
    for n in (ausente, rehusa):
        registrar_entrega_papel(n, resultado=ResultadoPapel.AUSENTE, at=now,
                                acting_user=province.clerk_a)
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.FALLIDA_PAPEL
        assert actions.admite_comparecencia(n)
        assert not actions.puede_ver_contenido(n)
    # Art. 42.1: the interesado may still appear at the sede; the access practises it.
    acceder(ausente, actor(OTHER_DNI, "Tomás Ruiz"))
    ausente.refresh_from_db()
    assert ausente.estado == EstadoNotificacion.ACCEDIDA
    acceso = ausente.eventos.get(tipo=TipoEvento.ACCESO)
    assert (acceso.is_sin_efecto, acceso.acuse is not None,
            acceso.detalle["estado_previo"]) == (False, True, EstadoNotificacion.FALLIDA_PAPEL)
    assert ausente.practicada_at == acceso.at
    assert actions.consultar(ausente, actor(OTHER_DNI, "Tomás Ruiz"))[2].startswith(b"%PDF-")
    # ...or reject it expressly (art. 41.5).
    rechazar(rehusa, actor("00000023T", "Tomás Ruiz"))
    rehusa.refresh_from_db()
    assert rehusa.estado == EstadoNotificacion.RECHAZADA
    assert rehusa.eventos.get(tipo=TipoEvento.RECHAZO).acuse is not None


def test_a_paper_delivery_dated_before_the_access_is_the_practice(resolucion, province):
    [n] = notificar(resolucion, papel())
    acceder(n, actor(OTHER_DNI, "Tomás Ruiz"))
    n.refresh_from_db()
    acceso = n.eventos.get(tipo=TipoEvento.ACCESO)
    assert n.practicada_at == acceso.at
    # The notifier delivered it before the access; the record arrives later.
    entregada_at = n.puesta_at + (acceso.at - n.puesta_at) / 2
    assert n.puesta_at < entregada_at < acceso.at
    registrar_entrega_papel(n, resultado=ResultadoPapel.ENTREGADA, at=entregada_at,
                            receptor_nombre="Tomás Ruiz", receptor_documento=OTHER_DNI,
                            acting_user=province.clerk_a)
    n.refresh_from_db()
    assert (n.estado, n.practicada_at, n.resultado_papel) == (
        EstadoNotificacion.ENTREGADA_PAPEL, entregada_at, ResultadoPapel.ENTREGADA)
    assert (n.actor_nombre, n.actor_metodo) == ("Tomás Ruiz", "papel")
    entrega = n.eventos.get(tipo=TipoEvento.ENTREGA_PAPEL)
    assert (entrega.is_sin_efecto, entrega.at, entrega.estado_resultante) == (
        False, entregada_at, EstadoNotificacion.ENTREGADA_PAPEL)
    assert entrega.acuse is not None
    # The access stays as evidence, with its acuse, but sin efecto: a consulta.
    acceso.refresh_from_db()
    assert (acceso.is_sin_efecto, acceso.detalle["consulta"], acceso.acuse is not None) == (
        True, True, True)
    assert entrega.detalle["accesos_sin_efecto"] == [acceso.pk]
    # Delivered on paper: the interesado may re-read it at the sede.
    assert actions.puede_ver_contenido(n)
    # A second record, whatever its date, changes nothing.
    registrar_entrega_papel(n, resultado=ResultadoPapel.ENTREGADA, at=n.puesta_at,
                            receptor_nombre="Otro", acting_user=province.clerk_a)
    n.refresh_from_db()
    assert (n.estado, n.practicada_at) == (EstadoNotificacion.ENTREGADA_PAPEL, entregada_at)
    assert n.eventos.filter(tipo=TipoEvento.ENTREGA_PAPEL, is_sin_efecto=True).count() == 1


def test_a_paper_delivery_dated_after_the_access_stays_without_effect(resolucion, province):
    [n] = notificar(resolucion, papel())
    acceder(n, actor(OTHER_DNI, "Tomás Ruiz"))
    n.refresh_from_db()
    practicada = n.practicada_at
    registrar_entrega_papel(n, resultado=ResultadoPapel.ENTREGADA, at=practicada,
                            receptor_nombre="Tomás Ruiz", acting_user=province.clerk_a)
    n.refresh_from_db()
    assert (n.estado, n.practicada_at) == (EstadoNotificacion.ACCEDIDA, practicada)
    assert not n.eventos.get(tipo=TipoEvento.ACCESO).is_sin_efecto
    assert n.eventos.get(tipo=TipoEvento.ENTREGA_PAPEL).is_sin_efecto


def test_the_same_document_is_not_notified_twice_to_someone_with_one_pending(resolucion,
                                                                           province):
    [primera] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    before = (Remesa.objects.count(), Asiento.objects.count(), IssuedDocument.objects.count(),
              ContadorNotificacion.objects.get().last)
    # A double submit, or a second remesa including her among others.
    for destinatarios in ([lucia()], [empresa(), lucia()]):
        with pytest.raises(NotificacionError) as refused:
            notificar(resolucion, *destinatarios, acting_user=province.clerk_a)
        assert refused.value.message == (
            f"Lucía Pérez Gómez ({DNI}) ya tiene pendiente la notificación "
            f"{primera.referencia} de este mismo documento: no se notifica dos veces. Espere "
            "a que se practique o anúlela antes de notificarlo de nuevo.")
    assert (Remesa.objects.count(), Asiento.objects.count(), IssuedDocument.objects.count(),
            ContadorNotificacion.objects.get().last) == before
    # Others, and another document, are not affected.
    notificar(resolucion, empresa())
    otro = make_documento(resolucion.expediente, titulo="Liquidación de la tasa",
                          estado=EstadoDocumento.FIRMADO)
    notificar(otro, lucia())
    # Once it is no longer pending (annulled, or practised), it may be notified again.
    anular(primera, motivo="Se envió sin el anexo", acting_user=province.clerk_a)
    [segunda] = notificar(resolucion, lucia())
    assert segunda.estado == EstadoNotificacion.PUESTA_DISPOSICION
    # On paper too; a failed delivery is not pending: it may be tried again.
    [en_papel] = notificar(resolucion, papel())
    with pytest.raises(NotificacionError, match="ya tiene pendiente"):
        notificar(resolucion, papel())
    registrar_entrega_papel(en_papel, resultado=ResultadoPapel.DESCONOCIDO,
                            at=timezone.now(), acting_user=province.clerk_a)
    [reintento] = notificar(resolucion, papel(direccion="C/ Nou 7, 03698 Agost"))
    assert reintento.estado == EstadoNotificacion.PENDIENTE_PAPEL


def test_a_sello_that_cannot_seal_the_acuse_leaves_the_notification_as_it_was(
        resolucion, province, sello_of):  # noqa: F811
    [n] = notificar(resolucion)
    sello_of("expired")
    documentos = IssuedDocument.objects.count()
    for action in (acceder, rechazar):
        with pytest.raises(SigningFailed, match="no se ha podido sellar"):
            action(n, actor())
        n.refresh_from_db()
        assert (n.estado, n.practicada_at, n.actor_documento) == (
            EstadoNotificacion.PUESTA_DISPOSICION, None, "")
        assert list(n.eventos.values_list("tipo", flat=True)) == [
            TipoEvento.PUESTA_DISPOSICION]
        assert IssuedDocument.objects.count() == documentos
        assert not AuditEvent.objects.filter(object_id=str(n.pk), action__in=[
            "notificaciones.notificacion.acceso", "notificaciones.notificacion.rechazo"]).exists()
