"""Validation of electronic signatures at the sede (/sede/validar-firma/): a citizen or a
clerk uploads a signed PDF or XML and reads, in Spanish, who signed it, when, with which
certificate chain, whether the signed content is intact and, for a PDF, whether it changed
after signing (provincial.signing.validation). Nothing uploaded is stored: the file is held
in memory for the request and discarded.

| setting | env var | default |
|---|---|---|
| SEDE_SIGNATURE_VALIDATION_RATE | SEDE_SIGNATURE_VALIDATION_RATE | 10 validations per minute and IP (anonymous visitors; members of the entity are not limited) |

The largest file accepted is `validation.MAX_BYTES` (20 MB).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from provincial.env import env_int
from provincial.ratelimit import too_many
from provincial.signing import validation
from sede.views import page

RATE_WINDOW_SECONDS = 60
# What a multipart body adds to the file (boundaries, headers, the CSRF token).
MULTIPART_OVERHEAD = 64 * 1024


def validation_rate() -> int:
    return getattr(settings, "SEDE_SIGNATURE_VALIDATION_RATE",
                   env_int("SEDE_SIGNATURE_VALIDATION_RATE", 10))


def max_bytes() -> int:
    return validation.MAX_BYTES


def too_large_message() -> str:
    return _("El fichero es demasiado grande: el máximo que se valida es %(max)s MB.") % {
        "max": max_bytes() // (1024 * 1024)}


def body_too_large(request: HttpRequest) -> bool:
    """Judged on the declared length, before a byte of the body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + MULTIPART_OVERHEAD


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps the upload in memory whatever its size (the body's length was checked first),
    so nothing uploaded is written to disk, not even to a temporary file."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def keep_uploads_in_memory(request: HttpRequest) -> None:
    request.upload_handlers = [InMemoryUploadHandler(request)]


def validate_upload(upload) -> validation.ValidationReport:
    """The report of an uploaded file; a ValidationError with the Spanish reason for a file
    that is not a signed PDF or XML (or too large, malformed, an XML with a DTD…)."""
    if upload.size > max_bytes():
        raise ValidationError(too_large_message(), code="too_large")
    upload.seek(0)
    data = upload.read()
    try:
        report = validation.validate(data, filename=upload.name)
    except validation.ValidationInputError as exc:
        raise ValidationError(str(exc), code="invalid") from exc
    if not report.signatures:
        raise ValidationError(report.summary, code="unsigned")
    return report


class ValidarFirmaForm(forms.Form):
    fichero = forms.FileField(
        label=gettext_lazy("Documento firmado (PDF o XML)"),
        help_text=gettext_lazy("Se comprueba su contenido, no su extensión. El fichero no se "
                               "guarda: se valida y se descarta."))

    def clean_fichero(self):
        upload = self.cleaned_data["fichero"]
        self.report = validate_upload(upload)
        return upload


def _public_page(request: HttpRequest, context: dict, status: int) -> HttpResponse:
    return page(request, "sede/validar_firma.html", context, status=status)


def _backoffice_page(request: HttpRequest, context: dict, status: int) -> HttpResponse:
    return render(request, "sede/gestion/validar_firma.html", context, status=status)


def _validation(request: HttpRequest, show, *, limited: bool) -> HttpResponse:
    # CSRF is checked after this (csrf_protect), once the upload handlers are set: the
    # middleware's check would read the body first, spooling a large file to disk.
    if request.method == "POST":
        if limited and not request.user.is_authenticated and too_many(
                request, "sede-validar-firma", validation_rate(), RATE_WINDOW_SECONDS):
            return render(request, "429.html", {"seconds": RATE_WINDOW_SECONDS}, status=429)
        if body_too_large(request):
            return show(request, {"form": ValidarFirmaForm(), "too_large": too_large_message()},
                        413)
        keep_uploads_in_memory(request)
    return _validate_form(request, show)


@csrf_protect
def _validate_form(request: HttpRequest, show) -> HttpResponse:
    if request.method != "POST":
        return show(request, {"form": ValidarFirmaForm()}, 200)
    form = ValidarFirmaForm(request.POST, request.FILES)
    if not form.is_valid():
        return show(request, {"form": form},
                    413 if form.has_error("fichero", "too_large") else 400)
    upload = form.cleaned_data["fichero"]
    return show(request, {"form": ValidarFirmaForm(), "report": form.report.as_dict(),
                          "name": upload.name}, 200)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def validar_firma(request: HttpRequest) -> HttpResponse:
    """The sede's page, for anyone (anonymous visitors rate-limited)."""
    return _validation(request, _public_page, limited=True)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def validar_firma_gestion(request: HttpRequest) -> HttpResponse:
    """The same in the sede's back office (/gestion/sede/validar-firma/), for its clerks."""
    return _validation(request, _backoffice_page, limited=False)
