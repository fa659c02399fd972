"""Public pages of the sede: home, procedures, calendar, tablón and CSV verification.

Which of them an entity serves is declared in SedeConfig.ready (tenants.availability).
"""

from __future__ import annotations

import calendar
import datetime
import logging
import re

from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from provincial import audit, page_cache
from provincial.documents import services as documents
from provincial.documents.views import document_response, shows_signing_failure
from provincial.ratelimit import too_many
from registro import calendario
from registro.models import Festivo
from sede import access, conf, identificacion
from sede import documents as sede_documents
from sede.forms import SearchForm, VerificarForm
from sede.models import Edicto, Procedimiento

PAGE_SIZE = 20
logger = logging.getLogger(__name__)


def page(request: HttpRequest, template: str, context: dict, *, status: int = 200
         ) -> HttpResponse:
    """Render a sede page with what its layout shows on every page: the official date
    and time (art. 15 RD 203/2021: a live fragment, the server's time of each response)
    and who is identified."""
    return page_cache.render_live(request, template, {
        "sede_ciudadano": identificacion.current(request), **context}, status=status)


def _search(queryset, request: HttpRequest, fields: tuple[str, ...]):
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        # Word-prefix, accent-insensitive enough for titles: each word must appear.
        condition = Q()
        for word in q.split()[:8]:
            word_q = Q()
            for field in fields:
                word_q |= Q(**{f"{field}__icontains": word})
            condition &= word_q
        queryset = queryset.filter(condition)
    return form, q, queryset


