"""Scoped lookups of the padrón. The schema already confines every query to the
request's entity; the back-office middleware demands the 'padron' application."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from padron.models import Habitante, HojaPadronal


def get_habitante_for(request: HttpRequest, pk: int) -> Habitante:
    return get_object_or_404(Habitante.objects.select_related("hoja__domicilio__via"), pk=pk)


def get_hoja_for(request: HttpRequest, pk: int) -> HojaPadronal:
    return get_object_or_404(HojaPadronal.objects.select_related("domicilio__via"), pk=pk)
