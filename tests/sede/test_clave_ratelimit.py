"""The rate limit of Cl@ve's start and ACS: a bucket of their own (not the identification
pages'), two hits per login (the ACS post that is sent back and its repost count once),
so an oficina de asistencia identifying citizens one after another from one address is
not locked out, while a flood gets 429 in Spanish."""

from __future__ import annotations

import html
import types

import pytest
from django.test import Client

from provincial import ratelimit
from sede.clave import views as clave_views
from tests.conftest import HOST_A
from tests.sede.test_clave import ACS, begin, form_value, identified, idp

__all__ = ["idp"]  # the fixture, from test_clave

pytestmark = pytest.mark.django_db

OFICINA = "10.20.30.40"  # the oficina de asistencia's address (one for every citizen)


@pytest.fixture
def one_window(monkeypatch):
    """The rate limit's clock stopped inside one window (a test that crosses a minute
    boundary would start counting afresh)."""
    moment = 1_800_000_000 // 60 * 60 + 1
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: moment))


def oficina_client() -> Client:
    return Client(HTTP_HOST=HOST_A, REMOTE_ADDR=OFICINA)


def login_through_the_bounce(idp, documento: str = "12345678Z") -> Client:
    """A login as a browser makes it: start, Cl@ve's cross-site post (no session cookie:
    sent back) and the repost from the sede's page."""
    client = oficina_client()
    request = begin(idp, client)
    saml_response = idp.respond(request, idp.users[documento])
    bounce = Client(HTTP_HOST=HOST_A, REMOTE_ADDR=OFICINA).post(
        ACS, {"SAMLResponse": saml_response})
    assert bounce.status_code == 200, bounce.content.decode()[:300]
    assert 'name="reenviado"' in bounce.content.decode()
    response = client.post(ACS, {"SAMLResponse": form_value(bounce, "SAMLResponse"),
                                 "reenviado": "1"})
    assert response.status_code == 302, html.unescape(response.content.decode())[:500]
    return client


def assert_too_many(response) -> None:
    body = html.unescape(response.content.decode())
    assert response.status_code == 429
    assert "Demasiadas peticiones" in body
    assert f"Espere {clave_views.RATE_WINDOW} segundos" in body


def test_ten_logins_in_a_row_from_one_address_pass_and_a_flood_gets_429(
        province, idp, one_window):
    for documento in ["12345678Z", "X1234567L"] * 5:
        client = login_through_the_bounce(idp, documento)
        assert identified(client)["documento"] == documento
    # Ten logins cost 20 hits (the reposts were not counted): 40 more are allowed.
    flood = oficina_client()
    allowed = clave_views.RATE_LIMIT - 20
    statuses = [flood.post(ACS, {"SAMLResponse": f"basura-{n}"}).status_code
                for n in range(allowed)]
    assert statuses == [200] * allowed  # each one sent back, counted
    assert_too_many(flood.post(ACS, {"SAMLResponse": "basura-final"}))
    assert_too_many(flood.get("/sede/identificarse/clave/?next=/sede/carpeta/"))
    # The identification pages keep their own bucket, and another address is served.
    assert flood.get("/sede/identificarse/?next=/sede/carpeta/").status_code == 200
    other = Client(HTTP_HOST=HOST_A, REMOTE_ADDR="10.20.30.41")
    assert other.get("/sede/identificarse/clave/?next=/sede/carpeta/").status_code == 200


def test_the_repost_is_free_only_once_and_only_after_a_bounce(province, idp, one_window,
                                                              monkeypatch):
    monkeypatch.setattr(clave_views, "RATE_LIMIT", 4)  # the ACS reads it on each post
    client = oficina_client()
    request = begin(idp, client)  # the start counts (1) in the same bucket
    saml_response = idp.respond(request, idp.users["12345678Z"])
    posted = {"SAMLResponse": saml_response, "reenviado": "1"}
    # A "repost" with no bounce before it counts (2), and so does the bounce (3).
    assert client.post(ACS, {**posted, "SAMLResponse": "otra"}).status_code == 403
    bounce = oficina_client().post(ACS, {"SAMLResponse": saml_response})
    assert bounce.status_code == 200
    # Its repost is free and identifies; the same repost again counts (4), then 429.
    assert client.post(ACS, posted).status_code == 302
    assert client.post(ACS, posted).status_code == 403  # replayed
    assert_too_many(client.post(ACS, posted))
