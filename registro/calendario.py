"""Working days of the entity (Ley 39/2015, arts. 30 and 31).

Saturdays, Sundays and the holidays in the entity's calendar (`Festivo`: national,
regional and local) are not working days. A submission on a non-working day counts,
for deadlines, from the first hour of the next working day (art. 31.2.b).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from registro.models import Festivo

MADRID = ZoneInfo("Europe/Madrid")


def _festivos(desde: datetime.date, hasta: datetime.date) -> set[datetime.date]:
    return set(Festivo.objects.filter(fecha__range=(desde, hasta))
               .values_list("fecha", flat=True))


def es_habil(fecha: datetime.date, *, festivos: set[datetime.date] | None = None) -> bool:
    """Whether `fecha` is a working day for this entity."""
    if fecha.weekday() >= 5:
        return False
    if festivos is None:
        return not Festivo.objects.filter(fecha=fecha).exists()
    return fecha not in festivos


def siguiente_habil(fecha: datetime.date) -> datetime.date:
    """The first working day strictly after `fecha`."""
    festivos = _festivos(fecha, fecha + datetime.timedelta(days=60))
    dia = fecha + datetime.timedelta(days=1)
    while not es_habil(dia, festivos=festivos):
        dia += datetime.timedelta(days=1)
    return dia


def computo_desde(presentado: datetime.datetime) -> datetime.datetime:
    """When deadlines start counting for a submission made at `presentado` (aware):
    the same moment on a working day, the first hour (00:00, Madrid) of the next working
    day otherwise."""
    if presentado.tzinfo is None:
        raise ValueError("presentado must be an aware datetime")
    local = presentado.astimezone(MADRID)
    if es_habil(local.date()):
        return local
    dia = siguiente_habil(local.date())
    return datetime.datetime.combine(dia, datetime.time(0, 0), tzinfo=MADRID)


def dias_habiles(year: int) -> list[datetime.date]:
    """Every working day of `year`, in order."""
    inicio, fin = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    festivos = _festivos(inicio, fin)
    dias = []
    dia = inicio
    while dia <= fin:
        if es_habil(dia, festivos=festivos):
            dias.append(dia)
        dia += datetime.timedelta(days=1)
    return dias
