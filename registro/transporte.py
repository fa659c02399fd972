"""How SICRES 3.0 files leave and arrive (REGISTRO_SIR_TRANSPORT, a dotted path).

Today a file drop: an outbox and an inbox folder per entity, which an operator or a
connector to the SIR / ORVE / GEISER service empties and fills. The file and message
formats are the real ones (registro.sicres); only the carrier is pluggable.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string


class Transporte(Protocol):
    def enviar(self, nombre: str, contenido: bytes) -> None:
        """Hand a fichero de intercambio or a mensaje to the carrier."""

    def recibir(self) -> Iterator[tuple[str, bytes]]:
        """Files waiting in the inbox; each is removed once yielded and processed."""

    def apartar(self, nombre: str, contenido: bytes, motivo: str) -> None:
        """Keep aside a received file that could not be processed, with the reason."""

    def hay_pendientes(self) -> bool:
        """Whether the inbox may hold files (cheap: the periodic poll asks every entity)."""


class CarpetaTransporte:
    """File drop under REGISTRO_SIR_DIR (default MEDIA_ROOT/sir): <schema>/salida and
    <schema>/entrada. Writes are atomic (temporary name, then rename)."""

    def __init__(self, base: Path | None = None) -> None:
        root = Path(base or getattr(settings, "REGISTRO_SIR_DIR", "")
                    or Path(settings.MEDIA_ROOT) / "sir")
        self.salida = root / connection.schema_name / "salida"
        self.entrada = root / connection.schema_name / "entrada"

    def enviar(self, nombre: str, contenido: bytes) -> None:
        self.salida.mkdir(parents=True, exist_ok=True)
        safe = Path(nombre).name
        partial = self.salida / f".{safe}.partial"
        partial.write_bytes(contenido)
        partial.replace(self.salida / safe)

    def apartar(self, nombre: str, contenido: bytes, motivo: str) -> None:
        # entrada/error/ is not read by `recibir`: an operator looks at it, fixes the
        # cause and moves the file back into entrada/.
        carpeta = self.entrada / "error"
        carpeta.mkdir(parents=True, exist_ok=True)
        safe = Path(nombre).name
        (carpeta / safe).write_bytes(contenido)
        (carpeta / f"{safe}.motivo.txt").write_text(motivo + "\n", encoding="utf-8")

    def hay_pendientes(self) -> bool:
        return self.entrada.is_dir() and any(self.entrada.glob("*.xml"))

    def recibir(self) -> Iterator[tuple[str, bytes]]:
        if not self.entrada.exists():
            return
        for path in sorted(self.entrada.glob("*.xml")):
            yield path.name, path.read_bytes()
            path.unlink(missing_ok=True)


def transporte() -> Transporte:
    path = getattr(settings, "REGISTRO_SIR_TRANSPORT", "registro.transporte.CarpetaTransporte")
    return import_string(path)()
