"""The month of the INE exchange of many entities at once, for the provincial page.

One SQL statement reads, from every entity's schema, the newest monthly file of the period
(its state and records: generado, enviado, aceptado, rechazado), the incidencias of INE
returns still pending and the INE errors not yet processed. Schema names come from
Entity rows and are quoted as identifiers; the statement only reads.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from psycopg2 import sql

from padron.models import (
    ErrorINE,
    EstadoIncidencia,
    FicheroINE,
    IncidenciaINE,
    TipoFicheroINE,
)


@dataclass(frozen=True)
class EstadoMes:
    file_state: str | None  # EstadoFicheroINE of the newest monthly file, None if none
    file_kind: str | None
    records: int
    incidencias_pendientes: int
    errores_pendientes: int


def _part(schema: str) -> sql.Composed:
    return sql.SQL(
        "SELECT {name} AS schema, f.state, f.kind, coalesce(f.records, 0), "
        "(SELECT count(*) FROM {s}.{incidencias} WHERE state = %(pendiente)s), "
        "(SELECT count(*) FROM {s}.{errores} WHERE processed_at IS NULL) "
        "FROM (SELECT 1) AS one LEFT JOIN LATERAL ("
        "SELECT state, kind, records FROM {s}.{ficheros} WHERE period_end = %(period_end)s "
        "AND kind IN (%(variaciones)s, %(negativo)s) ORDER BY id DESC LIMIT 1) AS f ON true"
    ).format(name=sql.Literal(schema), s=sql.Identifier(schema),
             incidencias=sql.Identifier(IncidenciaINE._meta.db_table),
             errores=sql.Identifier(ErrorINE._meta.db_table),
             ficheros=sql.Identifier(FicheroINE._meta.db_table))


def estado_del_mes(schemas: list[str], period_end: datetime.date) -> dict[str, EstadoMes]:
    """{schema: EstadoMes} for the monthly file ending on `period_end`."""
    if not schemas:
        return {}
    query = sql.SQL(" UNION ALL ").join(_part(schema) for schema in schemas)
    params = {"pendiente": EstadoIncidencia.PENDIENTE, "period_end": period_end,
              "variaciones": TipoFicheroINE.VARIACIONES, "negativo": TipoFicheroINE.NEGATIVO}
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.cursor), params)
        rows = cursor.fetchall()
    return {schema: EstadoMes(state, kind, records, incidencias, errores)
            for schema, state, kind, records, incidencias, errores in rows}
