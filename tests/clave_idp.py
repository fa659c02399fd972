"""A Cl@ve-like SAML 2.0 identity provider for the tests: a real pysaml2 IdP
(`saml2.server.Server`) with its own key and self-signed certificate, made at fixture
time, eIDAS attributes and levels of assurance, and test users.

Two ways to use it:

(a) In-process, for unit tests with Django's test client::

        idp = ClaveIdP(tmp_path)                      # keys, certificate, metadata
        sp = make_sp_keypair(tmp_path)                # the sede's SP key and certificate
        idp.configure_sede(settings, sp)              # SEDE_CLAVE_* point at both
        idp.trust_sp(client.get("/sede/identificarse/clave/metadata/").content)
        page = client.get("/sede/identificarse/clave/?next=/sede/carpeta/")
        request = idp.parse_request(form_value(page, "SAMLRequest"))   # checks SP signature
        saml_response = idp.respond(request, idp.users["12345678Z"])   # base64, signed
        client.post(request.acs_url, {"SAMLResponse": saml_response})

    `respond(...)` takes knobs for the negative cases: `level`, `audience`,
    `in_response_to`, `sign_assertion`, `sign_response`, `person_identifier`,
    `issued_at` (more than 5 minutes ago gives an expired response: assertions live
    5 minutes) and `destination`;
    `tamper(saml_response, old, new)` changes bytes after signing.

(b) As a small real HTTP server, for browser tests (Playwright)::

        with running_idp(tmp_path, settings=settings, sp_metadata=[xml_a, xml_b]) as idp:
            idp.url            # http://127.0.0.1:<port>/  (its login page is /sso)
            idp.metadata_path  # the IdP metadata file the sede reads (SEDE_CLAVE_IDP_METADATA)
            idp.trust_sp(xml)  # more SPs may be added while it runs

    The browser posts the sede's AuthnRequest (HTTP-POST binding) to `/sso`; the IdP
    verifies the SP's signature and shows a page «Cl@ve (pruebas)» with one radio button
    per test user (label "<nombre> <apellidos> (<NIF>)", plus its level) and the button
    «Acceder»; pressing it returns a page whose form posts the signed response to the
    ACS the SP named (a button «Continuar», clicked by itself through a tiny script the
    IdP serves from /autosubmit.js — the IdP is not under the sede's CSP anyway). Errors
    give 400 with the reason in the body.

    `running_idp` with `settings` (pytest-django's fixture) also sets the SEDE_CLAVE_*
    settings and SEDE_IDENTIFICATION_METHODS (adds "clave"); with `sp=` you pass an
    existing SP keypair, otherwise one is made in the directory (`idp.sp`).

Users: `DEFAULT_USERS` (12345678Z María García López, level sustancial; X1234567L John
Smith, alto; 00000023T Ana Pérez Martín, bajo). Pass `users=[TestUser(...)]` to change.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import html
import shutil
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

LOA = {"bajo": "http://eidas.europa.eu/LoA/low",
       "sustancial": "http://eidas.europa.eu/LoA/substantial",
       "alto": "http://eidas.europa.eu/LoA/high"}
NATURAL = "http://eidas.europa.eu/attributes/naturalperson/"


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a pytest class

    documento: str
    nombre: str
    apellido1: str
    apellido2: str = ""
    level: str = "sustancial"  # bajo / sustancial / alto

    @property
    def label(self) -> str:
        return f"{self.nombre} {self.apellido1} {self.apellido2}".strip() + \
            f" ({self.documento})"


DEFAULT_USERS = (
    TestUser("12345678Z", "María", "García", "López", "sustancial"),
    TestUser("X1234567L", "John", "Smith", "", "alto"),
    TestUser("00000023T", "Ana", "Pérez", "Martín", "bajo"),
)


@dataclass(frozen=True)
class KeyPair:
    key_path: Path
    cert_path: Path


def make_keypair(directory: Path, name: str, common_name: str) -> KeyPair:
    """An RSA key and a self-signed certificate, as PEM files `<name>.key`/`<name>.crt`."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    pair = KeyPair(directory / f"{name}.key", directory / f"{name}.crt")
    pair.key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    pair.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pair


def make_sp_keypair(directory: Path) -> KeyPair:
    """The sede's SP key and certificate (SEDE_CLAVE_SP_KEY / SEDE_CLAVE_SP_CERT)."""
    return make_keypair(directory, "sede-sp", "Sede electronica (pruebas)")


@dataclass
class ParsedRequest:
    """An AuthnRequest the IdP accepted (the SP's signature verified)."""

    id: str
    issuer: str
    acs_url: str
    level: str | None  # the requested minimum, in our words
    comparison: str | None
    sp_type: str | None
    requested_attributes: list[str]
    signed: bool
    xml: str
    message: object  # saml2.samlp.AuthnRequest


