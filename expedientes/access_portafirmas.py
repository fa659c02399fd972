"""Scoped lookups of the portafirmas and the libro. The schema confines every query to the
request's entity and the back-office middleware (or the API view) demands the expedientes
application; on top, a signature item is reachable only by its signer, by whoever signed
it, or by the signer's delegate while the delegation is in force. Missing, another
entity's and not-yours give the same 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from expedientes import portafirmas
from expedientes.models import CircuitoFirma, Delegacion, Firmante, PeticionFirma, Resolucion


def firmantes_for(request: HttpRequest) -> QuerySet[Firmante]:
    return portafirmas.bandeja(request.user)


def get_firmante_for(request: HttpRequest, pk: int) -> Firmante:
    return get_object_or_404(firmantes_for(request), pk=pk)


def get_peticion_for(request: HttpRequest, pk: int) -> PeticionFirma:
    return get_object_or_404(PeticionFirma.objects.select_related("documento__expediente"),
                             pk=pk)


def get_circuito_for(request: HttpRequest, pk: int) -> CircuitoFirma:
    return get_object_or_404(CircuitoFirma.objects.all(), pk=pk)


def delegaciones_for(request: HttpRequest) -> QuerySet[Delegacion]:
    """The user's own delegations (given or received); every one for the user administrator."""
    rows = Delegacion.objects.all()
    if portafirmas.is_user_admin(request.user, request.tenant):
        return rows
    return rows.filter(Q(titular_id=request.user.pk) | Q(delegado_id=request.user.pk))


def get_delegacion_for(request: HttpRequest, pk: int) -> Delegacion:
    return get_object_or_404(delegaciones_for(request), pk=pk)


def get_resolucion_for(request: HttpRequest, pk: int) -> Resolucion:
    return get_object_or_404(Resolucion.objects.select_related("expediente", "documento"),
                             pk=pk)
