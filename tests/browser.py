"""What the browser tests share: a web server process on the test database, Debian's
Chromium through Playwright, and an entity of their own (committed, so that the server
process sees it, and apart from the entities other tests count in)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import BROWSER_PORT, ROOT, database_url_for_subprocess, pdf

CHROMIUM = "/usr/bin/chromium"
# Screenshots land in docs/screenshots/ only when asked (SAVE_SCREENSHOTS=1), so that a
# test run leaves the working tree as it was; otherwise in a temporary directory.
SHOTS = (ROOT / "docs" / "screenshots" if os.environ.get("SAVE_SCREENSHOTS")
         else Path(tempfile.mkdtemp(prefix="screenshots-")))


@contextmanager
def web_server(django_db_blocker, *, host: str, ready_path: str = "/cuentas/entrar/",
               extra_env: dict[str, str] | None = None) -> Iterator[int]:
    """`manage.py runserver` on the test database and the tests' Redis, in another process
    (like a real web replica); yields its port once `ready_path` on `host` answers.
    `extra_env`: more environment variables for that process (settings read from the
    environment, such as the sede's SEDE_CLAVE_*)."""
    from django.conf import settings

    # One port for every browser-test server (one at a time), known before the session's
    # Celery worker starts: a document the worker issues (the sede's justificante, with the
    # acuse) prints the same public address as one the web process issues.
    port = BROWSER_PORT
    with django_db_blocker.unblock():
        # As `./dev run`: links printed in documents carry the server's port.
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(),
               "REDIS_URL": settings.REDIS_URL, "PUBLIC_URL_SCHEME": "http",
               "PUBLIC_URL_PORT": str(port), **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}{ready_path}", headers={"Host": host}), timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def chromium():
    """Debian's Chromium (no browser download), resolving every *.localhost to 127.0.0.1.
    Set up whatever touches the database before: Django refuses synchronous queries inside
    Playwright's event loop."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required: ./dev test installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run",
            "--host-resolver-rules=MAP *.localhost 127.0.0.1"])
        try:
            yield instance
        finally:
            instance.close()


def provision_entity(province, django_db_blocker, *, slug: str, name: str, ine_code: str,
                     services: list[str], population: int = 9000):
    """An ayuntamiento of its own on `<slug>.localhost`, adhered to `services`."""
    from tenants import actions
    from tenants.choices import EntityKind
    from tenants.demo import _cif_for
    from tenants.models import Service

    with django_db_blocker.unblock():
        entity = actions.provision_entity(
            name=name, slug=slug, kind=EntityKind.AYUNTAMIENTO, ine_code=ine_code,
            dir3_code=f"L01{ine_code}", cif=_cif_for(ine_code[:5]), province="Alicante",
            domains=[f"{slug}.localhost"], population=population, population_year=2024,
            acting_user=province.provincial_admin).entity
        for code in services:
            adhesion = actions.request_adhesion(entity, Service.objects.get(code=code),
                                                acting_user=province.provincial_admin,
                                                acceptance_document=pdf())
            actions.approve_adhesion(adhesion, acting_user=province.provincial_admin)
    return entity
