"""The provincial model catalogue: versioned data, reviewed like code.

Every procedure of the starter set is defined in the module of its family. A change an
entity should see (law, time limit, documents, templates) raises the procedure's
`version` and says what changed in `cambios`; entities that adopted an older version are
told on their procedure's page and may update (expedientes.catalogo.actions).
"""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento
from expedientes.catalogo.modelos import (
    actividades,
    contratacion,
    general,
    hacienda,
    responsabilidad,
    sociales,
    subvenciones,
    urbanismo,
    via_publica,
)

TODOS: tuple[ModeloProcedimiento, ...] = (
    *urbanismo.MODELOS, *actividades.MODELOS, *via_publica.MODELOS, *hacienda.MODELOS,
    *contratacion.MODELOS, *subvenciones.MODELOS, *responsabilidad.MODELOS,
    *sociales.MODELOS, *general.MODELOS,
)

POR_CODIGO: dict[str, ModeloProcedimiento] = {m.codigo: m for m in TODOS}
if len(POR_CODIGO) != len(TODOS):  # pragma: no cover - a data error, caught at import
    raise ImportError("two model procedures share a code")


def get(codigo: str) -> ModeloProcedimiento | None:
    return POR_CODIGO.get(codigo)
