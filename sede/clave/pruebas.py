"""Cl@ve de pruebas: a SAML 2.0 identity provider that answers like Cl@ve (a pysaml2
`saml2.server.Server` with eIDAS attributes and levels of assurance, the response and
the assertion signed with RSA-SHA256 as Cl@ve 2 does) for development and the demo. It is never Cl@ve: it identifies whoever picks a user on
its page, so it refuses to start with PRODUCTION (`manage.py clave_pruebas`).

- Keys: the IdP's key and self-signed certificate, and the sede's SP key and certificate,
  are made on first start in its directory (default `<PROVINCIAL_DATA_DIR or .data>/
  clave-pruebas/`) and reused after; its metadata is written there on every start
  (`idp-metadata.xml`, what SEDE_CLAVE_IDP_METADATA names).
- Trust: every entity's sede is its own SP, whose entityID is its metadata URL. Besides
  the SP metadata it is given (`trust_sp`), the development IdP (`DevelopmentIdP`) loads
  an SP's metadata on demand from the AuthnRequest's Issuer, only when the Issuer's host
  is `localhost` or ends in `.localhost`, and always from this machine (127.0.0.1); it is
  kept for the life of the process. Any other Issuer is refused without a fetch.
- HTTP (`wsgi`): `/` a short page, `/metadata` the IdP metadata, `/sso` (HTTP-POST
  binding) the login page, with one radio per user, `/sso/acceder` the page that posts
  the signed response to the ACS the request named (`/autosubmit.js` submits it).

tests/clave_idp.py builds the tests' IdP on `ClavePruebasIdP`.
"""

from __future__ import annotations

import base64
import datetime
import html
import http.client
import logging
import os
import shlex
import shutil
import ssl
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, class_name, md, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory

from sede import conf
from sede.clave import config as sp_config

logger = logging.getLogger(__name__)

LOA = sp_config.LOA
LEVELS = conf.CLAVE_LEVELS
DEFAULT_PORT = 8089
MAX_METADATA_BYTES = 256 * 1024
FETCH_TIMEOUT = 5  # seconds


@dataclass(frozen=True)
class Usuario:
    """A person the IdP of tests identifies, at a level of assurance."""

    documento: str
    nombre: str
    apellido1: str
    apellido2: str = ""
    level: str = "sustancial"  # bajo / sustancial / alto

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)

    @property
    def label(self) -> str:
        return f"{self.nombre_completo} ({self.documento})"


# The demo's citizens (tenants/registro/expedientes demo data), one of them at level bajo.
USUARIOS = (
    Usuario("12345678Z", "Lucía", "Pérez", "Sanz", "sustancial"),
    Usuario("87654321X", "Joan", "Ferrer", "Bernabeu", "sustancial"),
    Usuario("22222222J", "Vicent", "Mira", "Jover", "sustancial"),
    Usuario("33333333P", "Carmen", "Sempere", "Ribera", "alto"),
    Usuario("11111111H", "María José", "Navarro", "Pastor", "sustancial"),
    Usuario("44444444A", "Pedro", "Gil", "Verdú", "bajo"),
)


# --- keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    key_path: Path
    cert_path: Path


def make_keypair(directory: Path, name: str, common_name: str) -> KeyPair:
    """A new RSA key and self-signed certificate, as PEM files `<name>.key`/`<name>.crt`."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    pair = KeyPair(directory / f"{name}.key", directory / f"{name}.crt")
    pair.key_path.touch(mode=0o600)
    pair.key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    pair.cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pair


def ensure_keypair(directory: Path, name: str, common_name: str) -> KeyPair:
    """The key pair `<name>` of `directory`, made the first time."""
    pair = KeyPair(directory / f"{name}.key", directory / f"{name}.crt")
    if pair.key_path.is_file() and pair.cert_path.is_file():
        return pair
    return make_keypair(directory, name, common_name)


def ensure_sp_keypair(directory: Path) -> KeyPair:
    """The sede's SP key and certificate (SEDE_CLAVE_SP_KEY / SEDE_CLAVE_SP_CERT)."""
    return ensure_keypair(directory, "sede-sp", "Sede electronica (pruebas)")


