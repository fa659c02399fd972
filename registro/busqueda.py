"""Full-text search of the books: what is indexed and how a typed query is matched.

PostgreSQL's 'simple' configuration (no stemming, no extension such as unaccent) over
columns folded here in Python: lowercase, accents removed, every character that is not
a letter or digit turned into a space. Index and query go through the same `fold`, so a
word of the index and a word of the query tokenize alike; each query word is a prefix
(`garc` finds García) and every word must match.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchVector

if TYPE_CHECKING:
    from registro.models import Interesado

CONFIG = "simple"


def fold(text: str) -> str:
    """Lowercase, no accents, only letters and digits separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = (ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join("".join(kept).lower().split())


def texto_indexado(*parts: str) -> str:
    """The asiento's searchable text (asunto, resumen, expone, solicita, organismo)."""
    return fold(" ".join(p for p in parts if p))


def interesados_indexados(interesados: Iterable[Interesado]) -> str:
    """Names and document numbers of all the asiento's interesados and representatives."""
    return fold(" ".join(
        f"{i.nombre} {i.apellido1} {i.apellido2} {i.razon_social} {i.documento}"
        for i in interesados))


def vector(column: str) -> SearchVector:
    """The expression the GIN indexes are built on; queries must use the same one."""
    return SearchVector(column, config=CONFIG)


def consulta(text: str) -> SearchQuery | None:
    """Every word of `text` as a prefix; None if nothing searchable was typed."""
    words = fold(text).split()
    if not words:
        return None
    # Words hold letters and digits only, so nothing typed can become tsquery syntax.
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw",
                       config=CONFIG)


def rellenar(asiento_model, *, only_empty: bool = True, batch: int = 2_000) -> int:
    """Write the search columns of existing asientos (the data migration, bulk loads).

    Takes the model class so that a migration can pass its historical model.
    """
    qs = asiento_model.objects.order_by("pk").prefetch_related("interesados")
    if only_empty:
        qs = qs.filter(busqueda_texto="")
    done = 0
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last)[:batch])
        if not rows:
            return done
        for row in rows:
            row.busqueda_texto = texto_indexado(row.asunto, row.resumen, row.expone,
                                                row.solicita, row.organismo_externo)
            row.busqueda_interesados = interesados_indexados(row.interesados.all())
        asiento_model.objects.bulk_update(rows, ["busqueda_texto", "busqueda_interesados"])
        done += len(rows)
        last = rows[-1].pk
