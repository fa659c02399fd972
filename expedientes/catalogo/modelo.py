"""The shape of a provincial model procedure and its templates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModeloPlantilla:
    """A template of a model procedure (copied into the entity's Plantilla)."""

    code: str
    name: str
    tipo_documental: str  # expedientes.choices.TipoDocumental value
    cuerpo: str
    is_resolucion: bool = False

    @property
    def huella(self) -> str:
        """SHA-256 of the body: an adopted template whose body still has it is unchanged."""
        return hashlib.sha256(self.cuerpo.encode()).hexdigest()


@dataclass(frozen=True)
class ModeloProcedimiento:
    """A procedure of the provincial model catalogue. `version` goes up whenever what an
    entity adopts changes (legal basis, time limit, documents, templates); `cambios` says
    what changed in this version, for the entities that adopted an older one."""

    codigo: str
    version: int
    name: str
    familia: str  # expedientes.choices.Familia value
    description: str
    base_legal: str
    plazo_cantidad: int
    plazo_unidad: str  # expedientes.choices.UnidadPlazo value
    sentido_silencio: str  # sede.choices.SentidoSilencio value
    organo_resolutorio: str
    documentos_requeridos: tuple[dict, ...]
    fases: tuple[str, ...]
    plantillas: tuple[ModeloPlantilla, ...]
    sia_code: str = ""  # each entity gives its own SIA code when it adopts
    cambios: str = ""
    notas: tuple[str, ...] = field(default=())

    def plantilla(self, code: str) -> ModeloPlantilla | None:
        return next((p for p in self.plantillas if p.code == code), None)


def doc(nombre: str, obligatorio: bool = True) -> dict:
    """A required document, as Procedimiento.documentos_requeridos stores it."""
    return {"nombre": nombre, "obligatorio": obligatorio}
