"""Searching the books."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db.models import Q, QuerySet

from registro import busqueda
from registro.calendario import MADRID
from registro.models import Asiento, Interesado

DOCUMENTO_MIN_DIGITS = 5  # a query with this many digits is an identity number


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=MADRID)


def _texto_completo(qs: QuerySet[Asiento], column: str, text: str) -> QuerySet[Asiento]:
    """Through the GIN-indexed folded column (registro.busqueda): accents and case
    ignored, every word a prefix, all words required."""
    query = busqueda.consulta(text)
    if query is None:
        return qs.none()
    return qs.alias(**{f"_{column}": busqueda.vector(column)}).filter(**{f"_{column}": query})


_NUMERO = re.compile(r"(?P<year>\d{4})\s*/\s*(?P<libro>[ES])\s*/\s*(?P<numero>\d{1,6})", re.I)


def _por_numero(text: str) -> Q:
    """A full number (2026/E/123 or 2026/E/000123) by its unique index; a bare number (123)
    in any book and year by (numero); anything else as part of the number."""
    text = text.strip()
    if found := _NUMERO.fullmatch(text):
        return Q(year=int(found["year"]), libro=found["libro"].upper(),
                 numero=int(found["numero"]))
    if text.isdigit() and len(text) <= 6 and int(text) > 0:
        return Q(numero=int(text))
    return Q(numero_registro__icontains=text)


def buscar(params: dict[str, Any]) -> QuerySet[Asiento]:
    """Asientos matching the search form's cleaned data, newest first."""
    qs = Asiento.objects.select_related("unidad").prefetch_related("interesados")
    if params.get("numero"):
        qs = qs.filter(_por_numero(params["numero"]))
    if params.get("libro"):
        qs = qs.filter(libro=params["libro"])
    if params.get("estado"):
        qs = qs.filter(estado=params["estado"])
    if params.get("canal"):
        qs = qs.filter(canal=params["canal"])
    if params.get("unidad"):
        qs = qs.filter(unidad=params["unidad"])
    if params.get("solo_facturas"):
        qs = qs.filter(es_factura=True)
    if params.get("desde"):
        qs = qs.filter(fecha_presentacion__gte=_start(params["desde"]))
    if params.get("hasta"):
        qs = qs.filter(fecha_presentacion__lt=_start(params["hasta"] + datetime.timedelta(1)))
    if params.get("interesado"):
        term = params["interesado"]
        compact = "".join(ch for ch in term.upper() if ch.isalnum())
        if sum(ch.isdigit() for ch in compact) >= DOCUMENTO_MIN_DIGITS:
            # An identity number, typed whole or in part, with or without separators: a
            # prefix of the stored compact document, through its pattern index. (The
            # full-text index holds documents too, but the planner guesses a prefix
            # there at ~2% of the book and walks the date index instead.)
            qs = qs.filter(pk__in=Interesado.objects.filter(
                documento__startswith=compact).values("asiento_id"))
        else:
            qs = _texto_completo(qs, "busqueda_interesados", term)
    if params.get("texto"):
        qs = _texto_completo(qs, "busqueda_texto", params["texto"])
    return qs.order_by("-fecha_presentacion", "-numero")


def del_periodo(libro: str, desde: datetime.date, hasta: datetime.date) -> QuerySet[Asiento]:
    """The book for a period, in number order (as the libro de registro is read)."""
    return (Asiento.objects.filter(libro=libro, fecha_presentacion__gte=_start(desde),
                                   fecha_presentacion__lt=_start(hasta + datetime.timedelta(1)))
            .select_related("unidad").prefetch_related("interesados", "anexos")
            .order_by("year", "numero"))
