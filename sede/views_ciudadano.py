"""The citizen's pages: identification, instancia general and procedure forms, and the
carpeta ciudadana (own submissions, justificantes, padrón data and volante)."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from provincial import audit
from provincial.documents.services import SigningFailed
from provincial.documents.views import shows_signing_failure
from provincial.ratelimit import rate_limit, too_many
from registro import services as registro
from sede import access, actions, conf, identificacion
from sede.forms import DevelopmentIdentificationForm, InstanciaForm
from sede.identificacion import IdentificationError, ciudadano_required
from sede.models import Presentacion, Procedimiento
from sede.views import _document_response, page

logger = logging.getLogger(__name__)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={
            request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("sede:carpeta")


# --- identification ---------------------------------------------------------------------


@require_GET
def identificacion_view(request: HttpRequest) -> HttpResponse:
    """The methods offered. When `next` is a procedure that requires a level, the methods
    below it are shown disabled (last), and one notice says what is required and, when
    the citizen is identified below it, with what level they are."""
    next_url = _next_url(request)
    procedimiento = procedure_at(next_url)
    nivel = procedimiento.nivel_minimo if procedimiento else identificacion.LEVELS[0]
    backends = sorted(identificacion.enabled_backends(),
                      key=lambda b: not identificacion.meets(b.level, nivel))
    insuficientes = {b.code for b in backends if not identificacion.meets(b.level, nivel)}
    forms = {b.code: DevelopmentIdentificationForm() for b in backends
             if b.interactive and b.code not in insuficientes}
    ciudadano = identificacion.current(request)
    suficiente = ciudadano is not None and identificacion.meets(ciudadano.level, nivel)
    labels = identificacion.LEVEL_LABELS
    return page(request, "sede/identificacion.html", {
        "backends": [(b, forms.get(b.code)) for b in backends],
        "insuficientes": insuficientes,
        "next": next_url, "ciudadano": ciudadano,
        "procedimiento": procedimiento if nivel != identificacion.LEVELS[0] else None,
        "nivel_exigido": labels[nivel] if nivel != identificacion.LEVELS[0] else "",
        "nivel_actual": labels.get(ciudadano.level, ciudadano.level)
        if ciudadano is not None and not suficiente else "",
        "suficiente": suficiente})


@require_http_methods(["GET", "POST"])
@rate_limit("sede-identificacion", limit=20, seconds=60, methods=("GET", "POST"))
@never_cache
def identificar(request: HttpRequest, method: str) -> HttpResponse:
    """Run one method. The certificate is read on GET (the proxy asks the browser for
    it on this path); an interactive method posts its form."""
    backend = identificacion.get_backend(method)
    if backend.interactive and request.method != "POST":
        return redirect("sede:identificacion")
    error = ""
    try:
        ciudadano = backend.identify(request)
    except IdentificationError as exc:
        ciudadano, error = None, identificacion.describe_error(exc)
    if ciudadano is None:
        error = error or _("No se ha recibido ningún certificado. Compruebe que está "
                           "instalado en su navegador y elíjalo cuando se le pida.")
        return refused(request, backend, error)
    identificacion.start_session(request, ciudadano)
    return redirect(_next_url(request))


def refused(request: HttpRequest, backend: identificacion.IdentificationBackend, error: str,
            *, next_url: str | None = None) -> HttpResponse:
    """The identification page again, with why `backend` could not identify (403)."""
    backends = identificacion.enabled_backends()
    form = DevelopmentIdentificationForm(request.POST) if backend.interactive else None
    return page(request, "sede/identificacion.html", {
        "backends": [(b, form if b.code == backend.code else
                      (DevelopmentIdentificationForm() if b.interactive else None))
                     for b in backends],
        "next": next_url or _next_url(request), "error": error,
        "failed_method": backend.code}, status=403)


# --- level of assurance -----------------------------------------------------------------


def procedure_at(url: str) -> Procedimiento | None:
    """The procedure of the page at `url` (a procedure, its form or a draft to confirm)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name in ("sede:procedimiento", "sede:procedimiento_solicitar"):
        return Procedimiento.objects.filter(code=match.kwargs.get("code")).first()
    if match.view_name == "sede:confirmar":
        draft = Presentacion.objects.select_related("procedimiento").filter(
            key=match.kwargs.get("key")).first()
        return draft.procedimiento if draft else None
    return None


def required_level(url: str) -> str:
    """The level the page at `url` (a procedure, its form or a draft to confirm) needs:
    the procedure's nivel_minimo; bajo for everything else."""
    procedimiento = procedure_at(url)
    return procedimiento.nivel_minimo if procedimiento else identificacion.LEVELS[0]


def _below_level(request: HttpRequest, procedimiento: Procedimiento | None) -> HttpResponse | None:
    """Back to identification when the session's level is below what the procedure
    requires (that page says what is required and with what level the citizen came);
    None when it is enough."""
    if procedimiento is None or identificacion.meets(request.ciudadano.level,
                                                     procedimiento.nivel_minimo):
        return None
    return redirect(f"{reverse('sede:identificacion')}?"
                    f"{urlencode({'next': request.get_full_path()})}")


@require_POST
def salir(request: HttpRequest) -> HttpResponse:
    identificacion.end_session(request)
    messages.info(request, _("Ha cerrado su sesión en la sede."))
    return redirect("sede:home")


# --- submissions ------------------------------------------------------------------------


def _submissions_limited(request: HttpRequest) -> bool:
    """Filling (a draft with up to several MB of attachments) and confirming (an asiento
    and an e-mail to the address typed) are limited per IP, as identification is."""
    return too_many(request, "sede-presentacion", conf.submit_rate(),
                    conf.SUBMIT_WINDOW_SECONDS)


