"""Back-office download of issued documents (mounted by each application's URLs, under
/gestion/, where the back-office middleware demands the membership and application)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from provincial import audit
from provincial.documents import services
from provincial.documents.access import get_document_for

logger = logging.getLogger(__name__)


def download(request: HttpRequest, pk: int, *, application: str) -> HttpResponse:
    """The stored bytes of a document, exactly as issued (checked against their hash)."""
    document = get_document_for(request, pk, application=application)
    content = services.read_verified(document)
    audit.record("documentos.documento.descarga", user=request.user, entity=request.tenant,
                 obj=document, subject=document.subject_document)
    response = HttpResponse(content, content_type=document.mime_type)
    # Inline: the clerk's browser shows it ready to print.
    response["Content-Disposition"] = f'inline; filename="{document.download_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