class ClaveIdP:
    """The IdP. `base_url` is where its SSO endpoint lives (set by `running_idp`)."""

    entity_id = "https://pasarela.clave.test/idp/metadata"

    def __init__(self, directory: Path, *, base_url: str = "http://127.0.0.1:9",
                 users: Sequence[TestUser] = DEFAULT_USERS) -> None:
        self.directory = Path(directory) / "clave-idp"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.keys = make_keypair(self.directory, "idp", "Clave IdP (pruebas)")
        self.users = {u.documento: u for u in users}
        self.base_url = base_url.rstrip("/")
        self.sp_metadata: list[Path] = []
        self.metadata_path = self.directory / "idp-metadata.xml"
        self.xmlsec = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
        self._lock = threading.Lock()
        self._build()

    # --- configuration ----------------------------------------------------------------

    @property
    def sso_url(self) -> str:
        return f"{self.base_url}/sso"

    def _config(self) -> IdPConfig:
        config = IdPConfig()
        config.load({
            "entityid": self.entity_id,
            "xmlsec_binary": self.xmlsec,
            "key_file": str(self.keys.key_path),
            "cert_file": str(self.keys.cert_path),
            "metadata": {"local": [str(p) for p in self.sp_metadata]},
            "accepted_time_diff": 60,
            "allow_unknown_attributes": True,
            "service": {"idp": {
                "name": "Cl@ve (pruebas)",
                "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_POST)]},
                "want_authn_requests_signed": True,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "policy": {"default": {"lifetime": {"minutes": 5},
                                       "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_URI}},
            }},
        })
        return config

    def _build(self) -> None:
        with self._lock:
            config = self._config()
            self.metadata_path.write_text(str(entity_descriptor(config)))
            self.server = Server(config=config)

    def trust_sp(self, metadata: bytes | str) -> None:
        """Accept requests from the SP of this metadata (the sede's /clave/metadata/)."""
        text = metadata.decode() if isinstance(metadata, bytes) else metadata
        path = self.directory / f"sp-{len(self.sp_metadata)}.xml"
        path.write_text(text)
        self.sp_metadata.append(path)
        self._build()

    def configure_sede(self, settings, sp: KeyPair, *, level: str | None = None) -> None:
        """Point the sede's SEDE_CLAVE_* settings at this IdP and `sp`, and offer Cl@ve."""
        settings.SEDE_CLAVE_IDP_METADATA = str(self.metadata_path)
        settings.SEDE_CLAVE_SP_KEY = str(sp.key_path)
        settings.SEDE_CLAVE_SP_CERT = str(sp.cert_path)
        settings.SEDE_CLAVE_XMLSEC_BINARY = self.xmlsec
        if level:
            settings.SEDE_CLAVE_LEVEL = level
        methods = list(getattr(settings, "SEDE_IDENTIFICATION_METHODS",
                               ["certificado", "desarrollo"]))
        if "clave" not in methods:
            settings.SEDE_IDENTIFICATION_METHODS = [*methods, "clave"]

    # --- requests and responses -------------------------------------------------------

    def parse_request(self, saml_request: str) -> ParsedRequest:
        """Parse a base64 AuthnRequest (HTTP-POST binding) and verify its signature
        against the SP's metadata; raises if it is unsigned, badly signed or unknown."""
        xml = base64.b64decode(saml_request).decode()
        if "<ds:Signature" not in xml and "Signature" not in xml:
            raise ValueError("AuthnRequest not signed")
        with self._lock:
            parsed = self.server.parse_authn_request(saml_request, BINDING_HTTP_POST)
        message = parsed.message
        if message.signature is None:
            raise ValueError("AuthnRequest not signed")
        context = message.requested_authn_context
        refs = [r.text for r in context.authn_context_class_ref] if context else []
        level = next((lvl for lvl, uri in LOA.items() if refs and uri == refs[0]), None)
        sp_type = None
        attributes: list[str] = []
        for element in (message.extensions.extension_elements if message.extensions else []):
            if element.tag == "SPType":
                sp_type = element.text
            if element.tag == "RequestedAttributes":
                attributes = [c.attributes.get("Name") for c in element.children]
        return ParsedRequest(
            id=message.id, issuer=message.issuer.text,
            acs_url=message.assertion_consumer_service_url, level=level,
            comparison=context.comparison if context else None, sp_type=sp_type,
            requested_attributes=attributes, signed=True, xml=xml, message=message)

    def respond(self, request: ParsedRequest, user: TestUser, *, level: str | None = None,
                audience: str | None = None, in_response_to: str | None = None,
                sign_assertion: bool = True, sign_response: bool = True,
                person_identifier: str | None = None,
                issued_at: datetime.datetime | None = None, destination: str | None = None) -> str:
        """A signed Response (base64, as posted to the ACS) for `user`."""
        identity = {
            NATURAL + "PersonIdentifier": [person_identifier or f"ES/ES/{user.documento}"],
            NATURAL + "CurrentGivenName": [user.nombre],
            NATURAL + "CurrentFamilyName": [f"{user.apellido1} {user.apellido2}".strip()],
            "http://es.minhafp.clave/FirstSurname": [user.apellido1],
            "http://es.minhafp.clave/RegisterType": ["AEAT"],
        }
        authn = {"class_ref": LOA[level or user.level],
                 "authn_auth": "https://pasarela.clave.test"}
        with self._lock:
            travel = time_machine.travel(issued_at, tick=False) if issued_at \
                else contextlib.nullcontext()
            with travel:
                response = self.server.create_authn_response(
                    identity, in_response_to=in_response_to or request.id,
                    destination=destination or request.acs_url,
                    sp_entity_id=audience or request.issuer,
                    name_id_policy=request.message.name_id_policy,
                    userid=user.documento, authn=authn,
                    sign_assertion=sign_assertion, sign_response=sign_response)
        return base64.b64encode(str(response).encode()).decode()

    @staticmethod
    def tamper(saml_response: str, old: str, new: str) -> str:
        xml = base64.b64decode(saml_response).decode()
        assert old in xml, f"{old!r} not in the response"
        return base64.b64encode(xml.replace(old, new, 1).encode()).decode()

    # --- the HTTP server (b) ----------------------------------------------------------

    def wsgi(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/autosubmit.js":
            body = (b'document.querySelectorAll("form[data-autosubmit]")'
                    b'.forEach(function (f) { f.submit(); });')
            start_response("200 OK", [("Content-Type", "text/javascript")])
            return [body]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [self.metadata_path.read_bytes()]
        if path not in ("/sso", "/sso/acceder") or method != "POST":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode(),
                                             keep_blank_values=True).items()}
        try:
            request = self.parse_request(form.get("SAMLRequest", ""))
        except Exception as exc:  # noqa: BLE001 - shown to the test
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"AuthnRequest refused: {exc!r}".encode()]
        if path == "/sso":
            return self._login_page(start_response, form)
        user = self.users.get(form.get("usuario", ""))
        if user is None:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"unknown user"]
        saml_response = self.respond(request, user)
        page = (
            '<!doctype html><html lang="es"><head><meta charset="utf-8">'
            "<title>Cl@ve (pruebas)</title>"
            '<script src="/autosubmit.js" defer></script></head><body>'
            f'<form method="post" action="{html.escape(request.acs_url)}" data-autosubmit>'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" '
            f'value="{html.escape(form.get("RelayState", ""))}">'
            "<button type=\"submit\">Continuar</button></form></body></html>")
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    def _login_page(self, start_response, form: dict) -> list[bytes]:
        options = "".join(
            f'<p><label><input type="radio" name="usuario" value="{u.documento}"'
            f'{" checked" if i == 0 else ""}> {html.escape(u.label)} '
            f"— nivel {u.level}</label></p>"
            for i, u in enumerate(self.users.values()))
        page = (
            '<!doctype html><html lang="es"><head><meta charset="utf-8">'
            "<title>Cl@ve (pruebas)</title></head><body><h1>Cl@ve (pruebas)</h1>"
            '<form method="post" action="/sso/acceder">'
            f'<input type="hidden" name="SAMLRequest" '
            f'value="{html.escape(form["SAMLRequest"])}">'
            f'<input type="hidden" name="RelayState" '
            f'value="{html.escape(form.get("RelayState", ""))}">'
            f"<fieldset><legend>Usuario de pruebas</legend>{options}</fieldset>"
            '<button type="submit">Acceder</button></form></body></html>')
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningIdP:
    idp: ClaveIdP
    url: str
    sp: KeyPair | None

    @property
    def metadata_path(self) -> Path:
        return self.idp.metadata_path

    def trust_sp(self, metadata: bytes | str) -> None:
        self.idp.trust_sp(metadata)

    def __getattr__(self, name):
        return getattr(self.idp, name)


@contextlib.contextmanager
def running_idp(directory: Path, *, settings=None, sp: KeyPair | None = None,
                sp_metadata: Sequence[bytes | str] = (),
                users: Sequence[TestUser] = DEFAULT_USERS) -> Iterator[RunningIdP]:
    """Run the IdP on 127.0.0.1:<free port> in a thread until the block ends."""
    port = _free_port()
    idp = ClaveIdP(directory, base_url=f"http://127.0.0.1:{port}", users=users)
    for xml in sp_metadata:
        idp.trust_sp(xml)
    if settings is not None:
        sp = sp or make_sp_keypair(Path(directory) / "clave-sp")
        idp.configure_sede(settings, sp)
    server = make_server("127.0.0.1", port, idp.wsgi, server_class=WSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningIdP(idp=idp, url=f"http://127.0.0.1:{port}/", sp=sp)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
