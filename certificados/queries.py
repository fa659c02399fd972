"""Searches and filters of the certificates' lists."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

_REFERENCE = re.compile(r"^\s*CER-?0*(\d{1,9})\s*$", re.IGNORECASE)


def search(rows: QuerySet, text: str) -> QuerySet:
    """By reference (CER-000012), holder, NIF, órgano, sede, serial, request code or entity."""
    text = (text or "").strip()
    if not text:
        return rows
    match = _REFERENCE.match(text)
    if match:
        return rows.filter(pk=int(match.group(1)))
    condition = Q()
    for word in text.split()[:6]:
        compact = "".join(ch for ch in word if ch.isalnum()).upper()
        word_condition = (Q(holder_given_name__icontains=word) | Q(holder_surnames__icontains=word)
                          | Q(organo__icontains=word) | Q(sede_domain__icontains=word)
                          | Q(external_reference__icontains=word)
                          | Q(entity__name__icontains=word) | Q(holder_email__icontains=word))
        if compact:
            word_condition |= Q(holder_nif__icontains=compact) | Q(serial_hex__icontains=compact)
        condition &= word_condition
    return rows.filter(condition)


def filtered(rows: QuerySet, data: dict) -> QuerySet:
    if data.get("estado"):
        rows = rows.filter(state=data["estado"])
    if data.get("tipo"):
        rows = rows.filter(kind=data["tipo"])
    if data.get("autoridad"):
        rows = rows.filter(authority=data["autoridad"])
    if data.get("entidad"):
        rows = rows.filter(entity=data["entidad"])
    return search(rows, data.get("q") or "")
