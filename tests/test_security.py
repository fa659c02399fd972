"""HTTP hardening: Django's deployment checklist and the headers every page carries."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import HOST_A

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings():
    env = {**os.environ, "PRODUCTION": "1",
           "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-" + "z" * 30}
    env.pop("PYTEST_VERSION", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "PRODUCTION": "1"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_carry_csp_without_inline_scripts(province, client_for):
    response = client_for(province.clerk_a, HOST_A).get("/gestion/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    # Every <script> has a src on our own origin: no inline code, no CDN.
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert re.search(r'src="/static/', tag), tag
    assert "http://" not in re.sub(r'https?://[a-z0-9.-]*localhost', "", body).replace(
        "http://www.w3.org/2000/svg", "")


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token(province, client_for):
    body = client_for(province.admin_a, HOST_A).get("/gestion/usuarios/nuevo/").content.decode()
    forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", body, flags=re.S)
    assert forms
    assert all("csrfmiddlewaretoken" in form for form in forms)
