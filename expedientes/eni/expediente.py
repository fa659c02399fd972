"""An Expediente as an ENI expediente (`eniexp:expediente`, valid against
`expedienteEni.xsd`) and its documents, ready to send.

The índice lists every document with the SHA-256 of its content (base64, `FuncionResumen`
SHA-256), the date it joined the expediente and its order, and is signed TF03: a XAdES
enveloped signature by the entity's sello de órgano over `IndiceContenido`, placed in the
índice's `firmas` (InSide signs índices this way since its rev. 11). Namespaces, as the
XSDs make them (research/services.md §1.5): `IndiceContenido` is a local element of
IndiceExpedienteEni.xsd, so it is in the indice-e namespace, while its children belong
to indice-e/contenido.

The índice is built from the hashes kept in the database (no file is read for it); each
document's bytes are then read once, checked against that hash, and turned into its ENI
documento. What gets exported: the documents that are final (signed, or incorporated
from outside), in the expediente's order; drafts and documents still in a signature
circuit are left out, and annulled ones too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from expedientes.choices import EstadoDocumento
from expedientes.eni import documento as eni_documento
from expedientes.eni import metadatos
from expedientes.eni.esquemas import (
    NS_DS,
    NS_EXP,
    NS_EXP_META,
    NS_FIRMA,
    NS_INDICE,
    NS_INDICE_CONTENIDO,
    NS_INSIDE_ADICIONALES,
    NSMAP_EXPEDIENTE,
    VERSION_NTI_EXPEDIENTE,
    q,
)
from expedientes.eni.metadatos import EniError
from provincial.signing.base import SigningError, SigningIdentity

if TYPE_CHECKING:
    from expedientes.models import Documento, Expediente
    from tenants.models import Entity

EXPORTADOS = (EstadoDocumento.FIRMADO, EstadoDocumento.INCORPORADO)
INDICE_CONTENIDO_ID = "INDICE_CONTENIDO"
FIRMA_INDICE_ID = "FIRMA_INDICE"
FIRMA_INDICE_XADES_ID = "FIRMA_INDICE_XADES"
EXPEDIENTE_XML = "expediente.xml"
ADICIONALES_XML = "metadatos-adicionales.xml"
# Our own wrapper for InSide's additional metadata of a package (each entry is InSide's
# TipoMetadatosAdicionales); see the README of xsd/.
NS_ADICIONALES_PAQUETE = "urn:es:diputacion:expedientes:eni:metadatos-adicionales:1.0"
# EXPEDIENTES_ENI_C14N: inclusive canonicalisation, 1.0 (the default, what @firma and
# InSide are usually tested with) or 1.1. Exclusive C14N is refused: signxml's XAdES
# signed properties made with it do not verify when the signature sits in a placeholder.
C14N_ADMITIDOS = ("http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
                  "http://www.w3.org/2006/12/xml-c14n11")


@dataclass
class Fuente:
    """Everything an export reads from the database, read once: the entity, the
    expediente with its procedure, its final documents and its interesados."""

    entity: Entity
    dir3: str
    expediente: Expediente
    documentos: list[Documento]
    interesados: list[str]
    omitidos: int = 0
    identificador: str = ""
    nombres: dict[int, str] = field(default_factory=dict)

    def nombre(self, documento: Documento, extension: str = "xml") -> str:
        """`documento-001.xml` (wider numbers past 999): the file of each document."""
        return f"{self.nombres[documento.pk]}.{extension}"


def cargar(expediente: Expediente, entity: Entity | None = None) -> Fuente:
    """The export's data in a fixed number of queries, whatever the number of documents."""
    from expedientes.models import Documento, Expediente, InteresadoExpediente
    from provincial.documents.services import current_entity

    entity = entity or current_entity()
    dir3 = metadatos.organo(entity)
    expediente = Expediente.objects.select_related("procedimiento").get(pk=expediente.pk)
    todos = Documento.objects.filter(expediente=expediente)
    documentos = list(todos.filter(estado__in=EXPORTADOS).exclude(contenido="")
                      .defer("cuerpo").order_by("orden", "pk"))
    if not documentos:
        raise EniError(_("El expediente %(codigo)s no tiene documentos firmados o "
                         "incorporados: no hay nada que exportar.")
                       % {"codigo": expediente.codigo})
    numeros = list(InteresadoExpediente.objects.filter(expediente=expediente)
                   .order_by("pk").values_list("documento", flat=True))
    fuente = Fuente(entity=entity, dir3=dir3, expediente=expediente, documentos=documentos,
                    interesados=metadatos.interesados(numeros),
                    omitidos=todos.count() - len(documentos),
                    identificador=metadatos.identificador_expediente(expediente, dir3))
    width = max(3, len(str(len(documentos))))
    fuente.nombres = {d.pk: f"documento-{n:0{width}d}" for n, d in enumerate(documentos, 1)}
    return fuente


