"""A process-local copy of the code lists: read once, cleared when a code changes here,
and re-read after a few minutes so other processes see changes too."""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_tables: dict[str, tuple[float, dict[str, tuple[str, dict, bool]]]] = {}
TTL_SECONDS = 300


def clear(**_kwargs) -> None:
    with _lock:
        _tables.clear()


def table(name: str) -> dict[str, tuple[str, dict, bool]]:
    """codigo -> (descripcion, extra, activo) of one table."""
    entry = _tables.get(name)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    from codigos.models import Codigo

    rows = {c: (d, e, a) for c, d, e, a in Codigo.objects.filter(tabla=name)
            .values_list("codigo", "descripcion", "extra", "activo")}
    with _lock:
        _tables[name] = (time.monotonic() + TTL_SECONDS, rows)
    return rows
