"""The legal time-limit clock of an expediente (Ley 39/2015, arts. 21, 22, 23, 30 and 32).

The maximum time to resolve runs from `fecha_inicio` (the entry in the registro, art.
21.3.b, counted from the first working day when it came in on a non-working one, art.
31.2.b; or the agreement to open it de oficio, art. 21.3.a) for the procedure's
`plazo_cantidad` in its `plazo_unidad`:

- días hábiles (art. 30.2): Saturdays, Sundays and the entity's holidays
  (registro.Festivo, the calendar its sede publishes) do not count; the plazo ends on the
  n-th working day after the start;
- días naturales: n days after the start;
- meses (art. 30.4): the same day of the month n months later, or the last day of that
  month when it has no such day (31 January + 1 month = 28 February);
- art. 30.5: a plazo whose last day is not a working day ends on the next working day.

Suspensions (art. 22) stop the clock: the days between a suspension and its resumption
push the end back (working days for a plazo in días hábiles, calendar days otherwise). An
extension (ampliación) adds days (working days for a plazo in días hábiles, calendar days
otherwise); art. 32.1 caps extensions at half the original plazo, and it is applied to
the maximum time to resolve too (art. 23 would exceptionally allow up to the whole
plazo; the stricter rule is kept so that no extension recorded here can be unlawful).

Everything is recomputed from the events (`EventoPlazo`) whenever one is added, so the
stored `fecha_vencimiento` is always what the events say.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from expedientes.choices import EstadoExpediente, TipoEventoPlazo, UnidadPlazo
from registro import calendario as registro_calendario

if TYPE_CHECKING:
    from expedientes.models import EventoPlazo, Expediente

ONE_DAY = datetime.timedelta(days=1)

VENCIDO = "vencido"
POR_VENCER = "por_vencer"
SUSPENDIDO = "suspendido"


def aviso_dias() -> int:
    """How many days before its end an open expediente is flagged (EXPEDIENTES_AVISO_DIAS)."""
    return int(getattr(settings, "EXPEDIENTES_AVISO_DIAS", 10))


class Calendario:
    """The entity's working days from a date on, with its holidays read once."""

    def __init__(self, desde: datetime.date) -> None:
        from registro.models import Festivo

        self.festivos = set(Festivo.objects.filter(fecha__gte=desde - ONE_DAY)
                            .values_list("fecha", flat=True))

    def es_habil(self, fecha: datetime.date) -> bool:
        return registro_calendario.es_habil(fecha, festivos=self.festivos)

    def siguiente_habil(self, fecha: datetime.date) -> datetime.date:
        """The first working day strictly after `fecha`."""
        dia = fecha + ONE_DAY
        while not self.es_habil(dia):
            dia += ONE_DAY
        return dia

    def habil_o_siguiente(self, fecha: datetime.date) -> datetime.date:
        """`fecha` itself when it is a working day, else the next one (art. 30.5)."""
        return fecha if self.es_habil(fecha) else self.siguiente_habil(fecha)

    def sumar_habiles(self, fecha: datetime.date, dias: int) -> datetime.date:
        """The `dias`-th working day after `fecha` (`fecha` itself for 0)."""
        dia = fecha
        for _i in range(dias):
            dia = self.siguiente_habil(dia)
        return dia

    def habiles_entre(self, desde: datetime.date, hasta: datetime.date) -> int:
        """Working days in [desde, hasta)."""
        count = 0
        dia = desde
        while dia < hasta:
            if self.es_habil(dia):
                count += 1
            dia += ONE_DAY
        return count


def sumar_meses(fecha: datetime.date, meses: int) -> datetime.date:
    """The same day `meses` months later, or the last day of that month (art. 30.4)."""
    month_index = fecha.month - 1 + meses
    year, month = fecha.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(fecha.day, calendar.monthrange(year, month)[1]))


def limite_ampliacion(fecha_inicio: datetime.date, cantidad: int, unidad: str) -> int:
    """The most an extension may add in all (art. 32.1: half the original plazo), in the
    unit of extensions: working days for días hábiles, calendar days otherwise (half the
    calendar days of the months)."""
    if unidad == UnidadPlazo.MESES:
        return (sumar_meses(fecha_inicio, cantidad) - fecha_inicio).days // 2
    return cantidad // 2


def unidad_ampliacion(unidad: str) -> str:
    """Extensions of a plazo in días hábiles count working days; otherwise calendar days."""
    return UnidadPlazo.DIAS_HABILES if unidad == UnidadPlazo.DIAS_HABILES \
        else UnidadPlazo.DIAS_NATURALES


@dataclass(frozen=True)
class Computo:
    """What the clock says: the end of the plazo and how it got there."""

    vencimiento: datetime.date
    vencimiento_original: datetime.date
    is_suspendido: bool
    suspendido_desde: datetime.date | None
    dias_suspendidos: int  # in the unit of extensions
    dias_ampliados: int
    limite_ampliacion: int

    @property
    def ampliacion_disponible(self) -> int:
        return max(0, self.limite_ampliacion - self.dias_ampliados)


