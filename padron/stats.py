"""Statistics of the padrón, aggregated in the database, and the geometry of their charts.

`compute(today)` runs six queries whatever the size of the padrón (pyramid, nationality,
sections, monthly altas and bajas, and the inscribed population at two 1 January dates);
`charts(data)` turns the figures into coordinates that padron/estadisticas.html draws as
inline SVG (no script, no external asset: the CSP forbids both).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, DateField, F, Func, IntegerField, Q, Value
from django.db.models.functions import Least, TruncMonth
from django.utils.translation import gettext as _

from padron import actions, codelists
from padron.choices import Sexo, TipoMovimiento
from padron.models import Habitante, Movimiento
from provincial.charts import axis_ticks

AGE_GROUP_YEARS = 5
OLDEST_GROUP = 20  # 100 years and over
TOP_NATIONALITIES = 10
MONTHS = 24
MONTH_NAMES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
               "dic")


class AgeOn(Func):
    """Whole years between the birth date and a given date (PostgreSQL AGE)."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()

    def __init__(self, date: datetime.date, birth: str, **extra) -> None:
        super().__init__(Value(date, output_field=DateField()), F(birth), **extra)


# --- figures ---------------------------------------------------------------------------


@dataclass
class AgeGroup:
    label: str
    hombres: int = 0
    mujeres: int = 0

    @property
    def total(self) -> int:
        return self.hombres + self.mujeres


@dataclass
class Share:
    label: str
    count: int
    percent: float
    code: str = ""


@dataclass
class SeccionCount:
    distrito: str
    seccion: str
    count: int
    percent: float


@dataclass
class MonthCount:
    month: datetime.date
    altas: int = 0
    bajas: int = 0

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month.month - 1]} {self.month:%y}"


@dataclass
class OfficialFigure:
    date: datetime.date
    total: int
    hombres: int
    mujeres: int


@dataclass
class PadronStats:
    today: datetime.date
    total: int
    hombres: int
    mujeres: int
    extranjeros: int
    pyramid: list[AgeGroup]
    nationalities: list[Share]
    distritos: list[Share]
    secciones: list[SeccionCount]
    months: list[MonthCount]
    official: list[OfficialFigure]

    @property
    def extranjeros_percent(self) -> float:
        return _percent(self.extranjeros, self.total)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def age_group_label(group: int) -> str:
    if group >= OLDEST_GROUP:
        return _("%(age)s y más") % {"age": OLDEST_GROUP * AGE_GROUP_YEARS}
    low = group * AGE_GROUP_YEARS
    return f"{low}–{low + AGE_GROUP_YEARS - 1}"


