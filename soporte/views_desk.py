"""The agents' desk on the provincial host (/soporte/): queue, bulk actions, filing and
phone calls, statistics, knowledge base and the inbound mail kept for review."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provincial import params
from soporte import actions, forms, pages, stats
from soporte import correo as correo_entrante
from soporte.access import request_scope, visible_incidencias
from soporte.choices import EstadoCorreo
from soporte.models import ArticuloKB, CorreoEntrante
from soporte.queries import queue, search_kb
from tenants.views import form_errors_to


def agent_required(view):
    """Support agents and provincial admins only; anyone else gets the 404 of a missing page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not request_scope(request).is_agent:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@agent_required
def cola(request: HttpRequest) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = queue(visible_incidencias(request), data, request.user).select_related(
        "entity", "service", "assignee", "grupo")
    page = pages.page_with_clocks(request, rows)
    return render(request, "soporte/cola.html", {
        "form": form, "page": page, "bulk_form": forms.BulkForm(auto_id="bulk_%s"),
        "query_string": request.GET.urlencode()})


@agent_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = forms.BulkForm(request.POST)
    target = request.POST.get("next", "")
    back = redirect(target if target.startswith("/soporte/?") else "soporte_prov:home")
    if not form.is_valid():
        if "ids" in form.errors:
            messages.error(request, _("Marque al menos una incidencia."))
        for field, errors in form.errors.items():
            if field != "ids":
                messages.error(request, " ".join(errors))
        return back
    rows = visible_incidencias(request).filter(pk__in=form.cleaned_data["ids"]).select_related(
        "grupo", "assignee")
    done, errors = actions.en_bloque(list(rows), form.cleaned_data["action"], form.value(),
                                     acting_user=request.user)
    if done:
        messages.success(request, _("Aplicado a %(n)s incidencias.") % {"n": done})
    for error in errors:
        messages.error(request, error)
    return back


@agent_required
def nueva(request: HttpRequest) -> HttpResponse:
    form = forms.DeskIncidenciaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        incidencia = pages.file_from_form(
            form, form.cleaned_data["entity"], reporter=form.cleaned_data["reporter"] or request.user,
            acting_user=request.user)
        if incidencia is not None:
            messages.success(request, _("Incidencia %(ref)s registrada.") % {"ref": incidencia.reference})
            return redirect("soporte_prov:detail", reference=incidencia.reference)
    return render(request, "soporte/desk_form.html", {"form": form, "title": _("Nueva incidencia")})


@agent_required
def llamada(request: HttpRequest) -> HttpResponse:
    """Record a phone call on an incident, or create the incident in the same form."""
    initial = {"reference": request.GET.get("ref", "")}
    form = forms.LlamadaForm(request.POST or None, initial=initial)
    nueva_form = forms.NuevaDesdeLlamadaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = actions.DatosLlamada(caller=data["caller"], phone=data["phone"],
                                    started_at=data["started_at"],
                                    duration_minutes=data["duration_minutes"], summary=data["summary"])
        try:
            if data["reference"].strip():
                incidencia = visible_incidencias(request).filter(
                    reference=data["reference"].strip().upper()).first()
                if incidencia is None:
                    raise ValidationError({"reference": _("No existe la incidencia %(ref)s.")
                                           % {"ref": data["reference"]}})
                recorded = actions.registrar_llamada(call, agent=request.user, incidencia=incidencia)
            elif nueva_form.is_valid():
                extra = nueva_form.cleaned_data
                recorded = actions.registrar_llamada(call, agent=request.user, entity=extra["entity"],
                                                     nueva=actions.NuevaIncidencia.from_data(extra), reporter=extra["reporter"])
            else:
                raise ValidationError(_("Sin referencia, complete los datos de la incidencia nueva."))
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, _("Llamada registrada en %(ref)s.")
                             % {"ref": recorded.incidencia.reference})
            return redirect("soporte_prov:detail", reference=recorded.incidencia.reference)
    return render(request, "soporte/llamada.html", {"form": form, "nueva_form": nueva_form,
                                                    "bound": request.method == "POST"})


@agent_required
def estadisticas(request: HttpRequest) -> HttpResponse:
    form = forms.StatsForm(request.GET or None)
    year = form.selected_year()
    figures = stats.compute(year)
    return render(request, "soporte/estadisticas.html", {
        "form": form, "year": year, "figures": figures, "charts": stats.charts(figures)})


@agent_required
def exportar(request: HttpRequest) -> HttpResponse:
    year = forms.StatsForm(request.GET or None).selected_year()
    content = stats.xlsx(stats.compute(year))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                  "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="soporte-{year}.xlsx"'
    return response


@agent_required
def conocimiento(request: HttpRequest) -> HttpResponse:
    q = params.get_text(request.GET, "q")
    rows = search_kb(ArticuloKB.objects.select_related("service"), q)
    page = Paginator(rows, pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "soporte/kb_lista.html", {"page": page, "q": q})


@agent_required
def articulo_editar(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(ArticuloKB, pk=pk) if pk else None
    form = forms.ArticuloForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.author = saved.author or request.user
        saved.save()
        actions.refresh_kb_search(saved)
        messages.success(request, _("Artículo guardado."))
        return redirect("soporte_prov:conocimiento")
    return render(request, "soporte/desk_form.html", {
        "form": form, "title": article.title if article else _("Nuevo artículo")})


@agent_required
def correo(request: HttpRequest) -> HttpResponse:
    rows = CorreoEntrante.objects.filter(state=EstadoCorreo.PENDIENTE).defer("raw")
    page = Paginator(rows, pages.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "soporte/correo_lista.html", {"page": page})


@agent_required
def correo_detalle(request: HttpRequest, pk: int) -> HttpResponse:
    """A kept message as the agent reviews it: what it says, why it was kept, and the forms
    to attach it to an incident or discard it."""
    kept = get_object_or_404(CorreoEntrante, pk=pk)
    try:
        parsed = correo_entrante.parse(bytes(kept.raw))
    except Exception:  # noqa: BLE001 - an unreadable message can still be discarded
        parsed = None
    initial = {"reference": parsed.reference} if parsed and parsed.reference else {}
    return render(request, "soporte/correo_detalle.html", {
        "correo": kept, "parsed": parsed, "pending": kept.state == EstadoCorreo.PENDIENTE,
        "form": forms.IncidenciaReferenceForm(initial=initial, auto_id="asociar_%s")})


@agent_required
@require_POST
def correo_asociar(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.IncidenciaReferenceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reference"])
        incidencia = pages.other_incidencia(request, form.cleaned_data["reference"])
        mensaje = correo_entrante.asociar(pk, incidencia, acting_user=request.user)
    except ValidationError as exc:
        pages.error_messages(request, exc)
        return redirect("soporte_prov:correo_detalle", pk=pk)
    if mensaje.is_internal:
        messages.success(request, _("Correo añadido a %(ref)s como nota interna: el remitente no "
                                    "participa en ella.") % {"ref": incidencia.reference})
    else:
        messages.success(request, _("Correo añadido a %(ref)s como mensaje de su remitente.")
                         % {"ref": incidencia.reference})
    return redirect("soporte_prov:correo")


@agent_required
@require_POST
def correo_descartar(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        correo_entrante.descartar(pk, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Correo descartado."))
    return redirect("soporte_prov:correo")


detail = agent_required(pages.detail)
action = agent_required(pages.action)
adjunto = agent_required(pages.adjunto)
