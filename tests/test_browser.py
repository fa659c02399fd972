"""In a real browser (Debian's Chromium through Playwright): a shared official logs in once
on one entity's host and switches to another entity's host from the header."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, database_url_for_subprocess

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def web_server(province, django_db_blocker):
    """runserver on the test database (another process, like a real web replica)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with django_db_blocker.unblock():
        env = {**os.environ, "DATABASE_URL": database_url_for_subprocess()}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(
                f"http://127.0.0.1:{port}/cuentas/entrar/", headers={"Host": "agost.localhost"}),
                timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is required: ./dev test installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run",
            "--host-resolver-rules=MAP *.localhost 127.0.0.1"])
        yield instance
        instance.close()


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
