"""In a real browser (Debian's Chromium through Playwright): the template editor's live
preview follows what the clerk types (expedientes/plantillas.js, debounced), shows a
syntax error with its line, and the merge-field buttons insert at the cursor."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import browser as browser_support
from tests.conftest import PASSWORD

HOST = "biar.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def entity(province, django_db_blocker):
    """Biar, with the e-administration services; clerk_b holds the expedientes there and
    the entity has adopted the licencia de obra menor."""
    from django_tenants.utils import schema_context

    from expedientes.catalogo import actions as catalogo
    from tenants import actions
    from tenants.choices import MembershipRole
    from tests.expedientes.conftest import make_expediente

    biar = browser_support.provision_entity(
        province, django_db_blocker, slug="biar", name="Ajuntament de Biar",
        ine_code="030247", services=["eadmin"])
    with django_db_blocker.unblock():
        actions.add_member(biar, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["expedientes"])
        with schema_context(biar.schema_name):
            procedimiento = catalogo.adoptar("URB-OBRA-MENOR", acting_user=None)
            biar.plantilla_pk = procedimiento.plantillas.get(code="providencia").pk
            biar.procedimiento_pk = procedimiento.pk
            biar.expediente_pk = make_expediente(procedimiento, asunto="Cambio de bañera").pk
    return biar


@pytest.fixture(scope="module")
def server(entity, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def _login(page, server: str, path: str) -> None:
    page.goto(f"{server}/cuentas/entrar/?next={path}")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{server}{path}")


def test_the_preview_follows_the_editor(server, browser, entity):
    path = (f"/gestion/expedientes/procedimientos/{entity.procedimiento_pk}/plantillas/"
            f"{entity.plantilla_pk}/")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, server, path)
    preview = page.locator("#previa")
    # The stored template, merged with sample data, is there from the start.
    assert "PROVIDENCIA DE ALCALDÍA" in preview.inner_text()
    year = timezone.localdate().year
    textarea = page.locator("#id_cuerpo")
    textarea.fill("<p>Expediente {{ expediente.codigo }} de ")
    textarea.press("End")
    page.get_by_role("button", name="entidad.municipio").click()
    preview.get_by_text(f"Expediente 12/{year} de Biar").wait_for()
    assert textarea.input_value() == \
        "<p>Expediente {{ expediente.codigo }} de {{ entidad.municipio }}"
    textarea.fill("<p>Uno</p>\n<p>{% if interesado.nombre %}</p>")
    preview.get_by_text("Error en la línea 2 de la plantilla").wait_for()
    assert preview.inner_text() == ("Error en la línea 2 de la plantilla: la etiqueta "
                                    "«{% if %}» no se cierra: falta «{% endif %}».")
    page.screenshot(path=str(browser_support.SHOTS / "expedientes-plantilla-1280.png"),
                    full_page=True)
    # Nothing was saved by previewing.
    page.reload()
    assert "PROVIDENCIA DE ALCALDÍA" in page.locator("#previa").inner_text()
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(browser_support.SHOTS / "expedientes-plantilla-360.png"),
                    full_page=True)
    page.close()


def test_generate_all_then_edit_a_draft(server, browser, entity):
    path = f"/gestion/expedientes/{entity.expediente_pk}/documentos/"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, server, path)
    page.get_by_role("button", name="Generar todos").click()
    page.get_by_text("Generados 8 borradores").wait_for()
    rows = page.locator("section.ct-documentos tbody tr")
    assert rows.count() == 8
    page.screenshot(path=str(browser_support.SHOTS / "expedientes-documentos-1280.png"),
                    full_page=True)
    page.get_by_role("link", name="Editar Informe técnico").click()
    textarea = page.locator("#id_cuerpo")
    textarea.fill("<p>Obra conforme con el planeamiento.</p>")
    page.locator("#previa").get_by_text("Obra conforme con el planeamiento.").wait_for()
    page.get_by_role("button", name="Guardar").click()
    page.get_by_text("Borrador guardado.").wait_for()
    assert "Obra conforme con el planeamiento." in page.locator(".ct-papel").inner_text()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{server}{path}")
    page.screenshot(path=str(browser_support.SHOTS / "expedientes-documentos-360.png"),
                    full_page=True)
    page.close()


def test_text_typed_before_the_script_ran_is_previewed(server, browser, entity):
    """The editor's script is deferred: a clerk quick enough to type before it runs (or a
    browser restoring the form on reload) still gets the preview of what is in the box.
    The script is held back until the text is in, so nothing heard the input event."""
    path = (f"/gestion/expedientes/procedimientos/{entity.procedimiento_pk}/plantillas/"
            f"{entity.plantilla_pk}/")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, server, path)
    held = []
    page.route("**/plantillas*.js", lambda route: held.append(route))
    page.goto(f"{server}{path}", wait_until="commit")
    textarea = page.locator("#id_cuerpo")
    textarea.fill("<p>Escrito antes del guion.</p>")
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the editor's script was never requested"
    assert "Escrito antes del guion." not in page.locator("#previa").inner_text()
    held[0].continue_()
    page.locator("#previa").get_by_text("Escrito antes del guion.").wait_for()
    page.close()
