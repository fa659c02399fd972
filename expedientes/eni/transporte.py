"""How a remission's ENI package leaves the platform (EXPEDIENTES_ENI_TRANSPORTS, dotted
paths of classes with a `codigo` and a `nombre`).

Today a file drop: a directory per remission, which an operator or a connector to InSide
(or to the court's system) takes from. The package is the real ENI one; only the carrier
is pluggable, as for the SIR (registro.transporte). An InSide web-service transport
would plug in here: its `enviar` would wrap each documento with its metadatos adicionales
(InSide's altaDocumentoEni) and the expediente with its índice.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from expedientes.eni.metadatos import EniError


class Transporte(Protocol):
    codigo: str
    nombre: str

    def enviar(self, referencia: str, directory: Path) -> str:
        """Hand over the package whose files are in `directory` under `referencia`
        (unique per remission: sending it again replaces the earlier copy). Returns where
        it went, short, for the history. Raises OSError when the carrier cannot take it."""


class CarpetaTransporte:
    """File drop under EXPEDIENTES_ENI_DROP_DIR: `<schema>/<referencia>/` holding
    expediente.xml, documento-NNN.xml and metadatos-adicionales.xml. The directory is
    written under a temporary name and renamed, so a reader never sees half a package."""

    codigo = "carpeta"
    nombre = _("Carpeta de intercambio (entrega a InSide o al órgano judicial)")

    def __init__(self, base: Path | None = None) -> None:
        self.root = Path(base or settings.EXPEDIENTES_ENI_DROP_DIR) / connection.schema_name

    def enviar(self, referencia: str, directory: Path) -> str:
        safe = Path(referencia).name
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f".{safe}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(directory, partial)
        final = self.root / safe
        if final.exists():
            shutil.rmtree(final)
        partial.replace(final)
        # Relative to EXPEDIENTES_ENI_DROP_DIR: what the operator looks for.
        return f"{self.root.name}/{safe}"


def disponibles() -> dict[str, type]:
    """The configured transports by code, in the configured order."""
    found: dict[str, type] = {}
    for path in settings.EXPEDIENTES_ENI_TRANSPORTS:
        cls = import_string(path)
        found[cls.codigo] = cls
    return found


def elegir(codigo: str) -> Transporte:
    """The transport `codigo`, made for the current schema."""
    cls = disponibles().get(codigo)
    if cls is None:
        raise EniError(str(_("El transporte «%(codigo)s» no está configurado.")
                           % {"codigo": codigo}))
    return cls()
