"""Soporte inside an entity's back office (/gestion/soporte/): the entity's incidents,
the knowledge base before filing, filing, replying and reopening. BackofficeAccessMiddleware
already requires the `soporte` application; visibility comes from soporte.access."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from provincial import params
from soporte import forms, pages
from soporte.access import request_scope, visible_incidencias
from soporte.models import ArticuloKB
from soporte.queries import by_state, search, search_kb


def home(request: HttpRequest) -> HttpResponse:
    """The entity's incidents (for a mancomunidad's TIC operator: also its members')."""
    scope = request_scope(request)
    if not scope.entity_ids:
        raise Http404
    form = forms.EntityFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = search(by_state(visible_incidencias(request), data.get("estado") or ""), data.get("q") or "")
    page = pages.page_with_clocks(request, rows.select_related("entity", "service", "assignee",
                                                               "reporter"))
    return render(request, "soporte/entidad_lista.html", {
        "form": form, "page": page, "scope": scope, "many_entities": len(scope.entity_ids) > 1})


def nueva(request: HttpRequest) -> HttpResponse:
    """File an incident; the knowledge base answers shown first (search by the subject)."""
    entity = request.tenant
    form = forms.IncidenciaForm(request.POST or None, request.FILES or None, entity=entity)
    if request.method == "POST" and form.is_valid():
        incidencia = pages.file_from_form(form, entity, reporter=request.user,
                                          acting_user=request.user)
        if incidencia is not None:
            messages.success(request, _("Incidencia %(ref)s registrada. Le avisaremos por correo de "
                                        "cada novedad.") % {"ref": incidencia.reference})
            return redirect("gestion:soporte:detail", reference=incidencia.reference)
    q = params.get_text(request.GET, "q")
    articles = ArticuloKB.objects.published().filter(
        Q(service__in=forms.filing_services(entity)) | Q(service__isnull=True))
    articles = search_kb(articles.select_related("service"), q)
    return render(request, "soporte/entidad_nueva.html", {
        "form": form, "q": q, "articles": articles[:8], "searched": bool(q)})


def articulo(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(ArticuloKB.objects.published().select_related("service"), pk=pk)
    return render(request, "soporte/articulo.html", {"article": article,
                                                     "layout": "layouts/backoffice.html"})


detail = pages.detail
action = pages.action
adjunto = pages.adjunto
