"""Statistics of the desk: per year (with the historical figures), per month, per service,
per entity and per agent, SLA compliance; bar charts drawn as SVG geometry for the
template (no script), and the xlsx export."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial.charts import axis_ticks
from provincial.spreadsheets import set_text_safe
from soporte.choices import Estado
from soporte.models import HistoricoAnual, Incidencia

MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]


@dataclass
class Figures:
    year: int
    yearly: list[dict] = field(default_factory=list)  # year, historic, recorded, total
    monthly: list[int] = field(default_factory=list)
    by_service: list[tuple[str, int]] = field(default_factory=list)
    by_entity: list[tuple[str, int]] = field(default_factory=list)
    by_agent: list[dict] = field(default_factory=list)
    total: int = 0
    first_response: dict = field(default_factory=dict)  # met, total, percent
    resolution: dict = field(default_factory=dict)
    breaching_now: int = 0


def _percent(met: int, total: int) -> float | None:
    return round(100 * met / total, 1) if total else None


def compute(year: int) -> Figures:
    """All figures for `year` (the yearly series covers every year known)."""
    figures = Figures(year=year)
    recorded = dict(Incidencia.objects.annotate(y=ExtractYear("created_at")).values("y")
                    .annotate(n=Count("pk")).values_list("y", "n"))
    historic = dict(HistoricoAnual.objects.values_list("year", "count"))
    known = sorted(set(recorded) | set(historic))
    # Every year from the first to the last known one, so a chart never sets 2018 beside
    # 2026: a year in between with neither a historical figure nor an incident recorded
    # here is a year without data (historic None, recorded 0; see has_data).
    for y in range(known[0], known[-1] + 1) if known else ():
        figures.yearly.append({"year": y, "historic": historic.get(y), "recorded": recorded.get(y, 0),
                               "total": historic.get(y, 0) + recorded.get(y, 0)})
    of_year = Incidencia.objects.filter(created_at__year=year)
    months = dict(of_year.annotate(m=ExtractMonth("created_at")).values("m").annotate(n=Count("pk"))
                  .values_list("m", "n"))
    figures.monthly = [months.get(m, 0) for m in range(1, 13)]
    figures.total = sum(figures.monthly)
    figures.by_service = [(name or _("Consulta general"), n) for name, n in of_year.values(
        "service__name").annotate(n=Count("pk")).order_by("-n", "service__name").values_list(
        "service__name", "n")]
    figures.by_entity = list(of_year.values("entity__name").annotate(n=Count("pk"))
                             .order_by("-n", "entity__name").values_list("entity__name", "n"))
    resolved_states = [Estado.RESUELTA, Estado.CERRADA]
    agents = of_year.filter(assignee__isnull=False).values(
        "assignee__first_name", "assignee__last_name", "assignee__username").annotate(
        assigned=Count("pk"), resolved=Count("pk", filter=Q(state__in=resolved_states)),
        on_time=Count("pk", filter=Q(state__in=resolved_states, resolution_breached=False)),
    ).order_by("-assigned", "assignee__last_name")
    figures.by_agent = [{"name": f"{a['assignee__first_name']} {a['assignee__last_name']}".strip()
                         or a["assignee__username"], "assigned": a["assigned"],
                         "resolved": a["resolved"], "percent": _percent(a["on_time"], a["resolved"])}
                        for a in agents]
    sla_rows = of_year.filter(merged_into__isnull=True).aggregate(
        responded=Count("pk", filter=Q(first_response_at__isnull=False)),
        responded_on_time=Count("pk", filter=Q(first_response_at__isnull=False,
                                               first_response_breached=False)),
        resolved=Count("pk", filter=Q(state__in=resolved_states, resolved_at__isnull=False)),
        resolved_on_time=Count("pk", filter=Q(state__in=resolved_states, resolved_at__isnull=False,
                                              resolution_breached=False)))
    figures.first_response = {"met": sla_rows["responded_on_time"], "total": sla_rows["responded"],
                              "percent": _percent(sla_rows["responded_on_time"], sla_rows["responded"])}
    figures.resolution = {"met": sla_rows["resolved_on_time"], "total": sla_rows["resolved"],
                          "percent": _percent(sla_rows["resolved_on_time"], sla_rows["resolved"])}
    figures.breaching_now = Incidencia.objects.breaching(timezone.now()).count()
    return figures


# --- charts ---------------------------------------------------------------------------------


def has_data(year: dict) -> bool:
    """Whether a year of Figures.yearly has any figure (a historical one or incidents)."""
    return year["historic"] is not None or year["recorded"] > 0


def column_chart(items: list[tuple[str, int | None]], *, x_title: str, y_title: str,
                 short_labels: list[str] | None = None) -> dict:
    """Vertical bars for an HTML/CSS chart (soporte/_column_chart.html): heights and ticks
    as percentages of the axis, so the chart fills its card and its text keeps its size at
    any width (an SVG scaled to a phone shrank it to 4 px). A value None is a period
    without data, drawn as such and not as a zero."""
    # Whole, evenly spaced ticks (0, 2, 4… never 0, 2, 5, 8, 10); the axis ends at the last.
    axis = axis_ticks(max((v or 0 for _l, v in items), default=0))
    maximum = axis[-1]
    shorts = short_labels or [label for label, _v in items]
    bars = [{"label": label, "short": short, "value": value, "missing": value is None,
             "percent": round(100 * (value or 0) / maximum, 2)}
            for (label, value), short in zip(items, shorts, strict=True)]
    ticks = [{"value": value, "percent": round(100 * value / maximum, 2)} for value in axis]
    # On a phone the labels shorten ("’12", "E"); more than twelve columns do not fit it
    # with their values: there the values go (the data table has them) and every other
    # label.
    return {"bars": bars, "ticks": ticks, "dense": len(bars) > 12, "x_title": x_title,
            "y_title": y_title}


def bar_chart(items: list[tuple[str, int]]) -> dict:
    """Horizontal bars (services, entities) for an HTML/CSS chart (soporte/_bar_chart.html):
    the whole label, wrapped if need be, beside a bar whose width is a percentage of the
    largest value."""
    maximum = max((v for _l, v in items), default=0) or 1
    return {"bars": [{"label": label, "value": value,
                      "percent": round(100 * value / maximum, 2)} for label, value in items]}


def charts(figures: Figures) -> dict:
    years = figures.yearly
    return {
        "yearly": column_chart(
            [(str(y["year"]), y["total"] if has_data(y) else None) for y in years],
            short_labels=[f"’{y['year'] % 100:02d}" for y in years],
            x_title=_("Año"), y_title=_("Incidencias")),
        "monthly": column_chart(list(zip(MONTHS, figures.monthly, strict=True)),
                                short_labels=[month[0].upper() for month in MONTHS],
                                x_title=_("Mes"), y_title=_("Incidencias")),
        "services": bar_chart(figures.by_service[:12]),
        "entities": bar_chart(figures.by_entity[:15]),
    }


# --- export ---------------------------------------------------------------------------------


def xlsx(figures: Figures) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = [
        (_("Por año"), [_("Año"), _("Histórico"), _("Registradas"), _("Total")],
         [[y["year"], y["historic"], y["recorded"], y["total"] if has_data(y) else None]
          for y in figures.yearly]),
        (_("Por mes %(year)s") % {"year": figures.year}, [_("Mes"), _("Incidencias")],
         [[m, n] for m, n in zip(MONTHS, figures.monthly, strict=True)]),
        (_("Por servicio"), [_("Servicio"), _("Incidencias")], [list(r) for r in figures.by_service]),
        (_("Por entidad"), [_("Entidad"), _("Incidencias")], [list(r) for r in figures.by_entity]),
        (_("Por agente"), [_("Agente"), _("Asignadas"), _("Resueltas"), _("En plazo (%)")],
         [[a["name"], a["assigned"], a["resolved"], a["percent"]] for a in figures.by_agent]),
        (_("SLA"), [_("Objetivo"), _("En plazo"), _("Total"), _("Cumplimiento (%)")],
         [[_("Primera respuesta"), figures.first_response["met"], figures.first_response["total"],
           figures.first_response["percent"]],
          [_("Resolución"), figures.resolution["met"], figures.resolution["total"],
           figures.resolution["percent"]]]),
    ]
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                set_text_safe(cell)  # names as text, never formulas
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
