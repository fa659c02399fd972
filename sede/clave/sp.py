"""The sede as a Cl@ve service provider: the signed AuthnRequest and the validation of
the response, down to the `Ciudadano` it identifies.

The outstanding requests live in the citizen's session (InResponseTo must name one of
them; each is consumed by its first response). The IDs of the responses and assertions
already used live in the cache (Redis), per entity, until they could no longer be valid
anyway: a response is accepted once.

pysaml2 verifies the signatures, but it does not hold the response to all that SAML's Web
Browser SSO profile requires (with `want_response_signed` off the Response around the
signed assertion is the IdP's word only). So, before pysaml2 or xmlsec1 read anything,
the XML is refused if it has a DOCTYPE, duplicate IDs, an assertion anywhere but
directly in the Response (Advice, Extensions…), more than one, or a signature anywhere
but on the Response and on the assertion; and after pysaml2 has verified it, the very
assertion whose attributes are read must carry Conditions in time, an AudienceRestriction
naming this SP, a bearer SubjectConfirmation for this session's request, this ACS and
still in time, and the configured IdP as its Issuer, as the Response must too, addressed
(Destination) to this ACS. Every signature (on the Response, on the assertion, also once
decrypted) must use an algorithm of the allow-lists of `config` (SHA-256 or stronger:
never SHA-1). Each refusal has its own `code` (audited, with the details)
and a message for the citizen.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import logging
import time
import xml.etree.ElementTree as ET  # noqa: N817 - the Element type and ParseError only
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException, DTDForbidden
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.response import (
    IncorrectlySigned,
    SignatureError,
    StatusError,
    UnsolicitedResponse,
    VerificationError,
)
from saml2.s_utils import UnknownPrincipal
from saml2.saml import NAMEID_FORMAT_ENTITY, SCM_BEARER, AuthnContextClassRef
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
    """A refused response: the message is for the citizen, `reason` (`<code>: <details>`,
    audited) for the log."""

    def __init__(self, message: str, reason: str, code: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.code = code or reason.split(":", 1)[0]


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
                             f"idp_unavailable: SEDE_CLAVE_IDP_ENTITY_ID {wanted} not in "
                             "the IdP metadata")
        return wanted
    if len(idps) != 1:
        raise ClaveError(_("Cl@ve no está disponible en este momento."),
                         f"idp_unavailable: the IdP metadata holds {len(idps)} IdPs: set "
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
        sign_alg=config.SIGNING_ALGORITHM, digest_alg=config.DIGEST_ALGORITHM)
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


def _refuse(code: str, detail: str, message: str) -> ClaveError:
    return ClaveError(message, f"{code}: {detail}" if detail else code, code)


GENERIC = _("La respuesta de Cl@ve no es válida. Vuelva a identificarse.")


def _not_for_this_sede() -> str:
    return _("La respuesta de Cl@ve está dirigida a otra sede electrónica y no puede "
             "aceptarse aquí.")


def _replay_key(request: HttpRequest, kind: str, value: str) -> str:
    return f"sede:clave:usado:{request.tenant.schema_name}:{kind}:{value}"


# --- the XML's shape, before pysaml2 (or xmlsec1) reads it --------------------------------

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
SAML = "{urn:oasis:names:tc:SAML:2.0:assertion}"
DSIG = "{http://www.w3.org/2000/09/xmldsig#}"
RESPONSE_TAG = SAMLP + "Response"
ASSERTION_TAG = SAML + "Assertion"
ENCRYPTED_TAG = SAML + "EncryptedAssertion"
SIGNATURE_TAG = DSIG + "Signature"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"


@dataclass(frozen=True)
class Shape:
    """What the (unverified) XML says, once its shape is accepted: used to refuse, never
    to accept."""

    response_id: str
    in_response_to: str
    destination: str
    success: bool
    assertion_id: str = ""  # the one Assertion (plain or, once decrypted, encrypted)
    encrypted: bool = False
    assertion_ids: list[str] = field(default_factory=list)


def _parse(xml: str) -> ET.Element:
    """The XML as a tree; no DOCTYPE (so no entities), nothing but a samlp:Response."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DTDForbidden as exc:
        raise _refuse("doctype", f"the response has a DOCTYPE ({exc})", GENERIC) from exc
    except DefusedXmlException as exc:
        raise _refuse("doctype", f"entities or external references: {exc}",
                      GENERIC) from exc
    except (ET.ParseError, ValueError) as exc:
        raise _refuse("unparsable", f"{exc}", GENERIC) from exc
    if root.tag != RESPONSE_TAG:
        raise _refuse("not_a_response", f"root element {root.tag[:100]}", GENERIC)
    return root


