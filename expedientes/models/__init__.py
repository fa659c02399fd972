"""Models of the expedientes, one module per subdomain."""

from expedientes.models.catalogo import Plantilla, Procedimiento
from expedientes.models.documento import Documento
from expedientes.models.expediente import (
    ContadorExpediente,
    EventoPlazo,
    Expediente,
    Historial,
    InteresadoExpediente,
    Tarea,
)
from expedientes.models.libro import ContadorResolucion, Resolucion
from expedientes.models.portafirmas import (
    CircuitoFirma,
    Delegacion,
    Firmante,
    PasoCircuito,
    PeticionFirma,
)
from expedientes.models.remision import HistorialRemision, Remision

__all__ = [
    "CircuitoFirma", "ContadorExpediente", "ContadorResolucion", "Delegacion", "Documento",
    "EventoPlazo", "Expediente", "Firmante", "Historial", "HistorialRemision",
    "InteresadoExpediente", "PasoCircuito", "PeticionFirma", "Plantilla", "Procedimiento",
    "Remision", "Resolucion", "Tarea",
]
