"""In a real browser (Debian's Chromium through Playwright), against a server process:
identify with the development method, file an instancia general with an attachment,
download the justificante and verify its CSV on the sede. Saves the screenshots of
docs/screenshots/sede-*.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.sede.conftest import pdf_bytes
from tests.test_documents import pdf_text

HOST = "sedeprueba.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sede_entity(province, django_db_blocker):
    """An entity of its own with the sede, so what the browser files does not show up in
    other tests' entities."""
    from django_tenants.utils import schema_context

    from sede import demo

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug="sedeprueba", name="Ajuntament de Pruebas de la Sede",
        ine_code="030187", services=["eadmin"], population=12000)
    with django_db_blocker.unblock(), schema_context(entity.schema_name):
        demo.populate(entity)
    return entity


@pytest.fixture(scope="module")
def server(sede_entity, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST, ready_path="/sede/") as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server, sede_clerk):
    # The clerk is committed before Playwright starts its event loop in this thread.
    with browser_support.chromium() as instance:
        yield instance


def test_citizen_files_downloads_and_verifies(server, browser, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    attachment = tmp_path / "plano.pdf"
    attachment.write_bytes(pdf_bytes("Plano de situación"))

    phone = browser.new_page(viewport={"width": 360, "height": 780})
    phone.goto(f"{server}/sede/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(SHOTS / "sede-home-360.png"), full_page=True)
    phone.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(f"{server}/sede/")
    assert page.locator("h1").inner_text() == "Sede electrónica del Ajuntament de Pruebas de la Sede"
    page.screenshot(path=str(SHOTS / "sede-home.png"), full_page=True)

    page.get_by_role("link", name=re.compile("^Instancia general")).first.click()
    page.wait_for_url(re.compile(r"/sede/identificarse/"))
    page.get_by_label("DNI o NIE").fill("12345678Z")
    page.locator("#id_nombre").fill("María")
    page.get_by_label("Primer apellido").fill("García")
    page.get_by_label("Segundo apellido").fill("López")
    page.get_by_role("button", name="Identificarme").click()
    page.wait_for_url(re.compile(r"/sede/instancia-general/$"))

    page.get_by_label("Correo electrónico para el acuse de recibo").fill("maria@example.org")
    page.get_by_label("Expone").fill("Que quiero instalar un vado en mi cochera.")
    page.get_by_label("Solicita").fill("Que se me conceda la licencia de vado.")
    page.get_by_label("Documentos adjuntos").set_input_files(str(attachment))
    page.get_by_role("button", name="Revisar la solicitud").click()
    page.wait_for_url(re.compile(r"/sede/presentar/"))
    assert "plano.pdf" in page.content()
    page.get_by_role("button", name="Enviar").click()
    page.wait_for_url(re.compile(r"/sede/carpeta/presentaciones/\d+/$"))
    number = page.locator(".sede-number").inner_text()
    assert re.fullmatch(r"\d{4}/E/\d{6}", number)
    page.screenshot(path=str(SHOTS / "sede-justificante.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar el justificante (PDF)").click()
    content = Path(info.value.path()).read_bytes()
    text = pdf_text(content)
    assert number in text
    assert "plano.pdf" in text
    # The verification link printed in the PDF opens this very server (port included).
    # (Spaces compared away: a long address may wrap inside the URL, as it does with some
    # ports, and the extracted text then has a space in it.)
    assert f"Puede verificar este documento en {server}/sede/verificar/ con el CSV".replace(
        " ", "") in text.replace(" ", "")
    csv = re.search(r"CSV(-[A-Z2-7]{4}){6}", text).group(0)

    page.goto(f"{server}/sede/verificar/")
    page.get_by_label("Código seguro de verificación (CSV)").fill(csv)
    page.get_by_role("button", name="Verificar").click()
    # The click starts a navigation; wait for its page, not the one being left.
    page.get_by_text("Documento auténtico").first.wait_for()
    assert number in page.content()
    page.screenshot(path=str(SHOTS / "sede-verificacion.png"), full_page=True)
    page.close()


def test_represented_person_fields_show_only_when_the_box_is_ticked(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/sede/identificarse/?next=/sede/instancia-general/")
    page.get_by_label("DNI o NIE").fill("00000023T")
    page.locator("#id_nombre").fill("Ana")
    page.get_by_label("Primer apellido").fill("Pérez")
    page.get_by_role("button", name="Identificarme").click()
    page.wait_for_url(re.compile(r"/sede/instancia-general/$"))
    fields = ["#id_representado_documento", "#id_representado_nombre",
              "#id_representado_apellido1", "#id_representado_apellido2"]
    box = page.get_by_label("Presento la solicitud en representación de otra persona")
    assert box.get_attribute("aria-expanded") == "false"
    assert [page.locator(f).is_visible() for f in fields] == [False] * 4
    box.check()
    assert box.get_attribute("aria-expanded") == "true"
    assert [page.locator(f).is_visible() for f in fields] == [True] * 4
    # Ticked but empty: the server still says what is missing, and the fields stay shown.
    page.get_by_label("Correo electrónico para el acuse de recibo").fill("ana@example.org")
    page.get_by_label("Expone").fill("Que represento a mi madre.")
    page.get_by_label("Solicita").fill("Que se tramite su solicitud.")
    page.get_by_role("button", name="Revisar la solicitud").click()
    assert "Indique el nombre o la razón social" in page.content()
    assert [page.locator(f).is_visible() for f in fields] == [True] * 4
    box.uncheck()
    assert [page.locator(f).is_visible() for f in fields] == [False] * 4
    page.close()


@pytest.fixture(scope="module")
def sede_clerk(sede_entity, province, django_db_blocker) -> str:
    """A clerk of the sede's entity granted the application 'sede'."""
    from tenants import actions
    from tenants.choices import MembershipRole
    from tests.conftest import _user

    with django_db_blocker.unblock():
        clerk = _user("clerk_sedeprueba")
        clerk.first_name, clerk.last_name = "Rosa", "Pastor Vidal"
        clerk.save()
        actions.add_member(sede_entity, acting_user=province.provincial_admin,
                           email=clerk.email, role=MembershipRole.CLERK,
                           applications=["sede", "registro"])
    return clerk.username


def test_clerk_manages_the_catalogue_and_the_tablon(sede_clerk, server, browser):
    from tests.conftest import PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/gestion/sede/procedimientos/")
    page.get_by_label("Usuario").fill(sede_clerk)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/gestion/sede/procedimientos/$"))
    assert page.locator("h1").inner_text() == "Catálogo de procedimientos"
    page.screenshot(path=str(SHOTS / "sede-gestion-procedimientos.png"), full_page=True)

    page.goto(f"{server}/gestion/sede/tablon/nuevo/")
    page.get_by_label("Título").fill("Exposición pública de la cuenta general 2026")
    page.get_by_label("Órgano que lo publica").fill("Comisión Especial de Cuentas")
    page.get_by_label("Texto").fill("Queda expuesta al público durante quince días.")
    page.get_by_label("Publicado desde").fill("2020-01-01T09:00")
    page.get_by_label("Publicado hasta").fill("2099-01-01T09:00")
    page.get_by_role("button", name="Guardar edicto").click()
    assert "El inicio de la publicación no puede ser anterior a hoy." in page.content()
    page.screenshot(path=str(SHOTS / "sede-gestion-edicto-error.png"), full_page=True)
    page.goto(f"{server}/gestion/sede/tablon/")
    assert "Expuestos" in page.locator(".sg-tabs").inner_text()
    page.screenshot(path=str(SHOTS / "sede-gestion-tablon.png"), full_page=True)
    page.get_by_role("link", name="Aprobación inicial del presupuesto municipal").click()
    page.wait_for_url(re.compile(r"/gestion/sede/tablon/\d+/$"))
    page.get_by_label("Motivo de la retirada").fill("Se publicó con un error en las cifras.")
    page.get_by_role("button", name="Retirar del tablón").click()
    assert "Edicto retirado del tablón de anuncios." in page.content()
    page.screenshot(path=str(SHOTS / "sede-gestion-edicto-retirado.png"), full_page=True)

    phone = context.new_page()
    phone.set_viewport_size({"width": 360, "height": 780})
    for path, name in (("/gestion/sede/procedimientos/", "procedimientos"),
                       ("/gestion/sede/tablon/", "tablon")):
        phone.goto(f"{server}{path}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, path
        phone.screenshot(path=str(SHOTS / f"sede-gestion-{name}-360.png"), full_page=True)
    context.close()
