"""A notification in a real browser (Debian's Chromium through Playwright), against a
server process and the test Cl@ve IdP (tests/clave_idp.py, a real pysaml2 IdP on
127.0.0.1): the citizen goes to the sede's carpeta → identifies with Cl@ve as María
García López (nivel sustancial) → «Mis notificaciones» shows the pending one → its
detail shows the concept but not the document → she confirms and accesses the content
(the download has the remesa's SHA-256) → downloads the acuse of access (its text names
the reference, the method and the level) → verifies the acuse's CSV at /sede/verificar/,
where the original served is the acuse she downloaded.
Saves docs/screenshots/notificaciones-*.png (1280 and 360 px) with SAVE_SCREENSHOTS=1."""

from __future__ import annotations

import hashlib
import re
import urllib.request
from pathlib import Path

import pytest

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.clave_idp import make_sp_keypair, running_idp
from tests.test_documents import pdf_text

HOST = "monover.localhost"
SLUG = "monover"
MARIA = "12345678Z"  # a user of the test IdP: María García López, nivel sustancial
CONCEPTO = "Resolución de la licencia de obra menor en C/ Major 7"
CONTENIDO = "Resolución de concesión de la licencia de obra menor (pruebas)"
CSV = re.compile(r"CSV(-[A-Z2-7]{4}){6}")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    """The files of the module (the document notified, the registro's anexos, the
    acuses), shared by this process and the server's: a directory of its own, not the
    project's."""
    return tmp_path_factory.mktemp("notificaciones-media")


@pytest.fixture(scope="module")
def setup(province, django_db_blocker, media):
    """An entity of its own with the e-administración, an expediente with a signed
    resolution, and a remesa notifying it at the sede to María (no e-mail nor phone: no
    avisos are queued). Committed, so that the server process sees it."""
    from django.test import override_settings
    from django_tenants.utils import schema_context

    from expedientes.choices import EstadoDocumento, TipoDocumental
    from tests.expedientes.conftest import make_documento, make_expediente, make_procedimiento
    from tests.notificaciones.conftest import lucia, notificar
    from tests.sede.conftest import pdf_bytes

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug=SLUG, name="Ajuntament de Monòver",
        ine_code="030895", services=["eadmin"], population=12000)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)), \
            schema_context(entity.schema_name):
        expediente = make_expediente(make_procedimiento(), asunto="Licencia de obra menor")
        resolucion = make_documento(
            expediente, titulo="Resolución de concesión de licencia", content=pdf_bytes(CONTENIDO),
            tipo_documental=TipoDocumental.RESOLUCION, estado=EstadoDocumento.FIRMADO,
            is_resolucion=True, nombre_fichero="resolucion.pdf")
        [notificacion] = notificar(resolucion, lucia(
            documento=MARIA, nombre="María", apellido1="García", apellido2="López", email="",
            telefono=""), concepto=CONCEPTO)
        assert notificacion.canal == "sede"
        assert not notificacion.avisos.exists()
        return {"entity": entity, "referencia": notificacion.referencia,
                "pk": notificacion.pk, "sha256": notificacion.remesa.contenido_sha256}


@pytest.fixture(scope="module")
def clave(tmp_path_factory):
    """The test Cl@ve IdP on 127.0.0.1, with the sede's SP key pair (`clave.sp`)."""
    directory = tmp_path_factory.mktemp("clave")
    with running_idp(directory, sp=make_sp_keypair(directory / "sp")) as idp:
        yield idp


