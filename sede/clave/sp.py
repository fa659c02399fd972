"""The sede as a Cl@ve service provider: the signed AuthnRequest and the validation of
the response, down to the `Ciudadano` it identifies.

The outstanding requests live in the citizen's session (InResponseTo must name one of
them; each is consumed by its first response). The IDs of the responses and assertions
already used live in the cache (Redis), per entity, until they could no longer be valid
anyway: a response is accepted once.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, samlp
from saml2.client import Saml2Client
from saml2.response import (
    IncorrectlySigned,
    SignatureError,
    StatusError,
    UnsolicitedResponse,
    VerificationError,
)
from saml2.s_utils import UnknownPrincipal
from saml2.saml import AuthnContextClassRef
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SigverError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly

from sede import certificates, conf
from sede.clave import config
from sede.identificacion import Ciudadano, IdentificationError

logger = logging.getLogger(__name__)

SESSION_REQUESTS = "sede_clave_requests"
MAX_OUTSTANDING = 5
REQUEST_TTL = 15 * 60  # seconds a citizen has to finish at Cl@ve
REPLAY_MIN_TTL = 10 * 60
MAX_RESPONSE_BYTES = 512 * 1024
LEVELS = conf.CLAVE_LEVELS


class ClaveError(IdentificationError):
    """A refused response: the message is for the citizen, `reason` for the log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


def max_level(*levels: str) -> str:
    return max((lv for lv in levels if lv in LEVELS), key=level_rank, default=LEVELS[0])


def _client(request: HttpRequest) -> Saml2Client:
    return Saml2Client(config=config.sp_config(config.base_url(request)))


def _idp_entity_id(client: Saml2Client) -> str:
    wanted = conf.clave_idp_entity_id()
    idps = list(client.metadata.identity_providers())
    if wanted:
        if wanted not in idps:
            raise ClaveError(_("Cl@ve no está disponible en este momento."),
                             f"SEDE_CLAVE_IDP_ENTITY_ID {wanted} not in the IdP metadata")
        return wanted
    if len(idps) != 1:
        raise ClaveError(_("Cl@ve no está disponible en este momento."),
                         f"the IdP metadata holds {len(idps)} IdPs: set "
                         "SEDE_CLAVE_IDP_ENTITY_ID")
    return idps[0]


@dataclass(frozen=True)
class AuthnRequestForm:
    """What the autosubmitted form posts to the IdP."""

    id: str
    destination: str
    saml_request: str
    level: str


def start(request: HttpRequest, *, next_url: str, level: str) -> AuthnRequestForm:
    """A signed AuthnRequest asking at least `level`, kept as outstanding in the session."""
    client = _client(request)
    idp = _idp_entity_id(client)
    destination = client.metadata.single_sign_on_service(idp, BINDING_HTTP_POST)[0]["location"]
    authn_context = RequestedAuthnContext(
        authn_context_class_ref=[AuthnContextClassRef(text=config.LOA[level])],
        comparison="minimum")
    request_id, xml = client.create_authn_request(
        destination, binding=BINDING_HTTP_POST, sign=True,
        provider_name=conf.clave_provider_name() or request.tenant.name,
        requested_authn_context=authn_context,
        sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        digest_alg="http://www.w3.org/2001/04/xmlenc#sha256")
    outstanding = {k: v for k, v in _outstanding(request).items()}
    outstanding[request_id] = {"next": next_url, "level": level, "at": int(time.time())}
    # Only the latest few: a citizen who opened Cl@ve in several tabs may finish any.
    newest = sorted(outstanding.items(), key=lambda kv: kv[1]["at"])[-MAX_OUTSTANDING:]
    request.session[SESSION_REQUESTS] = dict(newest)
    return AuthnRequestForm(id=request_id, destination=destination,
                            saml_request=base64.b64encode(str(xml).encode()).decode(),
                            level=level)


def _outstanding(request: HttpRequest) -> dict[str, dict]:
    now = time.time()
    return {k: v for k, v in (request.session.get(SESSION_REQUESTS) or {}).items()
            if isinstance(v, dict) and now - v.get("at", 0) < REQUEST_TTL}


