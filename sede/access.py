"""Scoped lookups of the sede: a citizen reaches only their own asientos, documents and
padrón record; edictos are public only while or after they are published. A missing
object and someone else's give the same 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from provincial.documents.models import IssuedDocument
from registro.choices import Libro
from registro.models import Asiento
from sede.identificacion import Ciudadano
from sede.models import Edicto, Procedimiento

VOLANTE_KIND = "volante_individual"


def sede_enabled(request: HttpRequest) -> bool:
    """The entity adheres to a service that includes the sede (CSV verification works
    for every entity: every issued document points to it)."""
    from tenants.access import adhered_applications

    return "sede" in adhered_applications(request)


def asientos_of(ciudadano: Ciudadano) -> QuerySet[Asiento]:
    """Entries (libro de entrada) where the citizen is interesado or representative: what
    they submitted. A salida addressed to them is not theirs to download here: a
    notification's salida carries the notified document, which the citizen reaches only
    by appearing (notificaciones), never around it."""
    ids = Asiento.objects.filter(libro=Libro.ENTRADA,
                                 interesados__documento=ciudadano.documento).values("pk")
    return Asiento.objects.filter(pk__in=ids).prefetch_related("interesados")


def get_asiento_for(ciudadano: Ciudadano, pk: int) -> Asiento:
    try:
        return asientos_of(ciudadano).prefetch_related("anexos").get(pk=pk)
    except Asiento.DoesNotExist as exc:
        raise Http404 from exc


def volantes_of(ciudadano: Ciudadano) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(kind=VOLANTE_KIND,
                                         subject_document=ciudadano.documento)


def get_volante_for(ciudadano: Ciudadano, pk: int) -> IssuedDocument:
    try:
        return volantes_of(ciudadano).get(pk=pk)
    except IssuedDocument.DoesNotExist as exc:
        raise Http404 from exc


def get_habitante_of(ciudadano: Ciudadano):
    """The citizen's current inscription in this entity's padrón, or None."""
    from padron.models import Habitante

    return Habitante.objects.filter(documento=ciudadano.documento, is_registered=True) \
        .select_related("hoja").first()


def get_procedimiento(code: str) -> Procedimiento:
    return get_object_or_404(Procedimiento, code=code, is_active=True)


def get_public_edicto(pk: int) -> Edicto:
    """Published now or archived; one not yet published does not exist for the public."""
    from django.utils import timezone

    edicto = Edicto.objects.filter(pk=pk, publish_from__lte=timezone.now()).first()
    if edicto is None:
        raise Http404
    return edicto


def current_address(habitante) -> str:
    """The address where the inhabitant lives today, as the padrón writes it."""
    from django.utils import timezone

    period = habitante.periodos.filter(hasta__isnull=True).select_related(
        "domicilio__via", "domicilio__pseudovia").first()
    return period.domicilio.label(timezone.localdate()) if period else ""


# --- back office: the entity's own rows (each schema holds only its entity's) ------------


def get_procedimiento_for_gestion(pk: int) -> Procedimiento:
    """Any procedure of the current entity, active or not; 404 otherwise."""
    return get_object_or_404(Procedimiento, pk=pk)


def get_edicto_for_gestion(pk: int) -> Edicto:
    """Any edicto of the current entity, scheduled, current or ended; 404 otherwise."""
    return get_object_or_404(Edicto.objects.select_related("diligencia"), pk=pk)


def get_procedimiento_by_code_for_gestion(code: str) -> Procedimiento:
    """Any procedure of the current entity by its code, active or not; 404 otherwise."""
    return get_object_or_404(Procedimiento, code=code)
