"""Checks other programs ask of the padrón and that answer yes or no, never with the data
(as the residence verification services of the administrations do: ACCEDE, SVDR; and
Consul's census check): is the holder of this document inscribed on that date, do these
two people live together.

They look at the residence periods (`PeriodoResidencia`), so a past date is answered as
the padrón stood then. A document is matched as the inhabitant's current one.
"""

from __future__ import annotations

import datetime

from padron.choices import PrecisionFecha
from padron.models import Habitante, PeriodoResidencia


def birth_matches(habitante: Habitante, fecha_nacimiento: datetime.date) -> bool:
    """The birth date given agrees with the recorded one, as far as the record knows it
    (a date kept without its day is compared by month and year)."""
    recorded = habitante.fecha_nacimiento
    if habitante.fecha_nacimiento_precision == PrecisionFecha.SIN_DIA_MES:
        return recorded.year == fecha_nacimiento.year
    if habitante.fecha_nacimiento_precision == PrecisionFecha.SIN_DIA:
        return (recorded.year, recorded.month) == (fecha_nacimiento.year, fecha_nacimiento.month)
    return recorded == fecha_nacimiento


def periodo_en_fecha(*, tipo_documento: str, documento: str, fecha: datetime.date,
                     fecha_nacimiento: datetime.date | None = None) -> PeriodoResidencia | None:
    """The residence period, on `fecha`, of the person inscribed with that document (padrón
    TipoDocumento and normalised number), and that birth date when one is given."""
    if not documento:
        return None
    periodos = (PeriodoResidencia.objects.filter(PeriodoResidencia.covering(fecha))
                .filter(habitante__tipo_documento=tipo_documento, habitante__documento=documento)
                .select_related("habitante").order_by("pk"))
    for periodo in periodos:
        if fecha_nacimiento is None or birth_matches(periodo.habitante, fecha_nacimiento):
            return periodo
    return None


def conviven(primero: PeriodoResidencia | None, segundo: PeriodoResidencia | None
             ) -> tuple[bool, bool]:
    """(in the same hoja padronal, at the same address) for two periods of the same date."""
    if primero is None or segundo is None or primero.habitante_id == segundo.habitante_id:
        return False, False
    return primero.hoja_id == segundo.hoja_id, primero.domicilio_id == segundo.domicilio_id
