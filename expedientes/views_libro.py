"""Pages of the libro de resoluciones: the book by year with search, the annulment of a
resolución (marked, never removed), and the book of a period issued as a sealed PDF."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expedientes import libro
from expedientes.access_portafirmas import get_resolucion_for
from expedientes.forms_portafirmas import EmitirLibroForm, LibroForm, MotivoForm
from expedientes.models import Resolucion
from provincial.documents import services as documents
from provincial.documents.models import IssuedDocument
from provincial.documents.views import shows_signing_failure

PAGE_SIZE = 50
_CODIGO = r"^\s*(?:(\d{4})\s*/\s*)?0*(\d{1,6})\s*$"


def _search(rows, text: str):
    text = text.strip()
    if not text:
        return rows
    found = re.match(_CODIGO, text)
    query = Q(extracto__icontains=text) | Q(organo__icontains=text) | Q(sha256__iexact=text)
    if found:
        numero = Q(numero=int(found[2]))
        query |= numero & Q(year=int(found[1])) if found[1] else numero
    expediente = re.match(r"^\s*(\d{1,7})\s*/\s*(\d{4})\s*$", text)
    if expediente:
        query |= Q(expediente__numero=int(expediente[1]), expediente__year=int(expediente[2]))
    return rows.filter(query)


def libro_page(request: HttpRequest) -> HttpResponse:
    years = Resolucion.objects.order_by().values_list("year", flat=True).distinct()
    form = LibroForm(request.GET or None, years=list(years))
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    rows = Resolucion.objects.filter(year=year).select_related("expediente", "documento")
    if data.get("estado"):
        rows = rows.filter(estado=data["estado"])
    rows = _search(rows, data.get("q") or "").order_by("-numero")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "expedientes/libro/libro.html", {
        "form": form, "page": page, "year": year, "anular_form": MotivoForm(),
        "puede_anotar": libro.puede_anotar(request.user, request.tenant),
        "emitir_form": EmitirLibroForm(initial={"desde": today.replace(month=1, day=1),
                                                "hasta": today}),
        "emitidos": IssuedDocument.objects.filter(kind=libro.LIBRO_KIND)
        .order_by("-issued_at")[:10]},
        status=400 if form.errors else 200)


@require_POST
def resolucion_anular(request: HttpRequest, pk: int) -> HttpResponse:
    resolucion = get_resolucion_for(request, pk)
    form = MotivoForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("motivo", []):
            messages.error(request, message)
    else:
        try:
            libro.anular_resolucion(resolucion, form.cleaned_data["motivo"],
                                    acting_user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Resolución %(codigo)s anulada: conserva su número.")
                             % {"codigo": resolucion.codigo})
    return redirect(f"{reverse('gestion:expedientes:libro')}?year={resolucion.year}")


@shows_signing_failure
def libro_emitir(request: HttpRequest) -> HttpResponse:
    """The book of a period as a PDF with CSV sealed with the sello de órgano."""
    form = EmitirLibroForm(request.GET or None)
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            document = libro.emitir_libro(data["desde"], data["hasta"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            response = HttpResponse(documents.read_verified(document),
                                    content_type="application/pdf")
            name = f"libro-resoluciones-{data['desde']:%Y%m%d}-{data['hasta']:%Y%m%d}.pdf"
            response["Content-Disposition"] = f'inline; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "expedientes/libro/emitir.html", {"form": form},
                  status=400 if form.errors else 200)
