"""In a real browser (Debian's Chromium through Playwright), against a server process: a
clerk registers an entrada presencial with an attachment and downloads its justificante.
Saves docs/screenshots/registro-*.png (desktop and 360 px) of the pages it goes through."""

from __future__ import annotations

import re

import pytest

from tenants.demo import ACCEPTANCE_PDF
from tests import browser as browser_support
from tests.browser import SHOTS
from tests.conftest import PASSWORD
from tests.test_documents import pdf_text

HOST = "registroprueba.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def registro_entity(province, django_db_blocker):
    """An entity of its own with the registro and its demo data; clerk_b is its clerk."""
    from django_tenants.utils import schema_context

    from registro import demo
    from tenants import actions
    from tenants.choices import MembershipRole

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug="registroprueba",
        name="Ajuntament de Pruebas del Registre", ine_code="030190", services=["eadmin"])
    with django_db_blocker.unblock():
        actions.add_member(entity, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["registro"])
        with schema_context(entity.schema_name):
            demo.populate(entity, asientos=40)
    return entity


@pytest.fixture(scope="module")
def server(registro_entity, fichero_sicres, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def _shoot(context, url: str, name: str) -> None:
    """Desktop and phone screenshots of `url`; the phone page must not scroll sideways."""
    for width, suffix in ((1280, ""), (360, "-360")):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=str(SHOTS / f"registro-{name}{suffix}.png"), full_page=True)
        page.close()


@pytest.fixture(scope="module")
def fichero_sicres(province, django_db_blocker) -> bytes:
    """A fichero de intercambio from entity A to the test entity, built in a rolled-back
    transaction (only the bytes are needed)."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from registro import sicres
    from registro.services import registrar

    from .conftest import datos, pdf_anexo

    with django_db_blocker.unblock(), schema_context(province.a.schema_name), \
            transaction.atomic():
        asiento = registrar(**datos(anexos=[pdf_anexo()]))
        data = sicres.exportar(asiento, destino_codigo="L01030190",
                               destino_nombre="Ajuntament de Pruebas del Registre",
                               identificador="L01030020_26_00000321")
        transaction.set_rollback(True)
    return data


def test_clerk_registers_an_entrada_with_attachment_and_downloads_the_justificante(
        server, browser, tmp_path, fichero_sicres):
    SHOTS.mkdir(parents=True, exist_ok=True)
    attachment = tmp_path / "solicitud-firmada.pdf"
    attachment.write_bytes(ACCEPTANCE_PDF)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/gestion/registro/")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/gestion/"))
    page.goto(f"{server}/gestion/registro/")
    assert page.locator("h1").inner_text() == "Registro de entrada y salida"

    page.get_by_role("link", name="Nueva entrada").first.click()
    page.wait_for_url(re.compile(r"/asientos/nuevo/entrada/$"))
    page.get_by_label("Asunto").fill("Solicitud de licencia de vado")
    page.get_by_label("Resumen").fill("Vado permanente en calle Mayor 12")
    page.get_by_label("Expone").fill("Que dispone de cochera en calle Mayor 12.")
    page.get_by_label("Solicita").fill("Licencia de vado permanente.")
    page.locator("#id_int-documento").fill("12345678Z")
    page.locator("#id_int-nombre").fill("Marta")
    page.locator("#id_int-apellido1").fill("Vidal")
    page.get_by_label("Documentos escaneados o aportados").set_input_files(str(attachment))
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_url(re.compile(r"/asientos/\d+/$"))
    heading = page.locator("h1").inner_text()
    number = re.search(r"\d{4}/E/\d{6}", heading).group(0)
    assert "solicitud-firmada.pdf" in page.content()
    detail_url = page.url

    # The justificante opens inline (the browser's PDF viewer): fetch it with the page's
    # own session, as the viewer's "download" button would.
    href = page.get_by_role("link", name=re.compile("justificante", re.I)).first \
        .get_attribute("href")
    fetched = page.evaluate("""async (url) => {
        const r = await fetch(url);
        return {status: r.status, type: r.headers.get("content-type"),
                bytes: Array.from(new Uint8Array(await r.arrayBuffer()))};
    }""", href)
    assert (fetched["status"], fetched["type"]) == (200, "application/pdf")
    text = pdf_text(bytes(fetched["bytes"]))
    assert number in text
    assert "solicitud-firmada.pdf" in text
    page.close()

    # A SICRES file uploaded to the bandeja SIR waits there to be accepted or rejected.
    sicres_file = tmp_path / "L01030020_26_00000321.xml"
    sicres_file.write_bytes(fichero_sicres)
    page = context.new_page()
    page.goto(f"{server}/gestion/registro/sir/")
    page.locator("#id_fichero").set_input_files(str(sicres_file))
    page.get_by_role("button", name="Importar").click()
    page.wait_for_url(re.compile(r"/gestion/registro/sir/\d+/$"))
    assert "Aceptar y registrar" in page.content()
    recibido_url = page.url
    page.close()

    _shoot(context, recibido_url, "recibido")
    _shoot(context, f"{server}/gestion/registro/", "home")
    _shoot(context, f"{server}/gestion/registro/asientos/", "lista")
    _shoot(context, f"{server}/gestion/registro/asientos/nuevo/entrada/", "nueva-entrada")
    _shoot(context, detail_url, "detalle")
    _shoot(context, f"{server}/gestion/registro/sir/", "bandeja")
    context.close()
