"""In a real browser (Debian's Chromium through Playwright): the registro clerk types an
interesado's DNI, presses "Buscar en el padrón" and the fields fill in without leaving the
page (registro/consulta_padron.js)."""

from __future__ import annotations

import datetime

import pytest

from tests import browser as browser_support
from tests.conftest import PASSWORD

HOST = "calp.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def entity(province, django_db_blocker):
    """Calp, with the padrón and the registro; clerk_b holds both; one inhabitant."""
    from django_tenants.utils import schema_context

    from padron import actions as padron
    from padron.choices import Causa
    from tenants import actions
    from tenants.choices import MembershipRole
    from tests.padron.conftest import build_callejero, persona

    calp = browser_support.provision_entity(
        province, django_db_blocker, slug="calp", name="Ajuntament de Calp", ine_code="030475",
        services=["eadmin", "padron"])
    with django_db_blocker.unblock():
        actions.add_member(calp, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["registro", "padron"])
        with schema_context(calp.schema_name):
            streets = build_callejero()
            address = padron.domicilio_for(via=streets["mayor"], number=5,
                                           date=datetime.date(2020, 1, 1))
            padron.dar_de_alta(persona(email="maria@example.org"), causa=Causa.ALTA_OMISION,
                               fecha=datetime.date(2020, 1, 1), domicilio=address,
                               ctx=padron.Contexto(acting_user=province.clerk_b))
    return calp


@pytest.fixture(scope="module")
def server(entity, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def test_the_clerk_fills_in_the_interesado_from_the_padron(server, browser, entity):
    page = browser.new_page()
    page.goto(f"{server}/cuentas/entrar/?next=/gestion/registro/asientos/nuevo/entrada/")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{server}/gestion/registro/asientos/nuevo/entrada/")
    page.locator("#id_asunto").fill("Solicitud de vado")
    page.locator("#id_int-tipo_documento").select_option("N")
    page.locator("#id_int-documento").fill("12345678z")
    page.get_by_role("button", name="Buscar en el padrón").first.click()
    status = page.locator("#int-padron-estado")
    status.get_by_text("figura en el padrón").wait_for()
    assert status.inner_text() == ("María García López figura en el padrón: se han copiado sus "
                                   "datos; revíselos antes de registrar.")
    assert page.locator("#id_int-nombre").input_value() == "María"
    assert page.locator("#id_int-apellido1").input_value() == "García"
    assert page.locator("#id_int-documento").input_value() == "12345678Z"
    assert page.locator("#id_int-email").input_value() == "maria@example.org"
    assert page.locator("#id_int-direccion").input_value() == "Calle Mayor, 5, 03698 Calp"
    # The page did not reload: what the clerk had typed is still there.
    assert page.locator("#id_asunto").input_value() == "Solicitud de vado"
    page.locator("#id_int-documento").fill("11111111H")
    page.get_by_role("button", name="Buscar en el padrón").first.click()
    status.get_by_text("no figura").wait_for()
    assert status.inner_text() == ("Ese documento no figura inscrito en el padrón del "
                                   "Ajuntament de Calp.")
