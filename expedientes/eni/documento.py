"""One Documento of an expediente as an ENI documento (`enidoc:documento`): contenido,
metadatos and firmas, valid against `documentoEni.xsd`.

Firmas (`firmasEni.xsd`), by what the document carries:
- TF06 (PAdES) when the PDF holds a signature: the signature is inside the content, so
  the firma points at the contenido node (`ref` and `ReferenciaFirma` = "#<its Id>"), as
  InSide writes implicit signatures.
- TF01 (CSV) when the document has a código seguro de verificación: `ValorCSV` and
  `RegulacionGeneracionCSV` (EXPEDIENTES_ENI_REGULACION_CSV), both required by the XSD.
- Neither: the NTI requires a signature of every document incorporated into an
  expediente, so the entity's sello de órgano signs the contenido node with a XAdES
  internally detached signature (TF02), as InSide's "firma servidor" does for unsigned
  documents. Such a document always travels with its content inline (a signature over a
  file reference would not cover the bytes).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from expedientes.eni import metadatos
from expedientes.eni.esquemas import (
    NS_CONTENIDO,
    NS_DOC,
    NS_DOC_META,
    NS_DS,
    NS_FIRMA,
    NSMAP_DOCUMENTO,
    VERSION_NTI_DOCUMENTO,
    q,
)
from expedientes.eni.metadatos import EniError
from provincial.signing.base import SigningError, SigningIdentity

if TYPE_CHECKING:
    from expedientes.models import Documento

CHUNK = 1 << 20
# The ByteRange and SubFilter of a PDF signature dictionary (PAdES, or the older
# PKCS#7 detached one): the PDF carries its own signature.
_PDF_SIGNATURE = re.compile(rb"/SubFilter\s*/(?:ETSI\.CAdES\.detached|adbe\.pkcs7\.detached)")
# sign_xml parses the document it signs (provincial.xmlsafe): libxml2 refuses text nodes
# over 10 MB, so the base64 content of an unsigned document to seal stays below that.
MAX_SELLAR_BYTES = 7 * 1024 * 1024


@dataclass
class Contenido:
    """The bytes of a document, read once, with their SHA-256."""

    data: bytes
    sha256: str
    has_pades: bool


@dataclass
class Firmante:
    """The sello de órgano that seals unsigned documents, checked once per export."""

    identity: SigningIdentity
    c14n: str
    checked: bool = field(default=False)


def leer(documento: Documento) -> Contenido:
    """The document's bytes, read in chunks and hashed on the way, checked against the
    hash stored when it was frozen (or last signed): what is exported is what was frozen."""
    if not documento.contenido:
        raise EniError(_("El documento «%(titulo)s» no tiene fichero.")
                       % {"titulo": documento.titulo})
    digest = hashlib.sha256()
    parts = []
    try:
        with documento.contenido.open("rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                parts.append(chunk)
    except OSError as exc:
        raise EniError(_("No se puede leer el fichero del documento «%(titulo)s» (%(error)s).")
                       % {"titulo": documento.titulo,
                          "error": exc.strerror or type(exc).__name__}) from exc
    data = b"".join(parts)
    sha256 = digest.hexdigest()
    if documento.sha256 and sha256 != documento.sha256:
        raise EniError(_("El fichero del documento «%(titulo)s» no coincide con su huella "
                         "registrada: su contenido ha cambiado y no se exporta.")
                       % {"titulo": documento.titulo})
    return Contenido(data=data, sha256=sha256, has_pades=bool(_PDF_SIGNATURE.search(data)))


def ids(identificador: str) -> dict[str, str]:
    """The xsd:ID values of one documento's nodes (unique within its XML)."""
    return {"documento": f"DOC_{identificador}", "contenido": f"CONTENIDO_{identificador}",
            "firma": f"FIRMA_{identificador}"}


