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
    for y in sorted(set(recorded) | set(historic)):
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


def column_chart(items: list[tuple[str, int]], *, width: int = 720, height: int = 260) -> dict:
    """Vertical bars: geometry for an inline SVG (labels under, values above)."""
    left, bottom, top = 48, 28, 18
    plot_h = height - bottom - top
    # Whole, evenly spaced ticks (0, 2, 4… never 0, 2, 5, 8, 10); the axis ends at the last.
    axis = axis_ticks(max((v for _l, v in items), default=0))
    maximum = axis[-1]
    slot = (width - left - 8) / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        h = plot_h * value / maximum if maximum else 0
        x = left + index * slot + slot * 0.15
        bars.append({"x": round(x, 1), "y": round(top + plot_h - h, 1), "width": round(slot * 0.7, 1),
                     "height": round(h, 1), "label": label, "value": value,
                     "cx": round(x + slot * 0.35, 1)})
    ticks = [{"value": value, "y": round(top + plot_h - plot_h * value / maximum, 1)}
             for value in axis]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "left": left,
            "axis_y": top + plot_h, "label_y": height - 8}


def bar_chart(items: list[tuple[str, int]], *, width: int = 720, row: int = 26) -> dict:
    """Horizontal bars (for long labels: services, entities)."""
    label_w = 230
    maximum = max((v for _l, v in items), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        w = (width - label_w - 60) * value / maximum
        y = index * row + 4
        bars.append({"x": label_w, "y": y, "width": round(w, 1), "height": row - 8,
                     "label": label, "value": value, "text_y": y + row - 12,
                     "end": round(label_w + w + 6, 1)})
    return {"width": width, "height": max(len(items), 1) * row + 8, "bars": bars,
            "label_x": label_w - 8}


def charts(figures: Figures) -> dict:
    return {
        "yearly": column_chart([(str(y["year"]), y["total"]) for y in figures.yearly]),
        "monthly": column_chart(list(zip(MONTHS, figures.monthly, strict=True))),
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
         [[y["year"], y["historic"], y["recorded"], y["total"]] for y in figures.yearly]),
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
