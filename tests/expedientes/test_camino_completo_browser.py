"""The whole path of an expediente in a real browser (Debian's Chromium through Playwright),
against a server process and a real Celery worker: an entry of the registro with a PDF →
the clerk opens an expediente from it with the adopted «Licencia de obra menor» → generates
three documents from its templates → sends the resolución to signature with the circuit
«Secretaría → Alcaldía (decretos)» → the secretaria and then the alcalde sign it in their
portafirmas → the libro de resoluciones shows it as number 1 of the year → the clerk
remits the expediente in ENI, the worker sends it, and the package downloaded from the
remission validates (0 errors) with the resolución's PDF carrying both PAdES signatures.
Saves docs/screenshots/expedientes-camino-*.png (1280 and 360 px) with SAVE_SCREENSHOTS=1."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.conftest import PASSWORD

HOST = "novelda.localhost"
SLUG = "novelda"
CIRCUITO = "Secretaría → Alcaldía (decretos)"
PLANTILLAS = ("Providencia de Alcaldía", "Informe técnico", "Resolución de Alcaldía")
RESOLUCION = "Resolución de Alcaldía"

pytestmark = [pytest.mark.slow, pytest.mark.worker]


def _purge_certificados(entity, had_ca: bool) -> None:
    """The entity's certificates (firma of both signers, its sello), with their history
    (the append-only trigger is lifted inside the transaction), and the local CA if this
    module made it: other tests count on the platform's certificates."""
    from django.db import connection, transaction

    from certificados import sellos
    from certificados.models import AvisoCaducidad, Certificado, Evento, LocalCA

    with transaction.atomic():
        certificados = Certificado.objects.filter(entity=entity)
        AvisoCaducidad.objects.filter(certificado__in=certificados).delete()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE certificados_evento DISABLE TRIGGER "
                           "certificados_evento_append_only")
            Evento.objects.filter(certificado__in=certificados).delete()
            cursor.execute("ALTER TABLE certificados_evento ENABLE TRIGGER "
                           "certificados_evento_append_only")
        certificados.exclude(renews=None).delete()
        certificados.delete()
        if not had_ca:
            LocalCA.objects.all().delete()
    sellos.forget()


@pytest.fixture(scope="module")
def setup(province, django_db_blocker):
    """An entity of its own with the e-administración: clerk_b as its clerk; an alcalde
    and a secretaria recorded as office holders, made signers by the portafirmas demo
    (users `alcaldia.novelda` and `secretaria.novelda`, certificates of the local CA held
    by the platform, the two circuits); a sello de órgano for the ENI índice; the
    provincial model «Licencia de obra menor» adopted; and an entry with a PDF."""
    from django.test import override_settings
    from django_tenants.utils import schema_context

    from certificados import actions as certificados
    from certificados import sellos
    from certificados.models import LocalCA
    from expedientes import demo_portafirmas
    from expedientes.catalogo import actions as catalogo
    from provincial import settings as project_settings
    from provincial.signing import keys
    from registro import services as registro
    from tenants import actions
    from tenants.choices import MembershipRole, Office, Wording
    from tests.registro.conftest import datos, pdf_anexo

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug=SLUG, name="Ajuntament de Novelda",
        ine_code="030937", services=["eadmin"])
    admin = province.provincial_admin
    # The server process and the worker read and write the project's media directory and
    # decrypt the platform's keys with the project's key: the same as here.
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=project_settings.MEDIA_ROOT, CERTIFICADOS_CA_KEY_BITS=2048,
            CERTIFICADOS_KEY_BITS=2048):
        keys.reset_cache()
        sellos.forget()
        had_ca = LocalCA.objects.exists()
        actions.add_member(entity, acting_user=admin, email=province.clerk_b.email,
                           role=MembershipRole.CLERK, applications=["registro", "expedientes"])
        for office, name in ((Office.ALCALDIA, "Francesc Sala Pastor"),
                             (Office.SECRETARIA_INTERVENCION, "Isabel Mira Crespo")):
            actions.add_office_holder(entity, actions.OfficeHolderData(
                office=office, name=name, start_date=datetime.date(2023, 6, 17),
                wording=Wording.FEMININE if name.startswith("Isabel") else Wording.MASCULINE),
                acting_user=admin)
        signers = demo_portafirmas.load_demo(entity, operator=admin)
        assert {"alcaldia", "secretaria"} <= set(signers), signers
        certificados.issue_local_sello(entity, operator=admin)
        with schema_context(entity.schema_name):
            procedimiento = catalogo.adoptar("URB-OBRA-MENOR", acting_user=admin)
            asiento = registro.registrar(
                **datos(asunto="Solicitud de licencia de obra menor",
                        resumen="Reforma de la cocina en la calle Major 12"),
                anexos=[pdf_anexo()], acting_user=province.clerk_b)
            numero, procedimiento_pk = asiento.numero_registro, procedimiento.pk
    yield {"entity": entity, "numero": numero, "procedimiento": procedimiento_pk,
           "alcaldia": signers["alcaldia"].username,
           "secretaria": signers["secretaria"].username}
    with django_db_blocker.unblock():
        _purge_certificados(entity, had_ca)


