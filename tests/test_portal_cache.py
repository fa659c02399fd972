"""The portal entry (/ on an entity's host) kept rendered for anonymous visitors, and the
page cache's own rules (provincial.page_cache): keys per entity and host, invalidation
by entity and for the whole platform, what is never kept."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory

from provincial import page_cache
from tenants import actions
from tenants.models import Adhesion, Entity, Service
from tests.conftest import HOST_A, HOST_B, HOST_C, HOST_PROVINCIAL, pdf

pytestmark = pytest.mark.django_db


def get(host: str = HOST_A, path: str = "/", client: Client | None = None):
    """(body, whether the view rendered it)."""
    response = (client or Client(HTTP_HOST=host)).get(path)
    assert response.status_code == 200, (host, path, response.status_code)
    return response.content.decode(), bool(response.templates)


def test_second_anonymous_visit_to_the_portal_is_served_without_a_query(
        province, django_assert_max_num_queries):
    body, rendered = get()
    assert rendered
    with django_assert_max_num_queries(0):
        kept, rendered = get()
    assert not rendered
    assert kept == body
    assert "<h1>Ajuntament d&#x27;Agost</h1>" in kept
    assert 'href="/sede/instancia-general/"' in kept  # the sede's card


def test_withdrawn_adhesion_leaves_the_portal_and_the_sede_at_once(province):
    service = Service.objects.get(code="eadmin")
    get()
    assert not get()[1]
    assert get(path="/sede/")[0].count('href="/sede/instancia-general/"') == 1
    adhesion = Adhesion.objects.get(entity=province.a, service=service)
    # An UPDATE (no post_save): the action invalidates the entity's pages itself.
    actions.end_adhesion(adhesion, acting_user=province.provincial_admin, reason="Baja.")
    body, rendered = get()
    assert rendered
    assert service.name not in body
    assert 'href="/sede/instancia-general/"' not in body
    body, rendered = get(path="/sede/")
    assert rendered
    assert 'href="/sede/instancia-general/"' not in body


def test_approved_adhesion_appears_on_the_portal_at_once(province):
    service = Service.objects.get(code="formacion")
    body, _ = get(HOST_C)
    assert service.name not in body
    adhesion = actions.request_adhesion(province.c, service, acting_user=province.provincial_admin,
                                        acceptance_document=pdf())
    body, _ = get(HOST_C)
    assert service.name not in body  # requested, not yet approved
    actions.approve_adhesion(adhesion, acting_user=province.provincial_admin)
    body, rendered = get(HOST_C)
    assert rendered
    assert service.name in body


def test_a_renamed_service_appears_on_every_entitys_portal_at_once(province):
    get(HOST_A)
    get(HOST_B)
    service = Service.objects.get(code="padron")
    service.name = "Padrón municipal de habitantes (nuevo nombre)"
    service.save()
    for host in (HOST_A, HOST_B):
        body, rendered = get(host)
        assert rendered, host
        assert "Padrón municipal de habitantes (nuevo nombre)" in body


def test_entity_data_change_appears_on_its_portal_at_once(province):
    get()
    entity = Entity.objects.get(pk=province.a.pk)
    entity.phone = "965 69 10 00"
    entity.save()
    body, rendered = get()
    assert rendered
    assert "965 69 10 00" in body


def test_two_entities_portals_never_mix(province, django_assert_max_num_queries):
    body_a, _ = get(HOST_A)
    body_b, _ = get(HOST_B)
    with django_assert_max_num_queries(0):
        kept_a, _ = get(HOST_A)
        kept_b, _ = get(HOST_B)
    assert kept_a == body_a
    assert kept_b == body_b
    assert "<h1>Ajuntament d&#x27;Agost</h1>" in kept_a
    assert "Castalla" not in kept_a
    assert "<h1>Ajuntament de Castalla</h1>" in kept_b
    assert "Agost" not in kept_b
    # Entity A's change leaves B's kept page alone.
    connection.set_schema_to_public()
    entity = Entity.objects.get(pk=province.a.pk)
    entity.email = "registre@agost.es"
    entity.save()
    # (The host routing looks the hosts up again after any Entity change: a query or
    # two, but not B's page.)
    assert get(HOST_B) == (body_b, False)
    assert get(HOST_A)[1]


def test_logged_in_clerk_gets_the_view_and_never_fills_the_kept_page(province, client_for):
    clerk = client_for(province.clerk_a, HOST_A)
    assert get(client=clerk)[1]
    assert get()[1]  # the clerk's page was not kept
    assert not get()[1]
    assert get(client=clerk)[1]


def test_provincial_home_is_not_kept(province):
    for _ in range(2):
        response = Client(HTTP_HOST=HOST_PROVINCIAL).get("/")
        assert response.templates


# --- the cache's own rules -------------------------------------------------------------


def test_entry_keys_name_the_schema_the_host_the_language_and_the_path(province):
    request = RequestFactory().get("/sede/", HTTP_HOST=HOST_A)
    request.tenant = province.a
    key_a = page_cache._entry_key(request)
    assert key_a == f"page|{province.a.schema_name}|{HOST_A}|es|/sede/"
    request.tenant = province.b
    assert page_cache._entry_key(request) != key_a


def test_a_response_that_sets_a_cookie_or_failed_is_never_kept():
    response = HttpResponse("<p>hola</p>")
    response.page_cache_versions, response.page_cache_since = (b"x", b"y"), 0.0
    assert page_cache._entry_of(response) is not None
    response.set_cookie("algo", "1")
    assert page_cache._entry_of(response) is None
    failed = HttpResponse("no", status=404)
    failed.page_cache_versions, failed.page_cache_since = (b"x", b"y"), 0.0
    assert page_cache._entry_of(failed) is None


def test_official_time_outside_a_live_render_is_the_time_now():
    import datetime
    import zoneinfo

    import time_machine

    moment = datetime.datetime(2026, 8, 3, 9, 5, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Madrid"))
    template = Template('{% load live_fragments %}{% official_time "d/m/Y H:i" %}')
    with time_machine.travel(moment, tick=False):
        assert template.render(Context({})) == \
            '<time datetime="2026-08-03T09:05:01+02:00">03/08/2026 09:05</time>'
        assert template.render(Context({page_cache.LIVE_CONTEXT_FLAG: True})) == \
            "<!--live:official_time:d/m/Y H:i-->"


def test_only_registered_fragments_are_filled():
    parts = page_cache._split("a<!--live:official_time:Y-->b<!--live:other:x-->c", "utf-8")
    assert parts == [b"a", ("official_time", "Y"), b"b", b"<!--live:other:x-->", b"c"]
    with pytest.raises(ValueError, match="not a live fragment"):
        page_cache.marker("other", "x")
    with pytest.raises(ValueError, match="not a live fragment"):
        page_cache.marker("official_time", "-->")


def test_load_demo_makes_every_kept_page_stale(province, monkeypatch):
    """The demo writes in bulk, which sends no signal: the command itself invalidates."""
    from django.core.management import call_command

    from tenants import demo, provisioning

    monkeypatch.setattr(demo, "load", lambda stdout=None: {})
    monkeypatch.setattr(provisioning, "refill_spares", lambda *args, **kwargs: 0)
    store = page_cache._store()
    before = page_cache._read_versions(store, province.a.schema_name)
    call_command("load_demo", stdout=io.StringIO())
    after = page_cache._read_versions(store, province.a.schema_name)
    assert before is not None
    assert after[0] != before[0]  # the platform-wide token
    assert after[1] == before[1]  # the entity's own token is untouched