def _shape(root: ET.Element, *, decrypted: bool = False) -> Shape:
    """Refuse what no honest Cl@ve response has: duplicate IDs, an assertion (plain or
    encrypted) anywhere but directly in the Response, more than one, an EncryptedAssertion
    when they are not accepted, a signature anywhere but on the Response and on its
    assertion. `decrypted`: the document pysaml2 decrypted, whose Assertion sits in the
    EncryptedAssertion."""
    parents = {child: parent for parent in root.iter() for child in parent}
    seen: set[str] = set()
    for element in root.iter():
        value = element.get("ID")
        if value is None:
            continue
        if value in seen:
            raise _refuse("duplicate_id", f"the ID {value[:100]} appears more than once",
                          GENERIC)
        seen.add(value)

    top = [c for c in root if c.tag in (ASSERTION_TAG, ENCRYPTED_TAG)]
    assertions = list(root.iter(ASSERTION_TAG))
    encrypted = list(root.iter(ENCRYPTED_TAG))
    for element in encrypted:
        if parents.get(element) is not root:
            raise _refuse("nested_assertion", "an EncryptedAssertion inside "
                          f"{parents[element].tag}", GENERIC)
    for element in assertions:
        parent = parents.get(element)
        if parent is root or (decrypted and parent in encrypted):
            continue
        raise _refuse("nested_assertion", f"an Assertion inside {parent.tag} (Advice, "
                      "Extensions…): only one, directly in the Response, is accepted",
                      GENERIC)
    if encrypted and not config.ENCRYPTED_ASSERTIONS:
        raise _refuse("encrypted_assertion", "an EncryptedAssertion, and encrypted "
                      "assertions are not configured", GENERIC)

    status = root.find(f"{SAMLP}Status/{SAMLP}StatusCode")
    success = status is not None and status.get("Value") == SUCCESS
    if success and (len(top) != 1 or (decrypted and len(assertions) != 1)):
        raise _refuse("assertion_count", f"{len(assertions)} Assertion and "
                      f"{len(encrypted)} EncryptedAssertion: exactly one is accepted",
                      GENERIC)
    signed = {root, *assertions}
    for signature in root.iter(SIGNATURE_TAG):
        if parents.get(signature) not in signed:
            raise _refuse("unexpected_signature", "a Signature inside "
                          f"{parents[signature].tag}", GENERIC)
        _check_algorithms(signature, "Response" if parents[signature] is root
                          else "Assertion")
    return Shape(response_id=root.get("ID") or "",
                 in_response_to=root.get("InResponseTo") or "",
                 destination=root.get("Destination") or "", success=success,
                 assertion_id=(assertions[0].get("ID") or "") if assertions else "",
                 encrypted=bool(encrypted),
                 assertion_ids=[a.get("ID") for a in assertions if a.get("ID")])


def _check_algorithms(signature: ET.Element, signed: str) -> None:
    """Refuse a signature whose SignatureMethod or any DigestMethod is outside the
    allow-lists (SHA-1 and older above all, which xmlsec1 still verifies): before
    xmlsec1 is asked to verify it, and again on the decrypted assertion."""
    signed_info = signature.findall(f"{DSIG}SignedInfo")
    methods = [m.get("Algorithm") or "" for info in signed_info
               for m in info.findall(f"{DSIG}SignatureMethod")]
    references = [r for info in signed_info for r in info.findall(f"{DSIG}Reference")]
    digests = [d.get("Algorithm") or "" for r in references
               for d in r.findall(f"{DSIG}DigestMethod")]
    if len(signed_info) != 1 or len(methods) != 1 or not references or \
            len(digests) != len(references):
        raise _refuse("weak_algorithm", f"the {signed} signature's SignedInfo does not name "
                      "one SignatureMethod and a DigestMethod per Reference", GENERIC)
    if methods[0] not in config.SIGNATURE_ALGORITHMS:
        raise _refuse("weak_algorithm", f"the {signed} signature's SignatureMethod "
                      f"{methods[0][:100]} is not allowed", GENERIC)
    for digest in digests:
        if digest not in config.DIGEST_ALGORITHMS:
            raise _refuse("weak_algorithm", f"the {signed} signature's DigestMethod "
                          f"{digest[:100]} is not allowed", GENERIC)


# --- the response ------------------------------------------------------------------------


