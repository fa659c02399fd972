"""Scoped lookups of the registro. The schema confines every query to the request's
entity and the back-office middleware demands the 'registro' application; a missing
row and another entity's row give the same 404."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from registro.models import Anexo, Asiento, Festivo, IntercambioRecibido, UnidadOrganica


def get_asiento_for(request: HttpRequest, pk: int) -> Asiento:
    return get_object_or_404(Asiento.objects.select_related("unidad"), pk=pk)


def get_anexo_for(request: HttpRequest, asiento_pk: int, pk: int) -> Anexo:
    return get_object_or_404(Anexo.objects.select_related("asiento"), pk=pk, asiento_id=asiento_pk)


def get_unidad_for(request: HttpRequest, pk: int) -> UnidadOrganica:
    return get_object_or_404(UnidadOrganica.objects.all(), pk=pk)


def get_festivo_for(request: HttpRequest, pk: int) -> Festivo:
    return get_object_or_404(Festivo.objects.all(), pk=pk)


def get_recibido_for(request: HttpRequest, pk: int) -> IntercambioRecibido:
    return get_object_or_404(IntercambioRecibido.objects.select_related("asiento"), pk=pk)
