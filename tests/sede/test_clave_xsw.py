"""The Cl@ve SP against forged and malformed responses: signature wrapping (a signed
assertion in a Response made up around it, a second unsigned assertion, an assertion in
Advice, duplicate IDs), what pysaml2 alone lets through (no Conditions, no
AudienceRestriction, another Recipient, no or another Destination, another Issuer) and a
DOCTYPE. Every refusal is asserted on the `reason` code audited, not only on the 403."""

from __future__ import annotations

import base64
import copy
import datetime
import html

import pytest
from django.test import Client
from lxml import etree
from saml2 import saml, xmldsig

from provincial.models import AuditEvent
from sede.clave import config, sp
from tests.clave_idp import ClaveIdP
from tests.conftest import HOST_A
from tests.sede.test_clave import ACS, METADATA, begin, identified, idp, post_response

__all__ = ["idp"]  # the fixture, from test_clave

pytestmark = pytest.mark.django_db

NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
      "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
      "ds": "http://www.w3.org/2000/09/xmldsig#"}
GENERIC = "La respuesta de Cl@ve no es válida"
A_ACS = f"http://{HOST_A}{ACS}"
A_ENTITY = f"http://{HOST_A}{METADATA}"


def audited_reason() -> str:
    event = AuditEvent.objects.filter(action="sede.ciudadano.identificacion_rechazada") \
        .latest("pk")
    assert event.detail["method"] == "clave"
    return event.detail["reason"]


def assert_refused(client: Client, response, code: str, message: str = GENERIC) -> str:
    body = html.unescape(response.content.decode())
    assert response.status_code == 403, body[:500]
    assert message in body
    reason = audited_reason()
    assert reason.split(":", 1)[0] == code, reason
    assert identified(client) is None
    assert not AuditEvent.objects.filter(action="sede.ciudadano.identificacion").exists()
    return reason


def edit(saml_response: str, change) -> str:
    """The response with its XML tree changed by `change(root)` (after signing)."""
    root = etree.fromstring(base64.b64decode(saml_response))
    change(root)
    return base64.b64encode(etree.tostring(root)).decode()


def the_assertion(root):
    return root.find("saml:Assertion", NS)


def unsigned_copy(assertion, *, new_id: str, nif: str = "00000023T"):
    """The attacker's assertion: the signed one copied, without its signature, another
    ID and someone else's NIF."""
    forged = copy.deepcopy(assertion)
    forged.set("ID", new_id)
    for signature in forged.findall("ds:Signature", NS):
        forged.remove(signature)
    for value in forged.iter(f"{{{NS['saml']}}}AttributeValue"):
        if value.text and value.text.startswith("ES/ES/"):
            value.text = f"ES/ES/{nif}"
    return forged


def signed_response(idp: ClaveIdP, client: Client, **knobs) -> str:
    return idp.respond(begin(idp, client), idp.users["12345678Z"], **knobs)


# --- signature wrapping -------------------------------------------------------------------


def test_signed_assertion_wrapped_in_a_forged_response_for_another_request(province, idp):
    """A captured, signed, unused assertion (answering the victim's request) put in an
    unsigned Response answering the attacker's own request."""
    victim = Client(HTTP_HOST=HOST_A)
    captured = signed_response(idp, victim)
    attacker = Client(HTTP_HOST=HOST_A)
    own = begin(idp, attacker)

    def forge(root):
        root.set("ID", "_forjada0123456789")
        root.set("InResponseTo", own.id)
        root.remove(root.find("ds:Signature", NS))

    response = post_response(attacker, edit(captured, forge))
    assert_refused(attacker, response, "subject_confirmation_in_response_to")
    # The victim's own response is not spoilt by the attempt.
    assert post_response(victim, captured).status_code == 302
    assert identified(victim)["documento"] == "12345678Z"


def test_second_unsigned_assertion_is_refused(province, idp):
    client = Client(HTTP_HOST=HOST_A)

    def add(root):
        signed = the_assertion(root)
        signed.addprevious(unsigned_copy(signed, new_id="_otra0123456789"))

    response = post_response(client, edit(signed_response(idp, client), add))
    assert_refused(client, response, "assertion_count")