def consume(request: HttpRequest) -> Result:
    """Validate the posted SAMLResponse (its shape, signatures, issuers, destination,
    audience, time conditions, subject confirmation for this session's request, that it
    has not been used before, and the level) and map it to a `Ciudadano`."""
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded or len(encoded) > MAX_RESPONSE_BYTES:
        raise _refuse("no_response", "no SAMLResponse or too large",
                      _("No se ha recibido la respuesta de Cl@ve."))
    try:
        xml = base64.b64decode(encoded, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _refuse("not_base64", "SAMLResponse not base64 UTF-8 XML", GENERIC) from exc
    shape = _shape(_parse(xml))
    acs = config.acs_url(config.base_url(request))
    if not shape.destination:
        raise _refuse("destination_missing", "the Response has no Destination", GENERIC)
    if shape.destination != acs:
        raise _refuse("destination_mismatch", f"Destination {shape.destination[:200]} is "
                      f"not this sede's ACS {acs}", _not_for_this_sede())
    ids = [("response", shape.response_id)] * bool(shape.response_id) + \
        [("assertion", a) for a in shape.assertion_ids]
    if any(cache.get(_replay_key(request, kind, value)) for kind, value in ids):
        raise _refuse("replayed", f"response {shape.response_id} already used", _(
            "Esta respuesta de Cl@ve ya se ha utilizado. Vuelva a identificarse."))

    outstanding = _outstanding(request)
    client = _client(request)
    idp = _idp_entity_id(client)
    response = _verified(client, encoded, outstanding, shape)
    in_response_to = response.in_response_to
    pending = outstanding.get(in_response_to)
    if pending is None:  # allow_unsolicited is off, so pysaml2 already refused it
        raise _refuse("no_outstanding_request", f"InResponseTo {in_response_to}", GENERIC)
    # Consumed whatever happens next: the same request is not answered twice.
    remaining = {k: v for k, v in outstanding.items() if k != in_response_to}
    request.session[SESSION_REQUESTS] = remaining

    assertion = _the_assertion(response, shape)
    _check_response(response.response, idp=idp, acs=acs, request_id=in_response_to)
    _check_assertion(assertion, idp=idp, acs=acs, request_id=in_response_to,
                     entity_id=config.entity_id(config.base_url(request)))
    _mark_used(request, ids + [("assertion", assertion.id)], assertion)

    level = _level(assertion)
    requested = pending.get("level", LEVELS[0])
    if level_rank(level) < level_rank(requested):
        raise _refuse("level_below_requested", f"level {level} below the requested "
                      f"{requested}", _(
                          "Se ha identificado con un nivel de seguridad %(nivel)s, pero "
                          "este trámite exige al menos el nivel %(exigido)s. Identifíquese "
                          "con un sistema de mayor seguridad (Cl@ve permanente, "
                          "certificado o DNIe).") % {"nivel": level, "exigido": requested})
    ciudadano = _ciudadano(_attributes(assertion), level)
    return Result(ciudadano=ciudadano, next_url=pending.get("next", ""),
                  requested_level=requested)


def _verified(client: Saml2Client, encoded: str, outstanding: dict[str, dict],
              shape: Shape):
    """pysaml2's parse and verification (signatures, status, its own checks), its errors
    told apart."""
    try:
        response = client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding={k: v["next"] for k, v in
                                                     outstanding.items()})
    except UnsolicitedResponse as exc:
        if shape.in_response_to in outstanding:
            # The Response answers this session's request, but its assertion answers
            # another (a captured assertion in a Response made up around it).
            raise _refuse("subject_confirmation_in_response_to", f"{exc}: the assertion's "
                          "SubjectConfirmationData answers another request",
                          GENERIC) from exc
        raise _refuse("unknown_in_response_to", f"{exc}", _(
            "La respuesta de Cl@ve no corresponde a ninguna identificación iniciada en "
            "este navegador, o ha caducado. Vuelva a identificarse.")) from exc
    except (ResponseLifetimeExceed, ToEarly) as exc:
        raise _refuse("time_conditions", f"{exc}", _expired()) from exc
    except (SignatureError, IncorrectlySigned, SigverError) as exc:
        if "missing" in str(exc).lower():
            raise _refuse("unsigned_assertion", f"{exc}", _unsigned()) from exc
        raise _refuse("bad_signature", f"{exc!r}", _(
            "La firma de la respuesta de Cl@ve no es válida; no puede aceptarse.")) from exc
    except (StatusError, UnknownPrincipal) as exc:
        raise _refuse("idp_status", f"{exc!r}", _(
            "Cl@ve no ha completado la identificación (se canceló o no fue posible). "
            "Puede intentarlo de nuevo.")) from exc
    except Exception as exc:  # noqa: BLE001 - pysaml2 raises bare Exception for some
        text = str(exc)
        if "AudienceRestriction" in text:
            raise _refuse("audience_mismatch", text, _not_for_this_sede()) from exc
        if isinstance(exc, VerificationError):
            raise _refuse("verification", text, GENERIC) from exc
        logger.exception("sede.clave: unexpected error validating a response")
        raise _refuse("invalid_response", f"{exc!r}", GENERIC) from exc
    if response is None:
        raise _refuse("not_verified", "pysaml2 did not verify the response (destination, "
                      "issue instant or status)", GENERIC)
    return response


