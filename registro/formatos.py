"""Formats admitted for anexos (ENI, NTI Catálogo de estándares), judged by content.

`provincial.uploads.detect` recognises the common signatures; this module tells apart
the ZIP-based office formats (ODF, OOXML) and adds TIFF, RTF and plain text. The name's
extension must agree with the content, so a text file renamed «.pdf» is refused.
"""

from __future__ import annotations

import io
import zipfile
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


def comprobar(nombre: str, contenido: bytes) -> Formato:
    """The format of an anexo whose content and name extension agree; FormatoNoAdmitido
    with a Spanish message otherwise."""
    extension = nombre.rsplit(".", 1)[-1].lower() if "." in nombre else ""
    esperado = next((f for f in FORMATOS.values() if extension in f.extensiones), None)
    if esperado is None:
        raise FormatoNoAdmitido(
            _("«%(name)s»: formato no admitido. Se admiten %(formats)s.")
            % {"name": nombre, "formats": ETIQUETAS})
    detectado = detectar(contenido)
    if detectado is None or (detectado != esperado.codigo
                             and not (esperado.codigo == "txt" and detectado == "xml")):
        raise FormatoNoAdmitido(
            _("«%(name)s» no es un fichero %(format)s válido: su contenido no corresponde a "
              "ese formato (se comprueba el contenido, no la extensión).")
            % {"name": nombre, "format": esperado.etiqueta})
    return esperado
