"""Server-side search of the choosers (padron.choosers): JSON for static/js/chooser.js.

Under /gestion/padron/, so only members of the entity with the padrón application reach
them (tenants.middleware); the answers are INE code lists (the same for everyone) and the
entity's own streets (its schema).
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from padron import codelists
from padron.choosers import search_streets, street_options

MAX_RESULTS = 20


class ChooserQueryForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)


def _answer(request: HttpRequest, search) -> JsonResponse:
    form = ChooserQueryForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": _("La búsqueda admite hasta 100 caracteres.")},
                            status=400)
    options = search(form.cleaned_data["q"])
    response = JsonResponse({"results": [o.as_json() for o in options]})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def codigos(request: HttpRequest, tabla: str) -> JsonResponse:
    """Countries, provinces, municipalities or places (municipalities and countries)."""
    if tabla not in codelists.SEARCHABLE:
        raise Http404
    return _answer(request, lambda q: codelists.search(tabla, q, limit=MAX_RESULTS))


@require_GET
def vias(request: HttpRequest) -> JsonResponse:
    """The entity's streets in force today."""
    options = street_options(timezone.localdate())
    return _answer(request, lambda q: search_streets(options, q, limit=MAX_RESULTS))