def test_unsigned_assertion_with_the_signed_ones_id_is_refused(province, idp):
    """Duplicate IDs: the signed assertion hidden in Extensions, a copy with its ID (and
    another NIF) in its place."""
    client = Client(HTTP_HOST=HOST_A)

    def swap(root):
        signed = the_assertion(root)
        forged = unsigned_copy(signed, new_id=signed.get("ID"))
        extensions = etree.Element(f"{{{NS['samlp']}}}Extensions")
        signed.addprevious(forged)
        root.remove(signed)
        extensions.append(signed)
        root.find("saml:Issuer", NS).addnext(extensions)

    response = post_response(client, edit(signed_response(idp, client), swap))
    assert_refused(client, response, "duplicate_id")


def test_signed_assertion_moved_into_the_advice_of_a_forged_one_is_refused(province, idp):
    client = Client(HTTP_HOST=HOST_A)

    def wrap(root):
        signed = the_assertion(root)
        forged = unsigned_copy(signed, new_id="_envoltorio0123456789")
        advice = etree.SubElement(forged, f"{{{NS['saml']}}}Advice")
        # Advice goes after Conditions (schema order); the order does not matter here.
        signed.addprevious(forged)
        root.remove(signed)
        advice.append(signed)

    response = post_response(client, edit(signed_response(idp, client), wrap))
    assert_refused(client, response, "nested_assertion")


def test_assertion_in_advice_of_a_signed_assertion_is_refused(province, idp):
    """Even signed by the IdP: an assertion in Advice is never read nor accepted."""
    client = Client(HTTP_HOST=HOST_A)

    def advise(message):
        outer = message.assertion[0]
        inner = saml.assertion_from_string(str(outer))
        inner.id = "_consejo0123456789"
        outer.advice = saml.Advice(assertion=[inner])

    response = post_response(client, signed_response(idp, client, alter=advise))
    assert_refused(client, response, "nested_assertion")


def test_signature_outside_response_and_assertion_is_refused(province, idp):
    client = Client(HTTP_HOST=HOST_A)

    def stray(root):
        extensions = etree.Element(f"{{{NS['samlp']}}}Extensions")
        extensions.append(copy.deepcopy(the_assertion(root).find("ds:Signature", NS)))
        root.find("saml:Issuer", NS).addnext(extensions)

    response = post_response(client, edit(signed_response(idp, client), stray))
    assert_refused(client, response, "unexpected_signature")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE r [<!ENTITY nif "00000023T">]>',
    "<!DOCTYPE samlp:Response>",
])
def test_doctype_is_refused_before_parsing(province, idp, doctype):
    client = Client(HTTP_HOST=HOST_A)
    xml = base64.b64decode(signed_response(idp, client)).decode()
    if xml.startswith("<?xml"):
        end = xml.index("?>") + 2
        xml = xml[:end] + doctype + xml[end:]
    else:
        xml = doctype + xml
    response = post_response(client, base64.b64encode(xml.encode()).decode())
    assert_refused(client, response, "doctype")


# --- what pysaml2 lets through --------------------------------------------------------------


def _confirmation_data(message):
    return message.assertion[0].subject.subject_confirmation[0].subject_confirmation_data


def _set_in_response_to(message):
    _confirmation_data(message).in_response_to = "_otra-peticion0123456789"


def _set_recipient(message):
    _confirmation_data(message).recipient = "https://atacante.example/acs/"


def _drop_audience(message):
    message.assertion[0].conditions.audience_restriction = []


def _drop_conditions(message):
    message.assertion[0].conditions = None


def _drop_not_on_or_after(message):
    message.assertion[0].conditions.not_on_or_after = None


def _drop_destination(message):
    message.destination = None


def _other_issuer(message):
    message.issuer.text = "https://otra-pasarela.example/idp/metadata"


def _no_issuer(message):
    message.issuer = None


def _no_bearer(message):
    message.assertion[0].subject.subject_confirmation[0].method = \
        "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"


ALTERED = {
    # case: (alter, code, the citizen's message)
    "subject_confirmation_in_response_to": (
        _set_in_response_to, "subject_confirmation_in_response_to", GENERIC),
    "wrong_recipient": (_set_recipient, "subject_confirmation_recipient", GENERIC),
    "no_audience_restriction": (_drop_audience, "audience_missing", GENERIC),
    "no_conditions": (_drop_conditions, "conditions_missing", GENERIC),
    "conditions_without_not_on_or_after": (_drop_not_on_or_after, "conditions_no_expiry",
                                           GENERIC),
    "no_destination": (_drop_destination, "destination_missing", GENERIC),
    "response_issuer_mismatch": (_other_issuer, "response_issuer_mismatch", GENERIC),
    "response_without_issuer": (_no_issuer, "response_issuer_mismatch", GENERIC),
    "no_bearer_confirmation": (_no_bearer, "subject_confirmation_missing", GENERIC),
}


