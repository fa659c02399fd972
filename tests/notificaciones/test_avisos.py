"""Avisos (art. 41.6): an e-mail and an SMS with no content of the act, sent once by a
job; a failure is recorded and never changes the notification."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from notificaciones import avisos
from notificaciones.actions import NotificacionError, acceder, reenviar_aviso
from notificaciones.choices import CanalAviso, EstadoAviso, EstadoNotificacion, TipoEvento
from notificaciones.sms import SmsError, SmsSender
from provincial import jobs
from provincial.models import Job
from tests.notificaciones.conftest import actor, lucia, notificar, papel

CONCEPTO = "Sanción por infracción urbanística grave"


class BrokenSender(SmsSender):
    def send(self, telefono: str, texto: str) -> str:
        raise SmsError("proveedor caído")


def _jobs_for(notificacion) -> list[Job]:
    ids = {a.pk for a in notificacion.avisos.all()}
    return [job for job in Job.objects.filter(kind=avisos.AVISO_JOB).order_by("pk")
            if job.payload["aviso"] in ids]


def test_email_aviso_carries_no_content_and_goes_once(resolucion, province):
    [n] = notificar(resolucion, concepto=CONCEPTO)
    email_aviso = n.avisos.get(canal=CanalAviso.EMAIL)
    assert email_aviso.destino == "lucia@example.org"
    assert email_aviso.estado == EstadoAviso.PENDIENTE
    job = next(j for j in _jobs_for(n) if j.payload["aviso"] == email_aviso.pk)
    assert job.entity_id == province.a.pk
    mail.outbox.clear()
    assert jobs.run(job.pk) == "succeeded"
    [message] = mail.outbox
    assert message.to == ["lucia@example.org"]
    whole = f"{message.subject}\n{message.body}"
    assert n.referencia in whole
    assert province.a.name in whole
    assert "/sede/carpeta/notificaciones/" in message.body
    assert "hora de Madrid" in message.body
    for secret in (CONCEPTO, "infracción", "resolucion.pdf", resolucion.expediente.codigo):
        assert secret not in whole
    email_aviso.refresh_from_db()
    assert (email_aviso.estado, email_aviso.sent_at is not None) == (EstadoAviso.ENVIADO, True)
    assert n.eventos.filter(tipo=TipoEvento.AVISO_ENVIADO).count() == 1
    # A redelivered job sends nothing again.
    Job.objects.filter(pk=job.pk).update(state="queued")
    jobs.run(job.pk)
    assert len(mail.outbox) == 1


def test_sms_aviso_goes_to_the_sink_without_content(resolucion, sms_sink):
    [n] = notificar(resolucion, concepto=CONCEPTO)
    sms_aviso = n.avisos.get(canal=CanalAviso.SMS)
    assert sms_aviso.destino == "600111222"
    job = next(j for j in _jobs_for(n) if j.payload["aviso"] == sms_aviso.pk)
    assert jobs.run(job.pk) == "succeeded"
    [line] = sms_sink.read_text().splitlines()
    record = json.loads(line)
    assert record["to"] == "600111222"
    assert n.referencia in record["text"]
    assert CONCEPTO not in record["text"]
    sms_aviso.refresh_from_db()
    assert (sms_aviso.estado, sms_aviso.proveedor_id) == (EstadoAviso.ENVIADO, record["id"])


def test_a_failed_aviso_is_recorded_and_the_notification_is_untouched(resolucion, settings):
    settings.NOTIFICACIONES_SMS_BACKEND = "tests.notificaciones.test_avisos.BrokenSender"
    [n] = notificar(resolucion)
    sms_aviso = n.avisos.get(canal=CanalAviso.SMS)
    with pytest.raises(jobs.TemporaryJobError):
        avisos.enviar(sms_aviso, ultimo_intento=False)
    sms_aviso.refresh_from_db()
    assert (sms_aviso.estado, sms_aviso.error) == (EstadoAviso.PENDIENTE, "proveedor caído")
    assert avisos.enviar(sms_aviso, ultimo_intento=True) is False
    sms_aviso.refresh_from_db()
    assert sms_aviso.estado == EstadoAviso.FALLIDO
    fallo = n.eventos.get(tipo=TipoEvento.AVISO_FALLIDO)
    assert fallo.detalle["error"] == "proveedor caído"
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION
    acceder(n, actor())  # still practised normally
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ACCEDIDA


def test_no_sms_when_no_provider_is_configured(resolucion, settings):
    settings.NOTIFICACIONES_SMS_BACKEND = ""
    [n] = notificar(resolucion)
    assert [a.canal for a in n.avisos.all()] == [CanalAviso.EMAIL]


def test_paper_notifications_get_no_aviso(resolucion):
    [n] = notificar(resolucion, papel())
    assert not n.avisos.exists()


def test_resend_only_while_pending(resolucion, province):
    [n] = notificar(resolucion)
    nuevos = reenviar_aviso(n, acting_user=province.clerk_a)
    assert {a.canal for a in nuevos} == {CanalAviso.EMAIL, CanalAviso.SMS}
    assert all(a.is_reenvio for a in nuevos)
    assert n.avisos.count() == 4
    [sin_contacto] = notificar(resolucion, lucia(documento="00000023T", email="", telefono=""))
    with pytest.raises(NotificacionError, match="ni teléfono"):
        reenviar_aviso(sin_contacto, acting_user=province.clerk_a)
    acceder(n, actor())
    with pytest.raises(NotificacionError, match="pendientes"):
        reenviar_aviso(n, acting_user=province.clerk_a)


def test_an_aviso_still_queued_when_the_notification_was_accessed_is_not_sent(resolucion):
    """A queue behind (a worker down for a while): by the time the aviso's job runs the
    citizen has already appeared; telling them it awaits them would be false."""
    [n] = notificar(resolucion, concepto=CONCEPTO)
    acceder(n, actor())
    job = next(j for j in _jobs_for(n)
               if j.payload["aviso"] == n.avisos.get(canal=CanalAviso.EMAIL).pk)
    mail.outbox.clear()
    assert jobs.run(job.pk) == "succeeded"
    assert mail.outbox == []
    aviso = n.avisos.get(canal=CanalAviso.EMAIL)
    assert aviso.estado == EstadoAviso.FALLIDO
    assert "ya no estaba pendiente (Accedida (notificada))" in aviso.error
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ACCEDIDA