@pytest.fixture(scope="module")
def server(setup, clave, media, django_db_blocker):
    """The server process offers Cl@ve through the environment (its SEDE_CLAVE_* settings
    are read from there); the IdP trusts the entity's SP metadata as the server serves it."""
    from sede import conf

    methods = conf.identification_methods()
    env = {"MEDIA_ROOT": str(media),
           "SEDE_IDENTIFICATION_METHODS": ",".join(
               [*methods, *([] if conf.CLAVE_METHOD in methods else [conf.CLAVE_METHOD])]),
           "SEDE_CLAVE_IDP_METADATA": str(clave.metadata_path),
           "SEDE_CLAVE_SP_KEY": str(clave.sp.key_path),
           "SEDE_CLAVE_SP_CERT": str(clave.sp.cert_path),
           "SEDE_CLAVE_XMLSEC_BINARY": clave.xmlsec}
    with browser_support.web_server(django_db_blocker, host=HOST, ready_path="/sede/",
                                    extra_env=env) as port:
        metadata = urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/sede/identificarse/clave/metadata/",
            headers={"Host": f"{HOST}:{port}"}), timeout=10).read()
        assert b"EntityDescriptor" in metadata
        clave.trust_sp(metadata)
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def _shot_name(step: str, width: int) -> str:
    return f"notificaciones-{step}-{width}.png"


def _shoot(context, url: str, step: str) -> None:
    """Desktop and phone screenshots of the sede's `url` (a GET page), in pages of
    `context` (its session); the phone page must not scroll sideways."""
    for width in (1280, 360):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (step, width)
        page.screenshot(path=str(SHOTS / _shot_name(step, width)), full_page=True)
        page.close()


FETCH = """async (url) => {
    const response = await fetch(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return [response.status, response.headers.get("content-type") || "", btoa(binary)];
}"""


def _fetch(page, url: str) -> tuple[int, str, bytes]:
    """(status, MIME type, body) of a GET of `url` from the page, with its session
    (Chromium resolves *.localhost for the page; Playwright's own requests do not)."""
    import base64

    status, content_type, data = page.evaluate(FETCH, url)
    return status, content_type.split(";")[0], base64.b64decode(data)


