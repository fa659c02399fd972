"""Scoped lookups of the registro. The schema confines every query to the request's
entity and the back-office middleware demands the 'registro' application; a missing
row and another entity's row give the same 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from provincial import audit
from registro.models import Anexo, Asiento, Festivo, IntercambioRecibido, UnidadOrganica
from tenants.access import usable_applications

if TYPE_CHECKING:
    from padron.models import Habitante


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


# --- the padrón, read from the registro ---------------------------------------------------


def may_consult_padron(request: HttpRequest) -> bool:
    """Whether the clerk may look an interesado up in the padrón from the registro: the
    data come from the padrón, so its rule applies too. The user must hold both the
    registro (the section's own rule, checked by the middleware) and the padrón application
    in this entity, and the entity must adhere to the service that includes it."""
    return "padron" in usable_applications(request)


def habitante_en_padron_for(request: HttpRequest, *, tipo_documento: str,
                            documento: str) -> Habitante | None:
    """The person inscribed today in this entity's padrón with that document (padrón
    TipoDocumento and normalised number), or None. The schema is the request's entity, so
    another entity's inhabitants are never found. Every lookup, found or not, is audited
    (who looked up which document); PermissionDenied without the padrón application."""
    from padron.models import Habitante

    if not may_consult_padron(request):
        raise PermissionDenied
    found = (Habitante.objects.select_related("hoja__domicilio__tramo", "hoja__domicilio__via")
             .filter(is_registered=True, tipo_documento=tipo_documento, documento=documento)
             .first())
    audit.record("registro.padron.consulta", user=request.user, entity=request.tenant,
                 obj=found, subject=documento, detail={"encontrado": found is not None})
    return found
