"""Every demo user, logged in with their second factor, follows every link their pages offer
(within their hosts, up to a bound), submits the forms that are safe to submit, and feeds
every parameter and field malformed values. No response may be a 5xx and no page may show
a raw identifier.

The crawl runs over HTTP against `./dev run` (the demo province as a newcomer gets it), so
it sees what users see; it knows no app, so each new app's pages are crawled once a demo
user can reach them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from tests.crawl import Browser, Crawler, Response, raw_identifiers, shape, visible_text

pytestmark = pytest.mark.slow

PROVINCIAL = "diputacion.localhost"


def _command_names() -> set[str]:
    from django.core.management import get_commands

    return {name for name in get_commands() if "_" in name}


def _app_names() -> set[str]:
    """Labels and top-level packages of the installed apps: how internal codes begin."""
    from django.apps import apps

    return {name for config in apps.get_app_configs()
            for name in (config.label, config.name.split(".")[0])}


def _task_names() -> set[str]:
    """Celery task names: the periodic-task admin shows them because an operator picks one."""
    from provincial.celery import app

    app.loader.import_default_modules()
    return set(app.tasks)


def _demo_people() -> dict[str, tuple[str, list[str]]]:
    """username → (password, hosts) for every demo user, from the demo loader's own list."""
    from tenants import demo

    people = {"admin": (demo.ADMIN_PASSWORD, [PROVINCIAL]),
              "soporte": (demo.DEMO_PASSWORD, [PROVINCIAL])}
    for username, _first, _last, places in demo.PEOPLE:
        people[username] = (demo.DEMO_PASSWORD,
                            [f"{slug}.localhost" for slug, _role, _apps in places] + [PROVINCIAL])
    return people


# The last TOTP step each demo user sent, shared by every Session of the test run (the
# layout tests log in the same people just before the crawl): django-otp refuses a step
# twice, and throttles the device after each refusal.
_LAST_STEP: dict[str, int] = {}


class Session:
    """One demo user in one browser: logs in on each of their hosts as they would, with
    the authenticator app they enrol on first login (its key is kept beside the site's log
    so that a crawl of an already running demo can log in again)."""

    def __init__(self, site, username: str, password: str) -> None:
        self.site = site
        self.username = username
        self.password = password
        self.browser = Browser(site.port)
        self.keys = site.log_path.parent / "crawl-totp-keys.json"

    def login(self, host: str) -> Response:
        page = self.browser.get(self.site.url(host, "/cuentas/entrar/"))
        assert page.status == 200, (host, page.status)
        for _ in range(30):
            response = self.browser.csrf_post(page, {"username": self.username,
                                                     "password": self.password})
            if response.status != 429:
                break
            time.sleep(3)  # the login rate limit per IP: a person would wait too
        assert response.status == 200, (self.username, host, response.status)
        path = urlsplit(response.url).path
        if path.endswith("/doble-factor/alta/"):
            response = self._enrol(response)
        elif path.endswith("/verificar/"):
            response = self._send_code(response)
            # Enrolment shows the recovery codes and a link onwards.
        assert "/cuentas/" not in urlsplit(response.url).path, \
            (self.username, host, response.url, visible_text(response.body)[:500])
        return response

    def _enrol(self, page: Response) -> Response:
        match = re.search(rb'class="secret">([A-Z2-7 ]+)<', page.body)
        assert match, "the enrolment page shows the key under the QR code"
        secret = match.group(1).decode().replace(" ", "")
        stored = json.loads(self.keys.read_text()) if self.keys.exists() else {}
        stored[self.username] = secret
        self.keys.write_text(json.dumps(stored))
        response = self._send_code(page)
        codes = lxml.html.fromstring(response.body).xpath("//ul[contains(@class,'codes')]//code")
        assert len(codes) == 10, visible_text(response.body)[:1000]
        link = lxml.html.fromstring(response.body).xpath("//main//a[@class='btn']/@href")
        return self.browser.get(urljoin(response.url, link[0] if link else "/"))

    def _send_code(self, page: Response) -> Response:
        """A fresh TOTP code: django-otp accepts one step ahead and never a step twice."""
        from django_otp.oath import totp

        secret = json.loads(self.keys.read_text())[self.username]
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        refusals = 0
        for _ in range(30):
            now = int(time.time()) // 30
            step = max(now - 1, _LAST_STEP.get(self.username, 0) + 1)
            if step > now + 1:
                time.sleep(30 - time.time() % 30 + 0.5)
                continue
            _LAST_STEP[self.username] = step
            response = self.browser.csrf_post(page, {"code": f"{totp(key, drift=step - now):06d}"})
            if response.status == 429:
                time.sleep(3)
            elif b'class="alert error"' not in response.body:
                return response
            else:
                # Refused: that step was used before (an earlier crawl of the same site).
                # The device is throttled for 2^(n-1) s after the n-th refusal.
                refusals += 1
                time.sleep(min(2 ** (refusals - 1), 16) + 0.2)
        return response


