"""Cl@ve at the sede: start (a signed AuthnRequest, posted by the browser to Cl@ve), the
assertion consumer service and the SP metadata.

Start and ACS have a rate-limit bucket of their own (`sede-clave`, per address and entity),
not the identification pages': an oficina de asistencia en materia de registro identifies
many citizens from one address. A login costs two hits, the start and the ACS: Cl@ve's
cross-site post, sent back by the sede, and its repost from the sede's page are counted
once (the counted post gives the same response one repost without counting)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from provincial import audit
from provincial.ratelimit import rate_limit, too_many
from sede import conf, identificacion
from sede.clave import config, sp
from sede.identificacion import IdentificationError
from sede.views import page
from sede.views_ciudadano import _next_url, refused, required_level

logger = logging.getLogger(__name__)

REPOSTED = "reenviado"

RATE_SCOPE = "sede-clave"
RATE_LIMIT = 60  # hits per window and address: 30 logins (start + ACS) a minute
RATE_WINDOW = 60  # seconds
REPOST_SECONDS = 5 * 60  # how long the sent-back response may take to come again


def _repost_key(request: HttpRequest, saml_response: str) -> str:
    digest = hashlib.sha256(saml_response.encode()).hexdigest()
    return f"ratelimit:{RATE_SCOPE}:reenvio:{audit.client_ip(request)}:{digest}"


def _acs_limited(request: HttpRequest, *, sending_back: bool) -> bool:
    """Whether this post to the ACS is over the limit. The post that is sent back (no
    session cookie) counts and marks its response; the repost of that very response from
    the same address takes the mark and is not counted again. Any other post counts."""
    saml_response = request.POST.get("SAMLResponse", "")[:sp.MAX_RESPONSE_BYTES]
    key = _repost_key(request, saml_response) if saml_response else ""
    try:
        if key and not sending_back and request.POST.get(REPOSTED) and cache.delete(key):
            return False
    except Exception as exc:  # noqa: BLE001 - Redis down: too_many fails open as well
        logger.warning("sede.clave: repost mark not read: %s", exc)
    if too_many(request, RATE_SCOPE, RATE_LIMIT, RATE_WINDOW):
        return True
    if key and sending_back:
        try:
            cache.set(key, 1, timeout=REPOST_SECONDS)
        except Exception as exc:  # noqa: BLE001 - the repost is then counted
            logger.warning("sede.clave: repost mark not written: %s", exc)
    return False


def _backend() -> identificacion.IdentificationBackend:
    return identificacion.get_backend(conf.CLAVE_METHOD)  # 404 when not offered


@require_GET
@rate_limit(RATE_SCOPE, limit=RATE_LIMIT, seconds=RATE_WINDOW, methods=("GET",))
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
@never_cache
def acs(request: HttpRequest) -> HttpResponse:
    """The assertion consumer service. Cl@ve's page posts here from another site, so the
    browser does not send the sede's session cookie (SameSite=Lax): such a post is sent
    back here once from the sede's own page, which does carry it."""
    sending_back = (settings.SESSION_COOKIE_NAME not in request.COOKIES
                    and not request.POST.get(REPOSTED))
    if _acs_limited(request, sending_back=sending_back):
        return render(request, "429.html", {"seconds": RATE_WINDOW}, status=429)
    backend = _backend()
    if sending_back:
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