def construir(documento: Documento, contenido: Contenido, *, dir3: str,
              firmante: Firmante | None, regulacion_csv: str = "",
              referencia: str = "") -> bytes:
    """The ENI documento XML of `documento`. With `referencia` (a file name in the same
    package) the content is referenced instead of inline, for a document with its own
    signature; an unsigned one is sealed and inline whatever `referencia` says."""
    identificador = metadatos.identificador_documento(documento, dir3)
    node_ids = ids(identificador)
    sellar = not contenido.has_pades and not documento.csv
    if sellar:
        referencia = ""
    root = etree.Element(q(NS_DOC, "documento"), nsmap=NSMAP_DOCUMENTO, Id=node_ids["documento"])

    nodo = etree.SubElement(root, q(NS_CONTENIDO, "contenido"), Id=node_ids["contenido"])
    if referencia:
        etree.SubElement(nodo, q(NS_CONTENIDO, "referenciaFichero")).text = referencia
    else:
        etree.SubElement(nodo, q(NS_CONTENIDO, "ValorBinario")).text = \
            base64.b64encode(contenido.data).decode("ascii")
    etree.SubElement(nodo, q(NS_CONTENIDO, "NombreFormato")).text = \
        metadatos.nombre_formato(documento)

    meta = etree.SubElement(root, q(NS_DOC_META, "metadatos"))
    for name, value in (
            ("VersionNTI", VERSION_NTI_DOCUMENTO),
            ("Identificador", identificador),
            ("Organo", dir3),
            ("FechaCaptura", metadatos.fecha(metadatos.fecha_captura(documento))),
            ("OrigenCiudadanoAdministracion",
             "true" if metadatos.origen_es_administracion(documento) else "false")):
        etree.SubElement(meta, q(NS_DOC_META, name)).text = value
    elaboracion = etree.SubElement(meta, q(NS_DOC_META, "EstadoElaboracion"))
    etree.SubElement(elaboracion, q(NS_DOC_META, "ValorEstadoElaboracion")).text = \
        documento.estado_elaboracion
    etree.SubElement(meta, q(NS_DOC_META, "TipoDocumental")).text = documento.tipo_documental

    firmas = etree.SubElement(root, q(NS_FIRMA, "firmas"))
    referencia_contenido = f"#{node_ids['contenido']}"
    numero = 0
    if contenido.has_pades:
        firma = _firma(firmas, f"{node_ids['firma']}_{numero}", "TF06", ref=referencia_contenido)
        con_certificado = etree.SubElement(etree.SubElement(firma, q(NS_FIRMA, "ContenidoFirma")),
                                           q(NS_FIRMA, "FirmaConCertificado"))
        etree.SubElement(con_certificado, q(NS_FIRMA, "ReferenciaFirma")).text = \
            referencia_contenido
        numero += 1
    if documento.csv:
        firma = _firma(firmas, f"{node_ids['firma']}_{numero}", "TF01")
        csv = etree.SubElement(etree.SubElement(firma, q(NS_FIRMA, "ContenidoFirma")),
                               q(NS_FIRMA, "CSV"))
        etree.SubElement(csv, q(NS_FIRMA, "ValorCSV")).text = documento.csv
        etree.SubElement(csv, q(NS_FIRMA, "RegulacionGeneracionCSV")).text = (
            regulacion_csv or settings.EXPEDIENTES_ENI_REGULACION_CSV)
        numero += 1
    placeholder = ""
    if sellar:
        if firmante is None:
            raise EniError(_("El documento «%(titulo)s» no está firmado ni tiene CSV, y la "
                             "entidad no tiene sello de órgano con el que sellarlo.")
                           % {"titulo": documento.titulo})
        if len(contenido.data) > MAX_SELLAR_BYTES:
            raise EniError(_("El documento «%(titulo)s» no está firmado y ocupa más de "
                             "%(max)s MB: fírmelo (PAdES) antes de exportar el expediente.")
                           % {"titulo": documento.titulo, "max": MAX_SELLAR_BYTES // (1 << 20)})
        placeholder = f"{node_ids['firma']}_{numero}_XADES"
        firma = _firma(firmas, f"{node_ids['firma']}_{numero}", "TF02", ref=referencia_contenido)
        con_certificado = etree.SubElement(etree.SubElement(firma, q(NS_FIRMA, "ContenidoFirma")),
                                           q(NS_FIRMA, "FirmaConCertificado"))
        etree.SubElement(con_certificado, q(NS_DS, "Signature"), Id=placeholder)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if not placeholder:
        return xml
    return _sellar(xml, firmante, referencia_contenido, placeholder, documento.titulo)


def _firma(firmas: etree._Element, firma_id: str, tipo: str, *, ref: str = "") -> etree._Element:
    firma = etree.SubElement(firmas, q(NS_FIRMA, "firma"), Id=firma_id)
    if ref:
        firma.set("ref", ref)
    etree.SubElement(firma, q(NS_FIRMA, "TipoFirma")).text = tipo
    return firma


def _sellar(xml: bytes, firmante: Firmante, reference: str, placeholder: str,
            titulo: str) -> bytes:
    from provincial.signing.xades import sign_xml

    try:
        signed = sign_xml(xml, firmante.identity, detached=True, reference_uri=reference,
                          placeholder_id=placeholder, c14n_algorithm=firmante.c14n,
                          check_certificate=not firmante.checked)
    except SigningError as exc:
        raise EniError(_("No se pudo sellar el documento «%(titulo)s»: %(error)s")
                       % {"titulo": titulo, "error": exc}) from exc
    firmante.checked = True
    return signed


def valor_huella(sha256_hex: str) -> str:
    """ValorHuella: the SHA-256 of the content, base64."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")