def _too_many_submissions(request: HttpRequest) -> HttpResponse:
    return page(request, "429.html", {"seconds": conf.SUBMIT_WINDOW_SECONDS}, status=429)


@require_http_methods(["GET", "POST"])
@ciudadano_required
def instancia(request: HttpRequest, code: str | None = None) -> HttpResponse:
    procedimiento = access.get_procedimiento(code) if code else None
    if (below := _below_level(request, procedimiento)) is not None:
        return below
    if request.method == "POST" and _submissions_limited(request):
        return _too_many_submissions(request)
    if request.method == "POST":
        form = InstanciaForm(request.POST, request.FILES, procedimiento=procedimiento)
        if form.is_valid():
            presentacion = actions.preparar(request.ciudadano, form,
                                            procedimiento=procedimiento)
            return redirect("sede:confirmar", key=presentacion.key)
    else:
        form = InstanciaForm(procedimiento=procedimiento)
    return page(request, "sede/instancia.html", {
        "form": form, "procedimiento": procedimiento, "ciudadano": request.ciudadano})


@require_http_methods(["GET", "POST"])
@ciudadano_required
def confirmar(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    presentacion = actions.get_presentacion(request.ciudadano, key)
    if presentacion.asiento_id:
        return redirect("sede:presentacion", pk=presentacion.asiento_id)
    if (below := _below_level(request, presentacion.procedimiento)) is not None:
        return below
    error, status = "", 200
    if request.method == "POST" and _submissions_limited(request):
        return _too_many_submissions(request)
    if request.method == "POST":
        try:
            presentacion = actions.presentar(presentacion, request.ciudadano)
        except registro.RegistroError as exc:
            # What the citizen sent, not the service, is refused (the form already asked
            # the registro's rules, so only a draft older than them gets here).
            error, status = str(exc), 400
        except DatabaseError:
            logger.exception("sede: submission %s not registered", presentacion.pk)
            error, status = _("No se ha registrado su solicitud por un problema técnico; no "
                              "se ha guardado nada. Inténtelo de nuevo dentro de unos "
                              "minutos."), 503
        else:
            messages.success(request, _("Su solicitud ha quedado registrada con el número "
                                        "%(numero)s.") % {"numero": presentacion.numero_registro})
            return redirect("sede:presentacion", pk=presentacion.asiento_id)
    return page(request, "sede/confirmar.html", {
        "presentacion": presentacion, "anexos": list(presentacion.anexos.defer("contenido")),
        "ciudadano": request.ciudadano, "error": error}, status=status)


# --- carpeta ciudadana ------------------------------------------------------------------


@require_GET
@ciudadano_required
def carpeta(request: HttpRequest) -> HttpResponse:
    ciudadano = request.ciudadano
    results = Paginator(access.asientos_of(ciudadano), 20).get_page(request.GET.get("page"))
    habitante = access.get_habitante_of(ciudadano) if _has_padron(request) else None
    address = access.current_address(habitante) if habitante else ""
    audit.record("sede.carpeta.consulta", entity=request.tenant, subject=ciudadano.documento)
    return page(request, "sede/carpeta.html", {
        "ciudadano": ciudadano, "page": results, "habitante": habitante, "address": address,
        "has_padron": _has_padron(request),
        "has_expedientes": _has_application(request, "expedientes"),
        "volantes": access.volantes_of(ciudadano)[:5]})


def _has_padron(request: HttpRequest) -> bool:
    return _has_application(request, "padron")


def _has_application(request: HttpRequest, application: str) -> bool:
    from tenants.access import adhered_applications

    return application in adhered_applications(request)


@require_GET
@ciudadano_required
def presentacion(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = access.get_asiento_for(request.ciudadano, pk)
    return page(request, "sede/presentacion.html", {
        "asiento": asiento, "ciudadano": request.ciudadano,
        "presentacion": Presentacion.objects.filter(asiento_id=asiento.pk).first(),
        "interesados": list(asiento.interesados.all()), "anexos": list(asiento.anexos.all())})


@require_GET
@ciudadano_required
@shows_signing_failure
def justificante(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = access.get_asiento_for(request.ciudadano, pk)
    document = registro.justificante(asiento)
    audit.record("sede.justificante.descarga", entity=request.tenant, obj=document,
                 subject=request.ciudadano.documento)
    return _document_response(document, inline=False)


@require_POST
@ciudadano_required
def volante(request: HttpRequest) -> HttpResponse:
    """Issue the citizen's own volante de empadronamiento on the spot."""
    from padron import documents as padron_documents

    if not _has_padron(request):
        raise Http404
    habitante = access.get_habitante_of(request.ciudadano)
    if habitante is None:
        messages.error(request, _("No figura inscrito/a en el padrón de este municipio con "
                                  "su documento."))
        return redirect("sede:carpeta")
    try:
        document = padron_documents.volante_individual(habitante, acting_user=None)
    except (ValidationError, SigningFailed) as exc:
        reason = " ".join(exc.messages)
        if exc.code == "blocked" or getattr(exc, "error_list", [exc])[0].code == "blocked":
            reason = _("Su inscripción tiene incidencias pendientes de resolver con el "
                       "Instituto Nacional de Estadística; mientras tanto no puede expedirse "
                       "el volante. Diríjase a la oficina del padrón del ayuntamiento.")
        messages.error(request, reason)
        return redirect("sede:carpeta")
    return redirect("sede:volante_descarga", pk=document.pk)


@require_GET
@ciudadano_required
def volante_descarga(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_volante_for(request.ciudadano, pk)
    audit.record("sede.volante.descarga", entity=request.tenant, obj=document,
                 subject=request.ciudadano.documento)
    return _document_response(document, inline=False)
