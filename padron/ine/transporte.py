"""How a generated INE file reaches INE: a small interface and the transports behind it.

The generator (padron.ine.intercambio) never knows how a file travels: once the file is
written it calls `get_transporte().send(fichero)` and records what the transport says.

* `DescargaManual` (today, the default): nothing leaves the platform. The file is left
  ready for the clerk — or the Diputación, for all its entities — to download and upload to
  INE's IDA-Padrón (signed with an @firma-recognised certificate). The clerk marks it sent,
  then accepted or rejected, from the INE files page.
* A real-time transport (announced by RD 141/2024): a class with the same two members,
  e.g. `padron.ine.tiempo_real.ServicioINE`, whose `send` calls INE's service and returns
  `ResultadoEnvio(sent=True, reference=<INE's receipt>)`; the generator then marks the file
  sent by itself. Plug it in with the setting
  `PADRON_INE_TRANSPORT = "padron.ine.tiempo_real.ServicioINE"` — no change to the
  generator, the job or the pages. Temporary failures should raise
  provincial.jobs.TemporaryJobError so the job is retried with backoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from padron.models import FicheroINE

DEFAULT_TRANSPORT = "padron.ine.transporte.DescargaManual"


@dataclass(frozen=True)
class ResultadoEnvio:
    """What a transport did with a file."""

    sent: bool  # True: INE has it now (mark it sent); False: it waits for someone to upload it
    message: str
    reference: str = ""  # INE's receipt, when the transport gets one


class Transporte(Protocol):
    """A way to deliver a FicheroINE to INE."""

    name: str

    def send(self, fichero: FicheroINE) -> ResultadoEnvio: ...


class DescargaManual:
    """The file waits on the INE files page to be downloaded and uploaded to IDA-Padrón."""

    name = "descarga_manual"

    def send(self, fichero: FicheroINE) -> ResultadoEnvio:
        return ResultadoEnvio(sent=False, message=_(
            "Fichero %(name)s listo para descargar y subir a IDA-Padrón; márquelo como enviado "
            "cuando lo haya subido.") % {"name": fichero.name})


def get_transporte() -> Transporte:
    """The transport named by the setting PADRON_INE_TRANSPORT (a dotted path)."""
    return import_string(getattr(settings, "PADRON_INE_TRANSPORT", DEFAULT_TRANSPORT))()