@pytest.mark.parametrize("case", list(ALTERED))
def test_assertion_signed_by_the_idp_but_not_as_the_profile_requires(province, idp, case):
    alter, code, message = ALTERED[case]
    client = Client(HTTP_HOST=HOST_A)
    # The Response is left unsigned (as an attacker's would be) where its own Issuer is
    # what changes: signed, it would fail on the unknown key first.
    knobs = {"sign_response": False} if "issuer" in case else {}
    response = post_response(client, signed_response(idp, client, alter=alter, **knobs))
    assert_refused(client, response, code, message)


def test_wrong_destination_is_refused(province, idp):
    client = Client(HTTP_HOST=HOST_A)
    response = post_response(client, signed_response(
        idp, client, destination="https://atacante.example/sede/identificarse/clave/acs/"))
    assert_refused(client, response, "destination_mismatch",
                   "está dirigida a otra sede electrónica")


def test_altered_but_well_formed_response_is_accepted(province, idp):
    """The `alter` path of the IdP signs what it returns: a no-op change is accepted (so
    the refusals above are due to the change, not to the re-signing)."""
    client = Client(HTTP_HOST=HOST_A)
    response = post_response(client, signed_response(idp, client, alter=lambda m: None))
    assert response.status_code == 302, html.unescape(response.content.decode())[:500]
    assert identified(client)["documento"] == "12345678Z"


# --- encrypted assertions ------------------------------------------------------------------


def test_encrypted_assertion_is_accepted(province, idp):
    client = Client(HTTP_HOST=HOST_A)
    saml_response = signed_response(idp, client, encrypt_assertion=True)
    assert b"EncryptedAssertion" in base64.b64decode(saml_response)
    response = post_response(client, saml_response)
    assert response.status_code == 302, html.unescape(response.content.decode())[:800]
    assert identified(client)["documento"] == "12345678Z"


def test_encrypted_assertion_is_refused_unless_configured(province, idp, monkeypatch):
    client = Client(HTTP_HOST=HOST_A)
    saml_response = signed_response(idp, client, encrypt_assertion=True)
    monkeypatch.setattr(config, "ENCRYPTED_ASSERTIONS", False)
    response = post_response(client, saml_response)
    assert_refused(client, response, "encrypted_assertion")


# --- the checks themselves, on a verified assertion ------------------------------------------


@pytest.fixture
def assertion(province, idp):
    """The assertion of a genuine response (as pysaml2 would hand it) and its request."""
    client = Client(HTTP_HOST=HOST_A)
    request = begin(idp, client)
    xml = base64.b64decode(idp.respond(request, idp.users["12345678Z"])).decode()
    root = etree.fromstring(xml.encode())
    parsed = saml.assertion_from_string(etree.tostring(the_assertion(root)).decode())
    return parsed, request.id


def check(parsed, request_id: str) -> None:
    sp._check_assertion(parsed, idp=ClaveIdP.entity_id, acs=A_ACS, request_id=request_id,
                        entity_id=A_ENTITY)


def _past(minutes: int) -> str:
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_genuine_assertion_passes_the_checks(assertion):
    check(*assertion)


@pytest.mark.parametrize(("change", "code"), [
    (lambda a, rid: setattr(a.issuer, "text", "https://otra.example/idp"),
     "assertion_issuer_mismatch"),
    (lambda a, rid: setattr(a, "issuer", None), "assertion_issuer_mismatch"),
    (lambda a, rid: setattr(a.conditions, "not_on_or_after", _past(5)),
     "conditions_expired"),
    (lambda a, rid: setattr(a.conditions, "not_before", _past(-10)),
     "conditions_not_yet_valid"),
    (lambda a, rid: a.conditions.audience_restriction.append(saml.AudienceRestriction(
        audience=[saml.Audience(text="https://otra-sede.example/")])),
     "audience_mismatch"),
    (lambda a, rid: setattr(a.subject.subject_confirmation[0].subject_confirmation_data,
                            "not_on_or_after", _past(1)), "subject_confirmation_expired"),
    (lambda a, rid: setattr(a.subject.subject_confirmation[0].subject_confirmation_data,
                            "in_response_to", rid + "x"),
     "subject_confirmation_in_response_to"),
    (lambda a, rid: setattr(a.subject.subject_confirmation[0].subject_confirmation_data,
                            "recipient", None), "subject_confirmation_recipient"),
])
def test_each_requirement_is_checked_on_the_assertion(assertion, change, code):
    parsed, request_id = assertion
    change(parsed, request_id)
    with pytest.raises(sp.ClaveError) as refused:
        check(parsed, request_id)
    assert refused.value.code == code, refused.value.reason
    assert refused.value.reason.startswith(f"{code}: ")
    assert str(refused.value)  # a message for the citizen