def first_of_month(date: datetime.date, back: int = 0) -> datetime.date:
    index = date.year * 12 + date.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def compute(today: datetime.date) -> PadronStats:
    """Every figure of the statistics page, as of `today`."""
    inscritos = Habitante.objects.inscritos()

    # 1. Pyramid: sex × 5-year age group.
    pyramid = [AgeGroup(age_group_label(g)) for g in range(OLDEST_GROUP + 1)]
    rows = inscritos.annotate(grupo=Least(AgeOn(today, "fecha_nacimiento") / AGE_GROUP_YEARS,
                                          Value(OLDEST_GROUP))) \
        .values("grupo", "sexo").annotate(n=Count("pk")).order_by()
    for row in rows:
        group = pyramid[max(0, row["grupo"])]
        if row["sexo"] == Sexo.HOMBRE:
            group.hombres += row["n"]
        else:
            group.mujeres += row["n"]
    hombres = sum(g.hombres for g in pyramid)
    mujeres = sum(g.mujeres for g in pyramid)
    total = hombres + mujeres

    # 2. Nationality: the ten largest, the rest together.
    by_country = list(inscritos.values("nacionalidad").annotate(n=Count("pk"))
                      .order_by("-n", "nacionalidad"))
    nationalities = [Share(codelists.country_name(r["nacionalidad"]) or r["nacionalidad"],
                           r["n"], _percent(r["n"], total), code=r["nacionalidad"])
                     for r in by_country[:TOP_NATIONALITIES]]
    rest = sum(r["n"] for r in by_country[TOP_NATIONALITIES:])
    if rest:
        nationalities.append(Share(_("Otras (%(n)s países)")
                                   % {"n": len(by_country) - TOP_NATIONALITIES},
                                   rest, _percent(rest, total)))
    extranjeros = sum(r["n"] for r in by_country if r["nacionalidad"] != codelists.SPAIN)

    # 3. Distrito and sección of the current address (as the list screen shows it).
    seccion = "hoja__domicilio__tramo__seccion__"
    by_seccion = inscritos.values(distrito=F(f"{seccion}distrito__code"),
                                  seccion=F(f"{seccion}code"), letter=F(f"{seccion}letter")) \
        .annotate(n=Count("pk")).order_by("distrito", "seccion", "letter")
    secciones, distritos_count = [], {}
    for row in by_seccion:
        distrito = row["distrito"] or "—"
        label = f"{row['distrito']}-{row['seccion']}{row['letter'] or ''}" if row["distrito"] \
            else _("Sin domicilio")
        secciones.append(SeccionCount(distrito, label, row["n"], _percent(row["n"], total)))
        distritos_count[distrito] = distritos_count.get(distrito, 0) + row["n"]
    distritos = [Share(_("Distrito %(code)s") % {"code": code} if code != "—" else code,
                       n, _percent(n, total), code=code) for code, n in distritos_count.items()]

    # 4. Altas and bajas per month, the last 24 months (this one included).
    since = first_of_month(today, MONTHS - 1)
    months = {month: MonthCount(month)
              for month in (first_of_month(today, back) for back in range(MONTHS - 1, -1, -1))}
    for row in Movimiento.objects.filter(fecha__gte=since, fecha__lte=today,
                                         tipo__in=[TipoMovimiento.ALTA, TipoMovimiento.BAJA]) \
            .annotate(month=TruncMonth("fecha")).values("month", "tipo") \
            .annotate(n=Count("pk")).order_by():
        month = months.get(row["month"])
        if month is None:
            continue
        if row["tipo"] == TipoMovimiento.ALTA:
            month.altas = row["n"]
        else:
            month.bajas = row["n"]

    # 5. Official figures: people inscribed on 1 January (from the residence periods).
    official = []
    for year in (today.year - 1, today.year):
        date = datetime.date(year, 1, 1)
        figures = actions.padron_en_fecha(date).aggregate(
            total=Count("pk"), hombres=Count("pk", filter=Q(habitante__sexo=Sexo.HOMBRE)),
            mujeres=Count("pk", filter=Q(habitante__sexo=Sexo.MUJER)))
        official.append(OfficialFigure(date=date, **figures))

    return PadronStats(today=today, total=total, hombres=hombres, mujeres=mujeres,
                       extranjeros=extranjeros, pyramid=pyramid, nationalities=nationalities,
                       distritos=distritos, secciones=secciones, months=list(months.values()),
                       official=official)


