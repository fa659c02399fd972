"""Scoped lookups of the registro. The schema confines every query to the request's
entity and the back-office middleware demands the 'registro' application; a missing
row and another entity's row give the same 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from registro.models import Anexo, Asiento, Festivo, IntercambioRecibido, UnidadOrganica


def get_asiento_for(request: HttpRequest, pk: int) -> Asiento:
    try:
        return Asiento.objects.select_related("unidad").get(pk=pk)
    except Asiento.DoesNotExist as exc:
        raise Http404 from exc


def get_anexo_for(request: HttpRequest, asiento_pk: int, pk: int) -> Anexo:
    try:
        return Anexo.objects.select_related("asiento").get(pk=pk, asiento_id=asiento_pk)
    except Anexo.DoesNotExist as exc:
        raise Http404 from exc


def get_unidad_for(request: HttpRequest, pk: int) -> UnidadOrganica:
    try:
        return UnidadOrganica.objects.get(pk=pk)
    except UnidadOrganica.DoesNotExist as exc:
        raise Http404 from exc


def get_festivo_for(request: HttpRequest, pk: int) -> Festivo:
    try:
        return Festivo.objects.get(pk=pk)
    except Festivo.DoesNotExist as exc:
        raise Http404 from exc


def get_recibido_for(request: HttpRequest, pk: int) -> IntercambioRecibido:
    try:
        return IntercambioRecibido.objects.select_related("asiento").get(pk=pk)
    except IntercambioRecibido.DoesNotExist as exc:
        raise Http404 from exc
