"""Searching the expedientes (the clerk's list, the API) and the figures of the dashboard."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from expedientes import plazos
from expedientes.choices import EstadoExpediente, EstadoTarea
from expedientes.models import Expediente, InteresadoExpediente, Tarea

DOCUMENTO_MIN_DIGITS = 5  # a query with this many digits is an identity number
_CODIGO = re.compile(r"(?P<numero>\d{1,9})\s*/\s*(?P<year>\d{4})")


def _por_texto(text: str) -> Q:
    """`339/2026` by its number, a bare `339` by number in any year, otherwise words of the
    asunto (all of them, in any order)."""
    text = text.strip()
    if found := _CODIGO.fullmatch(text):
        return Q(numero=int(found["numero"]), year=int(found["year"]))
    condition = Q()
    for word in text.split()[:8]:
        condition &= Q(asunto__icontains=word)
    if text.isdigit() and len(text) <= 9:
        condition |= Q(numero=int(text))
    return condition


def _por_interesado(term: str) -> QuerySet[InteresadoExpediente]:
    compact = "".join(ch for ch in term.upper() if ch.isalnum())
    if sum(ch.isdigit() for ch in compact) >= DOCUMENTO_MIN_DIGITS:
        return InteresadoExpediente.objects.filter(documento__startswith=compact)
    condition = Q()
    for word in term.split()[:6]:
        condition &= (Q(nombre__icontains=word) | Q(apellido1__icontains=word)
                      | Q(apellido2__icontains=word))
    return InteresadoExpediente.objects.filter(condition)


def buscar(params: dict[str, Any], *, user_id: int | None = None,
           hoy: datetime.date | None = None) -> QuerySet[Expediente]:
    """Expedientes matching the search form's cleaned data, newest first."""
    qs = Expediente.objects.select_related("procedimiento")
    if params.get("q"):
        qs = qs.filter(_por_texto(params["q"]))
    if params.get("interesado"):
        qs = qs.filter(pk__in=_por_interesado(params["interesado"]).values("expediente_id"))
    if params.get("procedimiento"):
        qs = qs.filter(procedimiento=params["procedimiento"])
    if params.get("estado"):
        qs = qs.filter(estado=params["estado"])
    responsable = params.get("responsable")
    if responsable == "yo":
        qs = qs.filter(responsable_id=user_id)
    elif responsable == "nadie":
        qs = qs.filter(responsable_id__isnull=True)
    elif responsable and str(responsable).isdigit():
        qs = qs.filter(responsable_id=int(responsable))
    plazo = params.get("plazo")
    if plazo == "vencidos":
        qs = plazos.vencidos(qs, hoy)
    elif plazo == "por_vencer":
        qs = plazos.por_vencer(qs, hoy)
    elif plazo == "suspendidos":
        qs = qs.filter(estado=EstadoExpediente.EN_TRAMITACION, is_plazo_suspendido=True)
    return qs.order_by("-year", "-numero")


def contar_por_estado() -> list[dict]:
    """Every state with its count (zeros included), in the order of the life cycle."""
    counts = dict(Expediente.objects.values_list("estado").annotate(n=Count("pk")))
    return [{"code": code, "label": label, "n": counts.get(code, 0)}
            for code, label in EstadoExpediente.choices]


def resumen(user_id: int | None, hoy: datetime.date | None = None) -> dict[str, Any]:
    """What the dashboard shows a clerk."""
    hoy = hoy or timezone.localdate()
    todos = Expediente.objects.all()
    abiertos = todos.filter(estado=EstadoExpediente.EN_TRAMITACION)
    vencidos = plazos.vencidos(todos, hoy)
    por_vencer = plazos.por_vencer(todos, hoy)
    return {
        "hoy": hoy, "aviso_dias": plazos.aviso_dias(),
        "por_estado": contar_por_estado(),
        "n_vencidos": vencidos.count(), "n_por_vencer": por_vencer.count(),
        "n_suspendidos": abiertos.filter(is_plazo_suspendido=True).count(),
        "alertas": list(plazos.en_alerta(todos, hoy).select_related("procedimiento")
                        .order_by("fecha_vencimiento", "pk")[:12]),
        "mis_tareas": list(Tarea.objects.filter(assigned_to_id=user_id,
                                                estado=EstadoTarea.PENDIENTE)
                           .select_related("expediente").order_by("due_date", "pk")[:15])
        if user_id else [],
        "mis_expedientes": list(abiertos.filter(responsable_id=user_id)
                                .select_related("procedimiento")
                                .order_by("fecha_vencimiento", "pk")[:10]) if user_id else [],
        "por_procedimiento": list(abiertos.values("procedimiento__name")
                                  .annotate(n=Count("pk")).order_by("-n",
                                                                    "procedimiento__name")
                                  .values_list("procedimiento__name", "n")[:8]),
    }