def _expired() -> str:
    return _("La respuesta de Cl@ve ha caducado o aún no es válida. Vuelva a identificarse.")


def _unsigned() -> str:
    return _("La respuesta de Cl@ve no viene firmada y no puede aceptarse.")


def _the_assertion(response, shape: Shape):
    """The one assertion pysaml2 verified, which must be the one element the XML holds
    (the same ID, signed over that ID): its attributes are the only ones read."""
    if shape.encrypted:
        # Its shape is only known once decrypted: pysaml2 keeps that document.
        shape = _shape(_parse(response.xmlstr), decrypted=True)
    assertions = list(response.assertions)
    assertion = response.assertion
    if len(assertions) != 1 or assertion is None or assertion is not assertions[0]:
        raise _refuse("assertion_count", f"pysaml2 holds {len(assertions)} assertions",
                      GENERIC)
    if not assertion.id or assertion.id != shape.assertion_id:
        raise _refuse("assertion_mismatch", f"the verified assertion {assertion.id} is not "
                      f"the document's {shape.assertion_id}", GENERIC)
    signature = assertion.signature
    references = signature.signed_info.reference if signature is not None else []
    if signature is None:
        raise _refuse("unsigned_assertion", "the assertion has no Signature", _unsigned())
    if len(references) != 1 or references[0].uri != f"#{assertion.id}":
        raise _refuse("assertion_mismatch", "the assertion's signature does not cover it",
                      GENERIC)
    return assertion


def _issuer_ok(issuer, idp: str) -> bool:
    return (issuer is not None and (issuer.text or "").strip() == idp
            and issuer.format in (None, "", NAMEID_FORMAT_ENTITY))


def _check_response(message, *, idp: str, acs: str, request_id: str) -> None:
    """The samlp:Response pysaml2 parsed (the same checks as on the raw XML, once more on
    what was verified)."""
    if not _issuer_ok(message.issuer, idp):
        found = message.issuer.text if message.issuer is not None else None
        raise _refuse("response_issuer_mismatch", f"Response Issuer {found!r} is not the "
                      f"configured IdP {idp}", GENERIC)
    if message.destination != acs:
        raise _refuse("destination_mismatch", f"Destination {message.destination!r}",
                      _not_for_this_sede())
    if message.in_response_to != request_id:
        raise _refuse("unknown_in_response_to", f"InResponseTo {message.in_response_to!r}",
                      GENERIC)


def _instant(value: str | None, what: str) -> float:
    try:
        return calendar.timegm(str_to_time(value))
    except Exception as exc:  # noqa: BLE001 - any malformed date is refused
        raise _refuse("bad_time", f"{what} {value!r} is not a SAML dateTime",
                      GENERIC) from exc


