"""In a real browser (Debian's Chromium through Playwright), against a server process: the
user administrator files a request for an employee; the registradora finds it in the
office's queue; the expiry dashboard draws its chart. Screenshots of the request form, the
queue and the dashboard at 1280 and 360 px (docs/screenshots/certificados-*.png with
SAVE_SCREENSHOTS=1); on a phone no page is wider than the screen.

The test commits an entity, users and certificates of its own (and certificates of A and B
for the chart) and deletes every certificate row, the local CA and the registradora when
the module ends."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from tests import browser as browser_support
from tests.browser import SHOTS
from tests.conftest import PASSWORD

HOST = "certificados-navegador.localhost"
RECOVERY = "51827364"
pytestmark = pytest.mark.slow


def purge_certificados() -> None:
    """Delete every certificate row (history included: the test lifts the append-only
    trigger inside its transaction), the local CAs and the registradores."""
    from django.db import connection, transaction

    from certificados.models import (
        Adjunto,
        AvisoCaducidad,
        Certificado,
        Evento,
        LocalCA,
        Registrador,
    )

    with transaction.atomic():
        for adjunto in Adjunto.objects.all():
            adjunto.file.delete(save=False)
            adjunto.delete()
        AvisoCaducidad.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE certificados_evento DISABLE TRIGGER "
                           "certificados_evento_append_only")
            Evento.objects.all().delete()
            cursor.execute("ALTER TABLE certificados_evento ENABLE TRIGGER "
                           "certificados_evento_append_only")
        Certificado.objects.exclude(renews=None).delete()
        Certificado.objects.all().delete()
        LocalCA.objects.all().delete()
        Registrador.objects.all().delete()


@pytest.fixture(scope="module")
def office(province, django_db_blocker):
    """A committed entity adhered to the service, its user administrator and a registradora
    (each with a recovery code), a local CA and a realistic queue and expiry list."""
    from django_otp.plugins.otp_static.models import StaticDevice

    from certificados import actions
    from certificados.authorities.local import ensure_ca
    from certificados.choices import Autoridad, Tipo
    from certificados.models import Registrador
    from tenants import actions as tenant_actions
    from tenants.choices import MembershipRole
    from tests.certificados.conftest import nif, solicitud
    from tests.conftest import _user

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug="certificados-navegador",
        name="Ajuntament de Xixona", ine_code="030839", services=["certificados"],
        population=7100)
    with django_db_blocker.unblock():
        from django.test import override_settings

        admin = _user("admin_xixona")
        admin.first_name, admin.last_name = "Carme", "Pastor Orts"
        admin.save()
        tenant_actions.add_member(entity, acting_user=province.provincial_admin, email=admin.email,
                                  role=MembershipRole.USER_ADMIN, applications=["certificados"])
        registradora = _user("registro_navegador")
        registradora.first_name, registradora.last_name = "Marina", "Orts Cremades"
        registradora.save()
        Registrador.objects.create(user=registradora, code="R-03-0147")
        for user in (admin, registradora):
            device = StaticDevice.objects.create(user=user, name="recuperación", confirmed=True)
            device.token_set.create(token=RECOVERY)
        with override_settings(CERTIFICADOS_CA_KEY_BITS=2048):
            ensure_ca(operator=province.provincial_admin)
        now = datetime.datetime.now(datetime.UTC)
        people = [("Laura", "Payà Rico", "48123456", "Secretaria", Tipo.EMPLEADO, Autoridad.FNMT),
                  ("Miquel", "Tomàs Vidal", "21567890", "Interventor", Tipo.EMPLEADO,
                   Autoridad.ACCV),
                  ("Jordi", "Verdú Pastor", "48345678", "Responsable de informática", Tipo.SEDE,
                   Autoridad.FNMT),
                  ("Rosa", "Sempere Mira", "21789012", "Técnica de padrón", Tipo.EMPLEADO,
                   Autoridad.LOCAL)]
        for index, (given, surnames, number, position, kind, authority) in enumerate(people):
            for target in (entity, province.a, province.b):
                certificado = actions.solicitar(
                    target, solicitud(target, kind, authority, holder_given_name=given,
                                      holder_surnames=surnames, holder_nif=nif(number),
                                      holder_position=position, dir3_code=target.dir3_code,
                                      sede_domain=f"sede.{target.slug}.es"),
                    operator=province.provincial_admin,
                    now=now - datetime.timedelta(days=10 - index))
                if index % 2:
                    actions.acreditar(certificado, "DNI visto.", operator=registradora)
                if target != entity:
                    break
        # Certificates of three entities expiring within 90 days.
        for target, days, kind in ((entity, 12, Tipo.EMPLEADO), (entity, 40, Tipo.SELLO),
                                   (entity, 75, Tipo.EMPLEADO), (province.a, 20, Tipo.SEDE),
                                   (province.a, 58, Tipo.EMPLEADO), (province.b, 33, Tipo.SELLO)):
            validity = 397 if kind == Tipo.SEDE else 3 * 365
            certificado = actions.solicitar(
                target, solicitud(target, kind, Autoridad.LOCAL, dir3_code=target.dir3_code,
                                  organo=target.name, sede_domain=f"sede.{target.slug}.es"),
                operator=province.provincial_admin)
            actions.acreditar(certificado, "DNI visto.", operator=registradora)
            actions.emitir(certificado, operator=registradora,
                           now=now - datetime.timedelta(days=validity - days))
    yield {"entity": entity}
    with django_db_blocker.unblock():
        purge_certificados()


@pytest.fixture(scope="module")
def web(office, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host=HOST) as port:
        yield port


@pytest.fixture
def chromium(web):
    with browser_support.chromium() as instance:
        yield instance


def _login(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("Usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_label("Código").fill(RECOVERY)
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(f"{base}{next_path}")


# Tables of figures (not turned into cards on a phone) must fit their frame.
HIDDEN = """() => [...document.querySelectorAll('.table-wrap')].filter(w => w.offsetParent)
    .map(w => w.scrollWidth - w.clientWidth)"""
# The elements that stick out of the screen (what to fix when a page is too wide).
WIDER = """(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
    .slice(0, 8)"""


def _shoot(page, name: str) -> None:
    """Screenshots at 1280 and 360 px; on a phone the page is no wider than the screen."""
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, \
            (name, width, page.evaluate(WIDER, width))
        assert set(page.evaluate(HIDDEN)) <= {0}, (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_request_queue_and_dashboard_in_a_browser(chromium, web, office, tmp_path):
    from tenants.demo import ACCEPTANCE_PDF

    SHOTS.mkdir(parents=True, exist_ok=True)
    document = tmp_path / "dni-anna.pdf"
    document.write_bytes(ACCEPTANCE_PDF)
    entity_base = f"http://{HOST}:{web}"
    admin = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login(admin, entity_base, "admin_xixona", "/gestion/certificados/nuevo/empleado/")
    admin.get_by_label("Nombre").fill("Anna")
    admin.get_by_label("Apellidos").fill("Ferrer Ivars")
    admin.get_by_label("NIF (DNI o NIE)").fill("48123456A")  # wrong letter first
    admin.get_by_label("Correo electrónico").fill("anna.ferrer@xixona.localhost")
    admin.get_by_label("Cargo o puesto de trabajo").fill("Técnica de administración general")
    admin.get_by_label("Unidad u órgano donde trabaja").fill("Secretaría")
    admin.get_by_label("Documentos acreditativos").set_input_files(str(document))
    admin.get_by_role("button", name="Enviar la solicitud").click()
    admin.wait_for_selector("text=no corresponde a su número")
    _shoot(admin, "certificados-solicitud-error")
    admin.get_by_label("NIF (DNI o NIE)").fill("48123456G")
    admin.get_by_label("Documentos acreditativos").set_input_files(str(document))
    admin.goto(f"{entity_base}/gestion/certificados/nuevo/empleado/")
    _shoot(admin, "certificados-solicitud")
    admin.get_by_label("Nombre").fill("Anna")
    admin.get_by_label("Apellidos").fill("Ferrer Ivars")
    admin.get_by_label("NIF (DNI o NIE)").fill("48123456G")
    admin.get_by_label("Correo electrónico").fill("anna.ferrer@xixona.localhost")
    admin.get_by_label("Cargo o puesto de trabajo").fill("Técnica de administración general")
    admin.get_by_label("Unidad u órgano donde trabaja").fill("Secretaría")
    admin.get_by_label("Documentos acreditativos").set_input_files(str(document))
    admin.get_by_role("button", name="Enviar la solicitud").click()
    admin.wait_for_selector("text=registrada. La oficina de registro")
    assert "dni-anna.pdf" in admin.content()
    reference = admin.locator(".page-head p").inner_text().split(" · ")[0]
    _shoot(admin, "certificados-detalle-entidad")
    admin.goto(f"{entity_base}/gestion/certificados/")
    _shoot(admin, "certificados-lista")

    desk_base = f"http://{settings.PROVINCIAL_DOMAIN}:{web}"
    operator = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _login(operator, desk_base, "registro_navegador", "/certificados/")
    assert reference in operator.content()
    geometry = operator.evaluate("""() => {
        const wrap = document.querySelector('.ce-queue').closest('.table-wrap');
        return {hidden: wrap.scrollWidth - wrap.clientWidth,
                page: document.documentElement.scrollWidth};
    }""")
    assert geometry == {"hidden": 0, "page": 1280}
    _shoot(operator, "certificados-cola")
    operator.get_by_role("link", name="Anna Ferrer Ivars").click()
    operator.get_by_label("Qué ha comprobado").fill("DNI original visto en persona.")
    operator.get_by_role("button", name="Acreditar", exact=True).click()
    operator.wait_for_selector("text=Identidad acreditada.")
    _shoot(operator, "certificados-detalle-oficina")
    operator.goto(f"{desk_base}/certificados/caducidad/?periodo=90dias")
    bars = operator.locator(".ce-hbars > li").count()
    assert bars == 3
    _shoot(operator, "certificados-caducidad")
    operator.goto(f"{desk_base}/certificados/autoridad/")
    _shoot(operator, "certificados-autoridad")
