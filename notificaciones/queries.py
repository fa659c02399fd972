"""The clerk's lookups and figures of the notificaciones: the list's tabs and search, the
scoped lookups of the back-office pages (the schema confines them to the request's
entity; the section's guard demands the application "expedientes"), and the statistic
of practice times (from the puesta a disposición to the access or the rejection)."""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notificaciones.choices import Canal, EstadoNotificacion
from notificaciones.models import Apoderamiento, Evento, Notificacion, Remesa

Estado = EstadoNotificacion

# The tabs of the list: (slug, label, condition). "pendientes" holds both channels (what
# still awaits an outcome); "en papel" every paper one not annulled, whatever its state.
TABS: list[tuple[str, Any, Q]] = [
    ("pendientes", _("Pendientes"), Q(estado__in=Estado.pendientes())),
    ("accedidas", _("Accedidas"), Q(estado=Estado.ACCEDIDA)),
    ("rechazadas", _("Rechazadas"), Q(estado__in=[Estado.RECHAZADA, Estado.RECHAZADA_PLAZO])),
    ("papel", _("En papel"), Q(canal=Canal.PAPEL) & ~Q(estado=Estado.ANULADA)),
    ("anuladas", _("Anuladas"), Q(estado=Estado.ANULADA)),
    ("todas", _("Todas"), Q()),
]
TAB_SLUGS = [slug for slug, _label, _q in TABS]
DEFAULT_TAB = "pendientes"

_CODIGO = re.compile(r"(?P<numero>\d{1,9})\s*/\s*(?P<year>\d{4})")
_REFERENCIA = re.compile(r"N-\d{4}-\d{1,6}", re.IGNORECASE)


# --- scoped lookups ---------------------------------------------------------------------------


def notificaciones_for(request: HttpRequest) -> QuerySet[Notificacion]:
    return Notificacion.objects.select_related("remesa", "remesa__expediente",
                                               "remesa__documento", "asiento_salida",
                                               "apoderamiento")


def get_notificacion_for(request: HttpRequest, pk: int) -> Notificacion:
    """Missing, or another entity's (another schema): the same 404."""
    return get_object_or_404(notificaciones_for(request), pk=pk)


def get_remesa_for(request: HttpRequest, pk: int) -> Remesa:
    return get_object_or_404(Remesa.objects.select_related("expediente", "documento"), pk=pk)


def get_evento_con_acuse_for(request: HttpRequest, pk: int, evento_pk: int) -> Evento:
    return get_object_or_404(Evento.objects.select_related("acuse", "notificacion"),
                             pk=evento_pk, notificacion_id=pk, acuse__isnull=False)


def get_apoderamiento_for(request: HttpRequest, pk: int) -> Apoderamiento:
    return get_object_or_404(Apoderamiento.objects.all(), pk=pk)


def get_documento_notificable_for(request: HttpRequest, pk: int):
    """A document of an expediente of this entity (any state: the page says when it
    cannot be notified)."""
    from expedientes.models import Documento

    return get_object_or_404(Documento.objects.select_related("expediente",
                                                              "expediente__procedimiento"),
                             pk=pk)


def notificaciones_de_expediente(expediente) -> list[Notificacion]:
    return list(Notificacion.objects.filter(remesa__expediente=expediente)
                .select_related("remesa", "remesa__documento")
                .order_by("-created_at", "-pk"))


# --- the list -----------------------------------------------------------------------------------


def _texto(term: str) -> Q:
    """A reference (N-2026-000001), an expediente number (339/2026), a document number
    (of the destinatario or the representative), or words of the name and the concept."""
    term = term.strip()
    if _REFERENCIA.fullmatch(term):
        return Q(referencia__iexact=term)
    if found := _CODIGO.fullmatch(term):
        return Q(remesa__expediente__numero=int(found["numero"]),
                 remesa__expediente__year=int(found["year"]))
    compact = "".join(ch for ch in term.upper() if ch.isalnum())
    condition = Q(referencia__icontains=term)
    if sum(ch.isdigit() for ch in compact) >= 5:
        condition |= Q(documento__startswith=compact) | Q(
            representante_documento__startswith=compact)
    words = Q()
    for word in term.split()[:8]:
        words &= (Q(nombre__icontains=word) | Q(apellido1__icontains=word)
                  | Q(apellido2__icontains=word) | Q(representante_nombre__icontains=word)
                  | Q(remesa__concepto__icontains=word))
    return condition | words


def buscar(params: dict[str, Any]) -> QuerySet[Notificacion]:
    """Notifications matching the search form's cleaned data (all tabs), ordered by date."""
    qs = Notificacion.objects.select_related("remesa", "remesa__expediente")
    if params.get("q"):
        qs = qs.filter(_texto(params["q"]))
    if params.get("remesa"):
        qs = qs.filter(remesa_id=params["remesa"])
    if params.get("orden") == "antiguas":
        return qs.order_by("created_at", "pk")
    return qs.order_by("-created_at", "-pk")


def por_pestana(qs: QuerySet[Notificacion], tab: str) -> QuerySet[Notificacion]:
    condition = next((q for slug, _label, q in TABS if slug == tab), Q())
    return qs.filter(condition)


def contar_pestanas(qs: QuerySet[Notificacion]) -> list[dict]:
    """Each tab with how many of `qs` it holds (one query)."""
    from django.db.models import Count

    counts = qs.order_by().aggregate(**{slug: Count("pk", filter=q) if q else Count("pk")
                                        for slug, _label, q in TABS})
    return [{"slug": slug, "label": label, "n": counts[slug]} for slug, label, _q in TABS]


