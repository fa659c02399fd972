"""Cl@ve at the sede: start (a signed AuthnRequest, posted by the browser to Cl@ve), the
assertion consumer service and the SP metadata."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from provincial import audit
from provincial.ratelimit import rate_limit
from sede import conf, identificacion
from sede.clave import config, sp
from sede.identificacion import IdentificationError
from sede.views import page
from sede.views_ciudadano import _next_url, refused, required_level

logger = logging.getLogger(__name__)

REPOSTED = "reenviado"


def _backend() -> identificacion.IdentificationBackend:
    return identificacion.get_backend(conf.CLAVE_METHOD)  # 404 when not offered


@require_GET
@rate_limit("sede-identificacion", limit=20, seconds=60, methods=("GET", "POST"))
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to Cl@ve with a signed AuthnRequest asking at least the level
    of the setting and of the procedure in `next`."""
    backend = _backend()
    next_url = _next_url(request)
    level = sp.max_level(conf.clave_level(), required_level(next_url))
    try:
        form = sp.start(request, next_url=next_url, level=level)
    except sp.ClaveError as exc:
        logger.error("sede.clave: cannot start: %s", exc.reason)
        return refused(request, backend, str(exc), next_url=next_url)
    return page(request, "sede/clave/enviar.html", {"form": form,
                                                    "level": identificacion.LEVEL_LABELS[level]})


@csrf_exempt  # posted by Cl@ve's pages (another site); the SAML signature stands instead
@require_POST
@rate_limit("sede-identificacion", limit=20, seconds=60, methods=("GET", "POST"))
@never_cache
def acs(request: HttpRequest) -> HttpResponse:
    """The assertion consumer service. Cl@ve's page posts here from another site, so the
    browser does not send the sede's session cookie (SameSite=Lax): such a post is sent
    back here once from the sede's own page, which does carry it."""
    backend = _backend()
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.POST.get(REPOSTED):
        return page(request, "sede/clave/reenviar.html", {
            "saml_response": request.POST.get("SAMLResponse", "")[:sp.MAX_RESPONSE_BYTES],
            "relay_state": request.POST.get("RelayState", "")[:200], "reposted": REPOSTED})
    try:
        ciudadano = backend.identify(request)
    except IdentificationError as exc:
        reason = getattr(exc, "reason", str(exc))
        logger.warning("sede.clave: response refused at %s: %s",
                       request.tenant.schema_name, reason)
        audit.record("sede.ciudadano.identificacion_rechazada", entity=request.tenant,
                     detail={"method": backend.code, "reason": reason[:500]})
        return refused(request, backend, identificacion.describe_error(exc),
                       next_url=_next_url(request))
    identificacion.start_session(request, ciudadano)
    next_url = getattr(request, "clave_next", "")
    if not next_url or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = _next_url(request)
    return redirect(next_url)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """This sede's SP metadata (entityID, ACS, signing and encryption certificate)."""
    _backend()
    try:
        xml = config.metadata_xml(config.base_url(request))
    except Exception:  # noqa: BLE001 - a misconfiguration must not give a 500 page
        logger.exception("sede.clave: cannot build the SP metadata")
        return HttpResponse(_("Cl@ve no está disponible en este momento."), status=503,
                            content_type="text/plain; charset=utf-8")
    return HttpResponse(xml, content_type="application/samlmetadata+xml")