def default_directory() -> Path:
    base = os.environ.get("PROVINCIAL_DATA_DIR") or Path(settings.BASE_DIR) / ".data"
    return Path(base).resolve() / "clave-pruebas"


def xmlsec_binary() -> str:
    return conf.clave_xmlsec_binary() or shutil.which("xmlsec1") or ""


# --- SP trust ----------------------------------------------------------------------------


class RequestRefused(ValueError):
    """An AuthnRequest the IdP does not answer (unsigned, badly signed, unknown SP)."""


def is_local_sp(entity_id: str) -> bool:
    """Whether an SP's entityID (its metadata URL) is on this machine: http(s) on
    `localhost` or a `*.localhost` name (RFC 6761), without credentials."""
    try:
        parts = urlsplit(entity_id)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    host = (parts.hostname or "").rstrip(".")
    return (parts.scheme in ("http", "https") and not parts.username
            and not parts.password and (host == "localhost" or host.endswith(".localhost")))


def fetch_local_metadata(url: str) -> bytes:
    """GET an SP's metadata from this machine: `*.localhost` resolves to loopback, so the
    connection goes to 127.0.0.1 with the URL's host in the Host header (no resolver,
    no redirects followed, a bounded size)."""
    if not is_local_sp(url):
        raise RequestRefused(f"{url} is not on localhost")
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        # The sede's development certificate is not one the machine trusts, and the
        # connection never leaves it.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", parts.port or 443, timeout=FETCH_TIMEOUT, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", parts.port or 80,
                                                timeout=FETCH_TIMEOUT)
    try:
        connection.request("GET", path, headers={
            "Host": parts.netloc, "Accept": "application/samlmetadata+xml"})
        response = connection.getresponse()
        body = response.read(MAX_METADATA_BYTES + 1)
    except OSError as exc:
        raise RequestRefused(f"cannot fetch the SP metadata at {url}: {exc}") from exc
    finally:
        connection.close()
    if response.status != 200:
        raise RequestRefused(f"the SP metadata at {url} answered HTTP {response.status}")
    if len(body) > MAX_METADATA_BYTES:
        raise RequestRefused(f"the SP metadata at {url} is too large")
    return body


def _entity_id_of(metadata: str) -> str:
    descriptor = md.entity_descriptor_from_string(metadata)
    if descriptor is None or not descriptor.entity_id:
        raise RequestRefused("not an EntityDescriptor")
    return descriptor.entity_id


# --- the IdP -----------------------------------------------------------------------------


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