def test_raw_identifier_detection_finds_what_a_person_must_not_read():
    commands = {"generate_padron", "load_demo"}
    text = visible_text(b"<html><body><p>Acci\xc3\xb3n: tenants.membership.update</p>"
                        b"<p>sede.acuse</p><p>Tramit\xc3\xb3: generate_padron</p>"
                        b"<p>TOTP devices</p><script>var a = 'sede.acuse';</script>"
                        b"<p>sede.benissa.es, padron_castalla.csv, soporte@diputacion.localhost"
                        b"</p></body></html>")
    assert raw_identifiers(text, commands) == [
        "TOTP devices", "tenants.membership.update", "sede.acuse", "generate_padron"]


def test_shape_groups_pages_of_one_kind():
    assert shape("http://a.localhost:8000/soporte/INC-2026-000012/?page=2") == \
        shape("http://a.localhost:8000/soporte/INC-2025-000001/?page=9")
    assert shape("http://a.localhost:8000/gestion/padron/15/") != \
        shape("http://a.localhost:8000/gestion/padron/15/editar/")


def test_every_demo_user_crawls_the_demo_without_a_5xx_or_a_raw_identifier(demo_site):
    commands = _command_names()
    people = _demo_people()
    app_names, task_names = _app_names(), _task_names()
    report = []
    findings = []
    # CRAWL_USERS=soporte,ciudadano narrows a crawl while working on it.
    only = set(filter(None, os.environ.get("CRAWL_USERS", "").split(",")))
    for username, (password, hosts) in people.items():
        if only and username not in only:
            continue
        began = time.monotonic()
        session = Session(demo_site, username, password)
        start = []
        for host in hosts:
            landing = session.login(host)
            start.append(landing.url)
            start.append(demo_site.url(host, "/"))
        crawler = Crawler(session.browser, set(hosts), commands, app_names=app_names,
                          allowed_words=set(people) | task_names)
        findings += [(username, f) for f in crawler.run(start)]
        report.append(f"{username}: {crawler.pages} pages, {session.browser.requests} requests"
                      f" in {time.monotonic() - began:.0f} s")
    # The citizen: every entity's portal and sede, anonymous.
    if not only or "ciudadano" in only:
        citizen = Browser(demo_site.port)
        from tenants import demo

        slugs = [row[0] for row in demo.MUNICIPALITIES] + [demo.MANCOMUNIDAD[0]]
        hosts = {f"{slug}.localhost" for slug in slugs}
        began = time.monotonic()
        crawler = Crawler(citizen, hosts, commands, app_names=app_names, max_pages=120)
        findings += [("ciudadano", f) for f in crawler.run(
            [demo_site.url(h, p) for h in sorted(hosts) for p in ("/", "/sede/")])]
        report.append(f"ciudadano: {crawler.pages} pages, {citizen.requests} requests"
                      f" in {time.monotonic() - began:.0f} s")
    print("\n".join(report))
    errors = [line[:300] for line in demo_site.log_path.read_text(errors="replace").splitlines()
              if "Error" in line or line.startswith(("Traceback", "  File"))]
    assert not findings, "\n".join(f"{who}: {f}" for who, f in findings[:60]) + \
        f"\n({len(findings)} findings)\n" + "\n".join(report) + \
        "\n--- server errors ---\n" + "\n".join(errors[-80:])
