"""A household's cambio de domicilio: the whole hoja padronal moves in one operation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from padron import actions
from padron.access import get_hoja_for
from padron.forms import CambioDomicilioHojaForm
from padron.views import _ctx, _spread_errors


def cambio_domicilio_hoja(request: HttpRequest, pk: int) -> HttpResponse:
    hoja = get_hoja_for(request, pk)
    household = list(hoja.habitantes.filter(is_registered=True).order_by("fecha_nacimiento",
                                                                          "pk"))
    form = CambioDomicilioHojaForm(request.POST or None, request.FILES or None,
                                   household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The new address and the move stand or fall together.
            with transaction.atomic():
                address = actions.domicilio_for(date=data["fecha"], **form.domicilio_kwargs())
                nueva = actions.cambiar_domicilio_hoja(
                    hoja, address, fecha=data["fecha"], ctx=_ctx(request, form),
                    habitantes=data["habitantes"], expected_versions=data["estado"])
        except ValidationError as exc:
            _spread_errors(exc, form)
        else:
            moved = len(data["habitantes"])
            messages.success(request, ngettext(
                "Cambio de domicilio registrado para %(count)d persona: hoja %(number)s.",
                "Cambio de domicilio registrado para las %(count)d personas: hoja %(number)s.",
                moved) % {"count": moved, "number": nueva.number})
            return redirect("gestion:padron:hoja", pk=nueva.pk)
    return render(request, "padron/hoja_domicilio.html", {
        "hoja": hoja, "household": household, "form": form,
        "title": _("Cambio de domicilio de la hoja %(number)s") % {"number": hoja.number}})
