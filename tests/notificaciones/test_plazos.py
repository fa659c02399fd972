"""The states' clock: rejection by ten calendar days (art. 43.2) to the second in
Europe/Madrid, across the changes of summer time; the periodic task; expiry."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django_tenants.utils import schema_context

from notificaciones import actions, tasks
from notificaciones.actions import NotificacionError, acceder, vencer_pendientes, vencimiento
from notificaciones.choices import EstadoNotificacion, TipoEvento
from notificaciones.models import Notificacion
from tests.notificaciones.conftest import actor, notificar, papel

MADRID = ZoneInfo("Europe/Madrid")
UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


def madrid(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MADRID)


@pytest.mark.parametrize(("puesta", "vence", "hours"), [
    # Before the change to summer time (28 March 2027): one hour fewer.
    (madrid(2027, 3, 25, 10, 0, 0), madrid(2027, 4, 4, 10, 0, 0), 239),
    # Across the change back (31 October 2027): one hour more.
    (madrid(2027, 10, 25, 10, 0, 0), madrid(2027, 11, 4, 10, 0, 0), 241),
    # No change in between.
    (madrid(2027, 5, 3, 23, 59, 59), madrid(2027, 5, 13, 23, 59, 59), 240),
])
def test_ten_days_are_the_same_madrid_wall_clock_second(puesta, vence, hours):
    result = vencimiento(puesta)
    assert result == vence
    assert result.astimezone(MADRID).strftime("%d/%m/%Y %H:%M:%S") == \
        vence.strftime("%d/%m/%Y %H:%M:%S")
    assert result - puesta == hours * HOUR
    assert result.utcoffset() == datetime.timedelta(0)  # returned in UTC


def test_a_wall_clock_time_that_does_not_exist_or_repeats_takes_the_later_instant():
    # 02:30 on 28 March 2027 does not exist in Madrid: 03:30 CEST (01:30 UTC).
    assert vencimiento(madrid(2027, 3, 18, 2, 30)) == datetime.datetime(2027, 3, 28, 1, 30,
                                                                        tzinfo=UTC)
    # 02:30 on 31 October 2027 happens twice: the second one, CET (01:30 UTC).
    assert vencimiento(madrid(2027, 10, 21, 2, 30)) == datetime.datetime(2027, 10, 31, 1, 30,
                                                                         tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        vencimiento(datetime.datetime(2027, 1, 1, 10, 0))  # noqa: DTZ001 - naive on purpose


def test_rejected_at_the_exact_second_and_not_one_before(resolucion):
    puesta = madrid(2027, 3, 25, 10, 0, 0)
    with time_machine.travel(puesta, tick=False):
        [notificacion] = notificar(resolucion)
    assert notificacion.puesta_at == puesta
    assert notificacion.vence_at == madrid(2027, 4, 4, 10, 0, 0)
    assert notificacion.vence_at - notificacion.puesta_at == 239 * HOUR

    assert vencer_pendientes(notificacion.vence_at - SECOND) == 0
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.PUESTA_DISPOSICION

    with time_machine.travel(notificacion.vence_at, tick=False):
        assert vencer_pendientes() == 1
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.RECHAZADA_PLAZO
    assert notificacion.practicada_at == madrid(2027, 4, 4, 10, 0, 0)
    [evento] = notificacion.eventos.filter(tipo=TipoEvento.RECHAZO_PLAZO)
    assert evento.at == notificacion.vence_at
    assert evento.acuse is not None
    # Idempotent: a second (or overlapping) run changes nothing.
    assert vencer_pendientes(notificacion.vence_at + HOUR) == 0
    assert notificacion.eventos.filter(tipo=TipoEvento.RECHAZO_PLAZO).count() == 1


def test_across_the_october_change_it_is_241_hours(resolucion):
    with time_machine.travel(madrid(2027, 10, 25, 10, 0, 0), tick=False):
        [notificacion] = notificar(resolucion)
    assert notificacion.vence_at - notificacion.puesta_at == 241 * HOUR
    assert vencer_pendientes(notificacion.vence_at - SECOND) == 0
    assert vencer_pendientes(notificacion.vence_at) == 1
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.RECHAZADA_PLAZO


def test_access_one_second_before_the_deadline_practises_it(resolucion):
    with time_machine.travel(madrid(2027, 3, 25, 10, 0, 0), tick=False):
        [notificacion] = notificar(resolucion)
    with time_machine.travel(notificacion.vence_at - SECOND, tick=False):
        acceder(notificacion, actor())
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.ACCEDIDA
    assert notificacion.practicada_at == madrid(2027, 4, 4, 9, 59, 59)
    assert vencer_pendientes(notificacion.vence_at + HOUR) == 0


def test_access_after_the_deadline_before_the_task_ran_is_refused_and_records_the_rejection(
        resolucion):
    with time_machine.travel(madrid(2027, 3, 25, 10, 0, 0), tick=False):
        [notificacion] = notificar(resolucion)
    with time_machine.travel(notificacion.vence_at + 5 * SECOND, tick=False), \
            pytest.raises(NotificacionError) as refused:
        acceder(notificacion, actor())
    # The citizen is told why, in Spanish, with the moment of the rejection.
    assert "se entendió rechazada el 04/04/2027 10:00:00" in refused.value.message
    assert "art. 43.2" in refused.value.message
    notificacion.refresh_from_db()
    # The rejection by deadline is recorded (as of vence_at) and stays, with its acuse...
    assert notificacion.estado == EstadoNotificacion.RECHAZADA_PLAZO
    assert notificacion.practicada_at == notificacion.vence_at
    tipos = list(notificacion.eventos.values_list("tipo", "is_sin_efecto"))
    assert tipos == [(TipoEvento.PUESTA_DISPOSICION, False), (TipoEvento.RECHAZO_PLAZO, False)]
    assert notificacion.eventos.get(tipo=TipoEvento.RECHAZO_PLAZO).acuse is not None
    # ...but no consulta: nothing was served, and the content is not delivered any more.
    assert not actions.puede_ver_contenido(notificacion)
    with pytest.raises(NotificacionError):
        actions.contenido(notificacion)
    with pytest.raises(NotificacionError, match="se entendió rechazada"):
        acceder(notificacion, actor())
    assert notificacion.eventos.count() == 2


def test_paper_notifications_are_not_rejected_by_the_ten_days(resolucion):
    with time_machine.travel(madrid(2027, 3, 25, 10, 0, 0), tick=False):
        [notificacion] = notificar(resolucion, papel())
    assert (notificacion.estado, notificacion.vence_at) == (
        EstadoNotificacion.PENDIENTE_PAPEL, None)
    assert vencer_pendientes(madrid(2027, 6, 1, 0, 0, 0)) == 0
    notificacion.refresh_from_db()
    assert notificacion.estado == EstadoNotificacion.PENDIENTE_PAPEL


def test_expiry_by_the_remesas_caducidad(resolucion):
    puesta = madrid(2027, 3, 25, 10, 0, 0)
    caduca = madrid(2027, 3, 28, 12, 0, 0)
    with time_machine.travel(puesta, tick=False):
        [en_papel] = notificar(resolucion, papel(), caduca_at=caduca)
    assert vencer_pendientes(caduca - SECOND) == 0
    assert vencer_pendientes(caduca) == 1
    en_papel.refresh_from_db()
    assert en_papel.estado == EstadoNotificacion.EXPIRADA
    assert en_papel.practicada_at == caduca
    assert en_papel.eventos.get(tipo=TipoEvento.EXPIRACION).acuse is not None
    assert vencer_pendientes(caduca + 30 * 24 * HOUR) == 0
    # Expired: the content is no longer there, and the attempt changes nothing.
    with pytest.raises(NotificacionError, match="ya no está disponible"):
        acceder(en_papel, actor(en_papel.documento, "Tomás Ruiz"))
    assert not en_papel.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR).exists()
    assert en_papel.eventos.count() == 2


def test_an_electronic_notification_cannot_expire_before_its_ten_days(resolucion):
    puesta = madrid(2027, 3, 25, 10, 0, 0)
    vence = vencimiento(puesta)
    with time_machine.travel(puesta, tick=False):
        for destinatarios in ([actor_destinatario()], [papel(), actor_destinatario()]):
            with pytest.raises(NotificacionError) as refused:
                notificar(resolucion, *destinatarios, caduca_at=vence - SECOND)
            assert refused.value.message.startswith(
                "La caducidad (04/04/2027 09:59:59) es anterior al fin de los diez días "
                "naturales de que dispone el destinatario para acceder a la notificación "
                "electrónica (04/04/2027 10:00:00")
        assert not Notificacion.objects.exists()
        # At the end of the ten days it is admitted: the rejection by deadline comes first.
        [electronica] = notificar(resolucion, caduca_at=vence)
    assert vencer_pendientes(vence) == 1
    electronica.refresh_from_db()
    assert electronica.estado == EstadoNotificacion.RECHAZADA_PLAZO


def test_caducidad_must_be_future(resolucion):
    with pytest.raises(NotificacionError, match="futura"):
        notificar(resolucion, caduca_at=madrid(2020, 1, 1, 0, 0, 0))
    assert not Notificacion.objects.exists()


def actor_destinatario():
    from tests.notificaciones.conftest import lucia

    return lucia()


def test_the_periodic_task_runs_in_every_entity_and_is_idempotent(province, resolucion):
    from provincial import periodic

    with time_machine.travel(madrid(2027, 3, 25, 10, 0, 0), tick=False):
        [notificacion] = notificar(resolucion)
    schema = connection.schema_name
    [entry] = [e for e in periodic.entries() if e.task == tasks.VENCER_TASK]
    assert entry.schedule == 60
    with time_machine.travel(notificacion.vence_at - SECOND, tick=False):
        assert tasks.vencer_notificaciones() == {}
    with time_machine.travel(notificacion.vence_at, tick=False):
        assert tasks.vencer_notificaciones() == {schema: 1}
        assert tasks.vencer_notificaciones() == {}
    with schema_context(schema):
        notificacion.refresh_from_db()
        assert notificacion.estado == EstadoNotificacion.RECHAZADA_PLAZO
    with schema_context(province.b.schema_name):
        assert not Notificacion.objects.exists()
