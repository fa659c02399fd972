"""What every page carries besides its content: the site's icon and the menu's icons."""

from __future__ import annotations

import pytest

from tests.conftest import HOST_A, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", [HOST_A, HOST_PROVINCIAL, "unknown.localhost"])
def test_favicon_is_served_at_the_root_of_every_host(client, host):
    response = client.get("/favicon.ico", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_icon_and_the_padron_has_its_own_menu_icon(province, client_for):
    page = client_for(province.clerk_a, HOST_A).get("/gestion/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/favicon.ico"' in page
    login = client_for(None, HOST_PROVINCIAL).get("/admin/login/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in login
    assert '<a href="/gestion/" aria-current="page"><svg aria-hidden="true"><use href="#icon-home"/>' \
        '</svg>Inicio' in page
    assert '<a href="/gestion/padron/" ><svg aria-hidden="true"><use href="#icon-padron"/></svg>' \
        'Padrón' in page
    from django.template.loader import render_to_string

    # Inicio is a house; the padrón, a card with a person (it was a second house).
    icons = render_to_string("includes/icons.html")
    padron = icons.split('id="icon-padron"', 1)[1].split("</symbol>", 1)[0]
    assert ' d="M3 5h18v14H3z' in padron
    assert "M3 21V9l9-6" not in padron


def test_the_dashboard_shows_the_population_only_of_an_entity_that_has_one(province,
                                                                          client_for):
    from tenants.models import EntityPopulation

    client = client_for(province.clerk_a, HOST_A)
    tile = '<div class="label">Población oficial</div>'
    page = client.get("/gestion/").content.decode()
    assert '<div class="stat"><div class="value">4.989</div>' + tile in page
    # A mancomunidad has no population of its own: no "Población oficial: —" tile.
    EntityPopulation.objects.filter(entity=province.a).delete()
    page = client.get("/gestion/").content.decode()
    assert tile not in page
