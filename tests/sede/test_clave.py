"""Cl@ve at the sede against a real SAML IdP (pysaml2, tests/clave_idp.py): the signed
AuthnRequest, the validation of the response and every refusal, the level of assurance on
the session, on submissions and against procedures, and tenant isolation."""

from __future__ import annotations

import base64
import datetime
import html
import io
import re
import urllib.parse
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from pypdf import PdfReader

from provincial.documents import services as documents
from provincial.models import AuditEvent
from registro import services as registro_services
from registro.models import Asiento
from sede import identificacion
from sede.models import Presentacion, Procedimiento
from tests.clave_idp import ClaveIdP, TestUser, make_sp_keypair, running_idp
from tests.conftest import HOST_A, HOST_B

pytestmark = pytest.mark.django_db

START = "/sede/identificarse/clave/"
ACS = "/sede/identificarse/clave/acs/"
METADATA = "/sede/identificarse/clave/metadata/"


@pytest.fixture
def idp(province, settings, tmp_path) -> ClaveIdP:
    """The IdP, trusted by the sede, and trusting the SPs of entities A and B."""
    idp = ClaveIdP(tmp_path, users=[
        TestUser("12345678Z", "María", "García", "López", "sustancial"),
        TestUser("X1234567L", "John", "Smith", "", "alto"),
        TestUser("00000023T", "Ana", "Pérez", "Martín", "bajo"),
    ])
    idp.configure_sede(settings, make_sp_keypair(tmp_path))
    for host in (HOST_A, HOST_B):
        response = Client(HTTP_HOST=host).get(METADATA)
        assert response.status_code == 200
        idp.trust_sp(response.content)
    return idp