def computar(fecha_inicio: datetime.date, cantidad: int, unidad: str,
             eventos: Iterable[EventoPlazo] = (), *,
             cal: Calendario | None = None) -> Computo:
    """The end of a plazo of `cantidad` `unidad` from `fecha_inicio`, after the suspensions,
    resumptions and extensions in `eventos` (in any order; read by date)."""
    cal = cal or Calendario(fecha_inicio)
    habiles = unidad == UnidadPlazo.DIAS_HABILES
    if habiles:
        base = cal.sumar_habiles(fecha_inicio, cantidad)
    elif unidad == UnidadPlazo.MESES:
        base = sumar_meses(fecha_inicio, cantidad)
    else:
        base = fecha_inicio + datetime.timedelta(days=cantidad)
    ampliados = 0
    suspendidos = 0
    abierta: datetime.date | None = None
    for evento in sorted(eventos, key=lambda e: (e.fecha, e.pk or 0)):
        if evento.tipo == TipoEventoPlazo.AMPLIACION:
            ampliados += evento.dias or 0
        elif evento.tipo == TipoEventoPlazo.SUSPENSION and abierta is None:
            abierta = evento.fecha
        elif evento.tipo == TipoEventoPlazo.REANUDACION and abierta is not None:
            suspendidos += cal.habiles_entre(abierta, evento.fecha) if habiles \
                else (evento.fecha - abierta).days
            abierta = None
    extra = ampliados + suspendidos
    final = cal.sumar_habiles(base, extra) if habiles else base + datetime.timedelta(days=extra)
    return Computo(vencimiento=cal.habil_o_siguiente(final),
                   vencimiento_original=cal.habil_o_siguiente(base),
                   is_suspendido=abierta is not None, suspendido_desde=abierta,
                   dias_suspendidos=suspendidos, dias_ampliados=ampliados,
                   limite_ampliacion=limite_ampliacion(fecha_inicio, cantidad, unidad))


def computo_de(expediente: Expediente) -> Computo:
    """The clock of an expediente from its procedure and its events."""
    procedimiento = expediente.procedimiento
    return computar(expediente.fecha_inicio, procedimiento.plazo_cantidad,
                    procedimiento.plazo_unidad, list(expediente.eventos_plazo.all()))


def recalcular(expediente: Expediente) -> Computo:
    """Store the clock's answer on the expediente (called by the actions, on the locked
    row, after each event)."""
    computo = computo_de(expediente)
    expediente.fecha_vencimiento = computo.vencimiento
    expediente.is_plazo_suspendido = computo.is_suspendido
    expediente.save(update_fields=["fecha_vencimiento", "is_plazo_suspendido", "updated_at"])
    return computo


# --- what the dashboard flags ---------------------------------------------------------


def _vigilados(qs: QuerySet[Expediente]) -> QuerySet[Expediente]:
    """Expedientes whose clock runs: in tramitación and not suspended."""
    return qs.filter(estado=EstadoExpediente.EN_TRAMITACION, is_plazo_suspendido=False,
                     fecha_vencimiento__isnull=False)


def vencidos(qs: QuerySet[Expediente], hoy: datetime.date | None = None
             ) -> QuerySet[Expediente]:
    """Past their maximum time to resolve and still not resolved."""
    return _vigilados(qs).filter(fecha_vencimiento__lt=hoy or timezone.localdate())


def por_vencer(qs: QuerySet[Expediente], hoy: datetime.date | None = None
               ) -> QuerySet[Expediente]:
    """Whose plazo ends today or within EXPEDIENTES_AVISO_DIAS days."""
    hoy = hoy or timezone.localdate()
    return _vigilados(qs).filter(fecha_vencimiento__gte=hoy,
                                 fecha_vencimiento__lte=hoy + datetime.timedelta(
                                     days=aviso_dias()))


def en_alerta(qs: QuerySet[Expediente], hoy: datetime.date | None = None
              ) -> QuerySet[Expediente]:
    """Overdue or about to be: what the dashboard flags."""
    hoy = hoy or timezone.localdate()
    return _vigilados(qs).filter(fecha_vencimiento__lte=hoy + datetime.timedelta(
        days=aviso_dias()))


def situacion(expediente: Expediente, hoy: datetime.date | None = None) -> str:
    """VENCIDO, POR_VENCER, SUSPENDIDO or "" (in time, or no longer running)."""
    if expediente.estado != EstadoExpediente.EN_TRAMITACION:
        return ""
    if expediente.is_plazo_suspendido:
        return SUSPENDIDO
    if expediente.fecha_vencimiento is None:
        return ""
    hoy = hoy or timezone.localdate()
    if expediente.fecha_vencimiento < hoy:
        return VENCIDO
    if (expediente.fecha_vencimiento - hoy).days <= aviso_dias():
        return POR_VENCER
    return ""
