"""Parsing XML that comes from outside (INE, FACe, SIR, uploads) without its dangers.

No DTDs, no entity expansion (billion laughs, XXE), no network, a size limit, and errors
in Spanish that say what was wrong.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
          huge_text: bool = False) -> etree._Element:
    """Return the root element of `data`, refusing DTDs, entities and oversized input.

    `huge_text` lifts libxml2's 10 MB limit on one text node (a large file inline in
    base64, as ENI documents carry it); `max_bytes` still bounds the whole input."""
    if len(data) > max_bytes:
        raise ValidationError(_("El XML ocupa %(size)s KB; el máximo admitido es %(max)s KB.")
                              % {"size": len(data) // 1024, "max": max_bytes // 1024},
                              code="xml_too_large")
    head = data[:4096].lstrip().upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise ValidationError(_("El XML declara un DOCTYPE o entidades; por seguridad no se "
                                "admiten."), code="xml_dtd")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=huge_text, remove_pis=True)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValidationError(_("El XML no está bien formado (línea %(line)s): %(error)s")
                              % {"line": exc.lineno, "error": exc.msg}, code="xml_syntax") from exc
