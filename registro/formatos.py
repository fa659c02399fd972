"""Formats admitted for anexos (ENI, NTI Catálogo de estándares), judged by content.

`provincial.uploads.detect` recognises the common signatures; this module tells apart
the ZIP-based office formats (ODF, OOXML) and adds TIFF, RTF and plain text. The name's
extension must agree with the content, so a text file renamed «.pdf» is refused.

`admitir` is the one rule for a file someone attaches (the sede applies it when the
citizen fills the form, so the registro's `comprobar` at confirmation never disagrees):
admitted by content, and named with an extension of that format.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from provincial import uploads


@dataclass(frozen=True)
class Formato:
    codigo: str
    etiqueta: str
    mime: str
    extensiones: tuple[str, ...]


FORMATOS: dict[str, Formato] = {f.codigo: f for f in (
    Formato("pdf", "PDF", "application/pdf", ("pdf",)),
    Formato("xml", "XML", "application/xml", ("xml", "xsig")),
    Formato("odt", "ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
    Formato("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    Formato("odp", "ODP", "application/vnd.oasis.opendocument.presentation", ("odp",)),
    Formato("docx", "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",)),
    Formato("xlsx", "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    Formato("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
    Formato("png", "PNG", "image/png", ("png",)),
    Formato("tiff", "TIFF", "image/tiff", ("tif", "tiff")),
    Formato("rtf", "RTF", "application/rtf", ("rtf",)),
    Formato("txt", "TXT", "text/plain", ("txt", "csv")),
)}

ETIQUETAS = ", ".join(f.etiqueta for f in FORMATOS.values())
_ODF_MIMES = {f.mime: f.codigo for f in FORMATOS.values() if f.codigo.startswith("od")}
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}


class FormatoNoAdmitido(ValueError):
    """The content is not an admitted format, or does not match the file's name."""


def _zip_kind(contenido: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(contenido)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _ODF_MIMES.get(archive.read("mimetype").decode("ascii", "replace").strip())
            for part, kind in _OOXML_PARTS.items():
                if part in names:
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _is_text(contenido: bytes) -> bool:
    if b"\x00" in contenido:
        return False
    try:
        text = contenido.decode("utf-8")
    except UnicodeDecodeError:
        text = contenido.decode("latin-1")
    return all(ch.isprintable() or ch in "\t\r\n\f" for ch in text)


def detectar(contenido: bytes) -> str | None:
    """The admitted format of `contenido`, by its bytes, or None."""
    kind = uploads.detect(ContentFile(contenido))
    if kind == "pdf":
        # A PDF ends with %%EOF (perhaps followed by whitespace): a truncated or forged
        # header alone is not a PDF.
        return "pdf" if b"%%EOF" in contenido[-1024:] else None
    if kind in ("png", "jpeg", "xml"):
        return kind
    if kind == "zip":
        return _zip_kind(contenido)
    if contenido[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if contenido.startswith(b"{\\rtf"):
        return "rtf"
    if contenido.lstrip()[:1] == b"<" and _is_text(contenido):
        return "xml"
    if contenido and _is_text(contenido):
        return "txt"
    return None


@dataclass(frozen=True)
class Admitido:
    nombre: str  # ends with an extension of `formato`
    formato: Formato


def _announced(nombre: str) -> Formato | None:
    extension = nombre.rsplit(".", 1)[-1].lower() if "." in nombre else ""
    return next((f for f in FORMATOS.values() if extension in f.extensiones), None)


def etiquetas(admitidos: Iterable[str] | None = None) -> str:
    """«PDF, XML, …» of the admitted codes (all of FORMATOS by default), in catalogue order."""
    codes = set(FORMATOS if admitidos is None else admitidos)
    return ", ".join(f.etiqueta for f in FORMATOS.values() if f.codigo in codes)


def admitir(nombre: str, contenido: bytes, *, admitidos: Iterable[str] | None = None,
            max_length: int = 200) -> Admitido:
    """The one rule for an attached file. Its content must be one of the `admitidos`
    formats (codes of FORMATOS; all of them by default). Its name must not announce
    another format («foto.pdf» holding a PNG is refused); a name with no extension, or
    with one that names no format, gets the extension of its content («documento» →
    «documento.pdf»), shortened to `max_length` if need be. FormatoNoAdmitido with a
    Spanish message otherwise."""
    codes = set(FORMATOS if admitidos is None else admitidos)
    anunciado = _announced(nombre)
    detectado = detectar(contenido)
    if anunciado is not None and anunciado.codigo == "txt" and detectado == "xml":
        detectado = "txt"  # an XML document is text too: «datos.txt» may hold one
    if detectado is None or detectado not in codes:
        if anunciado is not None and anunciado.codigo in codes:
            raise FormatoNoAdmitido(
                _("«%(name)s» no es un fichero %(format)s válido: su contenido no corresponde "
                  "a ese formato (se comprueba el contenido, no la extensión).")
                % {"name": nombre, "format": anunciado.etiqueta})
        raise FormatoNoAdmitido(
            _("«%(name)s»: formato no admitido. Se admiten %(formats)s (se comprueba el "
              "contenido del fichero, no su nombre).")
            % {"name": nombre, "formats": etiquetas(codes)})
    formato = FORMATOS[detectado]
    if anunciado is not None and anunciado.codigo != formato.codigo:
        raise FormatoNoAdmitido(
            _("«%(name)s» no es un fichero %(announced)s válido: su contenido es %(format)s "
              "(se comprueba el contenido, no la extensión).")
            % {"name": nombre, "announced": anunciado.etiqueta, "format": formato.etiqueta})
    if anunciado is None:
        suffix = f".{formato.extensiones[0]}"
        nombre = nombre[:max_length - len(suffix)] + suffix
    return Admitido(nombre=nombre, formato=formato)


def comprobar(nombre: str, contenido: bytes) -> Formato:
    """The format of an anexo whose content and name extension agree; FormatoNoAdmitido
    with a Spanish message otherwise (the rule of `admitir`, without renaming: a name
    with no usable extension is refused)."""
    if _announced(nombre) is None:
        raise FormatoNoAdmitido(
            _("«%(name)s»: formato no admitido. Se admiten %(formats)s.")
            % {"name": nombre, "formats": ETIQUETAS})
    return admitir(nombre, contenido).formato
