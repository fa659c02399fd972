"""Uploads are judged by their content, never by their name or declared type."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# Leading bytes of the formats the platform accepts.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "zip": (b"PK\x03\x04",),  # also xlsx, docx, odt
    "xml": (b"<?xml", b"\xef\xbb\xbf<?xml"),
}
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "zip": "ZIP/Office", "xml": "XML"}


def detect(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(signature) for signature in signatures):
            return kind
    return None


def megabytes(size: int) -> str:
    """A size in MB as people read it here: one decimal, with the language's separator
    ("12,0"), not Python's "12.0"."""
    from django.utils.formats import number_format

    return number_format(round(size / 1048576, 1), 1)


def check_upload(upload: UploadedFile, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """The detected kind of an accepted upload; a ValidationError in Spanish otherwise."""
    if upload.size > max_bytes:
        raise ValidationError(_("«%(name)s» ocupa %(size)s MB; el máximo es %(max)s MB.")
                              % {"name": upload.name, "size": megabytes(upload.size),
                                 "max": megabytes(max_bytes)}, code="upload_too_large")
    kind = detect(upload)
    if kind not in allowed:
        raise ValidationError(_("«%(name)s» no es un fichero %(kinds)s (se comprueba su "
                                "contenido, no su extensión).")
                              % {"name": upload.name,
                                 "kinds": " / ".join(LABELS[k] for k in allowed)},
                              code="upload_type")
    return kind
