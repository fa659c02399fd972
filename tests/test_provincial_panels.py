"""What the apps mount on the hosts (provincial.url_includes) and show on the provincial
host (provincial.panels): the root URLconfs and the provincial layout name no app."""

import html

import pytest

from provincial import panels, url_includes
from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def _mounted(host):
    return [(item.prefix, item.urls) for item in url_includes.includes(host)]


def test_each_app_mounts_its_urls_on_its_hosts():
    assert _mounted(url_includes.PROVINCIAL) == [
        ("certificados/", "certificados.urls_provincial"),
        ("intercambio-ine/", "padron.urls_provincial"), ("soporte/", "soporte.urls_provincial")]
    assert _mounted(url_includes.BACKOFFICE) == [
        ("certificados/", "certificados.urls"), ("expedientes/", "expedientes.urls"),
        ("notificaciones/", "notificaciones.urls"), ("padron/", "padron.urls"),
        ("registro/", "registro.urls"), ("sede/", "sede.urls_gestion"), ("soporte/", "soporte.urls")]
    assert _mounted(url_includes.ENTITY) == [
        ("sede/", "sede.urls"), ("sede/carpeta/expedientes/", "expedientes.urls_ciudadano"),
        ("sede/carpeta/notificaciones/", "notificaciones.urls_ciudadano")]


def test_a_prefix_taken_by_another_app_or_an_unknown_host_is_refused(monkeypatch):
    monkeypatch.setattr(url_includes, "_includes", dict(url_includes._includes))
    with pytest.raises(ValueError, match="soporte.urls_provincial"):
        url_includes.register(url_includes.PROVINCIAL, "soporte/", "otra.urls")
    with pytest.raises(ValueError, match="unknown host"):
        url_includes.register("portal", "x/", "otra.urls")
    url_includes.register(url_includes.PROVINCIAL, "soporte/", "soporte.urls_provincial")  # same


def _page(client, path="/"):
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _facts(page: str, heading: str) -> str:
    """The card under `heading`, from the heading to the end of its section."""
    start = page.index(f">{heading}</a></h3>")
    return page[start:page.index("</section>", start)]


def test_the_provincial_admin_sees_each_apps_card_with_its_figures(province, client_for):
    from soporte import actions as soporte

    for subject in ("Impresora", "Certificado"):
        soporte.crear_incidencia(province.b, soporte.NuevaIncidencia(subject=subject,
                                                                     description=subject),
                                 reporter=province.clerk_b, acting_user=province.clerk_b)
    page = _page(client_for(province.provincial_admin, HOST_PROVINCIAL))
    assert "<h2>Su trabajo</h2>" in page
    desk = _facts(page, "Soporte")
    assert "<dt>Incidencias abiertas</dt><dd>2</dd>" in desk
    assert "<dt>Sin asignar</dt><dd>2</dd>" in desk
    assert "<dt>Asignadas a usted</dt><dd>0</dd>" in desk
    ine = _facts(page, "Intercambio con el INE")
    assert "<dt>Entidades con padrón</dt><dd>2</dd>" in ine  # Agost and Castalla
    assert "<dt>Sin lanzar</dt><dd>2</dd>" in ine
    # Soporte (order 20) before the INE (order 30).
    assert page.index(">Soporte</a></h3>") < page.index(">Intercambio con el INE</a></h3>")


@pytest.mark.parametrize(("who", "cards"), [
    ("provincial_admin", ["Soporte", "Intercambio con el INE"]),
    ("support_agent", ["Soporte"]),
    ("clerk_a", []),
    ("anonymous", []),
])
def test_each_user_sees_the_cards_and_menu_links_their_apps_allow(province, client_for, who,
                                                                  cards):
    user = None if who == "anonymous" else getattr(province, who)
    page = _page(client_for(user, HOST_PROVINCIAL))
    shown = [title for title in ("Soporte", "Intercambio con el INE")
             if f">{title}</a></h3>" in page]
    assert shown == cards
    assert ("<h2>Su trabajo</h2>" in page) is bool(cards)
    links = [label for label, url in (("Soporte", "/soporte/"),
                                      ("Intercambio INE", "/intercambio-ine/"))
             if f'<a href="{url}">{label}</a>' in page]
    assert links == [{"Intercambio con el INE": "Intercambio INE"}.get(c, c) for c in cards]


def test_the_menu_link_marks_the_apps_page_and_section(province, client_for):
    client = client_for(province.provincial_admin, HOST_PROVINCIAL)
    page = _page(client, "/intercambio-ine/")
    assert '<a href="/intercambio-ine/" aria-current="page">Intercambio INE</a>' in page
    assert '<a href="/soporte/">Soporte</a>' in page
    page = _page(client, "/intercambio-ine/generar/")
    assert '<a href="/intercambio-ine/" aria-current="true">Intercambio INE</a>' in page
    page = _page(client, "/soporte/")
    assert '<a href="/soporte/" aria-current="page">Soporte</a>' in page


def test_a_panel_registered_by_an_app_reaches_the_home_and_the_menu(province, client_for,
                                                                     monkeypatch):
    monkeypatch.setattr(panels, "_panels", dict(panels._panels))
    panels.register(panels.Panel(
        key="nueva", title="Aplicación nueva", url_name="auditoria",
        is_visible=lambda user: user.is_provincial_admin,
        template="soporte/panel_provincial.html",
        context=lambda request: {"counts": {"open": 7, "unassigned": 3, "mine": 1}}, order=1))
    page = _page(client_for(province.provincial_admin, HOST_PROVINCIAL))
    assert "<dt>Incidencias abiertas</dt><dd>7</dd>" in _facts(page, "Aplicación nueva")
    assert '<a href="/auditoria/">Aplicación nueva</a>' in page
    assert page.index(">Aplicación nueva</a></h3>") < page.index(">Soporte</a></h3>")


def test_the_portal_shows_an_apps_card_where_the_entity_has_its_service(province, client_for):
    from tenants import portal
    from tests.conftest import HOST_A, HOST_C

    assert [(card.key, card.template, card.services) for card in portal.cards_for(["eadmin"])] \
        == [("sede", "sede/portal_card.html", ("eadmin", "eadmin-simplificada"))]
    agost = _page(client_for(None, HOST_A))  # adhered to e-administración
    assert '<li><a href="/sede/">Entrar en la sede electrónica</a></li>' in agost
    assert '<a href="/sede/verificar/">Verificar un documento (CSV)</a>' in agost
    alcoi = _page(client_for(None, HOST_C))  # soporte only
    assert "Sede electrónica" not in alcoi
    assert "Servicios de la entidad" in alcoi
