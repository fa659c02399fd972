"""Granted applications on the back-office home: those with pages lead to them, those still
without pages say "En preparación" and link nowhere."""

from __future__ import annotations

import re

import pytest

from tenants import sections
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db


def test_application_entries_link_only_applications_with_pages():
    entries = sections.application_entries({"soporte", "contabilidad", "padron", "portales",
                                            "expedientes"})
    assert [(e.code, e.label, e.url, e.is_ready) for e in entries] == [
        ("padron", "Padrón de habitantes", "/gestion/padron/", True),
        ("contabilidad", "Contabilidad", None, False),
        ("expedientes", "Expedientes", "/gestion/expedientes/", True),
        ("portales", "Portal web", None, False),
        ("soporte", "Soporte e incidencias", "/gestion/soporte/", True),
    ]
    assert sections.for_application("registro").namespace == "registro"
    assert sections.for_application("contabilidad") is None


def test_an_application_without_pages_is_shown_in_preparation(province, client_for):
    # shared_official holds Contabilidad in Agost, which adhered to it: nothing to open yet.
    page = client_for(province.shared_official, HOST_A).get("/gestion/").content.decode()
    cards = re.findall(r'<li>(.*?)</li>', page.split('class="grid entity-grid app-grid"')[1]
                       .split("</ul>")[0])
    assert cards == [
        '<div class="entity-card app-pending"><strong>Contabilidad</strong><span><span '
        'class="badge warn">En preparación</span></span><span class="muted">Concedida, pero '
        "aún sin páginas en la plataforma. Le avisaremos cuando esté disponible.</span></div>"]
    assert 'href="/gestion/contabilidad' not in page


def test_applications_with_pages_are_cards_that_lead_to_them(province, client_for):
    page = client_for(province.clerk_a, HOST_A).get("/gestion/").content.decode()
    links = re.findall(r'<a class="entity-card" href="([^"]+)"><strong>([^<]+)</strong>', page)
    assert links == [("/gestion/padron/", "Padrón de habitantes"),
                     ("/gestion/registro/", "Registro de entrada y salida"),
                     ("/gestion/expedientes/", "Expedientes"),
                     ("/gestion/sede/", "Sede electrónica"),
                     ("/gestion/soporte/", "Soporte e incidencias")]
    assert "En preparación" not in page


def test_the_permissions_form_marks_applications_in_preparation(province, client_for):
    page = client_for(province.admin_a, HOST_A).get("/gestion/usuarios/nuevo/").content.decode()
    labels = re.findall(r'<input type="checkbox" name="applications" value="(\w+)"[^>]*>\s*'
                        r'([^<]+?)\s*</label>', page)
    assert ("contabilidad", "Contabilidad (en preparación)") in labels
    assert ("padron", "Padrón de habitantes") in labels
    assert ("soporte", "Soporte e incidencias") in labels