@pytest.fixture(scope="module")
def server(setup, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def _shot_name(step: str, width: int) -> str:
    return f"expedientes-camino-{step}{'' if width == 1280 else f'-{width}'}.png"


def _shoot(context, url: str, step: str) -> None:
    """Desktop and phone screenshots of `url`; the phone page must not scroll sideways."""
    for width in (1280, 360):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (step, width)
        page.screenshot(path=str(SHOTS / _shot_name(step, width)), full_page=True)
        page.close()


def _log_in(browser, server: str, username: str, password: str):
    """A browser context of its own logged in as `username` (clerks and signers need no
    second factor: only administrators do)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/gestion/expedientes/")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/gestion/"))
    return context, page


def _sign(browser, server: str, username: str, titulo: str, step: str) -> None:
    """`username` finds the document in their portafirmas and signs it."""
    from tenants.demo import DEMO_PASSWORD

    context, page = _log_in(browser, server, username, DEMO_PASSWORD)
    page.goto(f"{server}/gestion/expedientes/portafirmas/")
    row = page.locator("tbody tr", has_text=titulo)
    assert row.count() == 1
    assert "Pendiente" in row.inner_text()
    _shoot(context, page.url, f"bandeja-{step}")
    row.get_by_role("link", name=titulo, exact=True).click()
    page.wait_for_url(re.compile(r"/portafirmas/\d+/$"))
    assert CIRCUITO in page.content()
    if step == "secretaria":
        _shoot(context, page.url, "firma")
    page.get_by_role("button", name="Firmar", exact=True).click()
    page.wait_for_url(re.compile(r"/portafirmas/$"))
    assert f"«{titulo}» firmado." in page.content()
    context.close()


FETCH = """async (url) => {
    const response = await fetch(url);
    const data = await new Promise((resolve) => {
        response.blob().then((blob) => {
            const reader = new FileReader();
            reader.onload = () => resolve(reader.result.split(",")[1]);
            reader.readAsDataURL(blob);
        });
    });
    return [response.status, response.headers.get("content-type"), data];
}"""


def _fetch(page, link, content_type: str = "application/pdf") -> bytes:
    """What `link` serves, fetched in the page with its session (Chromium would show a
    PDF inline rather than download it)."""
    import base64

    status, served, data = page.evaluate(FETCH, link.get_attribute("href"))
    assert (status, served.split(";")[0]) == (200, content_type)
    return base64.b64decode(data)


def _pades_signatures(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return len(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


def test_from_the_registro_to_the_eni_remission_through_both_signatures(
        setup, server, browser, celery_worker_process, django_db_blocker, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    year = timezone.localdate().year
    clerk, page = _log_in(browser, server, "clerk_b", PASSWORD)

    # The entry waits among those without an expediente; the clerk opens one from it.
    page.goto(f"{server}/gestion/expedientes/nuevo/desde-registro/")
    row = page.locator("tbody tr", has_text=setup["numero"])
    row.get_by_role("link", name="Abrir expediente").click()
    page.wait_for_url(re.compile(r"/nuevo/desde-registro/\d+/$"))
    assert "solicitud.pdf" in page.content()
    _shoot(clerk, page.url, "desde-asiento")
    page.get_by_label("Procedimiento").select_option(str(setup["procedimiento"]))
    page.get_by_role("button", name="Abrir el expediente").click()
    page.wait_for_url(re.compile(r"/gestion/expedientes/\d+/$"))
    codigo = re.fullmatch(r"Expediente (\d+/\d{4})", page.locator("h1").inner_text()).group(1)
    detalle = page.url

    # Documentos: the entry's PDF is there; three drafts from the procedure's templates.
    documentos = f"{detalle}documentos/"
    page.goto(documentos)
    assert page.locator(".ct-documentos tbody tr", has_text="solicitud").count() >= 1
    for nombre in PLANTILLAS:
        page.goto(documentos)
        page.locator("summary", has_text="Generar un documento desde una plantilla").click()
        page.get_by_role("button", name=nombre, exact=True).click()
        page.wait_for_url(re.compile(r"/documentos/\d+/editar/$"))
        assert "generado: revíselo y complételo." in page.content()
    page.goto(documentos)
    borradores = page.locator(".ct-documentos tbody tr", has_text="borrador")
    assert borradores.count() >= 3
    for nombre in PLANTILLAS:
        assert page.locator(".ct-documentos tbody tr", has_text=nombre).count() == 1, nombre
    _shoot(clerk, documentos, "documentos")

    # The resolución goes to the portafirmas with the circuit of the decretos.
    page.locator(".ct-documentos tbody tr", has_text=RESOLUCION).get_by_role(
        "link", name=f"Firma {RESOLUCION}").click()
    page.wait_for_url(re.compile(r"/documentos/\d+/firma/$"))
    page.get_by_label("Circuito de firma").select_option(label=CIRCUITO)
    _shoot(clerk, page.url, "enviar-a-firma")
    page.get_by_role("button", name="Enviar a firma").click()
    page.wait_for_url(re.compile(r"/documentos/\d+/firma/$"))
    assert f"«{RESOLUCION}» enviado a firma." in page.content()

    # The secretaria signs first, then the alcalde.
    _sign(browser, server, setup["secretaria"], RESOLUCION, "secretaria")
    _sign(browser, server, setup["alcaldia"], RESOLUCION, "alcaldia")

    # The libro de resoluciones: number 1 of the year, of this expediente.
    page.goto(f"{server}/gestion/expedientes/libro/")
    entrada = page.locator("tbody tr", has_text=codigo)
    assert entrada.count() == 1
    assert f"{year}/0001" in entrada.inner_text()
    _shoot(clerk, page.url, "libro")
    page.goto(documentos)
    resolucion_row = page.locator(".ct-documentos tbody tr", has_text=RESOLUCION)
    assert "Firmado" in resolucion_row.inner_text()
    firmado = _fetch(page, resolucion_row.get_by_role("link", name=f"Descargar {RESOLUCION}"))
    assert _pades_signatures(firmado) == 2

    # The remission in ENI, sent by the worker.
    page.goto(f"{detalle}remitir/")
    _shoot(clerk, page.url, "remitir")
    page.get_by_role("textbox", name="Destino", exact=True).fill("Juzgado de lo Contencioso-Administrativo n.º 2 de Elche")
    page.get_by_label("Código DIR3 del destino").fill("J00004321")
    page.get_by_label("Motivo de la remisión").fill("Requerimiento del juzgado: recurso 12/2026")
    page.get_by_role("button", name="Remitir").click()
    page.wait_for_url(re.compile(r"/remisiones/\d+/$"))
    remision_url = page.url
    badge = page.locator(".page-head .badge")
    for _attempt in range(60):  # the worker takes seconds; the page reloads as it ends
        if badge.inner_text() in ("Enviada", "Error"):
            break
        page.wait_for_timeout(2000)
        page.reload()
    assert badge.inner_text() == "Enviada", page.locator("main").inner_text()
    zip_link = page.get_by_role("link", name="Descargar el paquete (zip)")
    identificador = re.search(r"\bES_\w+?_\d{4}_EXP_\d+\b",
                              page.locator("main").inner_text()).group(0)
    _shoot(clerk, remision_url, "remision")
    paquete = _fetch(page, zip_link, "application/zip")
    clerk.close()

    # The package: expediente.xml and each documento validate; the resolución inside is
    # the PDF the two signed.
    from expedientes.eni import validacion
    from provincial import settings as project_settings

    carpeta = tmp_path / "paquete"
    with zipfile.ZipFile(io.BytesIO(paquete)) as archive:
        archive.extractall(carpeta)
    nombres = sorted(p.name for p in carpeta.iterdir())
    assert "expediente.xml" in nombres
    documento_xmls = sorted(carpeta.glob("documento-*.xml"))
    assert len(documento_xmls) >= 2  # the entry's PDF and the signed resolución
    # Validation reads the platform's trust roots (its local CA) from the database: in a
    # thread of its own, away from Playwright's event loop.
    drop = Path(project_settings.EXPEDIENTES_ENI_DROP_DIR) / setup["entity"].schema_name
    dropped = list(drop.glob(f"{identificador}_R*"))
    assert len(dropped) == 1  # the worker dropped the package there too
    with django_db_blocker.unblock():
        resultados = _in_a_thread(lambda: {
            "paquete": validacion.validate_paquete(carpeta).errores,
            "carpeta": validacion.validate_paquete(dropped[0]).errores,
            **{path.name: validacion.validate_documento(path.read_bytes()).errores
               for path in documento_xmls}})
    shutil.rmtree(dropped[0], ignore_errors=True)
    if not any(drop.iterdir()):
        drop.rmdir()
    assert resultados == {name: [] for name in resultados}
    pdfs = [_valor_binario(path.read_bytes()) for path in documento_xmls]
    assert firmado in pdfs
    assert identificador in (carpeta / "expediente.xml").read_text()


def _in_a_thread(function):
    """`function()` in a thread with no event loop (Django refuses queries inside
    Playwright's), closing the thread's database connection."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run():
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _valor_binario(xml_bytes: bytes) -> bytes:
    """The content (inline, base64) of a documento ENI."""
    import base64

    from lxml import etree

    root = etree.fromstring(xml_bytes)
    node = next(e for e in root.iter() if etree.QName(e).localname == "ValorBinario")
    return base64.b64decode(node.text)