@dataclass(frozen=True)
class Result:
    ciudadano: Ciudadano
    next_url: str
    requested_level: str


def _refuse(reason: str, message: str) -> ClaveError:
    return ClaveError(message, reason)


GENERIC = _("La respuesta de Cl@ve no es válida. Vuelva a identificarse.")


def _replay_key(request: HttpRequest, kind: str, value: str) -> str:
    return f"sede:clave:usado:{request.tenant.schema_name}:{kind}:{value}"


def _ids(xml: str) -> tuple[str, list[str], str]:
    """The response's ID, its assertions' and its Destination (unverified: only used to
    refuse)."""
    try:
        message = samlp.response_from_string(xml)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a bad response
        raise _refuse(f"unparsable response: {exc}", GENERIC) from exc
    if message is None:
        raise _refuse("not a samlp:Response", GENERIC)
    return (message.id or "", [a.id for a in message.assertion if a.id],
            message.destination or "")


def consume(request: HttpRequest) -> Result:
    """Validate the posted SAMLResponse: its signature (the assertion must be signed),
    audience, time conditions, InResponseTo against the session's outstanding requests,
    that it has not been used before, and the level; then map it to a `Ciudadano`."""
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded or len(encoded) > MAX_RESPONSE_BYTES:
        raise _refuse("no SAMLResponse", _("No se ha recibido la respuesta de Cl@ve."))
    try:
        xml = base64.b64decode(encoded, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _refuse("SAMLResponse not base64 XML", GENERIC) from exc
    response_id, assertion_ids, destination = _ids(xml)
    if destination and destination != config.acs_url(config.base_url(request)):
        raise _refuse(f"Destination {destination} is not this sede's ACS", _(
            "La respuesta de Cl@ve está dirigida a otra sede electrónica y no puede "
            "aceptarse aquí."))
    ids = [("response", response_id)] * bool(response_id) + \
        [("assertion", a) for a in assertion_ids]
    if any(cache.get(_replay_key(request, kind, value)) for kind, value in ids):
        raise _refuse(f"replayed response {response_id}", _(
            "Esta respuesta de Cl@ve ya se ha utilizado. Vuelva a identificarse."))

    outstanding = _outstanding(request)
    client = _client(request)
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={k: v["next"] for k, v in
                                                     outstanding.items()})
    except UnsolicitedResponse as exc:
        raise _refuse(f"unknown InResponseTo: {exc}", _(
            "La respuesta de Cl@ve no corresponde a ninguna identificación iniciada en "
            "este navegador, o ha caducado. Vuelva a identificarse.")) from exc
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise _refuse(f"time conditions: {exc}", _(
            "La respuesta de Cl@ve ha caducado o aún no es válida. Vuelva a "
            "identificarse.")) from exc
    except (SignatureError, IncorrectlySigned, SigverError) as exc:
        if "missing" in str(exc).lower():
            raise _refuse(f"unsigned assertion: {exc}", _(
                "La respuesta de Cl@ve no viene firmada y no puede aceptarse.")) from exc
        raise _refuse(f"bad signature: {exc!r}", _(
            "La firma de la respuesta de Cl@ve no es válida; no puede aceptarse.")) from exc
    except (StatusError, UnknownPrincipal) as exc:
        raise _refuse(f"IdP status: {exc!r}", _(
            "Cl@ve no ha completado la identificación (se canceló o no fue posible). "
            "Puede intentarlo de nuevo.")) from exc
    except Exception as exc:  # noqa: BLE001 - pysaml2 raises bare Exception for some
        text = str(exc)
        if "AudienceRestriction" in text:
            raise _refuse(f"wrong audience: {text}", _(
                "La respuesta de Cl@ve está dirigida a otra sede electrónica y no puede "
                "aceptarse aquí.")) from exc
        if isinstance(exc, VerificationError):
            raise _refuse(f"verification: {text}", GENERIC) from exc
        logger.exception("sede.clave: unexpected error validating a response")
        raise _refuse(f"invalid response: {exc!r}", GENERIC) from exc
    if response is None:
        raise _refuse("response not verified (destination, issue instant or status)",
                      GENERIC)
    in_response_to = response.in_response_to
    pending = outstanding.get(in_response_to)
    if pending is None:  # allow_unsolicited is off, so pysaml2 already refused it
        raise _refuse("no outstanding request", GENERIC)
    # Consumed whatever happens next: the same request is not answered twice.
    remaining = {k: v for k, v in outstanding.items() if k != in_response_to}
    request.session[SESSION_REQUESTS] = remaining

    assertion = response.assertion
    if assertion is None:
        raise _refuse("no assertion", GENERIC)
    if assertion.signature is None:
        raise _refuse("unsigned assertion", _(
            "La respuesta de Cl@ve no viene firmada y no puede aceptarse."))
    _mark_used(request, ids + [("assertion", assertion.id)], assertion)

    level = _level(response)
    requested = pending.get("level", LEVELS[0])
    if level_rank(level) < level_rank(requested):
        raise _refuse(f"level {level} below the requested {requested}", _(
            "Se ha identificado con un nivel de seguridad %(nivel)s, pero este trámite "
            "exige al menos el nivel %(exigido)s. Identifíquese con un sistema de mayor "
            "seguridad (Cl@ve permanente, certificado o DNIe).") % {
            "nivel": level, "exigido": requested})
    ciudadano = _ciudadano(_attributes(assertion), level)
    return Result(ciudadano=ciudadano, next_url=pending.get("next", ""),
                  requested_level=requested)


