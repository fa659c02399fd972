"""The demo loader: the local CA, a sello for every entity (what they issue is sealed), the
registradora, and requests in every state in Castalla; run twice, nothing doubles."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.utils import timezone

from certificados import sellos
from certificados.choices import Estado
from certificados.demo import load_demo
from certificados.models import Certificado, LocalCA, Registrador

pytestmark = pytest.mark.django_db


def test_the_demo_seals_every_entity_and_fills_the_queue_once(province):
    from tenants.models import Membership
    from tests.conftest import _adhere

    _adhere(province.b, "certificados", province.provincial_admin)  # as the demo's Castalla
    lines = []
    entities = {"agost": province.a, "castalla": province.b, "alcoi": province.c,
                "diputacion": province.diputacion}
    load_demo(entities, lines.append)
    assert lines == ["  Certificados: AC local, 3 sellos de órgano y 7 solicitudes\n"]
    assert LocalCA.objects.count() == 1
    # The demo's history is dated back a month; its CRLs are current when it starts.
    ca = LocalCA.objects.get()
    assert ca.crl_next_update > timezone.now()
    assert x509.load_der_x509_crl(bytes(ca.crl_der)).next_update_utc > timezone.now()
    for entity in (province.a, province.b, province.c):
        assert sellos.sello_for(entity) is not None
    assert sellos.sello_for(province.diputacion) is None
    castalla = Certificado.objects.filter(entity=province.b).exclude(kind="sello")
    assert sorted(castalla.values_list("state", flat=True)) == sorted([
        Estado.SOLICITADO, Estado.ACREDITADO, Estado.ENVIADO, Estado.EMITIDO, Estado.EMITIDO,
        Estado.SUSPENDIDO, Estado.REVOCADO])
    suspended = castalla.get(state=Estado.SUSPENDIDO)
    assert suspended.requested_operation == "levantar"
    expiring = sorted(c.days_left() for c in castalla.filter(state=Estado.EMITIDO))
    assert expiring == [19, 45]
    assert castalla.get(state=Estado.ENVIADO).external_reference == "030535-5678-2026"
    assert "certificados" in Membership.objects.get(user=province.admin_b,
                                                    entity=province.b).applications
    registradora = Registrador.objects.get().user
    assert registradora.username == "registro"
    lines.clear()
    load_demo(entities, lines.append)
    assert lines == []
    assert Certificado.objects.count() == 10


def test_every_page_of_the_demo_answers(province, client_for):
    """Each demo certificate's page (every state: pending, sent, issued, suspended with a
    petition, revoked, sellos) renders for Castalla's administrator and for the office."""
    from tenants.models import Membership
    from tests.conftest import HOST_B, HOST_PROVINCIAL, _adhere

    _adhere(province.b, "certificados", province.provincial_admin)
    load_demo({"castalla": province.b, "agost": province.a}, lambda line: None)
    admin = client_for(province.admin_b, HOST_B)
    assert "certificados" in Membership.objects.get(user=province.admin_b,
                                                    entity=province.b).applications
    office = client_for(province.provincial_admin, HOST_PROVINCIAL)
    assert admin.get("/gestion/certificados/").status_code == 200
    for certificado in Certificado.objects.filter(entity=province.b):
        assert admin.get(f"/gestion/certificados/{certificado.pk}/").status_code == 200
        assert office.get(f"/certificados/{certificado.pk}/").status_code == 200
    for path in ("/certificados/", "/certificados/?vista=emitir", "/certificados/?vista=autoridad",
                 "/certificados/?vista=peticiones", "/certificados/?vista=todos",
                 "/certificados/caducidad/", "/certificados/caducidad/?periodo=90dias",
                 "/certificados/autoridad/", "/admin/certificados/certificado/",
                 "/admin/certificados/registrador/add/", "/admin/certificados/localca/"):
        assert office.get(path).status_code == 200, path
    petitions = office.get("/certificados/?vista=peticiones").content.decode()
    assert "Piden el levantamiento de la suspensión" in petitions
