"""The ENI metadata of documents and expedientes: identifiers, dates, órgano, estado and
InSide's additional metadata, as the NTIs define them.

Identifiers (NTI de Documento electrónico, anexo I; NTI de Expediente electrónico, anexo I):
`ES_<Órgano>_<AAAA>_<ID_específico>` for a document and `ES_<Órgano>_<AAAA>_EXP_<ID_específico>`
for an expediente, where Órgano is the DIR3 code (9 characters), AAAA the year the
identifier was made and ID_específico 30 alphanumeric characters: 48 and 52 characters in
all. Ours are stable (the same document always gets the same identifier, so an índice
sent twice names the same documents): a document's specific part is its row id, the
expediente's its number, both zero-padded; the year is the document's creation year and
the expediente's year.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from expedientes.choices import EstadoEni, EstadoExpediente, OrigenEni

if TYPE_CHECKING:
    from expedientes.models import Documento, Expediente
    from tenants.models import Entity

ID_ESPECIFICO_LENGTH = 30
DIR3_RE = r"[A-Z0-9]{9}"
IDENTIFICADOR_DOCUMENTO_RE = re.compile(rf"^ES_{DIR3_RE}_\d{{4}}_[A-Za-z0-9]{{30}}$")
IDENTIFICADOR_EXPEDIENTE_RE = re.compile(rf"^ES_{DIR3_RE}_\d{{4}}_EXP_[A-Za-z0-9]{{30}}$")
ORGANO_RE = re.compile(rf"^{DIR3_RE}$")

# The hash of each document in the índice: SHA-256 of its content, base64.
FUNCION_RESUMEN = "SHA-256"
# Names receivers write for the same functions (validation accepts any of them).
FUNCIONES_RESUMEN = {"SHA-256": "sha256", "SHA256": "sha256", "SHA-384": "sha384",
                     "SHA384": "sha384", "SHA-512": "sha512", "SHA512": "sha512",
                     "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
                     "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
                     "http://www.w3.org/2001/04/xmlenc#sha512": "sha512"}

# InSide (manual rev. 14) requires this additional metadatum on every new document.
NOMBRE_NATURAL = "NombreNatural"

# NTI de Catálogo de estándares: the format names of the content types we hold.
FORMATOS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG",
            "image/tiff": "TIFF", "text/xml": "XML", "application/xml": "XML",
            "application/vnd.oasis.opendocument.text": "ODT",
            "application/vnd.oasis.opendocument.spreadsheet": "ODS",
            "text/plain": "TXT", "text/csv": "CSV", "application/zip": "ZIP"}


class EniError(Exception):
    """The expediente or a document cannot be exported in ENI format. The message is in
    Spanish, for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def organo(entity: Entity) -> str:
    """The entity's DIR3 code, the Órgano of everything it exports."""
    code = (entity.dir3_code or "").strip().upper()
    if not ORGANO_RE.match(code):
        raise EniError(_("La entidad no tiene un código DIR3 válido (9 letras o cifras): sin "
                         "él no se puede identificar el órgano en el formato ENI."))
    return code


def _id_especifico(value: int) -> str:
    return f"{value:0{ID_ESPECIFICO_LENGTH}d}"


def identificador_documento(documento: Documento, dir3: str) -> str:
    """`ES_<DIR3>_<AAAA>_<30 cifras>`, from the document's row id and creation year."""
    year = timezone.localtime(documento.created_at).year if documento.created_at \
        else timezone.localdate().year
    return f"ES_{dir3}_{year}_{_id_especifico(documento.pk)}"


def identificador_expediente(expediente: Expediente, dir3: str) -> str:
    """`ES_<DIR3>_<AAAA>_EXP_<30 cifras>`, from the expediente's year and number."""
    return f"ES_{dir3}_{expediente.year}_EXP_{_id_especifico(expediente.numero)}"


def fecha(value: datetime.datetime | datetime.date | None) -> str:
    """An xsd:dateTime in Madrid time with its offset, to the second."""
    if value is None:
        value = timezone.now()
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(), tzinfo=timezone.get_current_timezone())
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def fecha_captura(documento: Documento) -> datetime.datetime:
    return documento.fecha_captura or documento.frozen_at or documento.created_at


def origen_es_administracion(documento: Documento) -> bool:
    """OrigenCiudadanoAdministracion: false, the citizen; true, the administration."""
    return documento.origen == OrigenEni.ADMINISTRACION


def nombre_formato(documento: Documento) -> str:
    mime = (documento.mime_type or "").split(";")[0].strip().lower()
    if mime in FORMATOS:
        return FORMATOS[mime]
    extension = (documento.nombre_fichero or "").rsplit(".", 1)
    return extension[1].upper() if len(extension) == 2 and extension[1] else "PDF"


def nombre_natural(documento: Documento) -> str:
    """What InSide shows people for a document: its title (its file name otherwise)."""
    return (documento.titulo or documento.nombre_fichero or str(documento.pk)).strip()[:250]


ABIERTOS = (EstadoExpediente.EN_TRAMITACION, EstadoExpediente.RESUELTO)


def estado(expediente: Expediente, *, para_remision: bool = False) -> str:
    """The ENI Estado. NTI de Expediente electrónico: E01 an open expediente, E02 a closed
    one, E03 "índice para remisión cerrado": an expediente still open whose índice is
    closed as of now to be sent (the expediente goes on; a later remission sends a new
    índice). A closed (or archived, or annulled) expediente is sent as E02."""
    if expediente.estado in ABIERTOS:
        return EstadoEni.INDICE_REMISION if para_remision else EstadoEni.ABIERTO
    return EstadoEni.CERRADO


def clasificacion(expediente: Expediente) -> str:
    """The procedure's SIA code; its own code where it has none (NTI: "código SIA o
    clasificación de la organización")."""
    procedimiento = expediente.procedimiento
    return (procedimiento.sia_code or "").strip() or procedimiento.code


def interesados(numeros: list[str]) -> list[str]:
    """Each interesado's document number once, in order (a person may hold two roles)."""
    seen: dict[str, None] = {}
    for numero in numeros:
        numero = (numero or "").strip().upper()
        if numero:
            seen.setdefault(numero, None)
    return list(seen)