def _download(page, link) -> tuple[str, bytes]:
    """(suggested file name, bytes) of what clicking `link` downloads."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_clave_access_acuse_and_its_verification(setup, server, clave, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    referencia = setup["referencia"]
    detalle_url = f"{server}/sede/carpeta/notificaciones/{setup['pk']}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    acs = []
    page.on("request", lambda request: acs.append(request.method)
            if request.url == f"{server}/sede/identificarse/clave/acs/" else None)

    # The sede's page that sends the browser to Cl@ve, as seen without JavaScript (its
    # deferred script, which posts the form, held back), in a session of its own.
    aside = browser.new_context()
    held = []
    aside.route(re.compile(r"/static/sede/clave[^/]*\.js"),
                lambda route: (held.append(route.request.url), route.abort()))
    envio = f"{server}/sede/identificarse/clave/?next=/sede/carpeta/"
    sin_script = aside.new_page()
    sin_script.goto(envio)
    assert held, "the page did not ask for its script"
    assert sin_script.get_by_role("button", name="Continuar a Cl@ve").is_visible()
    sin_script.close()
    _shoot(aside, envio, "clave-envio")
    aside.close()

    # The carpeta asks for identification; Cl@ve is offered there.
    page.goto(f"{server}/sede/carpeta/")
    page.wait_for_url(re.compile(r"/sede/identificarse/\?next=%2Fsede%2Fcarpeta%2F$"))
    _shoot(context, page.url, "identificacion")
    page.get_by_role("link", name="Acceder con Cl@ve").click()

    # The sede's page posts the signed AuthnRequest to the IdP by itself (a deferred
    # script); the IdP checked its signature against the metadata it trusts.
    page.wait_for_url(clave.sso_url)
    assert page.locator("h1").inner_text() == "Cl@ve (pruebas)"
    maria = page.get_by_label("María García López (12345678Z) — nivel sustancial")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / _shot_name("clave-login", width)), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    maria.check()
    page.get_by_role("button", name="Acceder").click()

    # The IdP's page posts the response to the ACS (cross-site: without the session
    # cookie), the sede's page posts it again with it, and the carpeta opens.
    page.wait_for_url(f"{server}/sede/carpeta/")
    assert acs == ["POST", "POST"]
    assert "Identificado/a: María García López" in page.locator(".sede-who").inner_text()
    carpeta = page.locator("main").inner_text()
    assert "Notificaciones pendientes: 1." in carpeta

    # «Mis notificaciones»: the pending one, first.
    page.get_by_role("link", name="Ver mis notificaciones").click()
    page.wait_for_url(f"{server}/sede/carpeta/notificaciones/")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert referencia in rows.first.inner_text()
    assert "Puesta a disposición" in rows.first.inner_text()
    _shoot(context, page.url, "lista")
    rows.first.get_by_role("link", name=CONCEPTO).click()
    page.wait_for_url(detalle_url)

    # The detail before access: who sends it, the reference and the concept; not the
    # document (no name, no hash, no link, and its address does not exist yet).
    main = page.locator("main")
    assert page.locator("h1").inner_text() == f"Notificación {referencia}"
    assert CONCEPTO in main.inner_text()
    assert "Ajuntament de Monòver" in main.inner_text()
    assert "resolucion.pdf" not in main.inner_text()
    assert setup["sha256"] not in page.content()
    assert page.get_by_role("link", name="Descargar el documento notificado").count() == 0
    estado = main.locator(".facts .badge")
    assert estado.inner_text() == "Puesta a disposición"
    assert _fetch(page, f"{detalle_url}contenido/")[0] == 404
    _shoot(context, detalle_url, "detalle-pendiente")

    # Without the box ticked nothing happens but a clear message.
    page.get_by_role("button", name="Acceder al contenido").click()
    page.locator(".errorlist").get_by_text(
        "marque la casilla que confirma que ha leído sus efectos").wait_for()
    assert estado.inner_text() == "Puesta a disposición"
    # The comparecencia.
    page.get_by_label("He leído lo anterior y entiendo").check()
    page.get_by_role("button", name="Acceder al contenido").click()
    page.get_by_text(f"Ha accedido al contenido de la notificación {referencia}").wait_for()
    assert page.url == detalle_url
    assert estado.inner_text() == "Accedida (notificada)"
    assert setup["sha256"] in main.inner_text()

    # The content, as notified.
    nombre, contenido = _download(
        page, page.get_by_role("link", name="Descargar el documento notificado"))
    assert nombre == "resolucion.pdf"
    assert hashlib.sha256(contenido).hexdigest() == setup["sha256"]
    assert CONTENIDO in pdf_text(contenido)

    # The acuse of the access.
    page.reload()
    acceso = page.locator("tbody tr", has_text="Acceso al contenido (comparecencia)")
    assert acceso.count() == 1
    csv = acceso.locator("code").inner_text().strip()
    assert CSV.fullmatch(csv), csv
    _shoot(context, detalle_url, "detalle-accedida")
    nombre, acuse = _download(page, acceso.get_by_role("link", name=re.compile(
        r"^Descargar el acuse")))
    assert re.fullmatch(r"acuse[\w-]*\.pdf", nombre), nombre
    assert acuse.startswith(b"%PDF")
    text = pdf_text(acuse)
    assert referencia in text
    assert csv in text
    assert "Acceso al contenido (comparecencia)" in text
    assert "María García López (12345678Z)" in text
    # The method and level of the identification (codes today; their labels would do).
    assert re.search(r"Método de identificación (Cl@ve|clave)\b", text), text
    assert re.search(r"nivel (de seguridad )?sustancial", text), text
    context.close()

    # Anyone verifies the acuse's CSV at the sede (no identification needed).
    verifier = browser.new_context(viewport={"width": 1280, "height": 900})
    page = verifier.new_page()
    page.goto(f"{server}/sede/verificar/")
    page.get_by_label("Código seguro de verificación (CSV)").fill(csv)
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(re.compile(r"/sede/verificar/\?csv="))
    main = page.locator("main").inner_text()
    assert "Documento auténtico" in main
    assert f"Acuse de acceso al contenido de una notificación {referencia}" in main
    assert hashlib.sha256(acuse).hexdigest() in main
    _shoot(verifier, page.url, "verificacion-acuse")
    original = page.get_by_role("link", name="Ver el documento original (PDF)")
    assert _fetch(page, original.get_attribute("href")) == (200, "application/pdf", acuse)
    verifier.close()
