"""The README's first command on a fresh clone: `./dev run` with nothing configured and an
empty data directory (no `.data/`) serves the demo province, with a worker.

Uses the session's `demo_site` (tests/demo_site.py: `./dev run` started once, waited on
until `/readyz` reports the worker), shared with the crawl test.
"""

from __future__ import annotations

import html
import json
import time
from urllib.parse import urlsplit

import pytest

from tests.crawl import Browser, Response
from tests.demo_site import http_get

pytestmark = pytest.mark.slow

PROVINCIAL = "diputacion.localhost"


def _login(site, browser: Browser, host: str, username: str, password: str) -> Response:
    page = browser.get(site.url(host, "/cuentas/entrar/"))
    assert page.status == 200, page.status
    for _ in range(30):
        response = browser.csrf_post(page, {"username": username, "password": password})
        if response.status != 429:
            return response
        time.sleep(3)  # the login rate limit per IP, shared with the crawl
    return response


def test_dev_run_serves_the_demo_province_with_a_worker(demo_site):
    from tenants import demo

    # The worker is up: readiness answers 200 only with database, broker and a worker.
    status, body = http_get(demo_site.port, "/readyz", PROVINCIAL)
    report = json.loads(body)
    assert status == 200, report
    assert (report["database"], report["broker"], report["worker"]) == ("ok", "ok", "ok")
    assert report["workers"] >= 1
    status, body = http_get(demo_site.port, "/healthz", PROVINCIAL)
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    if demo_site.process is not None:  # started here, not attached to a running one
        # The embedded servers live under the data directory we gave, not elsewhere.
        assert (demo_site.data_dir / "postgres" / "PG_VERSION").exists()
        assert (demo_site.data_dir / "redis" / "redis.sock").exists()

    # The demo province is loaded: the Diputación lists the entities, and every demo
    # entity's portal answers with its name.
    status, body = http_get(demo_site.port, "/", PROVINCIAL)
    assert status == 200
    provincial_home = html.unescape(body.decode())
    entities = [(slug, name) for slug, name, *_rest in demo.MUNICIPALITIES]
    entities.append(demo.MANCOMUNIDAD[:2])
    for slug, name in entities:
        status, body = http_get(demo_site.port, "/", f"{slug}.localhost")
        assert status == 200, slug
        assert name in html.unescape(body.decode()), slug
    assert all(name in provincial_home for _slug, name in entities[:-1])
    assert http_get(demo_site.port, "/admin/login/", PROVINCIAL)[0] == 200
    # ... with the demo's sede (procedures, tablón).
    status, body = http_get(demo_site.port, "/sede/procedimientos/", "castalla.localhost")
    assert status == 200, body[:500]
    assert "Instancia general" in body.decode()
    assert http_get(demo_site.port, "/sede/tablon/", "castalla.localhost")[0] == 200

    # The demo users exist with the README's passwords: a clerk logs in over HTTP and
    # works the padrón of the demo census.
    clerk = Browser(demo_site.port)
    landed = _login(demo_site, clerk, "castalla.localhost", "padron.castalla",
                    demo.DEMO_PASSWORD)
    assert landed.status == 200
    assert urlsplit(landed.url).path == "/gestion/"
    padron = clerk.get(demo_site.url("castalla.localhost", "/gestion/padron/habitantes/"))
    assert padron.status == 200, padron.text[:500]
    assert "Sanchis Mora" in html.unescape(landed.text)  # the clerk's own name in the header
    # The provincial administrator's password is accepted; the second factor comes next.
    admin = Browser(demo_site.port)
    landed = _login(demo_site, admin, PROVINCIAL, "admin", demo.ADMIN_PASSWORD)
    assert landed.status == 200
    assert urlsplit(landed.url).path in ("/cuentas/doble-factor/alta/", "/cuentas/verificar/")
