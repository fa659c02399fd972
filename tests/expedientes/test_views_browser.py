"""In a real browser (Debian's Chromium through Playwright), against a server process: a
clerk opens an expediente de oficio, gives it a task and closes it; the pages of the
expedientes and the citizen's carpeta fit a 360 px phone without scrolling sideways.
Saves docs/screenshots/expedientes-*.png (desktop and 360 px) with SAVE_SCREENSHOTS=1."""

from __future__ import annotations

import re

import pytest

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.conftest import PASSWORD

HOST = "petrer.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def entity(province, django_db_blocker):
    """An entity of its own with the e-administración and the demo's registro and
    expedientes; clerk_b is its clerk."""
    from django_tenants.utils import schema_context

    from expedientes import demo
    from registro import demo as registro_demo
    from tenants import actions
    from tenants.choices import MembershipRole

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug="petrer", name="Ajuntament de Petrer",
        ine_code="031040", services=["eadmin"])
    with django_db_blocker.unblock():
        actions.add_member(entity, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["registro", "expedientes"])
        with schema_context(entity.schema_name):
            registro_demo.populate(entity, asientos=24)
            demo.populate(entity, [province.clerk_b])
    return entity


@pytest.fixture(scope="module")
def server(entity, django_db_blocker):
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
        page.screenshot(path=str(SHOTS / f"expedientes-{name}{suffix}.png"), full_page=True)
        page.close()


def test_clerk_opens_tasks_and_closes_an_expediente_on_desktop_and_phone(server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/gestion/expedientes/")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/gestion/"))
    page.goto(f"{server}/gestion/expedientes/")
    assert page.locator("h1").inner_text() == "Expedientes"
    assert "Plazos vencidos o a punto de vencer" in page.content()

    page.get_by_role("link", name="Nuevo expediente").first.click()
    page.wait_for_url(re.compile(r"/gestion/expedientes/nuevo/$"))
    page.get_by_label("Procedimiento").select_option(index=1)
    page.get_by_label("Asunto").fill("Inspección de una obra sin licencia en C/ Major")
    page.locator("#id_int-documento").fill("12345678Z")
    page.locator("#id_int-nombre").fill("Lucía")
    page.locator("#id_int-apellido1").fill("Pérez")
    page.get_by_role("button", name="Abrir el expediente").click()
    page.wait_for_url(re.compile(r"/gestion/expedientes/\d+/$"))
    heading = page.locator("h1").inner_text()
    assert re.fullmatch(r"Expediente \d+/\d{4}", heading)
    detail_url = page.url

    page.get_by_role("link", name="Tareas", exact=True).click()
    page.wait_for_url(re.compile(r"/tareas/$"))
    page.locator("#id_titulo").fill("Visitar la obra")
    page.get_by_role("button", name="Crear la tarea").click()
    assert "Tarea creada." in page.content()
    assert "Visitar la obra" in page.content()

    page.goto(detail_url)
    page.locator("summary", has_text="Cerrar").click()
    page.locator("#id_cerrar-motivo").fill("Desistimiento de la persona interesada")
    page.get_by_role("button", name="Cerrar", exact=True).click()
    page.wait_for_url(detail_url)
    assert "Expediente cerrado." in page.content()
    assert "Reabrir" in page.content()
    assert page.locator("summary", has_text="Marcar como resuelto").count() == 0
    page.close()

    pk = re.search(r"/(\d+)/$", detail_url).group(1)
    _shoot(context, f"{server}/gestion/expedientes/", "home")
    _shoot(context, f"{server}/gestion/expedientes/lista/", "lista")
    _shoot(context, f"{server}/gestion/expedientes/nuevo/", "nuevo")
    _shoot(context, f"{server}/gestion/expedientes/nuevo/desde-registro/", "desde-registro")
    _shoot(context, detail_url, "detalle")
    for tab in ("interesados", "documentos", "tareas", "plazo", "historial"):
        _shoot(context, f"{server}/gestion/expedientes/{pk}/{tab}/", f"detalle-{tab}")
    _shoot(context, f"{server}/gestion/expedientes/informes/", "informes")
    context.close()


def test_citizen_follows_their_expedientes_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/sede/identificarse/?next=/sede/carpeta/")
    page.locator("#id_documento").fill("12345678Z")
    page.locator("#id_nombre").fill("Lucía")
    page.locator("#id_apellido1").fill("Pérez")
    page.locator("form", has=page.locator("#id_documento")).locator(
        "button[type=submit]").click()
    page.wait_for_url(re.compile(r"/sede/carpeta/$"))
    page.get_by_role("link", name="Ver mis expedientes").click()
    page.wait_for_url(re.compile(r"/sede/carpeta/expedientes/$"))
    assert page.locator("h1").inner_text() == "Mis expedientes"
    link = page.locator("table a").first
    link.click()
    page.wait_for_url(re.compile(r"/sede/carpeta/expedientes/\d+/$"))
    assert "Usted figura como" in page.content()
    for url, name in ((page.url, "ciudadano-detalle"),
                      (f"{server}/sede/carpeta/expedientes/", "ciudadano-lista")):
        check = context.new_page()
        check.goto(url)
        assert check.evaluate("document.documentElement.scrollWidth") <= 360, name
        check.screenshot(path=str(SHOTS / f"expedientes-{name}-360.png"), full_page=True)
        check.close()
    context.close()