def _mark_used(request: HttpRequest, ids: list[tuple[str, str]], assertion) -> None:
    ttl = REPLAY_MIN_TTL
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        ends = calendar.timegm(str_to_time(conditions.not_on_or_after))
        ttl = max(ttl, int(ends - time.time()) + conf.clave_clock_skew() + 60)
    for kind, value in dict.fromkeys(ids):
        if value and not cache.add(_replay_key(request, kind, value), 1, timeout=ttl):
            raise _refuse(f"replayed {kind} {value} (race)", _(
                "Esta respuesta de Cl@ve ya se ha utilizado. Vuelva a identificarse."))


def _level(response) -> str:
    refs = [info[0] for info in response.authn_info()]
    levels = [config.LEVEL_OF_LOA[r] for r in refs if r in config.LEVEL_OF_LOA]
    if not levels:
        raise _refuse(f"unknown level of assurance {refs}", GENERIC)
    return levels[0]


def _attributes(assertion) -> dict[str, str]:
    values: dict[str, str] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            texts = [v.text for v in attribute.attribute_value if v.text]
            if texts and attribute.name not in values:
                values[attribute.name] = " ".join(texts[0].split())
    return values


def _ciudadano(attributes: dict[str, str], level: str) -> Ciudadano:
    """PersonIdentifier `ES/ES/12345678Z` → documento; CurrentGivenName → nombre;
    FirstSurname (Cl@ve's) → apellido1 and the rest of CurrentFamilyName → apellido2
    (without FirstSurname the family name goes whole into apellido1)."""
    identifier = attributes.get(config.PERSON_IDENTIFIER, "")
    parts = identifier.split("/")
    if len(parts) != 3 or parts[0] != "ES" or parts[1] != "ES":
        raise _refuse(f"PersonIdentifier {identifier!r} not Spanish", _(
            "Cl@ve no ha facilitado un DNI o NIE español; la sede solo puede identificar "
            "a personas con DNI o NIE."))
    documento = certificates.valid_documento(parts[2])
    if documento is None:
        raise _refuse(f"PersonIdentifier {identifier!r}: invalid DNI/NIE", _(
            "El DNI o NIE recibido de Cl@ve no es válido."))
    nombre = attributes.get(config.GIVEN_NAME, "")
    family = attributes.get(config.FAMILY_NAME, "")
    first = attributes.get(config.FIRST_SURNAME, "")
    if not nombre or not (family or first):
        raise _refuse("names missing", _("Cl@ve no ha facilitado su nombre y apellidos."))
    if first and family.upper().startswith(first.upper()):
        apellido1, apellido2 = first, family[len(first):].strip()
    else:
        apellido1, apellido2 = first or family, ""
    return Ciudadano(documento=documento, nombre=nombre[:80], apellido1=apellido1[:80],
                     apellido2=apellido2[:80], method=conf.CLAVE_METHOD, level=level)
