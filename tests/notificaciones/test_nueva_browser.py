"""In a real browser (Debian's Chromium through Playwright): on the clerk's «Notificar»
page, the «Canal que se aplicará» of each destinatario follows the «Motivo» chosen on its
row (notificaciones/nueva.js), as crear_remesa will apply it when the form is sent."""

from __future__ import annotations

import pytest

from tests import browser as browser_support
from tests.conftest import PASSWORD

HOST = "pego.localhost"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def entity(province, django_db_blocker):
    """Pego, with the e-administración; clerk_b holds the expedientes there; an expediente
    with a natural person as solicitante and a signed resolution."""
    from django_tenants.utils import schema_context

    from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
    from expedientes.models import InteresadoExpediente
    from tenants import actions
    from tenants.choices import MembershipRole
    from tests.expedientes.conftest import DNI, make_documento, make_expediente, make_procedimiento

    pego = browser_support.provision_entity(
        province, django_db_blocker, slug="pego", name="Ajuntament de Pego",
        ine_code="031007", services=["eadmin"])
    with django_db_blocker.unblock():
        actions.add_member(pego, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["expedientes"])
        with schema_context(pego.schema_name):
            expediente = make_expediente(make_procedimiento(), asunto="Vado permanente")
            InteresadoExpediente.objects.create(
                expediente=expediente, rol=RolInteresado.SOLICITANTE, tipo_documento="NIF",
                documento=DNI, nombre="Lucía", apellido1="Pérez", apellido2="Gómez",
                direccion="C/ Major 1, 03780 Pego")
            pego.documento_pk = make_documento(
                expediente, titulo="Resolución del vado", estado=EstadoDocumento.FIRMADO,
                tipo_documental=TipoDocumental.RESOLUCION, is_resolucion=True).pk
    return pego


@pytest.fixture(scope="module")
def server(entity, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield f"http://{HOST}:{port}"


@pytest.fixture(scope="module")
def browser(server):
    with browser_support.chromium() as instance:
        yield instance


def test_the_channel_follows_the_ground_chosen(server, browser, entity):
    path = f"/gestion/notificaciones/nueva/?documento={entity.documento_pk}"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/cuentas/entrar/?next={path.replace('?', '%3F').replace('=', '%3D')}")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{server}{path}", wait_until="load")
    canal = page.locator("td[data-canal]")
    assert canal.locator("strong").inner_text() == "En papel"
    page.get_by_label("Medio para Lucía Pérez Gómez").select_option(
        label="Ha elegido la notificación electrónica (art. 14.1)")
    page.get_by_text("Comparecencia en la sede electrónica").wait_for()
    assert canal.locator(".sub").inner_text() == \
        "Ha elegido la notificación electrónica (art. 14.1)"
    page.get_by_label("Medio para Lucía Pérez Gómez").select_option(label="Ninguno: en papel")
    page.locator("td[data-canal] strong", has_text="En papel").wait_for()
    assert canal.locator(".sub").inner_text() == \
        "No obligado ni ha elegido medios electrónicos: en papel"
    page.close()
