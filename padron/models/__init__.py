"""Models of the padrón, split by subdomain and re-exported here."""

from padron.models.habitantes import (  # noqa: F401
    ErrorINE,
    Habitante,
    HojaPadronal,
    Movimiento,
    MovimientoAdjunto,
    PeriodoResidencia,
)
from padron.models.ine import EnvioMovimiento, EstadoFicheroINE, FicheroINE, TipoFicheroINE  # noqa: F401
from padron.models.retornos import (  # noqa: F401
    AccionPropuesta,
    Coincidencia,
    EstadoIncidencia,
    EstadoRetornoINE,
    IncidenciaINE,
    RetornoINE,
    TipoRetornoINE,
)
from padron.models.territorio import (  # noqa: F401
    Distrito,
    Domicilio,
    EntidadColectiva,
    EntidadSingular,
    NombreAnterior,
    Nucleo,
    Pseudovia,
    Seccion,
    TipoVia,
    Tramo,
    Via,
    ViaNombre,
)
