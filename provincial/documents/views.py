"""Back-office download of issued documents (mounted by each application's URLs, under
/gestion/, where the back-office middleware demands the membership and application), and
the answer of a view whose document could not be sealed."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from provincial import audit
from provincial.documents import services
from provincial.documents.access import get_document_for

logger = logging.getLogger(__name__)


def document_response(document, *, inline: bool = True) -> HttpResponse:
    """The stored bytes of an issued document, exactly as issued (checked against their
    hash), not kept by caches; inline by default: the browser shows it ready to print.
    Every view that serves an IssuedDocument answers through this."""
    response = HttpResponse(services.read_verified(document), content_type=document.mime_type)
    response["Content-Disposition"] = content_disposition_header(not inline,
                                                                 document.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download(request: HttpRequest, pk: int, *, application: str) -> HttpResponse:
    """A document of the entity in the back office, audited."""
    document = get_document_for(request, pk, application=application)
    response = document_response(document)
    audit.record("documentos.documento.descarga", user=request.user, entity=request.tenant,
                 obj=document, subject=document.subject_document)
    return response


def signing_failed(request: HttpRequest, exc: services.SigningFailed) -> HttpResponse:
    """503 with the reason in Spanish: the document was not issued (nothing was stored)
    because the entity's sello de órgano could not sign it. JSON for API calls."""
    logger.warning("document not issued, sealing failed: %s", exc.message)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": exc.message}, status=503)
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()) else "/"
    return render(request, "documentos/no_expedido.html", {"reason": exc.message,
                                                           "back": back}, status=503)


def shows_signing_failure(view: Callable) -> Callable:
    """Decorate a view (function, or method of a DRF view) that issues a document: a
    SigningFailed becomes `signing_failed`'s answer instead of a 500."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except services.SigningFailed as exc:
            request = next(arg for arg in args if hasattr(arg, "META"))
            return signing_failed(getattr(request, "_request", request), exc)

    return wrapper
