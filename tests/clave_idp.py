"""A Cl@ve-like SAML 2.0 identity provider for the tests: a real pysaml2 IdP
(`saml2.server.Server`, the core of sede/clave/pruebas.py, «Cl@ve de pruebas») with its
own key and self-signed certificate, made at fixture time, eIDAS attributes and levels of
assurance, and test users.

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
    5 minutes), `destination`, `alter` (a function that changes the `samlp.Response`
    before it and its assertion are signed), `encrypt_assertion` (as Cl@ve does) and
    `sign_alg`/`digest_alg` (RSA-SHA256/SHA-256 unless told: e.g. `SIG_RSA_SHA1`,
    `DIGEST_SHA1` from saml2.xmldsig for a response the sede must refuse);
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
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import time_machine

from sede.clave import pruebas
from sede.clave.pruebas import LOA, KeyPair, ParsedRequest, make_keypair

__all__ = ["DEFAULT_USERS", "LOA", "NATURAL", "ClaveIdP", "KeyPair", "ParsedRequest",
           "RunningIdP", "TestUser", "make_keypair", "make_sp_keypair", "running_idp"]

NATURAL = "http://eidas.europa.eu/attributes/naturalperson/"


class TestUser(pruebas.Usuario):
    __test__ = False  # not a pytest class


DEFAULT_USERS = (
    TestUser("12345678Z", "María", "García", "López", "sustancial"),
    TestUser("X1234567L", "John", "Smith", "", "alto"),
    TestUser("00000023T", "Ana", "Pérez", "Martín", "bajo"),
)


def make_sp_keypair(directory: Path) -> KeyPair:
    """The sede's SP key and certificate (SEDE_CLAVE_SP_KEY / SEDE_CLAVE_SP_CERT)."""
    return make_keypair(directory, "sede-sp", "Sede electronica (pruebas)")


class ClaveIdP(pruebas.ClavePruebasIdP):
    """The IdP. `base_url` is where its SSO endpoint lives (set by `running_idp`)."""

    name = "Cl@ve (pruebas)"

    def __init__(self, directory: Path, *, base_url: str = "http://127.0.0.1:9",
                 users: Sequence[TestUser] = DEFAULT_USERS) -> None:
        directory = Path(directory) / "clave-idp"
        super().__init__(directory, base_url=base_url, users=users,
                         keys=make_keypair(directory, "idp", "Clave IdP (pruebas)"))

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

    def respond(self, request: ParsedRequest, user: TestUser, *,
                issued_at: datetime.datetime | None = None, **knobs) -> str:
        """A signed Response (base64, as posted to the ACS) for `user`; `issued_at`
        signs it at another time."""
        travel = time_machine.travel(issued_at, tick=False) if issued_at \
            else contextlib.nullcontext()
        with self._lock, travel:
            return super().respond(request, user, **knobs)

    @staticmethod
    def tamper(saml_response: str, old: str, new: str) -> str:
        xml = base64.b64decode(saml_response).decode()
        assert old in xml, f"{old!r} not in the response"
        return base64.b64encode(xml.replace(old, new, 1).encode()).decode()


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
    server = pruebas.http_server(idp, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield RunningIdP(idp=idp, url=f"http://127.0.0.1:{port}/", sp=sp)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