class ClavePruebasIdP:
    """The IdP. `base_url` is where its endpoints live (its SSO endpoint is `/sso`);
    `fetch_metadata`, when given, loads unknown `*.localhost` SPs on demand."""

    name = "Cl@ve de pruebas"
    entity_id = "https://pasarela.clave.test/idp/metadata"

    def __init__(self, directory: Path, *, base_url: str, keys: KeyPair,
                 users: Sequence[Usuario] = USUARIOS, xmlsec: str = "",
                 fetch_metadata: Callable[[str], bytes] | None = None,
                 sp_directory: Path | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.sp_directory = Path(sp_directory or self.directory)
        self.sp_directory.mkdir(parents=True, exist_ok=True)
        self.keys = keys
        self.users = {u.documento: u for u in users}
        self.base_url = base_url.rstrip("/")
        self.sp_metadata: list[Path] = []
        self.metadata_path = self.directory / "idp-metadata.xml"
        self.xmlsec = xmlsec or xmlsec_binary() or "/usr/bin/xmlsec1"
        self.fetch_metadata = fetch_metadata
        self._lock = threading.RLock()
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
            # As Cl@ve 2 signs (pysaml2's default is RSA-SHA1, which the sede refuses).
            "signing_algorithm": sp_config.SIGNING_ALGORITHM,
            "digest_algorithm": sp_config.DIGEST_ALGORITHM,
            "metadata": {"local": [str(p) for p in self.sp_metadata]},
            "accepted_time_diff": 60,
            "allow_unknown_attributes": True,
            "service": {"idp": {
                "name": self.name,
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
            self.metadata_path.write_text(str(sp_config.restrict_algorithms(
                entity_descriptor(config))))
            self.server = Server(config=config)

    def trusts(self, entity_id: str) -> bool:
        with self._lock:
            return entity_id in list(self.server.metadata.keys())  # no __contains__

    def trust_sp(self, metadata: bytes | str) -> None:
        """Accept requests from the SP of this metadata (a sede's /clave/metadata/)."""
        text = metadata.decode() if isinstance(metadata, bytes) else metadata
        with self._lock:
            path = self.sp_directory / f"sp-{len(self.sp_metadata)}.xml"
            path.write_text(text)
            self.sp_metadata.append(path)
            self._build()

    def _load_on_demand(self, issuer: str) -> None:
        """Trust the SP `issuer` from its metadata URL, if it is on this machine."""
        if self.fetch_metadata is None or not issuer or self.trusts(issuer):
            return
        if not is_local_sp(issuer):
            raise RequestRefused(f"unknown SP {issuer}: only *.localhost SPs are loaded "
                                 "on demand")
        text = self.fetch_metadata(issuer).decode()
        try:
            described = _entity_id_of(text)
        except Exception as exc:  # noqa: BLE001 - any parse failure is refused
            raise RequestRefused(f"the SP metadata at {issuer} is not SAML metadata") from exc
        if described != issuer:
            raise RequestRefused(f"the metadata at {issuer} describes {described}")
        with self._lock:
            if not self.trusts(issuer):
                self.trust_sp(text)
        logger.info("clave_pruebas: SP %s trusted from its metadata", issuer)

    # --- requests and responses -------------------------------------------------------

    def parse_request(self, saml_request: str) -> ParsedRequest:
        """Parse a base64 AuthnRequest (HTTP-POST binding) and verify its signature
        against the SP's metadata; raises if it is unsigned, badly signed or unknown."""
        xml = base64.b64decode(saml_request).decode()
        if "Signature" not in xml:
            raise RequestRefused("AuthnRequest not signed")
        unverified = samlp.authn_request_from_string(xml)
        if unverified is None:
            raise RequestRefused("not an AuthnRequest")
        self._load_on_demand(unverified.issuer.text if unverified.issuer else "")
        with self._lock:
            parsed = self.server.parse_authn_request(saml_request, BINDING_HTTP_POST)
        message = parsed.message
        if message.signature is None:
            raise RequestRefused("AuthnRequest not signed")
        signed_info = message.signature.signed_info
        algorithms = [signed_info.signature_method.algorithm] + [
            reference.digest_method.algorithm for reference in signed_info.reference]
        if algorithms[0] not in sp_config.SIGNATURE_ALGORITHMS or not all(
                a in sp_config.DIGEST_ALGORITHMS for a in algorithms[1:]):
            raise RequestRefused(f"AuthnRequest signed with weak algorithms {algorithms}")
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

    def respond(self, request: ParsedRequest, user: Usuario, *, level: str | None = None,
                audience: str | None = None, in_response_to: str | None = None,
                sign_assertion: bool = True, sign_response: bool = True,
                person_identifier: str | None = None, destination: str | None = None,
                alter: Callable[[samlp.Response], None] | None = None,
                encrypt_assertion: bool = False,
                sign_alg: str = sp_config.SIGNING_ALGORITHM,
                digest_alg: str = sp_config.DIGEST_ALGORITHM) -> str:
        """A signed Response (base64, as posted to the ACS) for `user`.

        For tests of the SP: `alter` changes the Response (a `samlp.Response`, its
        assertion in `.assertion[0]`) before it and its assertion are signed, as an IdP
        that got something wrong would; `encrypt_assertion` encrypts the assertion to the
        SP's certificate in its metadata, as Cl@ve does (not with `alter`); `sign_alg` and
        `digest_alg` (RSA-SHA256 and SHA-256, as Cl@ve 2) sign the Response and the
        assertion with others (`saml2.xmldsig.SIG_RSA_SHA1`, `DIGEST_SHA1`…)."""
        if alter is not None and encrypt_assertion:
            raise ValueError("alter and encrypt_assertion do not go together")
        identity = {
            sp_config.PERSON_IDENTIFIER: [person_identifier or f"ES/ES/{user.documento}"],
            sp_config.GIVEN_NAME: [user.nombre],
            sp_config.FAMILY_NAME: [f"{user.apellido1} {user.apellido2}".strip()],
            sp_config.FIRST_SURNAME: [user.apellido1],
            "http://es.minhafp.clave/RegisterType": ["AEAT"],
        }
        authn = {"class_ref": LOA[level or user.level],
                 "authn_auth": "https://pasarela.clave.test"}
        signed = {"sign_assertion": sign_assertion, "sign_response": sign_response}
        if alter is not None:
            signed = {"sign_assertion": False, "sign_response": False}
        if encrypt_assertion:
            signed.update(encrypt_assertion=True, encrypt_assertion_self_contained=True)
        with self._lock:
            response = self.server.create_authn_response(
                identity, in_response_to=in_response_to or request.id,
                destination=destination or request.acs_url,
                sp_entity_id=audience or request.issuer,
                name_id_policy=request.message.name_id_policy,
                userid=user.documento, authn=authn, sign_alg=sign_alg,
                digest_alg=digest_alg, **signed)
            if alter is not None:
                message = samlp.response_from_string(str(response))
                alter(message)
                response = self._sign(message, assertion=sign_assertion,
                                      response=sign_response, sign_alg=sign_alg,
                                      digest_alg=digest_alg)
        return base64.b64encode(str(response).encode()).decode()

    def _sign(self, message: samlp.Response, *, assertion: bool, response: bool,
              sign_alg: str, digest_alg: str) -> str:
        """Sign the assertions (directly in `message`) and then the Response, as pysaml2's
        IdP does."""
        sec, to_sign = self.server.sec, []
        algorithms = {"sign_alg": sign_alg, "digest_alg": digest_alg}
        for number, element in enumerate(message.assertion if assertion else [], start=2):
            element.signature = pre_signature_part(element.id, sec.my_cert, number,
                                                   **algorithms)
            to_sign.append((class_name(element), element.id))
        if response:
            message.signature = pre_signature_part(message.id, sec.my_cert, 1, **algorithms)
            to_sign.append((class_name(message), message.id))
        return str(signed_instance_factory(message, sec, to_sign))

    # --- HTTP -------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/autosubmit.js":
            return _reply(start_response, "200 OK", "text/javascript", AUTOSUBMIT)
        if path == "/metadata":
            return _reply(start_response, "200 OK", "application/samlmetadata+xml",
                          self.metadata_path.read_bytes())
        if path == "/" and method in ("GET", "HEAD"):
            return _reply(start_response, "200 OK", "text/html; charset=utf-8",
                          self._index_page().encode())
        if path not in ("/sso", "/sso/acceder") or method != "POST":
            return _reply(start_response, "404 Not Found", "text/plain; charset=utf-8",
                          b"not found")
        size = min(int(environ.get("CONTENT_LENGTH") or 0), 2 * 1024 * 1024)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode(),
                                             keep_blank_values=True).items()}
        try:
            request = self.parse_request(form.get("SAMLRequest", ""))
        except Exception as exc:  # noqa: BLE001 - shown to the developer
            logger.warning("clave_pruebas: AuthnRequest refused: %r", exc)
            return _reply(start_response, "400 Bad Request", "text/plain; charset=utf-8",
                          f"AuthnRequest refused: {exc!r}".encode())
        if path == "/sso":
            return _reply(start_response, "200 OK", "text/html; charset=utf-8",
                          self._login_page(request, form).encode())
        user = self.users.get(form.get("usuario", ""))
        if user is None:
            return _reply(start_response, "400 Bad Request", "text/plain; charset=utf-8",
                          b"unknown user")
        if not _meets(user.level, request.level):
            return _reply(start_response, "400 Bad Request", "text/plain; charset=utf-8",
                          f"{user.documento}: level {user.level} below the requested "
                          f"{request.level}".encode())
        saml_response = self.respond(request, user)
        logger.info("clave_pruebas: %s identified for %s", user.documento, request.issuer)
        return _reply(start_response, "200 OK", "text/html; charset=utf-8",
                      self._post_back_page(request, form, saml_response).encode())

    def _page(self, title: str, body: str, *, script: bool = False) -> str:
        return (
            '<!doctype html><html lang="es"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
            + ('<script src="/autosubmit.js" defer></script>' if script else "")
            + '</head><body><div class="banner" role="note"><strong>'
            + html.escape(_("Entorno de pruebas: no es Cl@ve real")) + "</strong> "
            + html.escape(_("Cualquiera puede identificarse como cualquiera de estas "
                            "personas. Solo para desarrollo y demostraciones."))
            + f'</div><main class="box">{body}</main></body></html>')

    def _index_page(self) -> str:
        people = "".join(
            f"<li>{html.escape(u.label)} — {_('nivel')} {html.escape(u.level)}</li>"
            for u in self.users.values())
        return self._page(self.name, (
            f"<h1>{html.escape(self.name)}</h1>"
            f"<p>{html.escape(_('Proveedor de identidad SAML de pruebas para la sede.'))} "
            f'<a href="/metadata">{html.escape(_("Metadatos del proveedor"))}</a></p>'
            f"<h2>{html.escape(_('Usuarios de pruebas'))}</h2><ul>{people}</ul>"))

    def _login_page(self, request: ParsedRequest, form: dict) -> str:
        options, checked = [], False
        for user in self.users.values():
            allowed = _meets(user.level, request.level)
            attributes = "" if allowed else " disabled"
            if allowed and not checked:
                attributes, checked = " checked", True
            note = "" if allowed else (
                f'<span class="note">{html.escape(_("No alcanza el nivel que pide la sede."))}'
                "</span>")
            options.append(
                f'<label class="user{"" if allowed else " off"}">'
                f'<input type="radio" name="usuario" value="{html.escape(user.documento)}"'
                f'{attributes}><span><strong>{html.escape(user.label)}</strong> — '
                f'{_("nivel")} <span class="level level-{html.escape(user.level)}">'
                f"{html.escape(user.level)}</span>{note}</span></label>")
        asked = (f'<p class="muted">{html.escape(_("La sede pide al menos el nivel"))} '
                 f"<strong>{html.escape(request.level)}</strong>.</p>"
                 if request.level else "")
        return self._page(self.name, (
            f"<h1>{html.escape(self.name)}</h1>{asked}"
            '<form method="post" action="/sso/acceder">'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(form["SAMLRequest"])}">'
            f'<input type="hidden" name="RelayState" '
            f'value="{html.escape(form.get("RelayState", ""))}">'
            f"<fieldset><legend>{html.escape(_('Elija con quién identificarse'))}</legend>"
            f'{"".join(options)}</fieldset>'
            f'<button type="submit">{html.escape(_("Acceder"))}</button></form>'))

    def _post_back_page(self, request: ParsedRequest, form: dict, saml_response: str) -> str:
        return self._page(self.name, (
            f"<h1>{html.escape(self.name)}</h1>"
            f"<p>{html.escape(_('Volviendo a la sede…'))}</p>"
            f'<form method="post" action="{html.escape(request.acs_url)}" data-autosubmit>'
            f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
            f'<input type="hidden" name="RelayState" '
            f'value="{html.escape(form.get("RelayState", ""))}">'
            f'<button type="submit">{html.escape(_("Continuar"))}</button></form>'),
            script=True)