def dias_restantes(notificacion: Notificacion, now: datetime.datetime | None = None) -> int | None:
    """Calendar days (Europe/Madrid) from today to the deadline of a pending electronic
    notification; None for any other."""
    if notificacion.estado != Estado.PUESTA_DISPOSICION or notificacion.vence_at is None:
        return None
    now = now or timezone.now()
    return (timezone.localtime(notificacion.vence_at).date() - timezone.localtime(now).date()).days


# --- statistics ---------------------------------------------------------------------------------


def percentil(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation between the closest ranks (the
    common "type 7" definition): the median of [1, 2, 3, 10] is 2.5, its 90th percentile
    7.9."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _redondear(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Mes:
    start: datetime.date
    puestas: int = 0
    accedidas: int = 0
    rechazadas_plazo: int = 0
    rechazadas: int = 0
    horas: list[float] = field(default_factory=list)

    @property
    def mediana_horas(self) -> float | None:
        return _redondear(percentil(self.horas, 0.5))

    @property
    def p90_horas(self) -> float | None:
        return _redondear(percentil(self.horas, 0.9))


@dataclass
class Estadistica:
    por_estado: list[dict]
    total: int
    # Electronic notifications with an outcome: accessed, rejected by the deadline,
    # rejected expressly (the base of the shares).
    accedidas: int
    rechazadas_plazo: int
    rechazadas: int
    mediana_horas: float | None
    p90_horas: float | None
    meses: list[Mes]

    @property
    def practicadas(self) -> int:
        return self.accedidas + self.rechazadas_plazo + self.rechazadas

    @property
    def pct_accedidas(self) -> float | None:
        return _share(self.accedidas, self.practicadas)

    @property
    def pct_rechazadas_plazo(self) -> float | None:
        return _share(self.rechazadas_plazo, self.practicadas)

    @property
    def pct_rechazadas(self) -> float | None:
        return _share(self.rechazadas, self.practicadas)


def _first_of_month(day: datetime.date, back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _horas(desde: datetime.datetime, hasta: datetime.datetime) -> float:
    return (hasta - desde).total_seconds() / 3600


def estadistica(now: datetime.datetime | None = None) -> Estadistica:
    """Counts by state (all, as they stand), and for the electronic notifications put at
    disposal in the last twelve months (this one included, by the month of the puesta in
    Europe/Madrid): how they ended (accessed, rejected by the ten days, rejected
    expressly) and the hours from the puesta a disposición to the access (median and 90th
    percentile), over the twelve months and for each."""
    from django.db.models import Count

    now = now or timezone.now()
    counts = dict(Notificacion.objects.order_by().values_list("estado").annotate(n=Count("pk")))
    por_estado = [{"code": code, "label": label, "n": counts.get(code, 0)}
                  for code, label in Estado.choices]
    first = _first_of_month(timezone.localtime(now).date(), 11)
    desde = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    sede = Notificacion.objects.filter(canal=Canal.SEDE, puesta_at__gte=desde,
                                       puesta_at__lte=now)
    meses = [Mes(start=_first_of_month(first, -i)) for i in range(12)]
    by_month = {(m.start.year, m.start.month): m for m in meses}
    finales = {Estado.ACCEDIDA: "accedidas", Estado.RECHAZADA_PLAZO: "rechazadas_plazo",
               Estado.RECHAZADA: "rechazadas"}
    totales = {"accedidas": 0, "rechazadas_plazo": 0, "rechazadas": 0}
    horas: list[float] = []
    for estado, puesta_at, practicada_at in sede.values_list("estado", "puesta_at",
                                                             "practicada_at"):
        local = timezone.localtime(puesta_at)
        mes = by_month[(local.year, local.month)]
        mes.puestas += 1
        attr = finales.get(estado)
        if attr is None:
            continue
        totales[attr] += 1
        setattr(mes, attr, getattr(mes, attr) + 1)
        if estado == Estado.ACCEDIDA and practicada_at is not None:
            value = _horas(puesta_at, practicada_at)
            horas.append(value)
            mes.horas.append(value)
    return Estadistica(por_estado=por_estado, total=sum(counts.values()),
                       mediana_horas=_redondear(percentil(horas, 0.5)),
                       p90_horas=_redondear(percentil(horas, 0.9)), meses=meses, **totales)


MESES_CORTOS = [_("ene"), _("feb"), _("mar"), _("abr"), _("may"), _("jun"), _("jul"),
                _("ago"), _("sep"), _("oct"), _("nov"), _("dic")]


def column_chart(items: list[tuple[str, float | None]], *, title: str, unit: str) -> dict:
    """Columns for notificaciones/gestion/_columnas.html: heights as percentages of an axis
    with whole, evenly spaced ticks (provincial.charts); None is a month without data."""
    from provincial.charts import axis_ticks

    axis = axis_ticks(math.ceil(max((v or 0 for _l, v in items), default=0)))
    maximum = axis[-1]
    return {"title": title, "unit": unit,
            "bars": [{"label": label, "value": value, "missing": value is None,
                      "percent": round(100 * (value or 0) / maximum, 2)}
                     for label, value in items],
            "ticks": [{"value": v, "percent": round(100 * v / maximum, 2)} for v in axis]}


def charts(data: Estadistica) -> dict:
    labels = [f"{MESES_CORTOS[m.start.month - 1]} {m.start.year % 100:02d}" for m in data.meses]
    return {
        "puestas": column_chart(list(zip(labels, [m.puestas for m in data.meses], strict=True)),
                                title=str(_("Notificaciones electrónicas puestas a disposición")),
                                unit=str(_("notificaciones"))),
        "mediana": column_chart(
            list(zip(labels, [m.mediana_horas for m in data.meses], strict=True)),
            title=str(_("Mediana de horas hasta el acceso")), unit=str(_("horas"))),
    }
