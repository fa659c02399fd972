"""In a real browser (Debian's Chromium through Playwright): a shared official logs in once
on one entity's host and switches to another entity's host from the header."""

import urllib.request

import pytest

from tests import browser as browser_support
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def web_server(province, django_db_blocker):
    with browser_support.web_server(django_db_blocker, host="agost.localhost") as port:
        yield port


@pytest.fixture(scope="module")
def browser(padron_entity):
    # Everything that touches the database is set up before Playwright starts.
    with browser_support.chromium() as instance:
        yield instance


def test_shared_official_logs_in_once_and_switches_entity(web_server, browser, province):
    page = browser.new_page()
    base_a = f"http://agost.localhost:{web_server}"
    page.goto(f"{base_a}/gestion/")
    assert "/cuentas/entrar/" in page.url
    page.get_by_label("Usuario").fill("shared_official")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{base_a}/gestion/")
    assert page.locator("h1").inner_text() == "Ajuntament d'Agost"
    page.get_by_text("Cambiar de entidad").click()
    page.get_by_role("menuitem", name="Ajuntament de Castalla").click()
    page.wait_for_url(f"http://castalla.localhost:{web_server}/gestion/")
    assert page.locator("h1").inner_text() == "Ajuntament de Castalla"
    # Logged in on Castalla's host by the ticket, not by typing the password again.
    assert page.get_by_label("Contraseña").count() == 0
    page.close()


@pytest.fixture(scope="module")
def padron_entity(province, django_db_blocker):
    """An entity of its own (committed, for the web server process) with a callejero."""
    import datetime

    from django_tenants.utils import schema_context

    from padron.choices import TipoNumeracion
    from padron.models import (
        Distrito,
        EntidadColectiva,
        EntidadSingular,
        Nucleo,
        Seccion,
        TipoVia,
        Tramo,
        Via,
        ViaNombre,
    )
    from tenants import actions
    from tenants.choices import MembershipRole

    entity = browser_support.provision_entity(
        province, django_db_blocker, slug="benissa", name="Ajuntament de Benissa",
        ine_code="030417", services=["padron"], population=12162)
    with django_db_blocker.unblock():
        actions.add_member(entity, acting_user=province.provincial_admin,
                           email=province.clerk_b.email, role=MembershipRole.CLERK,
                           applications=["padron"])
        start = datetime.date(2000, 1, 1)
        with schema_context(entity.schema_name):
            colectiva = EntidadColectiva.objects.create(code="00", name="Benissa", valid_from=start)
            singular = EntidadSingular.objects.create(colectiva=colectiva, code="01",
                                                      name="Benissa", valid_from=start)
            nucleo = Nucleo.objects.create(singular=singular, code="01", name="Benissa",
                                           valid_from=start)
            seccion = Seccion.objects.create(
                distrito=Distrito.objects.create(code="01", valid_from=start), code="001",
                valid_from=start)
            via = Via.objects.create(code="00100", valid_from=start)
            ViaNombre.objects.create(via=via, tipo=TipoVia.objects.create(code="AVDA",
                                                                          description="Avenida"),
                                     name="del País Valencià", short_name="PAIS VALENCIA",
                                     valid_from=start)
            Tramo.objects.create(seccion=seccion, nucleo=nucleo, via=via, postal_code="03720",
                                 numbering=TipoNumeracion.IMPAR, number_from=1, number_to=99,
                                 valid_from=start)
    return entity


def test_clerk_registers_an_alta_and_downloads_the_volante(web_server, browser, province,
                                                          padron_entity):
    import io

    from pypdf import PdfReader

    base = f"http://benissa.localhost:{web_server}"
    page = browser.new_page()
    page.goto(f"{base}/cuentas/entrar/?next=/gestion/padron/habitantes/alta/")
    page.get_by_label("Usuario").fill("clerk_b")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{base}/gestion/padron/habitantes/alta/")
    page.locator("#id_p-nombre").fill("Neus")
    page.locator("#id_p-apellido1").fill("Ivars")
    page.locator("#id_p-apellido2").fill("Cabrera")
    page.locator("#id_p-sexo").select_option("6")
    page.locator("#id_p-fecha_nacimiento").fill("1988-09-12")
    # Birthplace by name, with the keyboard: the chooser stores the INE code (03041).
    birthplace = page.get_by_role("combobox", name="Municipio de nacimiento")
    birthplace.press_sequentially("benissa alic")
    option = page.get_by_role("option", name="Benissa")
    option.wait_for()
    assert birthplace.get_attribute("aria-activedescendant") == option.get_attribute("id")
    birthplace.press("Enter")
    assert birthplace.input_value() == "Benissa (Alicante/Alacant)"
    assert page.locator("#id_p-municipio_nacimiento_codigo").input_value() == "03041"
    # Enter on a chooser whose text matches nothing ("Ninguna coincidencia", or before the
    # answer arrives) does not post the half-filled alta; Escape twice brings España back.
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    nationality = page.get_by_role("combobox", name="Nacionalidad")
    nationality.fill("")
    nationality.press_sequentially("zzqx")
    nationality.press("Enter")  # the answer may still be on its way
    page.locator(".chooser-none").wait_for()
    nationality.press("Enter")
    page.wait_for_timeout(300)
    assert (posts, page.url) == ([], f"{base}/gestion/padron/habitantes/alta/")
    nationality.press("Escape")
    nationality.press("Escape")
    assert nationality.input_value() == "España"
    page.locator("#id_p-documento").fill("11111111H")
    page.locator("#id_p-nivel_estudios").select_option("45")
    street = page.get_by_role("combobox", name="Vía")
    street.press_sequentially("pais val")
    page.get_by_role("option", name="del País Valencià (Avenida)").wait_for()
    street.press("ArrowDown")
    street.press("ArrowUp")
    street.press("Enter")
    assert street.input_value() == "del País Valencià (Avenida)"
    page.locator("#id_d-number").fill("7")
    page.locator("#id_m-causa").select_option("AC")
    page.locator("#id_m-fecha").fill("2024-03-04")
    page.get_by_role("button", name="Inscribir").click()
    page.wait_for_url(f"{base}/gestion/padron/habitantes/*/")
    assert "Neus Ivars Cabrera" in page.locator("h1").inner_text()
    assert "Benissa (Alicante/Alacant)" in page.locator(".pd-facts").inner_text()
    with page.expect_response(lambda r: "/gestion/padron/documentos/" in r.url) as pdf_response:
        page.get_by_role("button", name="Volante de empadronamiento").click()
    response = pdf_response.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # The browser hands the PDF to its viewer; fetch the same URL with the page's session
    # cookies (the host is mapped to 127.0.0.1 only inside Chromium).
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    path = response.url.split(f":{web_server}", 1)[1]
    request = urllib.request.Request(f"http://127.0.0.1:{web_server}{path}", headers={
        "Host": f"benissa.localhost:{web_server}", "Cookie": cookies})
    with urllib.request.urlopen(request, timeout=10) as download:
        body = download.read()
    assert body.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Neus Ivars Cabrera" in text
    assert "CSV-" in text
    page.close()
