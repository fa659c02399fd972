"""Searching the books."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from registro import busqueda
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
    # Names, documents and texts through the GIN-indexed folded columns (registro.busqueda):
    # accents and case ignored, every word a prefix, all words required.
    for param, column, documento in (("interesado", "busqueda_interesados", True),
                                     ("texto", "busqueda_texto", False)):
        if params.get(param):
            query = busqueda.consulta(params[param], documento=documento)
            if query is None:
                return qs.none()
            qs = qs.alias(**{f"_{column}": busqueda.vector(column)}).filter(
                **{f"_{column}": query})
    return qs.order_by("-fecha_presentacion", "-numero")


def del_periodo(libro: str, desde: datetime.date, hasta: datetime.date) -> QuerySet[Asiento]:
    """The book for a period, in number order (as the libro de registro is read)."""
    return (Asiento.objects.filter(libro=libro, fecha_presentacion__gte=_start(desde),
                                   fecha_presentacion__lt=_start(hasta + datetime.timedelta(1)))
            .select_related("unidad").prefetch_related("interesados", "anexos")
            .order_by("year", "numero"))