def sello(entity: Entity) -> SigningIdentity:
    """The entity's sello de órgano, which signs the índice; refused without one."""
    from provincial.signing.base import sello_for

    identity = sello_for(entity)
    if identity is None:
        raise EniError(_("%(entidad)s no tiene sello de órgano vigente: sin él no se puede "
                         "firmar el índice del expediente (firma TF03) que exige el formato "
                         "ENI. Pida el sello en Certificados.")
                       % {"entidad": entity.name})
    return identity


def canonicalizacion() -> str:
    """The canonicalisation of the export's XAdES signatures (EXPEDIENTES_ENI_C14N)."""
    value = settings.EXPEDIENTES_ENI_C14N
    if value not in C14N_ADMITIDOS:
        raise EniError(_("La canonicalización «%(c)s» (EXPEDIENTES_ENI_C14N) no se admite; "
                         "use C14N 1.0 o 1.1 inclusiva.") % {"c": value})
    return value


def _huella(documento: Documento) -> str:
    if not documento.sha256:
        documento.sha256 = eni_documento.leer(documento).sha256
    return documento.sha256


def indice(fuente: Fuente, identity: SigningIdentity, *, para_remision: bool = False) -> bytes:
    """The ENI expediente XML with its índice signed TF03 by `identity`."""
    from provincial.signing.xades import sign_xml

    expediente = fuente.expediente
    root = etree.Element(q(NS_EXP, "expediente"), nsmap=NSMAP_EXPEDIENTE,
                         Id=f"EXP_{fuente.identificador}")
    nodo_indice = etree.SubElement(root, q(NS_INDICE, "indice"), Id="INDICE")
    contenido = etree.SubElement(nodo_indice, q(NS_INDICE, "IndiceContenido"),
                                 Id=INDICE_CONTENIDO_ID)
    etree.SubElement(contenido, q(NS_INDICE_CONTENIDO, "FechaIndiceElectronico")).text = \
        metadatos.fecha(timezone.now())
    for orden, documento in enumerate(fuente.documentos, 1):
        identificador = metadatos.identificador_documento(documento, fuente.dir3)
        indizado = etree.SubElement(contenido, q(NS_INDICE_CONTENIDO, "DocumentoIndizado"),
                                    Id=f"INDIZADO_{identificador}")
        for name, value in (
                ("IdentificadorDocumento", identificador),
                ("ValorHuella", eni_documento.valor_huella(_huella(documento))),
                ("FuncionResumen", metadatos.FUNCION_RESUMEN),
                ("FechaIncorporacionExpediente",
                 metadatos.fecha(documento.frozen_at or documento.created_at)),
                ("OrdenDocumentoExpediente", str(orden))):
            etree.SubElement(indizado, q(NS_INDICE_CONTENIDO, name)).text = value
    firma = etree.SubElement(etree.SubElement(nodo_indice, q(NS_FIRMA, "firmas")),
                             q(NS_FIRMA, "firma"), Id=FIRMA_INDICE_ID,
                             ref=f"#{INDICE_CONTENIDO_ID}")
    etree.SubElement(firma, q(NS_FIRMA, "TipoFirma")).text = "TF03"
    etree.SubElement(
        etree.SubElement(etree.SubElement(firma, q(NS_FIRMA, "ContenidoFirma")),
                         q(NS_FIRMA, "FirmaConCertificado")),
        q(NS_DS, "Signature"), Id=FIRMA_INDICE_XADES_ID)

    meta = etree.SubElement(root, q(NS_EXP_META, "metadatosExp"))
    for name, value in (
            ("VersionNTI", VERSION_NTI_EXPEDIENTE),
            ("Identificador", fuente.identificador),
            ("Organo", fuente.dir3),
            ("FechaAperturaExpediente", metadatos.fecha(expediente.opened_at)),
            ("Clasificacion", metadatos.clasificacion(expediente)),
            ("Estado", metadatos.estado(expediente, para_remision=para_remision)),
            *(("Interesado", numero) for numero in fuente.interesados)):
        etree.SubElement(meta, q(NS_EXP_META, name)).text = value

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    try:
        return sign_xml(xml, identity, reference_uri=f"#{INDICE_CONTENIDO_ID}",
                        placeholder_id=FIRMA_INDICE_XADES_ID,
                        c14n_algorithm=canonicalizacion())
    except SigningError as exc:
        raise EniError(_("No se pudo firmar el índice del expediente: %(error)s")
                       % {"error": exc}) from exc


@dataclass
class Salida:
    """One document of the package: its ENI XML and, when referenced, its content file."""

    nombre: str
    xml: bytes
    fichero: tuple[str, bytes] | None = None


