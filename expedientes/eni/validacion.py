"""Validation of ENI documentos and expedientes: the official XSDs (local copies, see
`esquemas`) and the NTI's rules the XSDs do not express.

No Python ENI validator exists, so this is ours. Beyond the XSD it checks: VersionNTI,
the identifier patterns and the DIR3 of the Órgano, that every document carries a firma
(and, with `verificar_firmas`, that XAdES and PAdES signatures are intact), that the
índice is signed TF03 over `IndiceContenido` by a valid, trusted certificate, and that
every DocumentoIndizado is in the package with the hash the índice gives (recomputed
with its FuncionResumen). Every XML is read through `provincial.xmlsafe` (no DTD, no
entities). Messages are in Spanish: they reach the clerk through the remission history.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from lxml import etree

from expedientes.eni import esquemas, metadatos
from expedientes.eni.esquemas import (
    NS_CONTENIDO,
    NS_DOC,
    NS_DOC_META,
    NS_DS,
    NS_EXP,
    NS_EXP_META,
    NS_FIRMA,
    NS_INDICE,
    NS_INDICE_CONTENIDO,
    NS_INSIDE_ADICIONALES,
    q,
)
from provincial import xmlsafe

# The biggest XML read here: a document of the largest size the registro admits, inline
# in base64, with room to spare.
MAX_XML_BYTES = 200 * 1024 * 1024
MAX_XSD_ERRORS = 5
# Copies of an electronic document: the NTI wants the identifier of the original.
COPIAS = ("EE02", "EE04")

Ficheros = Mapping[str, bytes] | Callable[[str], bytes | None]


@dataclass
class Resultado:
    """What a validation found: errors (the XML must not be sent) and warnings."""

    errores: list[str] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)
    identificador: str = ""
    documentos: int = 0
    # The content's hashes (by hashlib name), for the índice check of an expediente.
    huellas: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errores

    def resumen(self) -> str:
        if self.ok:
            return _("Válido: 0 errores frente a los XSD oficiales y las reglas de la NTI.")
        return " ".join(self.errores[:5]) + (
            _(" (y %(n)s errores más)") % {"n": len(self.errores) - 5}
            if len(self.errores) > 5 else "")


def _parse(xml_bytes: bytes, resultado: Resultado) -> etree._Element | None:
    try:
        return xmlsafe.parse(xml_bytes, max_bytes=MAX_XML_BYTES, huge_text=True)
    except DjangoValidationError as exc:
        resultado.errores.extend(exc.messages)
        return None


def _xsd(root: etree._Element, xsd: str, resultado: Resultado) -> None:
    schema = esquemas.schema(xsd)
    if schema.validate(root):
        return
    for error in list(schema.error_log)[:MAX_XSD_ERRORS]:
        resultado.errores.append(_("No cumple el XSD %(xsd)s (línea %(line)s): %(message)s")
                                 % {"xsd": xsd, "line": error.line, "message": error.message})


def _text(node: etree._Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _texts(node: etree._Element | None, path: str) -> list[str]:
    if node is None:
        return []
    return [(found.text or "").strip() for found in node.findall(path)]


def _fichero(ficheros: Ficheros | None, nombre: str) -> bytes | None:
    if ficheros is None:
        return None
    if callable(ficheros):
        return ficheros(nombre)
    return ficheros.get(nombre)


# --- documento --------------------------------------------------------------------------


def validate_documento(xml_bytes: bytes, *, ficheros: Ficheros | None = None,
                       verificar_firmas: bool = True) -> Resultado:
    """Validate an ENI documento (`enidoc:documento` as root). `ficheros` gives the
    content of a `referenciaFichero` (a mapping or a function of the name)."""
    resultado = Resultado()
    root = _parse(xml_bytes, resultado)
    if root is None:
        return resultado
    if root.tag != q(NS_DOC, "documento"):
        resultado.errores.append(_("La raíz del XML no es un documento ENI "
                                   "(enidoc:documento)."))
        return resultado
    _xsd(root, esquemas.DOCUMENTO_XSD, resultado)
    _reglas_documento(root, xml_bytes, resultado, ficheros=ficheros,
                      verificar_firmas=verificar_firmas)
    return resultado


def _reglas_documento(root: etree._Element, xml_bytes: bytes, resultado: Resultado, *,
                      ficheros: Ficheros | None, verificar_firmas: bool) -> None:
    meta = root.find(q(NS_DOC_META, "metadatos"))
    identificador = _text(meta, q(NS_DOC_META, "Identificador"))
    resultado.identificador = identificador
    version = _text(meta, q(NS_DOC_META, "VersionNTI"))
    if version != esquemas.VERSION_NTI_DOCUMENTO:
        resultado.errores.append(_("VersionNTI del documento «%(v)s»: debe ser %(ok)s.")
                                 % {"v": version, "ok": esquemas.VERSION_NTI_DOCUMENTO})
    if not metadatos.IDENTIFICADOR_DOCUMENTO_RE.match(identificador):
        resultado.errores.append(_("El identificador «%(i)s» no sigue la NTI: "
                                   "ES_<órgano DIR3>_<año>_<30 letras o cifras>.")
                                 % {"i": identificador})
    organos = _texts(meta, q(NS_DOC_META, "Organo"))
    _organos(organos, identificador, resultado)
    elaboracion = meta.find(q(NS_DOC_META, "EstadoElaboracion")) if meta is not None else None
    if _text(elaboracion, q(NS_DOC_META, "ValorEstadoElaboracion")) in COPIAS and not _text(
            elaboracion, q(NS_DOC_META, "IdentificadorDocumentoOrigen")):
        resultado.avisos.append(_("El documento %(i)s es una copia y no indica el "
                                  "identificador del documento origen.") % {"i": identificador})

    contenido = root.find(q(NS_CONTENIDO, "contenido"))
    data = _contenido(contenido, ficheros, resultado)
    if data is not None:
        resultado.huellas = {"sha256": hashlib.sha256(data).hexdigest()}
    _firmas(root, contenido, data, xml_bytes, resultado, verificar=verificar_firmas)


def _organos(organos: list[str], identificador: str, resultado: Resultado) -> None:
    for organo in organos:
        if not metadatos.ORGANO_RE.match(organo):
            resultado.errores.append(_("El órgano «%(o)s» no es un código DIR3 (9 letras o "
                                       "cifras).") % {"o": organo})
    parts = identificador.split("_")
    if len(parts) > 2 and organos and parts[1] not in organos:
        resultado.errores.append(_("El órgano del identificador %(i)s no figura en los "
                                   "metadatos «Organo».") % {"i": identificador})


def _contenido(contenido: etree._Element | None, ficheros: Ficheros | None,
               resultado: Resultado) -> bytes | None:
    if contenido is None:
        return None
    binario = contenido.find(q(NS_CONTENIDO, "ValorBinario"))
    if binario is not None:
        try:
            return base64.b64decode("".join((binario.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            resultado.errores.append(_("El contenido (ValorBinario) no es base64 válido."))
            return None
    referencia = _text(contenido, q(NS_CONTENIDO, "referenciaFichero"))
    if referencia:
        data = _fichero(ficheros, referencia)
        if data is None:
            resultado.errores.append(_("Falta el fichero «%(f)s» al que remite el contenido "
                                       "del documento.") % {"f": referencia})
        return data
    return None  # DatosXML: nothing of ours travels that way


def _firmas(root: etree._Element, contenido: etree._Element | None, data: bytes | None,
            xml_bytes: bytes, resultado: Resultado, *, verificar: bool) -> None:
    firmas = root.findall(f"{q(NS_FIRMA, 'firmas')}/{q(NS_FIRMA, 'firma')}")
    if not firmas:
        resultado.errores.append(_("El documento %(i)s no tiene ninguna firma: la NTI la exige "
                                   "a todo documento de un expediente.")
                                 % {"i": resultado.identificador})
        return
    contenido_ref = f"#{contenido.get('Id')}" if contenido is not None and contenido.get("Id") \
        else None
    xades = False
    for firma in firmas:
        tipo = _text(firma, q(NS_FIRMA, "TipoFirma"))
        nodo = firma.find(q(NS_FIRMA, "ContenidoFirma"))
        if tipo == "TF01":
            csv = nodo.find(q(NS_FIRMA, "CSV")) if nodo is not None else None
            if not (_text(csv, q(NS_FIRMA, "ValorCSV"))
                    and _text(csv, q(NS_FIRMA, "RegulacionGeneracionCSV"))):
                resultado.errores.append(_("La firma CSV (TF01) necesita ValorCSV y "
                                           "RegulacionGeneracionCSV."))
        elif tipo == "TF06":
            referencia = _text(nodo, f"{q(NS_FIRMA, 'FirmaConCertificado')}/"
                                     f"{q(NS_FIRMA, 'ReferenciaFirma')}")
            if contenido_ref and referencia and referencia != contenido_ref:
                resultado.errores.append(_("La firma PAdES (TF06) no remite al contenido del "
                                           "documento."))
            if verificar and data is not None:
                _pades(data, resultado)
        elif tipo in ("TF02", "TF03"):
            signature = firma.find(f".//{q(NS_DS, 'Signature')}")
            if signature is None:
                resultado.errores.append(_("La firma XAdES (%(t)s) no contiene ds:Signature.")
                                         % {"t": tipo})
                continue
            uris = [ref.get("URI") for ref in signature.iterfind(
                f"{q(NS_DS, 'SignedInfo')}/{q(NS_DS, 'Reference')}")]
            if contenido_ref and contenido_ref not in uris and "" not in uris:
                resultado.errores.append(_("La firma XAdES (%(t)s) no firma el contenido del "
                                           "documento.") % {"t": tipo})
            xades = True
    if xades and verificar:
        _xades(xml_bytes, resultado, obligatoria=False)


def _pades(data: bytes, resultado: Resultado) -> None:
    from provincial.signing import validation

    if len(data) > validation.MAX_BYTES:
        resultado.avisos.append(_("La firma PAdES del documento %(i)s no se comprueba aquí: el "
                                  "PDF supera los %(max)s MB que admite el validador.")
                                % {"i": resultado.identificador,
                                   "max": validation.MAX_BYTES // (1024 * 1024)})
        return
    try:
        report = validation.validate_pdf(data)
    except validation.ValidationInputError as exc:
        resultado.errores.append(_("La firma PAdES no se puede comprobar: %(e)s") % {"e": exc})
        return
    if not report.signatures:
        resultado.errores.append(_("El documento declara una firma PAdES (TF06) y su PDF no "
                                   "contiene ninguna."))
    for signature in report.signatures:
        if not signature.intact:
            resultado.errores.append(_("La firma PAdES del documento %(i)s no corresponde a su "
                                       "contenido: %(s)s")
                                     % {"i": resultado.identificador, "s": signature.summary})
        elif not signature.ok:
            resultado.avisos.append(signature.summary)


def _xades(xml_bytes: bytes, resultado: Resultado, *, obligatoria: bool) -> bool:
    """Check every XAdES signature of the XML; an intact but untrusted one is an error
    when `obligatoria` (the índice's), a warning otherwise. True if all are valid."""
    from provincial.signing import validation

    try:
        report = validation.validate_xml(xml_bytes)
    except validation.ValidationInputError as exc:
        resultado.errores.append(_("La firma XAdES no se puede comprobar: %(e)s") % {"e": exc})
        return False
    valid = bool(report.signatures)
    for signature in report.signatures:
        if signature.ok:
            continue
        valid = False
        if not signature.intact or obligatoria:
            resultado.errores.append(signature.summary)
        else:
            resultado.avisos.append(signature.summary)
    return valid


# --- expediente -------------------------------------------------------------------------


@dataclass
class _Indizado:
    funcion: str
    valor: str
    encontrado: bool = False


def validate_expediente(xml_bytes: bytes, documentos: Iterable[bytes] | None = None, *,
                        ficheros: Ficheros | None = None, adicionales: bytes | None = None,
                        verificar_firmas: bool = True) -> Resultado:
    """Validate an ENI expediente and, given `documentos` (each ENI documento XML; an
    iterable read one at a time), that the package holds exactly the documents of the
    índice with the hashes it gives. `adicionales` is the package's
    metadatos-adicionales.xml: every document needs its NombreNatural (InSide)."""
    resultado = Resultado()
    root = _parse(xml_bytes, resultado)
    if root is None:
        return resultado
    if root.tag != q(NS_EXP, "expediente"):
        resultado.errores.append(_("La raíz del XML no es un expediente ENI "
                                   "(eniexp:expediente)."))
        return resultado
    _xsd(root, esquemas.EXPEDIENTE_XSD, resultado)
    _metadatos_expediente(root, resultado)
    indice = _indice(root, xml_bytes, resultado)
    if documentos is not None:
        _documentos(indice, documentos, ficheros, resultado, verificar_firmas=verificar_firmas)
    if adicionales is not None:
        _adicionales(adicionales, indice, resultado)
    return resultado


def _metadatos_expediente(root: etree._Element, resultado: Resultado) -> None:
    meta = root.find(q(NS_EXP_META, "metadatosExp"))
    identificador = _text(meta, q(NS_EXP_META, "Identificador"))
    resultado.identificador = identificador
    version = _text(meta, q(NS_EXP_META, "VersionNTI"))
    if version != esquemas.VERSION_NTI_EXPEDIENTE:
        resultado.errores.append(_("VersionNTI del expediente «%(v)s»: debe ser %(ok)s.")
                                 % {"v": version, "ok": esquemas.VERSION_NTI_EXPEDIENTE})
    if not metadatos.IDENTIFICADOR_EXPEDIENTE_RE.match(identificador):
        resultado.errores.append(_("El identificador del expediente «%(i)s» no sigue la NTI: "
                                   "ES_<órgano DIR3>_<año>_EXP_<30 letras o cifras>.")
                                 % {"i": identificador})
    _organos(_texts(meta, q(NS_EXP_META, "Organo")), identificador, resultado)
    if not _text(meta, q(NS_EXP_META, "Clasificacion")):
        resultado.errores.append(_("El expediente no tiene Clasificación (código SIA del "
                                   "procedimiento)."))
    if _text(meta, q(NS_EXP_META, "Estado")) not in ("E01", "E02", "E03"):
        resultado.errores.append(_("El Estado del expediente debe ser E01, E02 o E03."))
    if any(not numero for numero in _texts(meta, q(NS_EXP_META, "Interesado"))):
        resultado.errores.append(_("Un interesado del expediente está vacío."))


def _indice(root: etree._Element, xml_bytes: bytes, resultado: Resultado
            ) -> dict[str, _Indizado]:
    indice = root.find(q(NS_INDICE, "indice"))
    contenido = indice.find(q(NS_INDICE, "IndiceContenido")) if indice is not None else None
    if contenido is None:
        resultado.errores.append(_("El expediente no tiene IndiceContenido (en el espacio de "
                                   "nombres del índice)."))
        return {}
    entries: dict[str, _Indizado] = {}
    for indizado in contenido.iter(q(NS_INDICE_CONTENIDO, "DocumentoIndizado")):
        identificador = _text(indizado, q(NS_INDICE_CONTENIDO, "IdentificadorDocumento"))
        funcion = _text(indizado, q(NS_INDICE_CONTENIDO, "FuncionResumen"))
        valor = _text(indizado, q(NS_INDICE_CONTENIDO, "ValorHuella"))
        if not metadatos.IDENTIFICADOR_DOCUMENTO_RE.match(identificador):
            resultado.errores.append(_("El índice nombra un documento con un identificador que "
                                       "no sigue la NTI: «%(i)s».") % {"i": identificador})
        if identificador in entries:
            resultado.errores.append(_("El índice nombra dos veces el documento %(i)s.")
                                     % {"i": identificador})
        algorithm = metadatos.FUNCIONES_RESUMEN.get(funcion)
        if algorithm is None:
            resultado.errores.append(_("Función resumen desconocida «%(f)s» para %(i)s.")
                                     % {"f": funcion, "i": identificador})
        else:
            try:
                raw = base64.b64decode(valor, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
            if len(raw) != hashlib.new(algorithm).digest_size:
                resultado.errores.append(_("La huella del documento %(i)s en el índice no es "
                                           "un valor %(f)s en base64.")
                                         % {"i": identificador, "f": funcion})
        entries[identificador] = _Indizado(funcion=algorithm or "", valor=valor)
    resultado.documentos = len(entries)
    _firma_indice(indice, contenido, xml_bytes, resultado)
    return entries


def _firma_indice(indice: etree._Element, contenido: etree._Element, xml_bytes: bytes,
                  resultado: Resultado) -> None:
    target = f"#{contenido.get('Id')}" if contenido.get("Id") else None
    signature = None
    for firma in indice.findall(f"{q(NS_FIRMA, 'firmas')}/{q(NS_FIRMA, 'firma')}"):
        if _text(firma, q(NS_FIRMA, "TipoFirma")) == "TF03":
            signature = firma.find(f".//{q(NS_DS, 'Signature')}")
            if signature is not None:
                break
    if signature is None:
        resultado.errores.append(_("El índice del expediente no está firmado con una firma "
                                   "XAdES enveloped (TF03)."))
        return
    uris = [ref.get("URI") for ref in signature.iterfind(
        f"{q(NS_DS, 'SignedInfo')}/{q(NS_DS, 'Reference')}")]
    if target is None or target not in uris:
        resultado.errores.append(_("La firma TF03 no firma el IndiceContenido del índice."))
        return
    if not _xades(xml_bytes, resultado, obligatoria=True):
        resultado.errores.append(_("La firma TF03 del índice no es válida."))


def _documentos(indice: dict[str, _Indizado], documentos: Iterable[bytes],
                ficheros: Ficheros | None, resultado: Resultado, *,
                verificar_firmas: bool) -> None:
    for numero, xml_bytes in enumerate(documentos, 1):
        parcial = validate_documento(xml_bytes, ficheros=ficheros,
                                     verificar_firmas=verificar_firmas)
        etiqueta = parcial.identificador or _("n.º %(n)s") % {"n": numero}
        resultado.errores.extend(_("Documento %(d)s: %(e)s") % {"d": etiqueta, "e": error}
                                 for error in parcial.errores)
        resultado.avisos.extend(_("Documento %(d)s: %(e)s") % {"d": etiqueta, "e": aviso}
                                for aviso in parcial.avisos)
        entry = indice.get(parcial.identificador)
        if entry is None:
            resultado.errores.append(_("El documento %(d)s no figura en el índice del "
                                       "expediente.") % {"d": etiqueta})
            continue
        if entry.encontrado:
            resultado.errores.append(_("El documento %(d)s está dos veces en el paquete.")
                                     % {"d": etiqueta})
        entry.encontrado = True
        if parcial.huellas:
            _comparar_huella(entry, xml_bytes, parcial, ficheros, resultado)
    for identificador, entry in indice.items():
        if not entry.encontrado:
            resultado.errores.append(_("Falta el documento %(i)s, que el índice incluye.")
                                     % {"i": identificador})


def _comparar_huella(entry: _Indizado, xml_bytes: bytes, parcial: Resultado,
                     ficheros: Ficheros | None, resultado: Resultado) -> None:
    if not entry.funcion:
        return
    if entry.funcion == "sha256":
        digest = bytes.fromhex(parcial.huellas["sha256"])
    else:
        root = xmlsafe.parse(xml_bytes, max_bytes=MAX_XML_BYTES, huge_text=True)
        data = _contenido(root.find(q(NS_CONTENIDO, "contenido")), ficheros, Resultado()) or b""
        digest = hashlib.new(entry.funcion, data).digest()
    if base64.b64encode(digest).decode("ascii") != entry.valor:
        resultado.errores.append(_("La huella del documento %(d)s no coincide con la del "
                                   "índice: el documento no es el que se indizó.")
                                 % {"d": parcial.identificador})


def _adicionales(data: bytes, indice: dict[str, _Indizado], resultado: Resultado) -> None:
    parsed = Resultado()
    root = _parse(data, parsed)
    if root is None:
        resultado.errores.extend(parsed.errores)
        return
    nombres: dict[str, str] = {}
    for node in root:
        for item in node.iter(q(NS_INSIDE_ADICIONALES, "MetadatoAdicional")):
            if item.get("nombre") == metadatos.NOMBRE_NATURAL:
                nombres[node.get("Identificador", "")] = _text(
                    item, q(NS_INSIDE_ADICIONALES, "valor"))
    for identificador in indice:
        if not nombres.get(identificador):
            resultado.errores.append(_("El documento %(i)s no tiene el metadato adicional "
                                       "«Nombre Natural» que pide InSide.")
                                     % {"i": identificador})


# --- a package on disk ------------------------------------------------------------------


def validate_paquete(directory: Path, *, verificar_firmas: bool = True) -> Resultado:
    """Validate a package written by `expedientes.eni.expediente.escribir`, reading one
    document at a time."""
    from expedientes.eni.expediente import ADICIONALES_XML, EXPEDIENTE_XML

    expediente = directory / EXPEDIENTE_XML
    if not expediente.is_file():
        return Resultado(errores=[_("El paquete no contiene %(f)s.") % {"f": EXPEDIENTE_XML}])

    def fichero(nombre: str) -> bytes | None:
        path = directory / Path(nombre).name
        return path.read_bytes() if path.is_file() else None

    adicionales = directory / ADICIONALES_XML
    return validate_expediente(
        expediente.read_bytes(),
        (path.read_bytes() for path in sorted(directory.glob("documento-*.xml"))),
        ficheros=fichero,
        adicionales=adicionales.read_bytes() if adicionales.is_file() else None,
        verificar_firmas=verificar_firmas)
