"""Queue filters and full-text search over incidents and knowledge-base articles.

They only narrow querysets that already went through `Incidencia.objects.visible_to`.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet
from django.utils import timezone

from soporte.choices import Estado

FULL_REFERENCE = re.compile(r"^\s*INC-\d{4}-\d{6}\s*$", re.IGNORECASE)
REFERENCE_LIKE = re.compile(r"^\s*(INC-)?\d{4}-\d{1,6}\s*$|^\s*INC-\S*\s*$", re.IGNORECASE)


def search(incidencias: QuerySet, text: str) -> QuerySet:
    """Spanish full-text search (stemmed: «impresoras» finds «impresora»), or a reference."""
    text = (text or "").strip()
    if not text:
        return incidencias
    if FULL_REFERENCE.match(text):
        return incidencias.filter(reference=text.strip().upper())  # the unique index
    if REFERENCE_LIKE.match(text):
        return incidencias.filter(reference__icontains=text.upper().removeprefix("INC-"))
    # Newest first, like the queue: ranking every match of a common word (thousands of
    # rows over the years) costs more than the desk gains from it.
    return incidencias.filter(search=SearchQuery(text, config="spanish", search_type="websearch"))


def by_state(incidencias: QuerySet, estado: str) -> QuerySet:
    if estado == "todas":
        return incidencias
    if estado in Estado.values:
        return incidencias.filter(state=estado)
    return incidencias.filter(state__in=Estado.open_states())


def queue(incidencias: QuerySet, data: dict, user) -> QuerySet:
    """The agents' queue narrowed by the filter form's cleaned data."""
    incidencias = by_state(incidencias, data.get("estado") or "")
    vista = data.get("vista")
    if vista == "mias":
        incidencias = incidencias.filter(assignee=user)
    elif vista == "grupo":
        incidencias = incidencias.filter(grupo__members=user)
    elif vista == "sin_asignar":
        incidencias = incidencias.filter(assignee__isnull=True)
    elif vista == "incumplidas":
        incidencias = incidencias.breaching(timezone.now())
    for name in ("entity", "service", "priority"):
        if data.get(name):
            incidencias = incidencias.filter(**{name: data[name]})
    return search(incidencias, data.get("q") or "")


def search_kb(articles: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return articles
    query = SearchQuery(text, config="spanish", search_type="websearch")
    return articles.filter(search=query).annotate(rank=SearchRank(F("search"), query)).order_by(
        "-rank", "title")
