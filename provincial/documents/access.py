"""Scoped lookups of issued documents: the schema confines them to the request's entity,
and each back-office application reaches only the kinds it issues."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest

from provincial.documents import kinds
from provincial.documents.models import IssuedDocument


def documents_for(request: HttpRequest, *, application: str):
    if connection.schema_name == "public":
        return IssuedDocument.objects.none()
    return IssuedDocument.objects.filter(kind__in=kinds.codes_for(application))


def get_document_for(request: HttpRequest, pk: int, *, application: str) -> IssuedDocument:
    """The same 404 for a missing document, another entity's, or another application's."""
    try:
        return documents_for(request, application=application).get(pk=pk)
    except IssuedDocument.DoesNotExist as exc:
        raise Http404 from exc