def form_value(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return html.unescape(match.group(1))


def begin(idp: ClaveIdP, client: Client, next_url: str = "/sede/carpeta/"):
    page = client.get(f"{START}?{urllib.parse.urlencode({'next': next_url})}")
    assert page.status_code == 200, page.content.decode()[:500]
    return idp.parse_request(form_value(page, "SAMLRequest"))


def post_response(client: Client, saml_response: str):
    return client.post(ACS, {"SAMLResponse": saml_response})


def login(idp: ClaveIdP, host: str = HOST_A, documento: str = "12345678Z",
          next_url: str = "/sede/carpeta/", **knobs):
    client = Client(HTTP_HOST=host)
    request = begin(idp, client, next_url)
    response = post_response(client, idp.respond(request, idp.users[documento], **knobs))
    return client, response


def identified(client: Client) -> dict | None:
    return client.session.get(identificacion.SESSION_KEY)


def refusal_code() -> str:
    """The code of the reason audited for the last refused response."""
    event = AuditEvent.objects.filter(action="sede.ciudadano.identificacion_rechazada") \
        .latest("pk")
    return event.detail["reason"].split(":", 1)[0]


# --- the round trip -----------------------------------------------------------------------


def test_full_login_round_trip_identifies_the_citizen(province, idp):
    client, response = login(idp, next_url="/sede/carpeta/")
    assert response.status_code == 302
    assert response["Location"] == "/sede/carpeta/"
    assert identified(client) == {
        "documento": "12345678Z", "nombre": "María", "apellido1": "García",
        "apellido2": "López", "method": "clave", "level": "sustancial",
        "entity": province.a.schema_name}
    carpeta = client.get("/sede/carpeta/")
    assert carpeta.status_code == 200
    assert "Identificado/a: María García López" in carpeta.content.decode()
    event = AuditEvent.objects.filter(action="sede.ciudadano.identificacion").latest("pk")
    assert (event.entity_id, event.detail) == (province.a.pk,
                                               {"method": "clave", "level": "sustancial"})


def test_identification_page_offers_clave(province, idp):
    body = Client(HTTP_HOST=HOST_A).get("/sede/identificarse/?next=/sede/carpeta/") \
        .content.decode()
    assert "Acceder con Cl@ve" in body
    assert 'href="/sede/identificarse/clave/?next=/sede/carpeta/"' in body


def test_authn_request_is_signed_and_carries_loa_sptype_and_attributes(province, idp,
                                                                       settings):
    settings.SEDE_CLAVE_LEVEL = "sustancial"
    client = Client(HTTP_HOST=HOST_A)
    page = client.get(f"{START}?next=/sede/carpeta/")
    body = page.content.decode()
    # CSP-friendly autosubmit: a static script, no inline one, and a button without it.
    assert '<script src="/static/sede/clave.js" defer></script>' in body
    assert "<script>" not in body
    assert "onload" not in body
    assert "Continuar a Cl@ve" in body
    assert f'action="{idp.sso_url}"' in body
    request = idp.parse_request(form_value(page, "SAMLRequest"))  # signature verified
    assert "<ns2:SignatureValue>" in request.xml or "SignatureValue" in request.xml
    assert request.issuer == f"http://{HOST_A}{METADATA}"
    assert request.acs_url == f"http://{HOST_A}{ACS}"
    assert (request.level, request.comparison, request.sp_type) == (
        "sustancial", "minimum", "public")
    assert "http://eidas.europa.eu/LoA/substantial" in request.xml
    assert request.requested_attributes == [
        "http://eidas.europa.eu/attributes/naturalperson/PersonIdentifier",
        "http://eidas.europa.eu/attributes/naturalperson/CurrentGivenName",
        "http://eidas.europa.eu/attributes/naturalperson/CurrentFamilyName",
        "http://es.minhafp.clave/FirstSurname"]
    # The request is kept as outstanding in the session, with where to go back.
    assert client.session["sede_clave_requests"][request.id]["next"] == "/sede/carpeta/"
    # A request altered after signing is refused by the IdP.
    forged = base64.b64encode(request.xml.replace("LoA/substantial", "LoA/low").encode())
    with pytest.raises(Exception):  # noqa: B017, PT011 - pysaml2's signature error
        idp.parse_request(forged.decode())


def test_authn_request_is_signed_with_rsa_sha256(province, idp):
    """Cl@ve 2 / eIDAS: RSA-SHA256 over a SHA-256 digest, read from the request the SP
    sends (not from pysaml2's configuration)."""
    from lxml import etree

    page = Client(HTTP_HOST=HOST_A).get(f"{START}?next=/sede/carpeta/")
    saml_request = form_value(page, "SAMLRequest")
    root = etree.fromstring(base64.b64decode(saml_request))
    ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
    assert root.tag == "{urn:oasis:names:tc:SAML:2.0:protocol}AuthnRequest"
    signatures = root.findall("ds:Signature", ns)
    assert len(signatures) == 1
    signed_info = signatures[0].find("ds:SignedInfo", ns)
    assert [m.get("Algorithm") for m in signed_info.findall("ds:SignatureMethod", ns)] == [
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    references = signed_info.findall("ds:Reference", ns)
    assert [r.get("URI") for r in references] == [f"#{root.get('ID')}"]
    assert [r.find("ds:DigestMethod", ns).get("Algorithm") for r in references] == [
        "http://www.w3.org/2001/04/xmlenc#sha256"]
    # And it verifies at the IdP (which refuses weaker algorithms).
    assert idp.parse_request(saml_request).signed


def test_metadata_advertises_no_sha1(province, idp):
    xml = Client(HTTP_HOST=HOST_A).get(METADATA).content.decode()
    assert "SigningMethod" in xml
    assert 'Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"' in xml
    for metadata in (xml, idp.metadata_path.read_text()):
        algorithms = re.findall(r'<[^>]*(?:SigningMethod|DigestMethod) Algorithm="([^"]+)"',
                                metadata)
        assert algorithms
        assert not [a for a in algorithms if a.endswith(("sha1", "md5", "sha224"))]


def test_requested_level_is_the_procedures_when_higher(province, idp):
    with schema_context(province.a.schema_name):
        Procedimiento.objects.create(
            code="OBRA", name="Licencia de obra mayor", description="Obra.",
            plazo_resolucion="3 meses", sentido_silencio="desestimatorio", organo="Alcaldía",
            nivel_minimo="alto")
    connection.set_schema_to_public()
    request = begin(idp, Client(HTTP_HOST=HOST_A), "/sede/procedimientos/OBRA/solicitar/")
    assert request.level == "alto"
    assert "http://eidas.europa.eu/LoA/high" in request.xml
    assert begin(idp, Client(HTTP_HOST=HOST_A), "/sede/carpeta/").level == "bajo"


def test_attributes_are_mapped_nie_and_single_surname(province, idp):
    client, response = login(idp, documento="X1234567L")
    assert response.status_code == 302
    data = identified(client)
    assert (data["documento"], data["nombre"], data["apellido1"], data["apellido2"],
            data["level"]) == ("X1234567L", "John", "Smith", "", "alto")


# --- level of assurance on submissions and procedures --------------------------------------


def test_level_is_recorded_on_the_submission_and_shown(province, idp, client_for):
    client, _response = login(idp)
    filled = client.post("/sede/instancia-general/", {
        "email": "maria@example.org", "expone": "Que la farola del número 5 no funciona.",
        "solicita": "Que se repare la farola."})
    assert filled.status_code == 302
    confirm_page = client.get(filled["Location"]).content.decode()
    assert "Cl@ve, nivel de seguridad sustancial" in confirm_page
    done = client.post(filled["Location"])
    assert done.status_code == 302, done.content.decode()[:500]
    with schema_context(province.a.schema_name):
        presentacion = Presentacion.objects.get()
        assert (presentacion.metodo_identificacion, presentacion.nivel_identificacion) == (
            "clave", "sustancial")
        # The asiento keeps them, and its justificante and the clerk's page print them.
        asiento = Asiento.objects.get(pk=presentacion.asiento_id)
        assert (asiento.metodo_identificacion, asiento.nivel_identificacion) == (
            "clave", "sustancial")
        pdf = documents.read_verified(registro_services.justificante(asiento))
        text = " ".join(" ".join(page.extract_text().split())
                        for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "Cl@ve, nivel de seguridad sustancial" in text
    connection.set_schema_to_public()
    clerk_page = client_for(province.clerk_a, HOST_A).get(f"/gestion/registro/asientos/{asiento.pk}/").content.decode()
    assert "Cl@ve, nivel de seguridad sustancial" in clerk_page
    receipt = client.get(done["Location"]).content.decode()
    assert "Identificación de quien presenta" in receipt
    assert "Cl@ve, nivel de seguridad sustancial" in receipt


def test_procedure_minimum_level_is_enforced(province, idp):
    with schema_context(province.a.schema_name):
        Procedimiento.objects.create(
            code="OBRA", name="Licencia de obra mayor", description="Obra.",
            plazo_resolucion="3 meses", sentido_silencio="desestimatorio", organo="Alcaldía",
            nivel_minimo="alto")
    connection.set_schema_to_public()
    public = Client(HTTP_HOST=HOST_A).get("/sede/procedimientos/OBRA/").content.decode()
    assert "Nivel de seguridad alto o superior" in public

    # María comes with level sustancial: sent to identify again, with why.
    client, _response = login(idp)
    form = client.get("/sede/procedimientos/OBRA/solicitar/")
    assert form.status_code == 302
    assert form["Location"].startswith("/sede/identificarse/?next=")
    page = client.get(form["Location"]).content.decode()
    assert "exige identificarse con un nivel de seguridad alto o superior" in page
    assert "usted se ha identificado con nivel sustancial" in page
    posted = client.post("/sede/procedimientos/OBRA/solicitar/", {
        "email": "m@example.org", "expone": "Obra en casa.", "solicita": "Licencia."})
    assert posted.status_code == 302
    assert "identificarse" in posted["Location"]
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.count() == 0
        # A draft made at a lower level (the procedure raised its level since) cannot
        # be confirmed either.
        import uuid

        draft = Presentacion.objects.create(
            key=uuid.uuid4(), documento="12345678Z", nombre="María García López",
            procedimiento=Procedimiento.objects.get(code="OBRA"),
            datos={"expone": "x", "solicita": "y", "email": "", "nombre_pila": "María",
                   "apellido1": "García", "apellido2": "López"},
            metodo_identificacion="clave", nivel_identificacion="sustancial")
    connection.set_schema_to_public()
    confirm = client.post(f"/sede/presentar/{draft.key}/")
    assert confirm.status_code == 302
    assert "identificarse" in confirm["Location"]
    with schema_context(province.a.schema_name):
        assert Presentacion.objects.get().asiento_id is None
    connection.set_schema_to_public()

    # John, identified at level alto, may file it.
    john, _response = login(idp, documento="X1234567L",
                            next_url="/sede/procedimientos/OBRA/solicitar/")
    assert _response["Location"] == "/sede/procedimientos/OBRA/solicitar/"
    assert john.get("/sede/procedimientos/OBRA/solicitar/").status_code == 200


def test_procedure_form_edits_nivel_minimo(province, client_for):
    from sede.forms_gestion import ProcedimientoForm

    form = ProcedimientoForm()
    assert "nivel_minimo" in form.fields
    assert [c[0] for c in form.fields["nivel_minimo"].choices] == ["bajo", "sustancial",
                                                                   "alto"]


def test_level_check_in_the_action(province):
    """actions.presentar refuses a submission whose recorded level is too low."""
    import uuid

    from sede import actions

    with schema_context(province.a.schema_name):
        procedimiento = Procedimiento.objects.create(
            code="SUST", name="Ayuda", description="Ayuda.", plazo_resolucion="1 mes",
            sentido_silencio="desestimatorio", organo="Alcaldía", nivel_minimo="sustancial")
        draft = Presentacion.objects.create(
            key=uuid.uuid4(), documento="12345678Z", nombre="María", procedimiento=procedimiento,
            datos={"expone": "x", "solicita": "y", "email": "", "nombre_pila": "María",
                   "apellido1": "García", "apellido2": ""})
        ciudadano = identificacion.Ciudadano("12345678Z", "María", "García", "", "desarrollo",
                                             "bajo")
        with pytest.raises(actions.NivelInsuficiente, match="nivel de seguridad sustancial"):
            actions.presentar(draft, ciudadano)
        draft.refresh_from_db()
        assert (draft.asiento_id, draft.nivel_identificacion) == (None, "")
    connection.set_schema_to_public()


# --- refusals --------------------------------------------------------------------------------


REFUSALS = {  # case: (the citizen's message, the audited reason's code)
    "tampered": ("La firma de la respuesta de Cl@ve no es válida", "bad_signature"),
    "expired": ("La respuesta de Cl@ve ha caducado", "time_conditions"),
    "wrong_audience": ("está dirigida a otra sede electrónica", "audience_mismatch"),
    "unsigned_assertion": ("no viene firmada", "unsigned_assertion"),
    "unsigned_everything": ("no viene firmada", "unsigned_assertion"),
    "unknown_in_response_to": ("no corresponde a ninguna identificación iniciada",
                               "unknown_in_response_to"),
    "level_below_requested": ("exige al menos el nivel alto", "level_below_requested"),
    "invalid_nif": ("El DNI o NIE recibido de Cl@ve no es válido", "identifier_invalid"),
    "foreign_identifier": ("no ha facilitado un DNI o NIE español",
                           "identifier_not_spanish"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_bad_responses_are_refused_with_a_spanish_message_and_no_session(province, idp,
                                                                         case):
    next_url = "/sede/carpeta/"
    if case == "level_below_requested":
        with schema_context(province.a.schema_name):
            Procedimiento.objects.create(
                code="OBRA", name="Obra", description="Obra.", plazo_resolucion="3 meses",
                sentido_silencio="desestimatorio", organo="Alcaldía", nivel_minimo="alto")
        connection.set_schema_to_public()
        next_url = "/sede/procedimientos/OBRA/solicitar/"
    client = Client(HTTP_HOST=HOST_A)
    request = begin(idp, client, next_url)
    user = idp.users["12345678Z"]
    now = datetime.datetime.now(datetime.UTC)
    knobs = {
        "expired": {"issued_at": now - datetime.timedelta(minutes=10)},
        "wrong_audience": {"audience": f"http://{HOST_B}{METADATA}"},
        "unsigned_assertion": {"sign_assertion": False},
        "unsigned_everything": {"sign_assertion": False, "sign_response": False},
        "unknown_in_response_to": {"in_response_to": "id-nunca-pedido"},
        "invalid_nif": {"person_identifier": "ES/ES/12345678A"},
        "foreign_identifier": {"person_identifier": "DE/ES/12345678Z"},
    }.get(case, {})
    saml_response = idp.respond(request, user, **knobs)
    if case == "tampered":
        # Someone else's (valid) NIF put in place of the one Cl@ve signed.
        saml_response = idp.tamper(saml_response, "ES/ES/12345678Z", "ES/ES/00000023T")
    response = post_response(client, saml_response)
    body = response.content.decode()
    assert response.status_code == 403, body[:500]
    message, code = REFUSALS[case]
    assert message in html.unescape(body)
    assert 'class="alert error"' in body
    assert identified(client) is None
    event = AuditEvent.objects.filter(action="sede.ciudadano.identificacion_rechazada") \
        .latest("pk")
    assert event.entity_id == province.a.pk
    assert event.detail["method"] == "clave"
    assert refusal_code() == code, event.detail["reason"]
    assert not AuditEvent.objects.filter(action="sede.ciudadano.identificacion").exists()


def test_replayed_response_is_refused(province, idp):
    client = Client(HTTP_HOST=HOST_A)
    request = begin(idp, client)
    saml_response = idp.respond(request, idp.users["12345678Z"])
    assert post_response(client, saml_response).status_code == 302
    # The same browser, or another one that captured it, posting it again.
    for replayer in (client, Client(HTTP_HOST=HOST_A)):
        begin(idp, replayer)  # even with a request of its own outstanding
        response = post_response(replayer, saml_response)
        assert response.status_code == 403
        assert "Esta respuesta de Cl@ve ya se ha utilizado" in response.content.decode()
        assert refusal_code() == "replayed"
    assert identified(Client(HTTP_HOST=HOST_A)) is None


def test_response_without_outstanding_request_in_this_session_is_refused(province, idp):
    """Started in one browser, posted from another (a stolen response)."""
    request = begin(idp, Client(HTTP_HOST=HOST_A))
    thief = Client(HTTP_HOST=HOST_A)
    thief.session.save()  # a session of its own (the cookie is set), with no request
    response = post_response(thief, idp.respond(request, idp.users["12345678Z"]))
    assert response.status_code == 403
    assert "no corresponde a ninguna identificación iniciada" in response.content.decode()
    assert refusal_code() == "unknown_in_response_to"


# --- tenant isolation ---------------------------------------------------------------------------


def test_clave_session_at_a_is_not_honoured_at_b(province, idp):
    client, response = login(idp, host=HOST_A)
    assert response.status_code == 302
    # The same session cookie presented at entity B's host.
    other = Client(HTTP_HOST=HOST_B)
    other.cookies = client.cookies
    carpeta = other.get("/sede/carpeta/")
    assert carpeta.status_code == 302
    assert carpeta["Location"].startswith("/sede/identificarse/")


def test_response_for_a_is_refused_at_b(province, idp):
    """An assertion whose audience is A's sede, posted to B's ACS in a session that
    started a request at B, is refused: by its Destination (A's ACS), and, when that
    names B's ACS, by its audience (A's SP)."""
    at_a = begin(idp, Client(HTTP_HOST=HOST_A))
    client_b = Client(HTTP_HOST=HOST_B)
    at_b = begin(idp, client_b)
    for_a = idp.respond(at_a, idp.users["12345678Z"], in_response_to=at_b.id)
    response = post_response(client_b, for_a)
    assert response.status_code == 403
    assert "está dirigida a otra sede electrónica" in response.content.decode()
    assert refusal_code() == "destination_mismatch"
    assert identified(client_b) is None

    at_b = begin(idp, client_b)
    for_a_to_b = idp.respond(at_a, idp.users["12345678Z"], in_response_to=at_b.id,
                             destination=at_b.acs_url)
    response = post_response(client_b, for_a_to_b)
    assert response.status_code == 403
    assert "está dirigida a otra sede electrónica" in response.content.decode()
    assert refusal_code() == "audience_mismatch"
    assert identified(client_b) is None


# --- metadata, configuration, the cross-site post ---------------------------------------------


def test_metadata_view_per_entity(province, idp):
    for host in (HOST_A, HOST_B):
        response = Client(HTTP_HOST=host).get(METADATA)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/samlmetadata+xml"
        xml = response.content.decode()
        assert f'entityID="http://{host}{METADATA}"' in xml
        assert f'Location="http://{host}{ACS}"' in xml
        assert 'AuthnRequestsSigned="true"' in xml
        assert 'WantAssertionsSigned="true"' in xml
        assert "X509Certificate" in xml


def test_clave_routes_are_404_when_not_offered(province, settings):
    settings.SEDE_IDENTIFICATION_METHODS = ["certificado", "desarrollo"]
    client = Client(HTTP_HOST=HOST_A)
    assert client.get(METADATA).status_code == 404
    assert client.get(START).status_code == 404
    assert client.post(ACS, {"SAMLResponse": "x"}).status_code == 404


def test_enabling_clave_without_its_settings_is_refused(settings, tmp_path):
    settings.SEDE_IDENTIFICATION_METHODS = ["certificado", "clave"]
    for name in ("SEDE_CLAVE_IDP_METADATA", "SEDE_CLAVE_SP_KEY", "SEDE_CLAVE_SP_CERT"):
        setattr(settings, name, "")
    with pytest.raises(ImproperlyConfigured, match="SEDE_CLAVE_IDP_METADATA"):
        identificacion.check_configuration()
    sp = make_sp_keypair(tmp_path)
    settings.SEDE_CLAVE_SP_KEY, settings.SEDE_CLAVE_SP_CERT = str(sp.key_path), \
        str(sp.cert_path)
    settings.SEDE_CLAVE_IDP_METADATA = str(tmp_path / "no-existe.xml")
    with pytest.raises(ImproperlyConfigured, match="SEDE_CLAVE_IDP_METADATA"):
        identificacion.check_configuration()
    settings.SEDE_CLAVE_IDP_METADATA = str(sp.cert_path)  # a file
    settings.SEDE_CLAVE_XMLSEC_BINARY = str(tmp_path / "xmlsec1")
    with pytest.raises(ImproperlyConfigured, match="SEDE_CLAVE_XMLSEC_BINARY"):
        identificacion.check_configuration()


def test_cross_site_post_without_session_cookie_is_sent_back_once(province, idp):
    """Cl@ve's page posts from another site: the browser withholds the SameSite=Lax
    session cookie. The sede answers with a page that posts the same response again from
    its own origin (cookie included), by a static script or a button."""
    client = Client(HTTP_HOST=HOST_A)
    request = begin(idp, client)
    saml_response = idp.respond(request, idp.users["12345678Z"])
    cookieless = Client(HTTP_HOST=HOST_A)
    bounce = cookieless.post(ACS, {"SAMLResponse": saml_response})
    assert bounce.status_code == 200
    body = bounce.content.decode()
    assert 'action="/sede/identificarse/clave/acs/"' in body
    assert 'name="reenviado" value="1"' in body
    assert '<script src="/static/sede/clave.js" defer></script>' in body
    assert "script-src 'self'" in bounce["Content-Security-Policy"]
    # The browser posts it again, now with its cookie.
    response = client.post(ACS, {"SAMLResponse": form_value(bounce, "SAMLResponse"),
                                 "reenviado": "1"})
    assert response.status_code == 302
    assert identified(client)["documento"] == "12345678Z"


# --- the IdP as an HTTP server (for browser tests) ----------------------------------------------


def test_running_idp_serves_login_and_posts_back_a_valid_response(province, settings,
                                                                  tmp_path):
    with running_idp(tmp_path, settings=settings) as idp:
        idp.trust_sp(Client(HTTP_HOST=HOST_A).get(METADATA).content)
        client = Client(HTTP_HOST=HOST_A)
        page = client.get(f"{START}?next=/sede/carpeta/")
        assert f'action="{idp.url}sso"' in page.content.decode()
        data = urllib.parse.urlencode({"SAMLRequest": form_value(page, "SAMLRequest")})
        with urllib.request.urlopen(idp.url + "sso", data.encode(), timeout=10) as reply:
            login_page = reply.read().decode()
        assert "Acceder" in login_page
        assert "María García López (12345678Z)" in login_page
        data = urllib.parse.urlencode({"SAMLRequest": form_value(page, "SAMLRequest"),
                                       "usuario": "X1234567L"})
        with urllib.request.urlopen(idp.url + "sso/acceder", data.encode(),
                                    timeout=10) as reply:
            post_back = reply.read().decode()
        assert f'action="http://{HOST_A}{ACS}"' in post_back
        saml_response = re.search(r'name="SAMLResponse" value="([^"]+)"', post_back).group(1)
        response = client.post(ACS, {"SAMLResponse": saml_response})
        assert response.status_code == 302
        assert identified(client)["documento"] == "X1234567L"
