"""Searching the books."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from registro.calendario import MADRID
from registro.models import Asiento


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=MADRID)


def buscar(params: dict[str, Any]) -> QuerySet[Asiento]:
    """Asientos matching the search form's cleaned data, newest first."""
    qs = Asiento.objects.select_related("unidad").prefetch_related("interesados")
    if params.get("numero"):
        qs = qs.filter(numero_registro__icontains=params["numero"].strip())
    if params.get("libro"):
        qs = qs.filter(libro=params["libro"])
    if params.get("estado"):
        qs = qs.filter(estado=params["estado"])
    if params.get("desde"):
        qs = qs.filter(fecha_presentacion__gte=_start(params["desde"]))
    if params.get("hasta"):
        qs = qs.filter(fecha_presentacion__lt=_start(params["hasta"] + datetime.timedelta(1)))
    if params.get("interesado"):
        term = params["interesado"].strip()
        compact = "".join(ch for ch in term.upper() if ch.isalnum())
        match = Q()
        for word in term.split():
            match &= (Q(interesados__nombre__icontains=word)
                      | Q(interesados__apellido1__icontains=word)
                      | Q(interesados__apellido2__icontains=word)
                      | Q(interesados__razon_social__icontains=word))
        if compact:
            match |= Q(interesados__documento__icontains=compact)
        qs = qs.filter(pk__in=Asiento.objects.filter(match).values("pk"))
    if params.get("texto"):
        term = params["texto"].strip()
        qs = qs.filter(Q(asunto__icontains=term) | Q(resumen__icontains=term)
                       | Q(expone__icontains=term) | Q(solicita__icontains=term)
                       | Q(organismo_externo__icontains=term))
    return qs.order_by("-fecha_presentacion", "-numero")


def del_periodo(libro: str, desde: datetime.date, hasta: datetime.date) -> QuerySet[Asiento]:
    """The book for a period, in number order (as the libro de registro is read)."""
    return (Asiento.objects.filter(libro=libro, fecha_presentacion__gte=_start(desde),
                                   fecha_presentacion__lt=_start(hasta + datetime.timedelta(1)))
            .select_related("unidad").prefetch_related("interesados", "anexos")
            .order_by("year", "numero"))
