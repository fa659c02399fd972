"""Business-time arithmetic over the Diputación's calendar, and the SLA clocks of an incident.

Business time is counted in minutes inside the calendar's working hours (Europe/Madrid,
by weekday), skipping holidays. The clocks of an incident pause while it is "pendiente
del usuario": leaving that state pushes the pending deadlines by the business minutes
spent paused (`paused_minutes` accumulates them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from soporte.choices import Estado

MADRID = ZoneInfo("Europe/Madrid")
# Used when no calendar has been defined: Monday–Thursday 8–15, Friday 8–14.
DEFAULT_HOURS: dict[int, list[tuple[datetime.time, datetime.time]]] = {
    **{day: [(datetime.time(8), datetime.time(15))] for day in range(4)},
    4: [(datetime.time(8), datetime.time(14))],
}
MAX_DAYS = 3660  # a deadline further than ten years away is a configuration error


@dataclass(frozen=True)
class BusinessCalendar:
    hours: dict[int, list[tuple[datetime.time, datetime.time]]]
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)

    def intervals(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Working intervals of a local day, as aware datetimes."""
        if day in self.holidays:
            return []
        return [(datetime.datetime.combine(day, start, MADRID),
                 datetime.datetime.combine(day, end, MADRID))
                for start, end in self.hours.get(day.weekday(), [])]

    def minutes_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Business minutes in [start, end) (0 if end <= start)."""
        if end <= start:
            return 0
        total = datetime.timedelta()
        day = start.astimezone(MADRID).date()
        last = end.astimezone(MADRID).date()
        while day <= last:
            for open_at, close_at in self.intervals(day):
                lower, upper = max(open_at, start), min(close_at, end)
                if upper > lower:
                    total += upper - lower
            day += datetime.timedelta(days=1)
        return int(total.total_seconds() // 60)

    def add_minutes(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        """The instant `minutes` business minutes after `start`."""
        if minutes <= 0:
            return start
        remaining = datetime.timedelta(minutes=minutes)
        day = start.astimezone(MADRID).date()
        for _step in range(MAX_DAYS):
            for open_at, close_at in self.intervals(day):
                lower = max(open_at, start)
                if close_at <= lower:
                    continue
                available = close_at - lower
                if remaining <= available:
                    return lower + remaining
                remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("the calendar has no business hours")


def load_calendar() -> BusinessCalendar:
    """The calendar in force (two queries), or the default hours if none is defined."""
    from soporte.models import Calendario

    calendario = Calendario.objects.filter(is_default=True).first()
    if calendario is None:
        return BusinessCalendar(hours=DEFAULT_HOURS)
    hours: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for horario in calendario.horarios.all():
        hours.setdefault(horario.weekday, []).append((horario.start, horario.end))
    holidays = frozenset(calendario.festivos.values_list("date", flat=True))
    return BusinessCalendar(hours=hours or DEFAULT_HOURS, holidays=holidays)


def targets() -> dict[int, tuple[int, int]]:
    """priority -> (first response minutes, resolution minutes)."""
    from soporte.models import ObjetivoSLA

    return {o.priority: (o.first_response_minutes, o.resolution_minutes)
            for o in ObjetivoSLA.objects.all()}


def set_deadlines(incidencia, calendar: BusinessCalendar, *, start: datetime.datetime | None = None) -> None:
    """Fill the due dates from the priority's targets, counted from creation plus pauses."""
    objective = targets().get(incidencia.priority)
    if objective is None:
        incidencia.first_response_due_at = incidencia.resolution_due_at = None
        return
    start = start or incidencia.created_at
    first, resolution = objective
    paused = incidencia.paused_minutes
    incidencia.first_response_due_at = calendar.add_minutes(start, first + paused)
    incidencia.resolution_due_at = calendar.add_minutes(start, resolution + paused)


@dataclass(frozen=True)
class Clock:
    """One SLA clock as shown: due date, business minutes left (negative: late)."""

    due_at: datetime.datetime | None
    minutes_left: int | None
    is_breached: bool
    is_paused: bool
    is_met: bool

    @property
    def label(self) -> str:
        if self.minutes_left is None:
            return "—"
        minutes = abs(self.minutes_left)
        hours, rest = divmod(minutes, 60)
        if hours >= 10:
            text = f"{hours} h"
        else:
            text = f"{hours} h {rest:02d} min" if hours else f"{rest} min"
        return f"−{text}" if self.minutes_left < 0 else text

    @property
    def css(self) -> str:
        if self.is_met:
            return "ok"
        if self.is_breached:
            return "err"
        if self.is_paused:
            return "paused"
        if self.minutes_left is not None and self.minutes_left < 60:
            return "warn"
        return ""


def _clock(due: datetime.datetime | None, done_at: datetime.datetime | None, *, paused: bool,
           calendar: BusinessCalendar, now: datetime.datetime) -> Clock:
    if due is None:
        return Clock(None, None, False, paused, done_at is not None)
    if done_at is not None:
        return Clock(due, None, done_at > due, False, done_at <= due)
    reference = now
    if reference <= due:
        left = calendar.minutes_between(reference, due)
    else:
        left = -calendar.minutes_between(due, reference)
    return Clock(due, left, reference > due and not paused, paused, False)


def clocks(incidencia, calendar: BusinessCalendar, now: datetime.datetime | None = None) -> dict[str, Clock]:
    """The first-response and resolution clocks of an incident at `now`.

    While paused, the deadlines are shown as they would stand if the user answered now.
    """
    now = now or timezone.now()
    paused = incidencia.state == Estado.PENDIENTE and incidencia.paused_since is not None
    first_due, resolution_due = incidencia.first_response_due_at, incidencia.resolution_due_at
    if paused:
        pending = calendar.minutes_between(incidencia.paused_since, now)
        if first_due and incidencia.first_response_at is None:
            first_due = calendar.add_minutes(first_due, pending)
        if resolution_due:
            resolution_due = calendar.add_minutes(resolution_due, pending)
    resolved = incidencia.resolved_at if incidencia.state in (Estado.RESUELTA, Estado.CERRADA) else None
    return {
        "first_response": _clock(first_due, incidencia.first_response_at, paused=paused,
                                 calendar=calendar, now=now),
        "resolution": _clock(resolution_due, resolved, paused=paused, calendar=calendar, now=now),
    }


def pause(incidencia, now: datetime.datetime) -> dict:
    """Fields to update when the incident enters pendiente del usuario."""
    return {"paused_since": now}


def resume(incidencia, calendar: BusinessCalendar, now: datetime.datetime) -> dict:
    """Fields to update when the incident leaves pendiente del usuario: push the deadlines
    still running by the business minutes spent paused."""
    if incidencia.paused_since is None:
        return {}
    spent = calendar.minutes_between(incidencia.paused_since, now)
    changes: dict = {"paused_since": None, "paused_minutes": incidencia.paused_minutes + spent}
    if incidencia.first_response_due_at and incidencia.first_response_at is None:
        changes["first_response_due_at"] = calendar.add_minutes(incidencia.first_response_due_at, spent)
    if incidencia.resolution_due_at:
        changes["resolution_due_at"] = calendar.add_minutes(incidencia.resolution_due_at, spent)
    return changes
