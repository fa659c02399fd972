"""The Django admin of the provincial host: entities, adhesions, users and memberships."""

import html

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from provincial.models import AuditEvent
from tenants.models import Adhesion, Entity, Membership
from tests.conftest import HOST_A, HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/", "/admin/tenants/entity/", "/admin/tenants/adhesion/",
                                  "/admin/tenants/user/", "/admin/tenants/membership/",
                                  "/admin/tenants/service/", "/admin/tenants/distributionaddress/",
                                  "/admin/provincial/job/", "/admin/provincial/auditevent/",
                                  "/admin/tenants/entity/add/", "/admin/tenants/adhesion/add/"])
def test_admin_pages_open_for_a_provincial_admin(province, client_for, path):
    assert client_for(province.provincial_admin, HOST_PROVINCIAL).get(path).status_code == 200


def test_admin_search_and_filters_on_entities(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    body = html.unescape(admin.get("/admin/tenants/entity/?q=030535").content.decode())
    assert "Ajuntament de Castalla" in body
    assert "Ajuntament d'Agost" not in body
    body = html.unescape(admin.get("/admin/tenants/entity/?comarca=Alcoià").content.decode())
    assert "Ajuntament d'Alcoi" in body
    assert "Ajuntament d'Agost" not in body
    entity_page = admin.get(f"/admin/tenants/entity/{province.a.pk}/change/").content.decode()
    assert "agost.localhost" in entity_page  # domains inline


def test_admin_is_not_served_on_an_entity_host(province, client_for):
    assert client_for(province.provincial_admin, HOST_A).get("/admin/").status_code == 404


def test_clerks_cannot_enter_the_admin(province, client_for):
    response = client_for(province.admin_a, HOST_PROVINCIAL).get("/admin/tenants/entity/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_adding_an_entity_in_the_admin_provisions_its_schema(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = admin.post("/admin/tenants/entity/add/", {
        "name": "Ajuntament de Benissa", "slug": "benissa", "kind": "ayuntamiento",
        "is_active": "on", "ine_code": "030417", "dir3_code": "L01030417", "cif": "P0304100A",
        "province": "Alicante", "comarca": "Marina Alta", "primary_domain": "benissa.localhost",
        "population": "12162", "population_year": "2024"})
    assert response.status_code == 302, response.content.decode()[:3000]
    entity = Entity.objects.get(slug="benissa")
    assert schema_exists("benissa")
    assert entity.primary_domain() == "benissa.localhost"
    assert entity.population() == 12162
    assert AuditEvent.objects.filter(action="tenants.entity.provision", entity=entity).exists()
    connection.set_schema_to_public()


def test_admin_refuses_an_entity_with_a_wrong_ine_control_digit(province, client_for):
    response = client_for(province.provincial_admin, HOST_PROVINCIAL).post(
        "/admin/tenants/entity/add/", {
            "name": "X", "slug": "benissa", "kind": "ayuntamiento", "ine_code": "030411",
            "dir3_code": "L01030411", "cif": "P0304100A", "province": "Alicante",
            "primary_domain": "benissa.localhost"})
    assert response.status_code == 200
    assert "El dígito de control del código INE 03041 debería ser 7." in html.unescape(
        response.content.decode())
    assert not Entity.objects.filter(slug="benissa").exists()


def test_admin_adhesion_outside_thresholds_asks_for_a_justification(province, client_for):
    from tenants.models import Service

    padron = Service.objects.get(code="padron")
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = admin.post("/admin/tenants/adhesion/add/", {"entity": province.c.pk,
                                                           "service": padron.pk})
    assert response.status_code == 200
    assert "Para adherirla igualmente, justifique la excepción." in response.content.decode()
    assert not Adhesion.objects.filter(entity=province.c, service=padron).exists()
    response = admin.post("/admin/tenants/adhesion/add/", {
        "entity": province.c.pk, "service": padron.pk,
        "exception_justification": "Acuerdo del Pleno provincial de 2026"})
    assert response.status_code == 302
    adhesion = Adhesion.objects.get(entity=province.c, service=padron)
    assert adhesion.is_exception
    assert adhesion.exception_by == province.provincial_admin


def test_admin_membership_refuses_applications_not_adhered(province, client_for):
    response = client_for(province.provincial_admin, HOST_PROVINCIAL).post(
        "/admin/tenants/membership/add/", {"user": province.clerk_b.pk, "entity": province.c.pk,
                                           "role": "clerk", "applications": ["padron"],
                                           "is_active": "on"})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=province.clerk_b, entity=province.c).exists()


def test_audit_rows_cannot_be_changed_or_deleted(province):
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(action="pruebas.lectura", username="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="y")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_changes_made_in_the_admin_are_audited(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = admin.post("/admin/tenants/distributionaddress/add/", {
        "entity": province.c.pk, "email": "alcaldia@alcoi.localhost", "label": "Alcaldía",
        "is_active": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=province.clerk_a, entity=province.a)
    response = admin.post(f"/admin/tenants/membership/{membership.pk}/change/", {
        "user": province.clerk_a.pk, "entity": province.a.pk, "role": "clerk",
        "applications": ["padron", "contabilidad"], "is_active": "on"})
    assert response.status_code == 302
    added = AuditEvent.objects.get(action="admin.distributionaddress.add")
    changed = AuditEvent.objects.get(action="admin.membership.change")
    assert added.entity_id == province.c.pk
    assert changed.entity_id == province.a.pk
    assert changed.user == province.provincial_admin
    assert "Aplicaciones concedidas" in changed.detail["message"]


@pytest.mark.parametrize(("path", "field"), [("/admin/tenants/adhesion/add/", "entity"),
                                             ("/admin/tenants/membership/add/", "user"),
                                             ("/admin/tenants/distributionaddress/add/", "entity")])
@pytest.mark.parametrize("value", ["abc", "2026-02-30", "9" * 30])
def test_admin_autocomplete_with_a_malformed_key_shows_the_form_again(
        province, client_for, path, field, value):
    count = {"entity": Adhesion, "user": Membership}.get(field, Adhesion).objects.count()
    response = client_for(province.provincial_admin, HOST_PROVINCIAL).post(
        path, {field: value, "entity": value, "service": value})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert {"entity": Adhesion, "user": Membership}.get(field, Adhesion).objects.count() == count


@pytest.mark.parametrize("path", ["/admin/auth/group/add/", "/admin/tenants/user/{pk}/change/"])
def test_admin_lists_permissions_in_spanish(province, client_for, path):
    admin = province.provincial_admin
    page = client_for(admin, HOST_PROVINCIAL).get(path.format(pk=admin.pk))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "Can add" not in text
    assert "TOTP device" not in text
    assert "Doble factor: aplicaciones de autenticación | aplicación de autenticación | " \
           "Puede añadir «aplicación de autenticación»" in text