# --- signature algorithms (Cl@ve 2 / eIDAS: SHA-256 or stronger) ------------------------------

SIGNATURE_METHOD = ".//ds:SignedInfo/ds:SignatureMethod"
DIGEST_METHOD = ".//ds:SignedInfo/ds:Reference/ds:DigestMethod"


def algorithms(saml_response: str) -> set[str]:
    root = etree.fromstring(base64.b64decode(saml_response))
    return {m.get("Algorithm") for m in root.iterfind(SIGNATURE_METHOD, NS)} | \
        {d.get("Algorithm") for d in root.iterfind(DIGEST_METHOD, NS)}


def test_the_idp_signs_with_rsa_sha256_and_the_sede_accepts_it(province, idp):
    client = Client(HTTP_HOST=HOST_A)
    saml_response = signed_response(idp, client)
    root = etree.fromstring(base64.b64decode(saml_response))
    # Both signatures, the Response's and the assertion's.
    assert len(root.findall("ds:Signature", NS)) == 1
    assert len(the_assertion(root).findall("ds:Signature", NS)) == 1
    assert algorithms(saml_response) == {xmldsig.SIG_RSA_SHA256, xmldsig.DIGEST_SHA256}
    response = post_response(client, saml_response)
    assert response.status_code == 302, html.unescape(response.content.decode())[:500]
    assert identified(client)["documento"] == "12345678Z"


@pytest.mark.parametrize(("knobs", "signed"), [
    ({"sign_alg": xmldsig.SIG_RSA_SHA1, "digest_alg": xmldsig.DIGEST_SHA1}, "Response"),
    ({"digest_alg": xmldsig.DIGEST_SHA1}, "Response"),
    ({"sign_alg": xmldsig.SIG_RSA_SHA1}, "Response"),
    ({"sign_alg": xmldsig.SIG_RSA_SHA224, "digest_alg": xmldsig.DIGEST_SHA224}, "Response"),
    # Only the assertion signed, with SHA-1.
    ({"sign_alg": xmldsig.SIG_RSA_SHA1, "digest_alg": xmldsig.DIGEST_SHA1,
      "sign_response": False}, "Assertion"),
    # Only the Response signed, with SHA-1: refused for that before the missing signature.
    ({"sign_alg": xmldsig.SIG_RSA_SHA1, "sign_assertion": False}, "Response"),
    # Encrypted, as Cl@ve sends it: the assertion's signature is seen once decrypted.
    ({"sign_alg": xmldsig.SIG_RSA_SHA1, "digest_alg": xmldsig.DIGEST_SHA1,
      "sign_response": False, "encrypt_assertion": True}, "Assertion"),
], ids=["sha1", "sha1-digest", "rsa-sha1", "sha224", "assertion-only", "response-only",
        "encrypted"])
def test_a_response_signed_with_a_weak_algorithm_is_refused(province, idp, knobs, signed):
    client = Client(HTTP_HOST=HOST_A)
    saml_response = signed_response(idp, client, **knobs)
    if not knobs.get("encrypt_assertion"):
        assert algorithms(saml_response) - config.SIGNATURE_ALGORITHMS - \
            config.DIGEST_ALGORITHMS  # the IdP did sign with what was asked
    reason = assert_refused(client, post_response(client, saml_response), "weak_algorithm")
    assert f"the {signed} signature's" in reason


def test_a_weak_algorithm_is_refused_before_the_signature_is_checked(province, idp):
    """The algorithm changed after signing: refused for the algorithm (xmlsec1 is never
    asked), not as a bad signature."""
    client = Client(HTTP_HOST=HOST_A)
    saml_response = idp.tamper(signed_response(idp, client),
                               f'Algorithm="{xmldsig.DIGEST_SHA256}"',
                               'Algorithm="http://www.w3.org/2001/04/xmldsig-more#md5"')
    assert_refused(client, post_response(client, saml_response), "weak_algorithm")
