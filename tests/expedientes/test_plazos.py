"""The legal time-limit clock: working days with the entity's holidays, calendar days,
months at the end of a month, suspensions, extensions and their limit, and the dashboard
flags."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from expedientes import actions, plazos
from expedientes.actions import ExpedienteError
from expedientes.choices import EstadoExpediente, TipoEventoPlazo, UnidadPlazo
from expedientes.models import EventoPlazo, Expediente, Historial
from registro.models import Festivo

from .conftest import make_expediente, make_procedimiento

D = datetime.date
pytestmark = pytest.mark.django_db


def evento(tipo: str, fecha: datetime.date, dias: int | None = None) -> EventoPlazo:
    return EventoPlazo(tipo=tipo, fecha=fecha, dias=dias, motivo="prueba")


def test_working_days_skip_weekends_and_the_entity_holidays(in_a):
    Festivo.objects.create(fecha=D(2026, 3, 19), descripcion="San José", ambito="autonomico")
    # From Monday 16 March: 17, 18, (19 holiday), 20, 23, 24, 25, 26, 27, 30, 31.
    computo = plazos.computar(D(2026, 3, 16), 10, UnidadPlazo.DIAS_HABILES)
    assert computo.vencimiento == D(2026, 3, 31)
    assert plazos.computar(D(2026, 3, 16), 3, UnidadPlazo.DIAS_HABILES).vencimiento == \
        D(2026, 3, 20)


def test_holidays_of_another_entity_do_not_count(in_b):
    # In B, 19 March is a working day (A's holiday lives in A's schema).
    assert plazos.computar(D(2026, 3, 16), 3, UnidadPlazo.DIAS_HABILES).vencimiento == \
        D(2026, 3, 19)


def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month(in_a):
    # 31 January + 1 month: 28 February 2026, a Saturday: the next working day (art. 30.5).
    computo = plazos.computar(D(2026, 1, 31), 1, UnidadPlazo.MESES)
    assert computo.vencimiento == D(2026, 3, 2)
    assert plazos.sumar_meses(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert plazos.sumar_meses(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert plazos.sumar_meses(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert plazos.computar(D(2026, 3, 31), 1, UnidadPlazo.MESES).vencimiento == D(2026, 4, 30)
    assert plazos.computar(D(2026, 5, 15), 6, UnidadPlazo.MESES).vencimiento == D(2026, 11, 16)


def test_calendar_days_ending_on_a_holiday_move_to_the_next_working_day(in_a):
    Festivo.objects.create(fecha=D(2026, 10, 12), descripcion="Fiesta Nacional",
                           ambito="nacional")
    # 2 October + 10 days = Monday 12 October, a holiday: Tuesday 13.
    assert plazos.computar(D(2026, 10, 2), 10, UnidadPlazo.DIAS_NATURALES).vencimiento == \
        D(2026, 10, 13)


def test_a_suspension_pushes_the_end_back_by_the_days_it_lasted(in_a):
    base = plazos.computar(D(2026, 3, 2), 30, UnidadPlazo.DIAS_NATURALES)
    assert base.vencimiento == D(2026, 4, 1)
    computo = plazos.computar(D(2026, 3, 2), 30, UnidadPlazo.DIAS_NATURALES, [
        evento(TipoEventoPlazo.SUSPENSION, D(2026, 3, 10)),
        evento(TipoEventoPlazo.REANUDACION, D(2026, 3, 20))])
    # 1 April + 10 days = Saturday 11 April → Monday 13.
    assert computo.dias_suspendidos == 10
    assert computo.vencimiento == D(2026, 4, 13)
    assert computo.is_suspendido is False
    still = plazos.computar(D(2026, 3, 2), 30, UnidadPlazo.DIAS_NATURALES, [
        evento(TipoEventoPlazo.SUSPENSION, D(2026, 3, 10))])
    assert still.is_suspendido is True
    assert still.suspendido_desde == D(2026, 3, 10)
    assert still.vencimiento == D(2026, 4, 1)


def test_a_suspension_of_a_plazo_in_working_days_counts_working_days(in_a):
    # Suspended Friday 20 → Monday 23 March: one working day (the 20th) stood still.
    computo = plazos.computar(D(2026, 3, 16), 10, UnidadPlazo.DIAS_HABILES, [
        evento(TipoEventoPlazo.SUSPENSION, D(2026, 3, 20)),
        evento(TipoEventoPlazo.REANUDACION, D(2026, 3, 23))])
    assert computo.dias_suspendidos == 1
    assert computo.vencimiento == D(2026, 3, 31)  # 30 March + 1 working day


def test_extension_limit_is_half_the_original_plazo(in_a):
    assert plazos.limite_ampliacion(D(2026, 3, 2), 10, UnidadPlazo.DIAS_HABILES) == 5
    assert plazos.limite_ampliacion(D(2026, 3, 2), 15, UnidadPlazo.DIAS_NATURALES) == 7
    # Three months from 2 March: 92 calendar days; half is 46.
    assert plazos.limite_ampliacion(D(2026, 3, 2), 3, UnidadPlazo.MESES) == 46
    computo = plazos.computar(D(2026, 3, 16), 10, UnidadPlazo.DIAS_HABILES,
                              [evento(TipoEventoPlazo.AMPLIACION, D(2026, 3, 18), 5)])
    assert computo.vencimiento == D(2026, 4, 6)  # 30 March + 5 working days
    assert computo.ampliacion_disponible == 0


@pytest.fixture
def diez_habiles(in_a):
    procedimiento = make_procedimiento("OVP", plazo_cantidad=10,
                                       plazo_unidad=UnidadPlazo.DIAS_HABILES)
    hoy = timezone.localdate()
    inicio = hoy - datetime.timedelta(days=3)
    return make_expediente(procedimiento, fecha_inicio=inicio,
                                 fecha_vencimiento=plazos.computar(
                                     inicio, 10, UnidadPlazo.DIAS_HABILES).vencimiento)


def test_extension_beyond_half_is_refused_and_changes_nothing(diez_habiles, province):
    expediente = diez_habiles
    before = expediente.fecha_vencimiento
    with pytest.raises(ExpedienteError, match="no puede pasar de la mitad del plazo"):
        actions.ampliar_plazo(expediente, dias=6, motivo="Acumulación de tareas",
                              acting_user=province.clerk_a)
    expediente.refresh_from_db()
    assert expediente.fecha_vencimiento == before
    assert not expediente.eventos_plazo.exists()
    actions.ampliar_plazo(expediente, dias=5, motivo="Acumulación de tareas",
                          acting_user=province.clerk_a)
    expediente.refresh_from_db()
    assert expediente.fecha_vencimiento == plazos.Calendario(before).sumar_habiles(before, 5)
    with pytest.raises(ExpedienteError, match="quedan 0"):
        actions.ampliar_plazo(expediente, dias=1, motivo="Otra vez",
                              acting_user=province.clerk_a)
    assert expediente.eventos_plazo.count() == 1
    assert Historial.objects.filter(expediente=expediente, accion="plazo").count() == 1


def test_suspend_and_resume_through_the_actions(diez_habiles, province):
    expediente = diez_habiles
    hoy = timezone.localdate()
    inicio = expediente.fecha_inicio
    with pytest.raises(ExpedienteError, match="no está suspendido"):
        actions.reanudar_plazo(expediente, motivo="x", acting_user=province.clerk_a)
    with pytest.raises(ExpedienteError, match="futura"):
        actions.suspender_plazo(expediente, motivo="x", acting_user=province.clerk_a,
                                fecha=hoy + datetime.timedelta(days=1))
    actions.suspender_plazo(expediente, motivo="Requerimiento de subsanación",
                            acting_user=province.clerk_a, fecha=inicio)
    expediente.refresh_from_db()
    assert expediente.is_plazo_suspendido is True
    assert expediente.situacion_plazo == plazos.SUSPENDIDO
    with pytest.raises(ExpedienteError, match="ya está suspendido"):
        actions.suspender_plazo(expediente, motivo="x", acting_user=province.clerk_a)
    actions.reanudar_plazo(expediente, motivo="Subsanado", acting_user=province.clerk_a,
                           fecha=hoy)
    expediente.refresh_from_db()
    assert expediente.is_plazo_suspendido is False
    cal = plazos.Calendario(inicio)
    expected = cal.sumar_habiles(cal.sumar_habiles(inicio, 10), cal.habiles_entre(inicio, hoy))
    assert expediente.fecha_vencimiento == expected
    assert list(expediente.eventos_plazo.values_list("tipo", flat=True)) == [
        TipoEventoPlazo.SUSPENSION, TipoEventoPlazo.REANUDACION]


def test_an_expired_plazo_cannot_be_extended(in_a, province):
    procedimiento = make_procedimiento("CORTO", plazo_cantidad=10,
                                       plazo_unidad=UnidadPlazo.DIAS_NATURALES)
    inicio = timezone.localdate() - datetime.timedelta(days=60)
    expediente = make_expediente(procedimiento, fecha_inicio=inicio,
                                 fecha_vencimiento=inicio + datetime.timedelta(days=10))
    with pytest.raises(ExpedienteError, match="ya no puede ampliarse"):
        actions.ampliar_plazo(expediente, dias=2, motivo="Tarde",
                              acting_user=province.clerk_a)


def test_dashboard_flags_overdue_and_about_to_expire(in_a, settings):
    settings.EXPEDIENTES_AVISO_DIAS = 5
    procedimiento = make_procedimiento()
    hoy = timezone.localdate()
    vencido = make_expediente(procedimiento, "Vencido",
                              fecha_vencimiento=hoy - datetime.timedelta(days=1))
    pronto = make_expediente(procedimiento, "Pronto",
                             fecha_vencimiento=hoy + datetime.timedelta(days=5))
    lejos = make_expediente(procedimiento, "Lejos",
                            fecha_vencimiento=hoy + datetime.timedelta(days=6))
    suspendido = make_expediente(procedimiento, "Suspendido", is_plazo_suspendido=True,
                                 fecha_vencimiento=hoy - datetime.timedelta(days=3))
    resuelto = make_expediente(procedimiento, "Resuelto", estado=EstadoExpediente.RESUELTO,
                               fecha_vencimiento=hoy - datetime.timedelta(days=3))
    qs = Expediente.objects.all()
    assert list(plazos.vencidos(qs)) == [vencido]
    assert list(plazos.por_vencer(qs)) == [pronto]
    assert set(plazos.en_alerta(qs)) == {vencido, pronto}
    assert [e.situacion_plazo for e in (vencido, pronto, lejos, suspendido, resuelto)] == [
        plazos.VENCIDO, plazos.POR_VENCER, "", plazos.SUSPENDIDO, ""]