def _meets(level: str, requested: str | None) -> bool:
    if requested not in LEVELS:
        return True
    return level in LEVELS and LEVELS.index(level) >= LEVELS.index(requested)


def _reply(start_response, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type),
                            ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store")])
    return [body]


AUTOSUBMIT = (b'document.querySelectorAll("form[data-autosubmit]")'
              b'.forEach(function (f) { f.submit(); });')

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d2733;background:#eef1f5}
.banner{background:#8a1c1c;color:#fff;padding:.6rem 1rem;text-align:center}
.box{max-width:34rem;margin:2rem auto;background:#fff;border-radius:.5rem;
padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{margin:0 0 1rem;font-size:1.5rem;color:#7a1f2b}
h2{font-size:1.1rem}
fieldset{border:0;margin:0 0 1rem;padding:0}
legend{font-weight:600;margin-bottom:.5rem}
.user{display:flex;gap:.75rem;align-items:flex-start;padding:.6rem .75rem;
border:1px solid #c9d1db;border-radius:.4rem;margin-bottom:.5rem;cursor:pointer}
.user:hover{border-color:#7a1f2b}
.user input{margin-top:.35rem}
.user.off{opacity:.55;cursor:not-allowed}
.level{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.85rem;
background:#e3e8ef}
.level-alto{background:#d6f0dc}.level-sustancial{background:#dde8f8}
.level-bajo{background:#f8ead6}
.note{display:block;font-size:.85rem;color:#5b6673}
.muted{color:#5b6673}
button{font:inherit;font-weight:600;background:#7a1f2b;color:#fff;border:0;
border-radius:.4rem;padding:.6rem 1.4rem;cursor:pointer}
button:focus-visible,.user:focus-within{outline:3px solid #f0b429;outline-offset:2px}
@media (max-width:420px){.box{margin:0;border-radius:0}}
"""


# --- the development server --------------------------------------------------------------


class DevelopmentIdP(ClavePruebasIdP):
    """The IdP `manage.py clave_pruebas` runs: keys kept in its directory, SPs on
    `*.localhost` loaded on demand, the demo's citizens."""

    @property
    def entity_id(self) -> str:  # type: ignore[override]
        return f"{self.base_url}/metadata"


def check_not_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "Cl@ve de pruebas identifies anyone as anyone: it does not start with "
            "PRODUCTION set")


@dataclass(frozen=True)
class Files:
    """What the sede needs to use the development IdP (the SEDE_CLAVE_* settings)."""

    directory: Path
    idp_metadata: Path
    sp: KeyPair
    xmlsec: str

    def environment(self) -> dict[str, str]:
        return {"SEDE_CLAVE_IDP_METADATA": str(self.idp_metadata),
                "SEDE_CLAVE_SP_KEY": str(self.sp.key_path),
                "SEDE_CLAVE_SP_CERT": str(self.sp.cert_path),
                "SEDE_CLAVE_XMLSEC_BINARY": self.xmlsec}

    def exports(self) -> str:
        return "".join(f"export {name}={shlex.quote(value)}\n"
                       for name, value in self.environment().items())


def development_idp(directory: Path | None = None, *, port: int = DEFAULT_PORT,
                    host: str = "localhost",
                    fetch_metadata: Callable[[str], bytes] = fetch_local_metadata,
                    ) -> tuple[DevelopmentIdP, Files]:
    """The development IdP at http://<host>:<port>/ with its keys in `directory` (made
    the first time), its metadata written there, and the sede's SP key pair beside."""
    check_not_production()
    xmlsec = xmlsec_binary()
    if not xmlsec:
        raise ImproperlyConfigured("xmlsec1 is not installed (Debian package xmlsec1)")
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    keys = ensure_keypair(directory, "idp", "Cl@ve de pruebas")
    sp = ensure_sp_keypair(directory)
    # SP metadata fetched by an earlier run is not reused: the sede may have changed since.
    sp_directory = directory / "sp"
    for stale in sp_directory.glob("sp-*.xml"):
        stale.unlink()
    idp = DevelopmentIdP(directory, base_url=f"http://{host}:{port}", keys=keys,
                         xmlsec=xmlsec, fetch_metadata=fetch_metadata,
                         sp_directory=sp_directory)
    return idp, Files(directory, idp.metadata_path, sp, xmlsec)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def http_server(idp: ClavePruebasIdP, host: str, port: int) -> WSGIServer:
    """A wsgiref server of `idp` (serve_forever in the foreground or in a thread)."""
    return make_server(host, port, idp.wsgi, server_class=WSGIServer,
                       handler_class=QuietHandler)
