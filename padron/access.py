"""Scoped lookups of the padrón. The schema already confines every query to the
request's entity; the back-office middleware demands the 'padron' application."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from padron.models import Habitante, HojaPadronal


def get_habitante_for(request: HttpRequest, pk: int) -> Habitante:
    try:
        return Habitante.objects.select_related("hoja__domicilio__via").get(pk=pk)
    except Habitante.DoesNotExist as exc:
        raise Http404 from exc


def get_hoja_for(request: HttpRequest, pk: int) -> HojaPadronal:
    try:
        return HojaPadronal.objects.select_related("domicilio__via").get(pk=pk)
    except HojaPadronal.DoesNotExist as exc:
        raise Http404 from exc
