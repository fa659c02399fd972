"""Scoped lookups of the expedientes. The schema confines every query to the request's
entity, and the back-office middleware (section "expedientes") and the API view
(`required_application`) demand the application; a missing row and another entity's row
give the same 404. The citizen's lookups (`*_of`) add the person: an expediente is theirs
when they are one of its interesados (by document number)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from expedientes import hooks
from expedientes.choices import EstadoDocumento, EstadoExpediente
from expedientes.models import Documento, Expediente, InteresadoExpediente, Tarea

if TYPE_CHECKING:
    from registro.models import Asiento
    from sede.identificacion import Ciudadano


def expedientes_for(request: HttpRequest) -> QuerySet[Expediente]:
    return Expediente.objects.select_related("procedimiento")


def get_expediente_for(request: HttpRequest, pk: int) -> Expediente:
    return get_object_or_404(expedientes_for(request), pk=pk)


def get_interesado_for(request: HttpRequest, pk: int, interesado_pk: int) -> InteresadoExpediente:
    return get_object_or_404(InteresadoExpediente.objects.select_related("expediente"),
                             pk=interesado_pk, expediente_id=pk)


def get_tarea_for(request: HttpRequest, pk: int, tarea_pk: int) -> Tarea:
    return get_object_or_404(Tarea.objects.select_related("expediente"), pk=tarea_pk,
                             expediente_id=pk)


def get_documento_for(request: HttpRequest, pk: int, doc_pk: int) -> Documento:
    return get_object_or_404(Documento.objects.select_related("expediente"), pk=doc_pk,
                             expediente_id=pk)


def asientos_sin_expediente() -> QuerySet[Asiento]:
    """Entries of the registro not annulled and not yet in an expediente (an annulled
    expediente frees its asiento)."""
    from registro.choices import EstadoAsiento, Libro
    from registro.models import Asiento

    usados = Expediente.objects.filter(asiento__isnull=False).exclude(
        estado=EstadoExpediente.ANULADO).values("asiento_id")
    return (Asiento.objects.filter(libro=Libro.ENTRADA).exclude(estado=EstadoAsiento.ANULADO)
            .exclude(pk__in=usados).prefetch_related("interesados"))


def get_asiento_libre_for(request: HttpRequest, pk: int) -> Asiento:
    return get_object_or_404(asientos_sin_expediente(), pk=pk)


# --- the citizen (sede) -----------------------------------------------------------------


def expedientes_of(ciudadano: Ciudadano) -> QuerySet[Expediente]:
    """Expedientes where the citizen is an interesado (any role)."""
    ids = InteresadoExpediente.objects.filter(documento=ciudadano.documento) \
        .values("expediente_id")
    return Expediente.objects.filter(pk__in=ids).select_related("procedimiento")


def get_expediente_of(ciudadano: Ciudadano, pk: int) -> Expediente:
    try:
        return expedientes_of(ciudadano).get(pk=pk)
    except Expediente.DoesNotExist as exc:
        raise Http404 from exc


def documentos_of(ciudadano: Ciudadano, expediente: Expediente) -> QuerySet[Documento]:
    """What the citizen may read of their expediente: the documents made available to the
    interesados, and those they brought themselves (an entry — libro de entrada — of the
    registro where they are interesado; a salida addressed to them is not something they
    brought, and a notification's salida carries the notified act). Only documents with
    content (a draft has none). Never those another app reserves from this person
    (expedientes.hooks: e.g. an act whose notification to them is pending, read only by
    appearing at the notificaciones)."""
    from registro.choices import Libro
    from registro.models import Interesado

    propios = Interesado.objects.filter(documento=ciudadano.documento,
                                        asiento__libro=Libro.ENTRADA).values("asiento_id")
    documentos = (expediente.documentos.exclude(contenido="")
                  .exclude(estado=EstadoDocumento.ANULADO)
                  .filter(Q(is_visible_ciudadano=True) | Q(asiento_id__in=propios)))
    for reservados in hooks.reservados(ciudadano.documento):
        documentos = documentos.exclude(pk__in=reservados)
    return documentos.order_by("orden", "pk")


def get_documento_of(ciudadano: Ciudadano, pk: int, doc_pk: int) -> Documento:
    expediente = get_expediente_of(ciudadano, pk)
    try:
        return documentos_of(ciudadano, expediente).get(pk=doc_pk)
    except Documento.DoesNotExist as exc:
        raise Http404 from exc
