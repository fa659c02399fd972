"""The inhabitant list as filtered on screen; exports and statistics reuse it."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from padron import actions
from padron.models import Habitante
from provincial.collation import SpanishOrder

# Surnames then name in Spanish alphabetical order ("Álvarez" before "Bernal", "Muñoz"
# after "Munuera"); the raw columns and the pk break ties so pages never overlap.
NAME_ORDER = (SpanishOrder("apellido1"), SpanishOrder("apellido2"), SpanishOrder("nombre"),
              "apellido1", "apellido2", "nombre", "pk")


def _birth_bound(years: int, today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def filter_habitantes(params: dict) -> QuerySet[Habitante]:
    """Apply the list filters (q, seccion, nacionalidad, edad_min, edad_max, estado, via)."""
    today = timezone.localdate()
    estado = params.get("estado") or ""
    qs = Habitante.objects.all()
    if estado == "baja":
        qs = qs.filter(is_registered=False)
    elif estado != "todos":
        qs = qs.filter(is_registered=True)
    qs = actions.search(params.get("q") or "", qs)
    if params.get("seccion"):
        code = str(params["seccion"]).strip()
        qs = qs.filter(hoja__domicilio__tramo__seccion__code=code.zfill(3)[-3:]) \
            if "-" not in code else qs.filter(
                hoja__domicilio__tramo__seccion__distrito__code=code.split("-")[0].zfill(2),
                hoja__domicilio__tramo__seccion__code=code.split("-")[1].zfill(3))
    if params.get("nacionalidad"):
        qs = qs.filter(nacionalidad=params["nacionalidad"])
    if params.get("edad_min") not in (None, ""):
        qs = qs.filter(fecha_nacimiento__lte=_birth_bound(int(params["edad_min"]), today))
    if params.get("edad_max") not in (None, ""):
        qs = qs.filter(fecha_nacimiento__gt=_birth_bound(int(params["edad_max"]) + 1, today))
    if params.get("via"):
        qs = qs.filter(hoja__domicilio__via__names__short_name__icontains=params["via"]).distinct()
    return qs.select_related("hoja__domicilio__via", "hoja__domicilio__tramo__seccion__distrito") \
        .prefetch_related("hoja__domicilio__via__names__tipo") \
        .order_by(*NAME_ORDER)