def iter_documentos(fuente: Fuente, identity: SigningIdentity | None, *,
                    ficheros_aparte: bool = False) -> Iterator[Salida]:
    """Each document's ENI XML, one at a time: a large expediente is never held in memory
    whole. With `ficheros_aparte` a signed document's content goes beside its XML
    (`documento-001.pdf`), referenced from it."""
    firmante = (eni_documento.Firmante(identity=identity, c14n=canonicalizacion())
                if identity else None)
    for documento in fuente.documentos:
        contenido = eni_documento.leer(documento)
        referencia = ""
        if ficheros_aparte and (contenido.has_pades or documento.csv):
            referencia = fuente.nombre(documento, metadatos.nombre_formato(documento).lower())
        xml = eni_documento.construir(documento, contenido, dir3=fuente.dir3,
                                      firmante=firmante, referencia=referencia)
        yield Salida(fuente.nombre(documento), xml,
                     (referencia, contenido.data) if referencia else None)


def adicionales(fuente: Fuente) -> bytes:
    """InSide's additional metadata of the package ("NombreNatural" of the expediente and
    of each document), keyed by ENI identifier and file."""
    nsmap = {"paquete": NS_ADICIONALES_PAQUETE, "insidemeta": NS_INSIDE_ADICIONALES}
    root = etree.Element(q(NS_ADICIONALES_PAQUETE, "metadatosAdicionalesPaquete"), nsmap=nsmap)

    def entry(tag: str, identificador: str, fichero: str, nombre: str) -> None:
        node = etree.SubElement(root, q(NS_ADICIONALES_PAQUETE, tag),
                                Identificador=identificador, fichero=fichero)
        lista = etree.SubElement(node, q(NS_ADICIONALES_PAQUETE, "metadatosAdicionales"))
        item = etree.SubElement(lista, q(NS_INSIDE_ADICIONALES, "MetadatoAdicional"),
                                nombre=metadatos.NOMBRE_NATURAL, tipo="xsd:string")
        etree.SubElement(item, q(NS_INSIDE_ADICIONALES, "valor")).text = nombre

    entry("expediente", fuente.identificador, EXPEDIENTE_XML,
          fuente.expediente.asunto.strip()[:250])
    for documento in fuente.documentos:
        entry("documento", metadatos.identificador_documento(documento, fuente.dir3),
              fuente.nombre(documento), metadatos.nombre_natural(documento))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def exportar(expediente: Expediente, *, para_remision: bool = False
             ) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The expediente's ENI XML (índice signed TF03) and each document's ENI XML with its
    content inline: `(expediente_xml, [(nombre, documento_xml), …])`."""
    fuente = cargar(expediente)
    identity = sello(fuente.entity)
    expediente_xml = indice(fuente, identity, para_remision=para_remision)
    documentos = [(salida.nombre, salida.xml) for salida in iter_documentos(fuente, identity)]
    return expediente_xml, documentos


@dataclass
class Paquete:
    """What `escribir` left in a directory."""

    directory: Path
    identificador: str
    estado: str
    documentos: int
    omitidos: int
    sha256_indice: str
    ficheros: list[str]


def escribir(expediente: Expediente, directory: Path, *, para_remision: bool = False,
             ficheros_aparte: bool = False, progress=None) -> Paquete:
    """Write the package into `directory` (created; an earlier package's files there are
    replaced): expediente.xml, documento-NNN.xml (and their content files
    with `ficheros_aparte`) and metadatos-adicionales.xml. `progress(done, total)` is
    called after each document."""
    fuente = cargar(expediente)
    identity = sello(fuente.entity)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("documento-*"):  # an earlier, longer package's
        if stale.is_file():
            stale.unlink()
    expediente_xml = indice(fuente, identity, para_remision=para_remision)
    _write(directory / EXPEDIENTE_XML, expediente_xml)
    ficheros = [EXPEDIENTE_XML]
    total = len(fuente.documentos)
    for done, salida in enumerate(iter_documentos(fuente, identity,
                                                  ficheros_aparte=ficheros_aparte), 1):
        _write(directory / salida.nombre, salida.xml)
        ficheros.append(salida.nombre)
        if salida.fichero is not None:
            _write(directory / salida.fichero[0], salida.fichero[1])
            ficheros.append(salida.fichero[0])
        if progress:
            progress(done, total)
    _write(directory / ADICIONALES_XML, adicionales(fuente))
    ficheros.append(ADICIONALES_XML)
    return Paquete(directory=directory, identificador=fuente.identificador,
                   estado=metadatos.estado(fuente.expediente, para_remision=para_remision),
                   documentos=total, omitidos=fuente.omitidos,
                   sha256_indice=hashlib.sha256(expediente_xml).hexdigest(), ficheros=ficheros)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
