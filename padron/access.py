"""Scoped lookups of the padrón. The schema already confines every query to the
request's entity; the back-office middleware demands the 'padron' application."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from padron.models import Habitante, HojaPadronal, Tramo, Via, ViaNombre


def get_habitante_for(request: HttpRequest, pk: int) -> Habitante:
    return get_object_or_404(Habitante.objects.select_related("hoja__domicilio__via"), pk=pk)


def get_hoja_for(request: HttpRequest, pk: int) -> HojaPadronal:
    return get_object_or_404(HojaPadronal.objects.select_related("domicilio__via"), pk=pk)


def get_habitante_by_nia_for(request: HttpRequest, nia: str) -> Habitante:
    """An inhabitant (inscribed or not) of the request's entity by NIA, as the API names
    people; 404 for an unknown NIA."""
    return get_object_or_404(
        Habitante.objects.select_related("hoja__domicilio__via", "hoja__domicilio__pseudovia",
                                         "hoja__domicilio__tramo__seccion__distrito",
                                         "hoja__domicilio__tramo__nucleo"), nia=nia)


def get_via_for(request: HttpRequest, code: str) -> Via:
    """A street of the request's entity by its INE code (CVIA), with its names and tramos."""
    return get_object_or_404(Via.objects.prefetch_related(
        Prefetch("names", queryset=ViaNombre.objects.select_related("tipo")
                 .order_by("-valid_from")),
        Prefetch("tramos", queryset=Tramo.objects.select_related(
            "via", "pseudovia", "seccion__distrito", "nucleo__singular__colectiva")
            .order_by("numbering", "number_from", "pk"))), code=code)
