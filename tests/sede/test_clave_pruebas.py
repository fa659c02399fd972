"""«Cl@ve de pruebas» (sede/clave/pruebas.py, `manage.py clave_pruebas`): the development
IdP that `./dev run` starts so that the demo sede offers Cl@ve. Refused in production; its
`--print-env`; a round trip over HTTP from the sede's AuthnRequest to an identified
session, with the SP's metadata fetched on demand from a *.localhost address only; and
the identification page of a procedure that requires level sustancial."""

from __future__ import annotations

import html
import io
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from sede import identificacion
from sede.clave import pruebas
from sede.models import Procedimiento
from tests.conftest import HOST_A
from tests.demo_site import free_port
from tests.sede.conftest import citizen

pytestmark = pytest.mark.django_db

START = "/sede/identificarse/clave/"
ACS = "/sede/identificarse/clave/acs/"
METADATA = "/sede/identificarse/clave/metadata/"
EXPORTED = ["SEDE_CLAVE_IDP_METADATA", "SEDE_CLAVE_SP_KEY", "SEDE_CLAVE_SP_CERT",
            "SEDE_CLAVE_XMLSEC_BINARY"]


def form_value(text: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', text)
    assert match, text[:2000]
    return html.unescape(match.group(1))


def post(url: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(url, body, timeout=20) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def use_idp(settings, files: pruebas.Files) -> None:
    """The sede's settings as `./dev run` exports them."""
    for name, value in files.environment().items():
        setattr(settings, name, value)
    settings.SEDE_IDENTIFICATION_METHODS = ["certificado", "desarrollo", "clave"]


@contextmanager
def serving(server) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def sede_metadata_server(port: int, host: str, body: bytes) -> Iterator[list[tuple]]:
    """Stands in for the sede's web process on 127.0.0.1:`port`: serves the SP metadata
    at its path for Host `host`, 404 otherwise; yields the requests it got."""
    seen: list[tuple] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append((self.command, self.path, self.headers.get("Host")))
            ok = self.path == METADATA and self.headers.get("Host") == host
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.end_headers()
            self.wfile.write(body if ok else b"")

        def log_message(self, *args) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", port), Handler)):
        yield seen


# --- the command ---------------------------------------------------------------------------


def test_command_refuses_to_start_in_production(settings, tmp_path):
    settings.PRODUCTION = True
    directory = tmp_path / "clave"
    with pytest.raises(CommandError, match="no se inicia con PRODUCTION"):
        call_command("clave_pruebas", "--print-env", "--dir", str(directory))
    with pytest.raises(CommandError, match="no se inicia con PRODUCTION"):
        call_command("clave_pruebas", "--dir", str(directory), "--port", str(free_port()))
    with pytest.raises(ImproperlyConfigured):
        pruebas.development_idp(directory)
    assert not directory.exists()  # no key made


def test_print_env_makes_the_keys_once_and_prints_the_sede_settings(tmp_path):
    directory = tmp_path / "clave de pruebas"  # a space: the values are shell-quoted
    out = io.StringIO()
    call_command("clave_pruebas", "--print-env", "--dir", str(directory), "--port", "18089",
                 stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [f"export {n}" for n in EXPORTED]
    # What `./dev run` gets from `eval`.
    script = out.getvalue() + "".join(f'printf "%s\\n" "${n}";' for n in EXPORTED)
    values = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert values == [str(directory / "idp-metadata.xml"), str(directory / "sede-sp.key"),
                      str(directory / "sede-sp.crt"), pruebas.xmlsec_binary()]
    metadata = (directory / "idp-metadata.xml").read_text()
    assert 'entityID="http://localhost:18089/metadata"' in metadata
    assert 'Location="http://localhost:18089/sso"' in metadata
    assert (directory / "idp.key").stat().st_mode & 0o077 == 0
    assert (directory / "sede-sp.key").read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY")

    # A second start keeps the keys (the sede's SP certificate stays the same) and
    # rewrites the metadata for its port.
    keys = [(directory / name).read_bytes() for name in ("idp.key", "sede-sp.key")]
    again = io.StringIO()
    call_command("clave_pruebas", "--print-env", "--dir", str(directory), "--port", "18090",
                 stdout=again)
    assert again.getvalue() == out.getvalue()
    assert [(directory / name).read_bytes() for name in ("idp.key", "sede-sp.key")] == keys
    assert 'Location="http://localhost:18090/sso"' in (directory / "idp-metadata.xml").read_text()


# --- a round trip --------------------------------------------------------------------------


def test_round_trip_through_the_development_idp_fetches_the_sp_metadata_once(
        province, settings, tmp_path):
    """The sede at agost.localhost:<port> (the test client, whose SP metadata a small
    server on that port serves, as runserver would) sends its AuthnRequest to the IdP,
    which has never heard of it: the IdP fetches the metadata from the Issuer, shows its
    page, and its signed response identifies Lucía at level sustancial."""
    sp_port, idp_port = free_port(), free_port()
    host = f"{HOST_A}:{sp_port}"
    idp, files = pruebas.development_idp(tmp_path / "clave", port=idp_port, host="127.0.0.1")
    use_idp(settings, files)
    client = Client(HTTP_HOST=host)
    metadata = client.get(METADATA)
    assert metadata.status_code == 200
    assert not idp.trusts(f"http://{host}{METADATA}")

    with sede_metadata_server(sp_port, host, metadata.content) as fetched, \
            serving(pruebas.http_server(idp, "127.0.0.1", idp_port)):
        page = client.get(f"{START}?next=/sede/carpeta/").content.decode()
        assert f'action="http://127.0.0.1:{idp_port}/sso"' in page
        saml_request = form_value(page, "SAMLRequest")
        status, login = post(idp.sso_url, {"SAMLRequest": saml_request})
        assert status == 200, login
        assert fetched == [("GET", METADATA, host)]
        assert "Entorno de pruebas: no es Cl@ve real" in login
        assert login.count('type="radio" name="usuario"') == len(pruebas.USUARIOS) == 6
        assert "Lucía Pérez Sanz (12345678Z)" in login
        assert '<button type="submit">Acceder</button>' in login
        assert 'value="12345678Z" checked' in login

        status, back = post(f"http://127.0.0.1:{idp_port}/sso/acceder",
                            {"SAMLRequest": saml_request, "usuario": "12345678Z"})
        assert status == 200, back
        assert f'action="http://{host}{ACS}"' in back
        done = client.post(ACS, {"SAMLResponse": form_value(back, "SAMLResponse")})
        assert done.status_code == 302, done.content.decode()[:1000]
        assert done["Location"] == "/sede/carpeta/"
        session = client.session[identificacion.SESSION_KEY]
        assert (session["documento"], session["nombre"], session["apellido1"],
                session["apellido2"], session["method"], session["level"]) == (
            "12345678Z", "Lucía", "Pérez", "Sanz", "clave", "sustancial")

        # The SP's metadata is kept: a second identification fetches nothing.
        page = Client(HTTP_HOST=host).get(f"{START}?next=/sede/carpeta/").content.decode()
        status, _login = post(idp.sso_url, {"SAMLRequest": form_value(page, "SAMLRequest")})
        assert status == 200
        assert len(fetched) == 1


def test_a_procedure_requiring_sustancial_disables_the_bajo_user_at_the_idp(
        province, settings, tmp_path):
    with schema_context(province.a.schema_name):
        Procedimiento.objects.create(
            code="DATOS", name="Derechos de protección de datos", description="RGPD.",
            plazo_resolucion="1 mes", sentido_silencio="no_aplica", organo="Alcaldía",
            nivel_minimo="sustancial")
    connection.set_schema_to_public()
    idp, files = pruebas.development_idp(tmp_path / "clave", port=free_port(),
                                         host="127.0.0.1")
    use_idp(settings, files)
    client = Client(HTTP_HOST=HOST_A)
    idp.trust_sp(client.get(METADATA).content)
    page = client.get(f"{START}?next=/sede/procedimientos/DATOS/solicitar/").content.decode()
    request = idp.parse_request(form_value(page, "SAMLRequest"))
    assert request.level == "sustancial"
    login = idp._login_page(request, {"SAMLRequest": "x"})
    assert 'value="44444444A" disabled' in login
    assert 'value="33333333P">' in login  # alto: allowed, not the first
    assert 'value="12345678Z" checked' in login
    # Posting the bajo user anyway is refused: Cl@ve does not answer below the request.
    status, body = _wsgi_post(idp, "/sso/acceder", {
        "SAMLRequest": form_value(page, "SAMLRequest"), "usuario": "44444444A"})
    assert (status, body) == ("400 Bad Request",
                              "44444444A: level bajo below the requested sustancial")


def _wsgi_post(idp, path: str, data: dict) -> tuple[str, str]:
    body = urllib.parse.urlencode(data).encode()
    answer: list[str] = []
    chunks = idp.wsgi({"PATH_INFO": path, "REQUEST_METHOD": "POST",
                       "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)},
                      lambda status, headers: answer.append(status))
    return answer[0], b"".join(chunks).decode()


# --- which SPs are trusted -----------------------------------------------------------------


@pytest.mark.parametrize(("entity_id", "local"), [
    ("http://localhost:8000/sede/identificarse/clave/metadata/", True),
    ("http://castalla.localhost:8000/sede/identificarse/clave/metadata/", True),
    ("https://agost.localhost/sede/identificarse/clave/metadata/", True),
    ("https://sede.castalla.es/sede/identificarse/clave/metadata/", False),
    ("http://localhost.example.org/metadata/", False),
    ("http://castalla.localhost@example.org/metadata/", False),
    ("http://example.org/#.localhost", False),
    ("http://127.0.0.1:8000/metadata/", False),
    ("ftp://localhost/metadata/", False),
    ("http://localhost:99999/metadata/", False),
    ("urn:example:sp", False),
])
def test_only_sps_on_localhost_names_are_loaded_on_demand(entity_id, local):
    assert pruebas.is_local_sp(entity_id) is local


def test_an_issuer_outside_localhost_is_refused_without_a_fetch(province, settings,
                                                                  tmp_path):
    asked: list[str] = []
    idp, files = pruebas.development_idp(tmp_path / "clave", port=free_port(),
                                         host="127.0.0.1", fetch_metadata=asked.append)
    use_idp(settings, files)
    settings.SEDE_CLAVE_SP_ENTITY_ID = "https://sede.agost.es/sede/identificarse/clave/metadata/"
    page = Client(HTTP_HOST=HOST_A).get(f"{START}?next=/sede/carpeta/").content.decode()
    status, body = _wsgi_post(idp, "/sso", {"SAMLRequest": form_value(page, "SAMLRequest")})
    assert status == "400 Bad Request"
    assert "unknown SP https://sede.agost.es/sede/identificarse/clave/metadata/" in body
    assert asked == []
    with pytest.raises(pruebas.RequestRefused):
        pruebas.fetch_local_metadata("https://sede.agost.es/sede/identificarse/clave/metadata/")


def test_metadata_describing_another_entity_is_not_trusted(province, settings, tmp_path):
    """A *.localhost Issuer whose address serves some other SP's metadata is refused."""
    other = Client(HTTP_HOST="castalla.localhost")
    idp, files = pruebas.development_idp(
        tmp_path / "clave", port=free_port(), host="127.0.0.1",
        fetch_metadata=lambda url: other.get(METADATA).content)
    use_idp(settings, files)
    page = Client(HTTP_HOST=HOST_A).get(f"{START}?next=/sede/carpeta/").content.decode()
    status, body = _wsgi_post(idp, "/sso", {"SAMLRequest": form_value(page, "SAMLRequest")})
    assert status == "400 Bad Request"
    assert "describes http://castalla.localhost/sede/identificarse/clave/metadata/" in body
    assert not idp.trusts(f"http://{HOST_A}{METADATA}")


# --- the sede's identification page ------------------------------------------------------


def test_identification_for_a_sustancial_procedure_disables_lower_methods(province,
                                                                         settings):
    from sede import demo

    settings.SEDE_IDENTIFICATION_METHODS = ["certificado", "desarrollo"]
    with schema_context(province.a.schema_name):
        for _run in range(2):  # the demo loader stays idempotent
            demo.populate(province.a)
        assert Procedimiento.objects.filter(code="PROTDATOS").count() == 1
        assert Procedimiento.objects.get(code="PROTDATOS").nivel_minimo == "sustancial"
        assert set(Procedimiento.objects.exclude(code="PROTDATOS")
                   .values_list("nivel_minimo", flat=True)) == {"bajo"}
    connection.set_schema_to_public()
    target = "/sede/procedimientos/PROTDATOS/solicitar/"

    page = Client(HTTP_HOST=HOST_A).get(
        f"/sede/identificarse/?{urllib.parse.urlencode({'next': target})}").content.decode()
    text = html.unescape(page)
    assert 'action="/sede/identificarse/desarrollo/"' not in page  # no form, no button
    assert "No alcanza el nivel de seguridad sustancial que exige este trámite." in text
    assert "/sede/identificarse/certificado/?next=" in page
    # One notice, the certificate (alto) first, the development method (bajo) after.
    assert text.count('class="alert') == 1
    assert ("El trámite «Ejercicio de derechos de protección de datos» exige identificarse "
            "con un nivel de seguridad sustancial o superior.") in text
    assert text.index("Certificado electrónico") < text.index("Método de desarrollo")

    # Identified at level bajo, the procedure's form sends the citizen back here: one
    # notice says both what is required and what they have.
    client = citizen()
    form = client.get(target)
    assert form.status_code == 302
    text = html.unescape(client.get(form["Location"]).content.decode())
    assert text.count('class="alert') == 1
    assert ("exige identificarse con un nivel de seguridad sustancial o superior, y usted "
            "se ha identificado con nivel bajo.") in text

    # Anywhere without a level, every method is offered and nothing is said.
    text = html.unescape(Client(HTTP_HOST=HOST_A).get(
        "/sede/identificarse/?next=/sede/carpeta/").content.decode())
    assert 'action="/sede/identificarse/desarrollo/"' in text
    assert 'class="alert' not in text
    assert "No alcanza el nivel" not in text
