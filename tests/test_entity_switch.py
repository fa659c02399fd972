"""Entity switching carries a login to another host only in the browser that asked for it
(tests.switching.Browser keeps cookies per host, as a browser does)."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from provincial.models import AuditEvent
from tenants import actions
from tenants.models import LoginHandoff
from tests.conftest import HOST_A, HOST_B
from tests.switching import Browser, logged_in

pytestmark = pytest.mark.django_db

SWITCH_PATHS = ("/cuentas/traspaso/", "/cuentas/traspaso/emitir/", "/cuentas/traspaso/completar/")


def switch(browser: Browser, source: str, entity) -> object:
    return browser.request("post", f"http://{source}/gestion/cambiar/{entity.pk}/")


def test_switch_logs_the_same_browser_in_on_the_target_host(province):
    browser = logged_in(province.shared_official, HOST_A)
    landed = switch(browser, HOST_A, province.b)
    assert landed.status_code == 200
    assert [(urlsplit(hop.url).hostname, urlsplit(hop.url).path) for hop in browser.hops] == [
        (HOST_A, f"/gestion/cambiar/{province.b.pk}/"), (HOST_B, "/cuentas/traspaso/"),
        (HOST_A, "/cuentas/traspaso/emitir/"), (HOST_B, "/cuentas/traspaso/completar/"),
        (HOST_B, "/gestion/")]
    assert browser.user_on(HOST_B) == province.shared_official.pk
    ticket = LoginHandoff.objects.get(user=province.shared_official)
    assert ticket.entity == province.b
    assert ticket.used_at is not None
    assert AuditEvent.objects.filter(action="tenants.session.switch",
                                     user=province.shared_official, entity=province.b).count() == 1


def test_no_url_of_the_switch_carries_the_browser_key_and_every_hop_is_private(province):
    browser = logged_in(province.shared_official, HOST_A)
    switch(browser, HOST_A, province.b)
    # The key was set on B's host only, and the completion deleted it.
    assert browser.on(HOST_B).cookies[actions.HANDOFF_KEY_COOKIE].value == ""
    set_by_start = browser.hops[1].response.cookies[actions.HANDOFF_KEY_COOKIE]
    key = set_by_start.value
    assert len(key) >= 43
    assert (set_by_start["httponly"], set_by_start["samesite"], set_by_start["path"],
            set_by_start["max-age"]) == (True, "Lax", "/cuentas/traspaso/", 60)
    assert actions.HANDOFF_KEY_COOKIE not in browser.on(HOST_A).cookies
    for hop in browser.hops:
        assert key not in hop.url
        assert key not in hop.response.get("Location", "")
        assert key not in hop.response.content.decode(errors="replace")
    for hop in browser.hops[:4]:
        assert hop.response["Referrer-Policy"] == "no-referrer", hop.url
        assert "no-store" in hop.response["Cache-Control"], hop.url


def test_another_browser_replaying_every_url_of_the_switch_is_not_logged_in(province):
    victim = logged_in(province.shared_official, HOST_A)
    victim.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/", follow=False)
    first = victim.hops[0].response["Location"]
    victim.request("get", first, follow=False)  # B: the key cookie is set in the victim's jar
    issue_url = victim.hops[-1].response["Location"]
    victim.request("get", issue_url, follow=False)  # A: the ticket is issued
    complete_url = victim.hops[-1].response["Location"]
    assert LoginHandoff.objects.filter(user=province.shared_official, used_at=None).count() == 1

    # Someone who saw every URL (logs, history, a shoulder) replays them in a fresh browser.
    thief = Browser()
    for url in (first, issue_url, complete_url):
        thief.request("get", url)
    thief.request("get", f"http://{HOST_B}/gestion/")
    assert thief.user_on(HOST_B) is None
    assert thief.user_on(HOST_A) is None
    assert LoginHandoff.objects.filter(user=province.shared_official, used_at=None).count() == 1
    # Even with a key of their own (they started a switch page on B themselves).
    thief.request("get", first, follow=False)
    thief.request("get", complete_url)
    assert thief.user_on(HOST_B) is None

    # The victim's own browser still completes.
    victim.request("get", complete_url)
    assert victim.user_on(HOST_B) == province.shared_official.pk


def test_an_expired_ticket_is_refused(province):
    browser = logged_in(province.shared_official, HOST_A)
    browser.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/", follow=False)
    for _ in range(2):
        browser.request("get", browser.hops[-1].response["Location"], follow=False)
    complete_url = browser.hops[-1].response["Location"]
    LoginHandoff.objects.filter(user=province.shared_official).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))
    landed = browser.request("get", complete_url)
    assert browser.user_on(HOST_B) is None
    assert urlsplit(browser.hops[-2].url).path == "/cuentas/traspaso/completar/"
    assert urlsplit(browser.hops[-1].url).path == "/cuentas/entrar/"
    assert "ha caducado o ya se usó" in landed.content.decode()


def test_the_ticket_lives_at_most_a_minute():
    assert LoginHandoff.HANDOFF_LIFETIME.total_seconds() == 60


def test_a_ticket_is_spent_once(province):
    browser = logged_in(province.shared_official, HOST_A)
    browser.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/", follow=False)
    for _ in range(2):
        browser.request("get", browser.hops[-1].response["Location"], follow=False)
    complete_url = browser.hops[-1].response["Location"]
    key = browser.on(HOST_B).cookies[actions.HANDOFF_KEY_COOKIE].value
    browser.request("get", complete_url)
    assert browser.user_on(HOST_B) == province.shared_official.pk
    # The same key presented again, from another browser that copied the cookie.
    copier = Browser()
    copier.on(HOST_B).cookies[actions.HANDOFF_KEY_COOKIE] = key
    copier.request("get", complete_url)
    assert copier.user_on(HOST_B) is None
    assert actions.consume_login_handoff(key, province.b) is None


def test_the_issue_step_needs_the_pending_switch_of_the_same_session(province):
    """A page that sends the user's browser to the issue URL with a key hash of its own
    (its own key on B) gets no ticket: the state is unknown to it, and without a pending
    switch nothing is issued at all."""
    attacker_key, attacker_hash = actions.new_browser_key()
    victim = logged_in(province.shared_official, HOST_A)
    victim.request("get", f"http://{HOST_A}/cuentas/traspaso/emitir/?estado={'x' * 43}"
                          f"&vinculo={attacker_hash}")
    assert not LoginHandoff.objects.filter(user=province.shared_official).exists()
    victim.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/", follow=False)
    victim.request("get", f"http://{HOST_A}/cuentas/traspaso/emitir/?estado={'x' * 43}"
                          f"&vinculo={attacker_hash}")
    assert not LoginHandoff.objects.filter(user=province.shared_official).exists()
    assert actions.consume_login_handoff(attacker_key, province.b) is None


def test_a_ticket_for_one_entity_does_not_open_another(province):
    key, key_hash = actions.new_browser_key()
    actions.create_login_handoff(province.shared_official, province.b, browser_key_hash=key_hash)
    browser = Browser()
    browser.on(HOST_A).cookies[actions.HANDOFF_KEY_COOKIE] = key
    browser.request("get", f"http://{HOST_A}/cuentas/traspaso/completar/")
    assert browser.user_on(HOST_A) is None
    assert LoginHandoff.objects.get(user=province.shared_official).used_at is None


@pytest.mark.parametrize("query", ["", "?origen=abc&estado=x", f"?origen=999999&estado={'x' * 43}",
                                   "?origen=1&estado=" + "%C3%A9" * 40])
def test_malformed_switch_values_are_refused_with_a_message(province, query):
    browser = Browser()
    landed = browser.request("get", f"http://{HOST_B}/cuentas/traspaso/{query}")
    assert landed.status_code == 200
    assert urlsplit(browser.hops[-1].url).path == "/cuentas/entrar/"
    assert "ha caducado o ya se usó" in landed.content.decode()
    assert actions.HANDOFF_KEY_COOKIE not in browser.on(HOST_B).cookies
    issue = Browser().request("get", f"http://{HOST_A}/cuentas/traspaso/emitir/?vinculo=zz")
    assert issue.status_code == 200
    assert not LoginHandoff.objects.exists()


def test_a_browser_key_hash_is_used_for_one_ticket_only(province):
    _key, key_hash = actions.new_browser_key()
    actions.create_login_handoff(province.shared_official, province.b, browser_key_hash=key_hash)
    with pytest.raises(ValidationError):
        actions.create_login_handoff(province.shared_official, province.b,
                                     browser_key_hash=key_hash)
    assert LoginHandoff.objects.filter(token_hash=key_hash).count() == 1
