"""The ENI namespaces and the official XSDs (copied in `xsd/`, see its README), loaded
once per process with every `schemaLocation` resolved to the local copy: validation never
touches the network."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent / "xsd"

ENI = "http://administracionelectronica.gob.es/ENI/XSD/v1.0"
NS_DOC = f"{ENI}/documento-e"
NS_CONTENIDO = f"{ENI}/documento-e/contenido"
NS_DOC_META = f"{ENI}/documento-e/metadatos"
NS_FIRMA = f"{ENI}/firma"
NS_EXP = f"{ENI}/expediente-e"
NS_INDICE = f"{ENI}/expediente-e/indice-e"
NS_INDICE_CONTENIDO = f"{ENI}/expediente-e/indice-e/contenido"
NS_EXP_META = f"{ENI}/expediente-e/metadatos"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
# InSide's additional metadata ("Nombre Natural"), which travel beside the ENI documento.
NS_INSIDE_ADICIONALES = "https://ssweb.seap.minhap.es/Inside/XSD/v1.0/metadatosAdicionales"

# The VersionNTI of each kind: the namespace of the v1.0 root element.
VERSION_NTI_DOCUMENTO = NS_DOC
VERSION_NTI_EXPEDIENTE = NS_EXP

# The prefixes the NTI's own examples and InSide use.
NSMAP_DOCUMENTO = {"enidoc": NS_DOC, "enifile": NS_CONTENIDO, "enidocmeta": NS_DOC_META,
                   "enids": NS_FIRMA, "ds": NS_DS}
NSMAP_EXPEDIENTE = {"eniexp": NS_EXP, "eniexpind": NS_INDICE,
                    "eniconexpind": NS_INDICE_CONTENIDO, "eniexpmeta": NS_EXP_META,
                    "enids": NS_FIRMA, "enifile": NS_CONTENIDO, "ds": NS_DS}

DOCUMENTO_XSD = "documentoEni.xsd"
EXPEDIENTE_XSD = "expedienteEni.xsd"


def q(namespace: str, name: str) -> str:
    """The Clark name lxml uses: `{namespace}name`."""
    return f"{{{namespace}}}{name}"


class _LocalCopies(etree.Resolver):
    """Resolves an XSD import (an official URL) to the copy in `xsd/` of the same name."""

    def resolve(self, url, public_id, context):
        name = (url or "").rsplit("/", 1)[-1]
        local = XSD_DIR / name
        if name and local.is_file():
            return self.resolve_filename(str(local), context)
        return None  # the parser has no network: an unknown import fails loudly


@cache
def schema(name: str) -> etree.XMLSchema:
    """The compiled XSD `name` (a file of `xsd/`), with its imports resolved locally."""
    # Our own files: the W3C schema's internal DTD subset is read, but nothing is fetched.
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=True)
    parser.resolvers.add(_LocalCopies())
    return etree.XMLSchema(etree.parse(str(XSD_DIR / name), parser))