# --- chart geometry --------------------------------------------------------------------


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10^k not below `value` (the end of an axis)."""
    if value <= 0:
        return 1
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude) if step * magnitude >= 1 else 1
    return 10 * magnitude  # pragma: no cover - the loop always returns


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    series: str = ""

    def __post_init__(self) -> None:
        # Coordinates with one decimal: shorter markup, and no locale-formatted floats.
        self.x, self.y = round(self.x, 1), round(self.y, 1)
        self.width, self.height = round(self.width, 1), round(self.height, 1)

    @property
    def end(self) -> float:
        """Where the value is written, just after the end of a horizontal bar."""
        return round(self.x + self.width + 6, 1)

    @property
    def bottom(self) -> float:
        return round(self.y + self.height, 1)


@dataclass
class Tick:
    position: float
    value: int

    def __post_init__(self) -> None:
        self.position = round(self.position, 1)


@dataclass
class Label:
    x: float
    y: float
    text: str

    def __post_init__(self) -> None:
        self.x, self.y = round(self.x, 1), round(self.y, 1)


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    extra: dict[str, float] = field(default_factory=dict)


def pyramid_chart(groups: list[AgeGroup], *, width: int = 640, row: int = 16) -> Chart:
    """Men to the left of the centre, women to the right; the oldest group on top."""
    gutter, top, bottom, margin = 64, 24, 28, 24  # margin: room for the end tick labels
    half = (width - gutter - 2 * margin) / 2
    # Whole, evenly spaced ticks on each half; the axis ends at the last one.
    axis = axis_ticks(max([max(g.hombres, g.mujeres) for g in groups] + [1]), intervals=2)
    maximum = axis[-1]
    chart = Chart(width=width, height=top + row * len(groups) + bottom)
    centre_left, centre_right = margin + half, margin + half + gutter
    for index, group in enumerate(reversed(groups)):
        y = top + index * row
        men = half * group.hombres / maximum
        women = half * group.mujeres / maximum
        chart.bars.append(Bar(centre_left - men, y + 1, men, row - 2, group.hombres, group.label,
                              "hombres"))
        chart.bars.append(Bar(centre_right, y + 1, women, row - 2, group.mujeres, group.label,
                              "mujeres"))
        chart.labels.append(Label(width / 2, y + row - 4, group.label))
    axis_y = top + row * len(groups)
    for value in axis:
        offset = half * value / maximum
        chart.ticks.append(Tick(centre_left - offset, value))
        if value:
            chart.ticks.append(Tick(centre_right + offset, value))
    chart.extra = {"centre_left": round(centre_left, 1), "centre_right": round(centre_right, 1), "axis_y": axis_y,
                   "top": top, "tick_label_y": axis_y + 16, "legend_y": 14,
                   "women_legend_x": round(centre_right + 4, 1),
                   "men_legend_x": round(centre_left - 4, 1)}
    return chart


def hbar_chart(items: list[Share], *, width: int = 640, row: int = 22) -> Chart:
    """One horizontal bar per item, its name on the left and its count at the bar's end."""
    left, right, top = 190, 90, 6
    span = width - left - right
    maximum = nice_ceiling(max([i.count for i in items] + [1]))
    chart = Chart(width=width, height=top + row * len(items) + 6)
    for index, item in enumerate(items):
        y = top + index * row
        length = span * item.count / maximum
        chart.bars.append(Bar(left, y + 3, length, row - 6, item.count, item.label))
        chart.labels.append(Label(left - 6, y + row - 7, item.label))
    chart.extra = {"left": left}
    return chart


def monthly_chart(months: list[MonthCount], *, width: int = 720, height: int = 220) -> Chart:
    """Altas and bajas side by side for each month."""
    left, bottom, top, right = 48, 40, 12, 8
    plot_height = height - top - bottom
    slot = (width - left - right) / max(len(months), 1)
    bar = max(2.0, slot * 0.36)
    axis = axis_ticks(max([max(m.altas, m.bajas) for m in months] + [1]))
    maximum = axis[-1]
    chart = Chart(width=width, height=height)
    base = top + plot_height
    for index, month in enumerate(months):
        x = left + index * slot + (slot - 2 * bar) / 2
        for offset, series, value in ((0, "altas", month.altas), (bar, "bajas", month.bajas)):
            length = plot_height * value / maximum
            chart.bars.append(Bar(x + offset, base - length, bar, length, value, month.label,
                                  series))
        if index % 3 == 0 or index == len(months) - 1:
            chart.labels.append(Label(left + index * slot + slot / 2, base + 16, month.label))
    for value in axis:
        chart.ticks.append(Tick(base - plot_height * value / maximum, value))
    chart.extra = {"left": left, "right": width - right, "base": base, "tick_x": left - 6}
    return chart


def charts(data: PadronStats) -> dict[str, Chart]:
    result = {
        "pyramid": pyramid_chart(data.pyramid),
        "nationalities": hbar_chart(data.nationalities),
        "distritos": hbar_chart(data.distritos),
        "months": monthly_chart(data.months),
    }
    if len(data.secciones) <= 60:
        result["secciones"] = hbar_chart([Share(s.seccion, s.count, s.percent)
                                          for s in data.secciones], row=18)
    return result