def _check_assertion(assertion, *, idp: str, acs: str, request_id: str,
                     entity_id: str) -> None:
    """What the Web Browser SSO profile requires of the assertion, independently of
    pysaml2 (which lets an assertion without Conditions, AudienceRestriction, Recipient
    or with another issuer through)."""
    now = time.time()
    skew = conf.clave_clock_skew()
    if not _issuer_ok(assertion.issuer, idp):
        found = assertion.issuer.text if assertion.issuer is not None else None
        raise _refuse("assertion_issuer_mismatch", f"Assertion Issuer {found!r} is not the "
                      f"configured IdP {idp}", GENERIC)

    conditions = assertion.conditions
    if conditions is None:
        raise _refuse("conditions_missing", "the assertion has no Conditions", GENERIC)
    if not conditions.not_on_or_after:
        raise _refuse("conditions_no_expiry", "Conditions without NotOnOrAfter", GENERIC)
    if now >= _instant(conditions.not_on_or_after, "NotOnOrAfter") + skew:
        raise _refuse("conditions_expired", f"NotOnOrAfter {conditions.not_on_or_after}",
                      _expired())
    if conditions.not_before and now < _instant(conditions.not_before, "NotBefore") - skew:
        raise _refuse("conditions_not_yet_valid", f"NotBefore {conditions.not_before}",
                      _expired())
    restrictions = conditions.audience_restriction or []
    if not restrictions:
        raise _refuse("audience_missing", "Conditions without AudienceRestriction", GENERIC)
    for restriction in restrictions:  # every restriction must name this SP
        audiences = [(a.text or "").strip() for a in restriction.audience or []]
        if entity_id not in audiences:
            raise _refuse("audience_mismatch", f"AudienceRestriction {audiences[:5]} does "
                          f"not name {entity_id}", _not_for_this_sede())

    subject = assertion.subject
    confirmations = [c for c in (subject.subject_confirmation if subject else [])
                     if c.method == SCM_BEARER and c.subject_confirmation_data is not None]
    if not confirmations:
        raise _refuse("subject_confirmation_missing", "no bearer SubjectConfirmation with "
                      "SubjectConfirmationData", GENERIC)
    problems = []
    for confirmation in confirmations:
        data = confirmation.subject_confirmation_data
        if data.in_response_to != request_id:
            problems.append(("subject_confirmation_in_response_to",
                             f"InResponseTo {data.in_response_to!r}, not {request_id}"))
        elif data.recipient != acs:
            problems.append(("subject_confirmation_recipient",
                             f"Recipient {data.recipient!r}, not {acs}"))
        elif not data.not_on_or_after or \
                now >= _instant(data.not_on_or_after, "NotOnOrAfter") + skew:
            problems.append(("subject_confirmation_expired",
                             f"NotOnOrAfter {data.not_on_or_after!r}"))
        elif data.not_before and now < _instant(data.not_before, "NotBefore") - skew:
            problems.append(("subject_confirmation_expired",
                             f"NotBefore {data.not_before!r}"))
        else:
            return
    code, detail = problems[0]
    raise _refuse(code, f"no bearer SubjectConfirmation fits: {detail}", GENERIC)


def _mark_used(request: HttpRequest, ids: list[tuple[str, str]], assertion) -> None:
    ttl = REPLAY_MIN_TTL
    conditions = assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        ends = calendar.timegm(str_to_time(conditions.not_on_or_after))
        ttl = max(ttl, int(ends - time.time()) + conf.clave_clock_skew() + 60)
    for kind, value in dict.fromkeys(ids):
        if value and not cache.add(_replay_key(request, kind, value), 1, timeout=ttl):
            raise _refuse("replayed", f"{kind} {value} (race)", _(
                "Esta respuesta de Cl@ve ya se ha utilizado. Vuelva a identificarse."))


def _level(assertion) -> str:
    """The level of the assertion's (single: pysaml2 checked) AuthnStatement."""
    refs = [(statement.authn_context.authn_context_class_ref.text or "").strip()
            for statement in assertion.authn_statement
            if statement.authn_context is not None
            and statement.authn_context.authn_context_class_ref is not None]
    levels = [config.LEVEL_OF_LOA[r] for r in refs if r in config.LEVEL_OF_LOA]
    if len(refs) != 1 or not levels:
        raise _refuse("level_unknown", f"levels of assurance {refs}", GENERIC)
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
        raise _refuse("identifier_not_spanish", f"PersonIdentifier {identifier!r}", _(
            "Cl@ve no ha facilitado un DNI o NIE español; la sede solo puede identificar "
            "a personas con DNI o NIE."))
    documento = certificates.valid_documento(parts[2])
    if documento is None:
        raise _refuse("identifier_invalid", f"PersonIdentifier {identifier!r}", _(
            "El DNI o NIE recibido de Cl@ve no es válido."))
    nombre = attributes.get(config.GIVEN_NAME, "")
    family = attributes.get(config.FAMILY_NAME, "")
    first = attributes.get(config.FIRST_SURNAME, "")
    if not nombre or not (family or first):
        raise _refuse("names_missing", "", _(
            "Cl@ve no ha facilitado su nombre y apellidos."))
    if first and family.upper().startswith(first.upper()):
        apellido1, apellido2 = first, family[len(first):].strip()
    else:
        apellido1, apellido2 = first or family, ""
    return Ciudadano(documento=documento, nombre=nombre[:80], apellido1=apellido1[:80],
                     apellido2=apellido2[:80], method=conf.CLAVE_METHOD, level=level)
