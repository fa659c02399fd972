"""Business-time arithmetic over the Diputación's calendar and the SLA clocks with pauses."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from soporte import actions, sla
from soporte.choices import Estado, Prioridad
from soporte.models import Calendario, Festivo
from soporte.sla import BusinessCalendar

from .conftest import AGENT, REPORTER, madrid

pytestmark = pytest.mark.django_db
HOURS = sla.DEFAULT_HOURS  # Mon–Thu 8–15, Fri 8–14


def test_business_minutes_skip_nights_weekends_and_holidays():
    calendar = BusinessCalendar(hours=HOURS, holidays=frozenset({datetime.date(2026, 3, 19)}))
    # Friday 13:00 → Monday 9:00: 60 min on Friday, 60 on Monday.
    assert calendar.minutes_between(madrid(2026, 3, 13, 13), madrid(2026, 3, 16, 9)) == 120
    # Wednesday 14:00 → Friday 9:00 across the holiday of Thursday 19 March.
    assert calendar.minutes_between(madrid(2026, 3, 18, 14), madrid(2026, 3, 20, 9)) == 120
    # Adding minutes lands on the next working day after the close.
    assert calendar.add_minutes(madrid(2026, 3, 13, 13, 30), 60) == madrid(2026, 3, 16, 8, 30)
    assert calendar.add_minutes(madrid(2026, 3, 18, 14, 30), 60) == madrid(2026, 3, 20, 8, 30)
    # Outside hours the clock starts at the next opening.
    assert calendar.add_minutes(madrid(2026, 3, 14, 11), 30) == madrid(2026, 3, 16, 8, 30)


def test_business_time_across_the_dst_change():
    calendar = BusinessCalendar(hours=HOURS)
    # Friday 27 March 2026 13:00 → Monday 30 March (CEST since Sunday 29) 9:00.
    assert calendar.minutes_between(madrid(2026, 3, 27, 13), madrid(2026, 3, 30, 9)) == 120


def test_calendar_from_the_database():
    calendario = Calendario.objects.get(is_default=True)
    Festivo.objects.create(calendario=calendario, date=datetime.date(2026, 3, 19), name="Sant Josep")
    calendar = sla.load_calendar()
    assert calendar.hours[4] == [(datetime.time(8), datetime.time(14))]
    assert 5 not in calendar.hours
    assert datetime.date(2026, 3, 19) in calendar.holidays


def test_deadlines_and_time_left_of_an_incident(file_incidencia):
    # Normal: first response 240 business minutes, resolution 2100 (five 7-hour days).
    with time_machine.travel(madrid(2026, 3, 13, 12), tick=False):
        inc = file_incidencia(priority=Prioridad.NORMAL)
    assert inc.first_response_due_at == madrid(2026, 3, 16, 10)  # 2 h Friday + 2 h Monday
    assert inc.resolution_due_at == madrid(2026, 3, 20, 13)
    calendar = sla.load_calendar()
    clocks = sla.clocks(inc, calendar, now=madrid(2026, 3, 16, 9))
    assert clocks["first_response"].minutes_left == 60
    assert clocks["first_response"].label == "1 h 00 min"
    assert not clocks["first_response"].is_breached
    late = sla.clocks(inc, calendar, now=madrid(2026, 3, 16, 10, 30))
    assert late["first_response"].is_breached
    assert late["first_response"].minutes_left == -30
    assert inc in type(inc).objects.breaching(madrid(2026, 3, 16, 10, 30))
    assert inc not in type(inc).objects.breaching(madrid(2026, 3, 16, 9))


def test_first_reply_meets_the_first_response_target(province, file_incidencia):
    with time_machine.travel(madrid(2026, 3, 16, 8), tick=False):
        inc = file_incidencia(priority=Prioridad.ALTA)  # 60 min first response
    with time_machine.travel(madrid(2026, 3, 16, 8, 45), tick=False):
        actions.responder(inc, author=province.support_agent, body="Lo miramos.", role=AGENT)
    inc.refresh_from_db()
    assert inc.first_response_at == madrid(2026, 3, 16, 8, 45)
    assert not inc.first_response_breached
    assert inc.state == Estado.EN_CURSO
    clocks = sla.clocks(inc, sla.load_calendar(), now=madrid(2026, 3, 17, 8))
    assert clocks["first_response"].is_met


def test_clock_pauses_while_pending_the_user(province, file_incidencia):
    agent = province.support_agent
    with time_machine.travel(madrid(2026, 3, 16, 8), tick=False):
        inc = file_incidencia(priority=Prioridad.CRITICA)  # resolution 240 business minutes
    assert inc.resolution_due_at == madrid(2026, 3, 16, 12)
    with time_machine.travel(madrid(2026, 3, 16, 9), tick=False):
        actions.cambiar_estado(inc, Estado.PENDIENTE, acting_user=agent, role=AGENT)
    # Paused over the afternoon, the night and two business hours next morning.
    with time_machine.travel(madrid(2026, 3, 17, 10), tick=False):
        paused = sla.clocks(inc, sla.load_calendar())
        assert paused["resolution"].is_paused
        assert not paused["resolution"].is_breached
        assert inc not in type(inc).objects.breaching(madrid(2026, 3, 17, 10))
        actions.responder(inc, author=province.clerk_a, body="Adjunto lo que pedían.", role=REPORTER)
    inc.refresh_from_db()
    # 6 h on Monday (9–15) + 2 h on Tuesday = 480 paused minutes; 3 h of target were left.
    assert inc.paused_minutes == 480
    assert inc.paused_since is None
    assert inc.state == Estado.EN_CURSO
    assert inc.resolution_due_at == madrid(2026, 3, 17, 13)
    with time_machine.travel(madrid(2026, 3, 17, 13, 30), tick=False):
        actions.cambiar_estado(inc, Estado.RESUELTA, acting_user=agent, role=AGENT)
    inc.refresh_from_db()
    assert inc.resolution_breached


def test_priority_change_recomputes_deadlines(province, file_incidencia):
    with time_machine.travel(madrid(2026, 3, 16, 8), tick=False):
        inc = file_incidencia(priority=Prioridad.BAJA)
        actions.cambiar_prioridad(inc, Prioridad.CRITICA, acting_user=province.support_agent)
    assert inc.first_response_due_at == madrid(2026, 3, 16, 8, 30)
    assert inc.resolution_due_at == madrid(2026, 3, 16, 12)