def _paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
@page_cache.cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Kept rendered for anonymous visitors until the entity's data, its adhesions, an
    edicto, a procedure or a holiday changes (provincial.page_cache), or until the next
    edicto starts or ends its exposure, or the day ends."""
    enabled = access.sede_enabled(request)
    now = timezone.localtime()
    context = {"entity": request.tenant, "enabled": enabled}
    if enabled:
        context["edictos"] = list(Edicto.objects.published(now).only(
            "pk", "title", "publish_from", "publish_until")[:5])
        context["procedimientos_count"] = Procedimiento.objects.filter(is_active=True).count()
        context["is_working_day"] = calendario.es_habil(now.date())
        page_cache.valid_until(request, _next_edicto_change(now))
    page_cache.valid_until(request, _next_midnight(now))
    return page(request, "sede/home.html", context)


def _next_edicto_change(now: datetime.datetime) -> datetime.datetime | None:
    """The next moment an edicto enters or leaves the tablón."""
    bounds = Edicto.objects.aggregate(
        start=Min("publish_from", filter=Q(publish_from__gt=now)),
        end=Min("publish_until", filter=Q(publish_until__gt=now)))
    return min((moment for moment in bounds.values() if moment is not None), default=None)


def _next_midnight(now: datetime.datetime) -> datetime.datetime:
    tomorrow = now.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time(0, 0), tzinfo=now.tzinfo)


@require_GET
def procedimiento_list(request: HttpRequest) -> HttpResponse:
    queryset = Procedimiento.objects.filter(is_active=True).only(
        "code", "name", "description", "plazo_resolucion", "organo", "tipo_formulario")
    form, q, queryset = _search(queryset, request, ("name", "description", "code"))
    return page(request, "sede/procedimiento_list.html",
                  {"form": form, "q": q, "page": _paginate(request, queryset)})


@require_GET
def procedimiento_detail(request: HttpRequest, code: str) -> HttpResponse:
    return page(request, "sede/procedimiento_detail.html",
                  {"procedimiento": access.get_procedimiento(code)})


@require_GET
def calendario_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not today.year - 5 <= year <= today.year + 1:
        raise Http404
    festivos = {f.fecha: f for f in Festivo.objects.filter(fecha__year=year)}
    working = set(calendario.dias_habiles(year))
    months = []
    cal = calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = [[{"date": d, "in_month": d.month == month, "working": d in working,
                   "festivo": festivos.get(d), "today": d == today} for d in week]
                 for week in cal.monthdatescalendar(year, month)]
        months.append({"number": month, "date": datetime.date(year, month, 1),
                       "weeks": weeks})
    return page(request, "sede/calendario.html", {
        "year": year, "months": months, "festivos": sorted(festivos.values(),
                                                           key=lambda f: f.fecha),
        "working_count": len(working), "years": range(today.year - 1, today.year + 2)})


@require_GET
def tablon(request: HttpRequest) -> HttpResponse:
    queryset = Edicto.objects.published().defer("body")
    form, q, queryset = _search(queryset, request, ("title", "body", "organo"))
    return page(request, "sede/tablon.html", {"form": form, "q": q,
                                                "page": _paginate(request, queryset),
                                                "archive": False})


@require_GET
def tablon_archivo(request: HttpRequest) -> HttpResponse:
    queryset = Edicto.objects.archived().defer("body").order_by("-publish_until", "-pk")
    form, q, queryset = _search(queryset, request, ("title", "body", "organo"))
    return page(request, "sede/tablon.html", {"form": form, "q": q,
                                                "page": _paginate(request, queryset),
                                                "archive": True})


@require_GET
def edicto_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_public_edicto(pk)
    return page(request, "sede/edicto_detail.html", {"edicto": edicto})


@require_GET
def edicto_documento(request: HttpRequest, pk: int) -> HttpResponse:
    return edicto_pdf_response(access.get_public_edicto(pk))


def edicto_pdf_response(edicto: Edicto) -> HttpResponse:
    """The edicto's PDF, shown in the browser; 404 if it has none."""
    if not edicto.document:
        raise Http404
    response = FileResponse(edicto.document.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="edicto-{edicto.pk}.pdf"'
    return response


@require_GET
@shows_signing_failure
def edicto_diligencia(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_public_edicto(pk)
    if not edicto.has_ended():
        raise Http404
    return _document_response(sede_documents.diligencia(edicto), inline=True)


def _document_response(document, *, inline: bool) -> HttpResponse:
    return document_response(document, inline=inline)


# --- CSV verification -------------------------------------------------------------------
# One answer for "no such code here": the same status and text whether the code was never
# issued, belongs to another entity (each schema holds only its own documents), or is
# malformed; and a rate limit per IP, so codes cannot be enumerated.


def _verification_limited(request: HttpRequest) -> bool:
    return too_many(request, "sede-verificar", conf.verify_rate(), 60)


def _lookup(request: HttpRequest):
    form = VerificarForm(request.GET)
    if not form.is_valid():
        return form, None
    # Any document of the entity with a CSV: issued documents and those of the registered
    # sources (the signed documents of an expediente), one page for all.
    return form, documents.verify_any(form.cleaned_data["csv"])


@require_GET
@never_cache
def verificar(request: HttpRequest) -> HttpResponse:
    if not request.GET.get("csv", "").strip():
        return page(request, "sede/verificar.html", {"form": VerificarForm()})
    if _verification_limited(request):
        return render(request, "429.html", {"seconds": 60}, status=429)
    form, document = _lookup(request)
    if document is None:
        return page(request, "sede/verificar.html",
                      {"form": form, "not_found": True}, status=404)
    audit.record("sede.verificacion", entity=request.tenant, obj=document.obj,
                 subject=document.subject_document)
    return page(request, "sede/verificar.html", {"form": form, "document": document,
                                                 "report": _signature_report(document)})


def _signature_report(document: documents.Verificable) -> dict | None:
    """The validation of the signatures of the document as stored (None: not signed, or
    the stored file no longer matches its hash, which is logged)."""
    try:
        return document.report()
    except documents.DocumentError:
        logger.exception("stored document %s (%s) does not match its hash",
                         document.obj.pk, document.obj._meta.label)
        return None


@require_GET
@never_cache
def verificar_descarga(request: HttpRequest) -> HttpResponse:
    if _verification_limited(request):
        return render(request, "429.html", {"seconds": 60}, status=429)
    form, document = _lookup(request)
    if document is None:
        return page(request, "sede/verificar.html",
                      {"form": form, "not_found": True}, status=404)
    # The current bytes, checked against the recorded SHA-256 (DocumentError otherwise).
    # Only a PDF is shown in the browser; anything else (an incorporated file of an
    # expediente may be HTML, say) is a download, never sniffed into something runnable.
    # The name (an uploaded file's name, a title) is encoded, never interpolated.
    mime_type = document.mime_type if _MIME_TYPE.fullmatch(document.mime_type or "") \
        else "application/octet-stream"
    response = HttpResponse(document.read(), content_type=mime_type)
    response["Content-Disposition"] = content_disposition_header(
        mime_type != "application/pdf", document.download_name or "documento")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}",
                        re.IGNORECASE)

