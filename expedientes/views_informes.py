"""Reports of the expedientes: by procedure, state and responsable, time to resolve
(average and median, in calendar days from the start of the plazo to the resolution),
what is overdue; bar charts drawn in HTML/CSS (no script) and an xlsx export."""

from __future__ import annotations

import datetime
import io
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from expedientes import plazos
from expedientes.choices import EstadoExpediente
from expedientes.forms import InformeForm
from expedientes.models import Expediente
from provincial import audit
from provincial.spreadsheets import set_text_safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TERMINADOS = (EstadoExpediente.RESUELTO, EstadoExpediente.CERRADO, EstadoExpediente.ARCHIVADO)


def barras(items: list[tuple[str, int]]) -> dict:
    """Horizontal bars for expedientes/_barras.html: each label beside a bar whose width is
    a percentage of the largest value."""
    maximum = max((value for _label, value in items), default=0) or 1
    return {"bars": [{"label": label, "value": value,
                      "percent": round(100 * value / maximum, 2)} for label, value in items]}


@dataclass
class Informe:
    total: int = 0
    por_procedimiento: list[dict] = field(default_factory=list)
    por_estado: list[dict] = field(default_factory=list)
    por_responsable: list[dict] = field(default_factory=list)
    resueltos: int = 0
    media_dias: float | None = None
    mediana_dias: float | None = None
    vencidos: list[Expediente] = field(default_factory=list)


def _tiempos(qs: QuerySet[Expediente]) -> list[int]:
    """Calendar days from the start of the plazo to the resolution, of each resolved one."""
    return [(timezone.localtime(resolved).date() - inicio).days for inicio, resolved in
            qs.filter(resolved_at__isnull=False).values_list("fecha_inicio", "resolved_at")]


def _media(values: list[int]) -> float | None:
    return round(statistics.mean(values), 1) if values else None


def _mediana(values: list[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def compute(params: dict, hoy: datetime.date | None = None) -> Informe:
    """The figures of the expedientes opened in the period (all when no dates) of one
    procedure (all when none)."""
    hoy = hoy or timezone.localdate()
    qs = Expediente.objects.all()
    if params.get("desde"):
        qs = qs.filter(fecha_inicio__gte=params["desde"])
    if params.get("hasta"):
        qs = qs.filter(fecha_inicio__lte=params["hasta"])
    if params.get("procedimiento"):
        qs = qs.filter(procedimiento=params["procedimiento"])
    informe = Informe(total=qs.count())
    vencidos = plazos.vencidos(qs, hoy)
    vencidos_ids = set(vencidos.values_list("pk", flat=True))
    tiempos_por_proc: dict[int, list[int]] = {}
    for proc_id, inicio, resolved in qs.filter(resolved_at__isnull=False).values_list(
            "procedimiento_id", "fecha_inicio", "resolved_at"):
        tiempos_por_proc.setdefault(proc_id, []).append(
            (timezone.localtime(resolved).date() - inicio).days)
    rows = (qs.values("procedimiento_id", "procedimiento__name", "procedimiento__code")
            .annotate(total=Count("pk"),
                      abiertos=Count("pk", filter=Q(estado=EstadoExpediente.EN_TRAMITACION)),
                      terminados=Count("pk", filter=Q(estado__in=TERMINADOS)),
                      vencidos=Count("pk", filter=Q(pk__in=vencidos_ids)))
            .order_by("-total", "procedimiento__name"))
    informe.por_procedimiento = [
        {"name": row["procedimiento__name"], "code": row["procedimiento__code"],
         "total": row["total"], "abiertos": row["abiertos"], "terminados": row["terminados"],
         "vencidos": row["vencidos"],
         "media": _media(tiempos_por_proc.get(row["procedimiento_id"], []))}
        for row in rows]
    counts = dict(qs.values_list("estado").annotate(n=Count("pk")))
    informe.por_estado = [{"code": code, "label": label, "n": counts.get(code, 0)}
                          for code, label in EstadoExpediente.choices]
    responsables = (qs.values("responsable_id", "responsable_name")
                    .annotate(total=Count("pk"),
                              abiertos=Count("pk", filter=Q(
                                  estado=EstadoExpediente.EN_TRAMITACION)),
                              vencidos=Count("pk", filter=Q(pk__in=vencidos_ids)))
                    .order_by("-total", "responsable_name"))
    informe.por_responsable = [
        {"name": row["responsable_name"] or _("Sin responsable"), "total": row["total"],
         "abiertos": row["abiertos"], "vencidos": row["vencidos"]} for row in responsables]
    tiempos = _tiempos(qs)
    informe.resueltos = len(tiempos)
    informe.media_dias, informe.mediana_dias = _media(tiempos), _mediana(tiempos)
    informe.vencidos = list(vencidos.select_related("procedimiento")
                            .order_by("fecha_vencimiento", "pk"))
    return informe


def charts(informe: Informe) -> dict:
    return {
        "procedimientos": barras([(r["name"], r["total"])
                                  for r in informe.por_procedimiento[:12]]),
        "estados": barras([(r["label"], r["n"]) for r in informe.por_estado]),
        "responsables": barras([(r["name"], r["total"]) for r in informe.por_responsable[:12]]),
    }


def xlsx(informe: Informe, hoy: datetime.date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    hoy = hoy or timezone.localdate()
    book = Workbook()
    sheets = [
        (_("Por procedimiento"), [_("Procedimiento"), _("Código"), _("Total"),
                                  _("En tramitación"), _("Terminados"), _("Vencidos"),
                                  _("Días medios hasta resolver")],
         [[r["name"], r["code"], r["total"], r["abiertos"], r["terminados"], r["vencidos"],
           r["media"]] for r in informe.por_procedimiento]),
        (_("Por estado"), [_("Estado"), _("Expedientes")],
         [[str(r["label"]), r["n"]] for r in informe.por_estado]),
        (_("Por responsable"), [_("Responsable"), _("Total"), _("En tramitación"),
                                _("Vencidos")],
         [[r["name"], r["total"], r["abiertos"], r["vencidos"]]
          for r in informe.por_responsable]),
        (_("Tiempo de resolución"), [_("Medida"), _("Valor")],
         [[_("Expedientes resueltos"), informe.resueltos],
          [_("Media (días naturales)"), informe.media_dias],
          [_("Mediana (días naturales)"), informe.mediana_dias]]),
        (_("Vencidos"), [_("Expediente"), _("Procedimiento"), _("Asunto"), _("Responsable"),
                         _("Vencimiento"), _("Días de retraso")],
         [[e.codigo, e.procedimiento.name, e.asunto, e.responsable_name,
           e.fecha_vencimiento, (hoy - e.fecha_vencimiento).days] for e in informe.vencidos]),
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
                set_text_safe(cell)  # names and asuntos as text, never formulas
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def informes(request: HttpRequest) -> HttpResponse:
    form = InformeForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    informe = compute(params)
    if form.is_valid() and request.GET.get("formato") == "xlsx":
        audit.record("expedientes.informe.exportar", user=request.user, entity=request.tenant,
                     detail={"desde": str(params.get("desde") or ""),
                             "hasta": str(params.get("hasta") or ""),
                             "procedimiento": params["procedimiento"].code
                             if params.get("procedimiento") else ""})
        response = HttpResponse(xlsx(informe), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="expedientes-{timezone.localdate():%Y%m%d}.xlsx"')
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "expedientes/informes.html", {
        "form": form, "informe": informe, "charts": charts(informe),
        "hoy": timezone.localdate(), "query": request.GET.urlencode()})
