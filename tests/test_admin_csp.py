"""The admin under the site's Content-Security-Policy (script-src 'self', no inline
scripts): every add page and change list runs only scripts loaded from the site."""

from __future__ import annotations

import lxml.html
import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def _inline_scripts(body: bytes) -> list[str]:
    tree = lxml.html.fromstring(body)
    return [(script.text or "").strip()[:80] for script in tree.xpath("//script[not(@src)]")
            if script.get("type") != "application/json"]


def test_periodic_task_form_loads_its_script_instead_of_an_inline_one(province, client_for):
    client = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = client.get("/admin/django_celery_beat/periodictask/add/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src", 1)[
        1].split(";", 1)[0]
    assert _inline_scripts(response.content) == []
    page = response.content.decode()
    assert '<script src="/static/js/periodictask.js" data-label="Equivale a:" defer>' in page
    assert '<script id="readable-crontabs" type="application/json">' in page


def test_no_admin_add_page_or_list_runs_an_inline_script(province, client_for):
    client = client_for(province.provincial_admin, HOST_PROVINCIAL)
    pages = 0
    for model in admin.site._registry:
        for view in ("add", "changelist"):
            try:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}",
                              urlconf=settings.PUBLIC_SCHEMA_URLCONF)
            except NoReverseMatch:
                continue
            response = client.get(url)
            if response.status_code != 200:
                continue
            pages += 1
            assert _inline_scripts(response.content) == [], url
    assert pages > 30
