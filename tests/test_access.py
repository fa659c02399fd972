"""Membership and application grants, enforced on every back-office and API URL."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token

from provincial.models import AuditEvent, Job
from tenants import actions
from tenants.choices import MembershipRole
from tenants.models import LoginHandoff, Membership
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL, PASSWORD
from tests.switching import logged_in

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(province, client_for):
    response = client_for(None, HOST_A).get("/gestion/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/entrar/?next=/gestion/")


def test_member_sees_the_dashboard_of_their_entity(province, client_for):
    response = client_for(province.clerk_a, HOST_A).get("/gestion/")
    assert response.status_code == 200
    assert "Padrón de habitantes" in response.content.decode()


@pytest.mark.parametrize("path", ["/gestion/", "/gestion/trabajos/", "/gestion/usuarios/",
                                  "/gestion/usuarios/nuevo/"])
def test_clerk_of_a_gets_404_on_every_backoffice_page_of_b(province, client_for, path):
    response = client_for(province.clerk_a, HOST_B).get(path)
    assert response.status_code == 404


def test_clerk_of_a_cannot_see_a_job_of_b_even_by_id(province, client_for):
    job = Job.objects.create(kind="padron.exportar", entity=province.b)
    for host in (HOST_A, HOST_B):
        assert client_for(province.clerk_a, host).get(f"/gestion/trabajos/{job.pk}/").status_code == 404
        assert client_for(province.clerk_a, host).get(
            f"/gestion/trabajos/{job.pk}/estado/").status_code == 404
    assert client_for(province.clerk_b, HOST_B).get(f"/gestion/trabajos/{job.pk}/").status_code == 200


def test_provincial_admin_without_membership_gets_nothing_from_an_entity(province, client_for):
    assert client_for(province.provincial_admin, HOST_A).get("/gestion/").status_code == 404


def test_backoffice_does_not_exist_on_the_provincial_host(province, client_for):
    assert client_for(province.provincial_admin, HOST_PROVINCIAL).get("/gestion/").status_code == 404


def test_user_administration_is_only_for_user_admins(province, client_for):
    assert client_for(province.clerk_a, HOST_A).get("/gestion/usuarios/").status_code == 403
    response = client_for(province.admin_a, HOST_A).get("/gestion/usuarios/")
    assert response.status_code == 200
    assert "clerk_a@pruebas.localhost" in response.content.decode()
    assert "clerk_b@pruebas.localhost" not in response.content.decode()


def test_navigation_lists_only_what_the_user_may_open(province, client_for):
    clerk_page = client_for(province.clerk_a, HOST_A).get("/gestion/").content.decode()
    admin_page = client_for(province.admin_a, HOST_A).get("/gestion/").content.decode()
    assert "/gestion/usuarios/" not in clerk_page
    assert "/gestion/usuarios/" in admin_page


def test_user_admin_grants_an_adhered_application(province, client_for):
    membership = Membership.objects.get(user=province.clerk_a, entity=province.a)
    response = client_for(province.admin_a, HOST_A).post(
        f"/gestion/usuarios/{membership.pk}/",
        {"role": "clerk", "applications": ["padron", "contabilidad"], "is_active": "on"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.applications == ["padron", "contabilidad"]
    event = AuditEvent.objects.filter(action="tenants.membership.update").latest("created_at")
    assert event.user == province.admin_a
    assert event.entity == province.a
    assert event.source_ip == "127.0.0.1"


def test_user_admin_cannot_grant_an_application_the_entity_has_not_adhered_to(province):
    membership = Membership.objects.get(user=province.clerk_a, entity=province.a)
    with pytest.raises(ValidationError) as excinfo:
        actions.grant_application(membership, "portales", acting_user=province.admin_a)
    assert excinfo.value.message_dict["applications"] == [
        "Ajuntament d'Agost no está adherida a ningún servicio que incluya: "
        "Portal web."]
    membership.refresh_from_db()
    assert membership.applications == ["padron", "registro", "expedientes", "sede", "soporte"]


def test_the_form_only_offers_adhered_applications(province, client_for):
    body = client_for(province.admin_a, HOST_A).get("/gestion/usuarios/nuevo/").content.decode()
    assert 'value="padron"' in body
    assert 'value="contabilidad"' in body
    assert 'value="registro"' in body  # e-administración
    assert 'value="portales"' not in body


def test_user_admin_of_a_cannot_touch_memberships_of_b(province, client_for):
    membership_b = Membership.objects.get(user=province.clerk_b, entity=province.b)
    # Through A's host the id simply does not exist…
    response = client_for(province.admin_a, HOST_A).post(
        f"/gestion/usuarios/{membership_b.pk}/", {"role": "user_admin", "applications": []})
    assert response.status_code == 404
    # …and through B's host admin_a is not a member at all.
    response = client_for(province.admin_a, HOST_B).post(
        f"/gestion/usuarios/{membership_b.pk}/", {"role": "user_admin", "applications": []})
    assert response.status_code == 404
    # The action refuses too, whatever calls it.
    with pytest.raises(PermissionDenied):
        actions.update_membership(membership_b, acting_user=province.admin_a, role="user_admin",
                                  applications=[])
    membership_b.refresh_from_db()
    assert membership_b.role == MembershipRole.CLERK
    assert membership_b.applications == ["padron", "registro", "expedientes", "sede",
                                         "soporte"]


def test_user_admin_cannot_make_anyone_provincial_staff(province, client_for):
    response = client_for(province.admin_a, HOST_A).post("/gestion/usuarios/nuevo/", {
        "email": "nueva@pruebas.localhost", "first_name": "Nueva", "last_name": "Persona",
        "password": "ruta-del-olivar-2026", "role": "clerk", "applications": ["padron"],
        "is_staff": "on", "is_superuser": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nueva@pruebas.localhost")
    assert membership.entity == province.a
    assert not membership.user.is_staff
    assert not membership.user.is_superuser


def test_adding_a_member_with_a_wrong_nif_shows_the_error_next_to_the_field(province, client_for):
    response = client_for(province.admin_a, HOST_A).post("/gestion/usuarios/nuevo/", {
        "email": "x@pruebas.localhost", "nif": "12345678A", "password": "ruta-del-olivar-2026",
        "role": "clerk"})
    assert response.status_code == 200
    assert "El NIF 12345678A no es válido (compruebe la letra)." in response.content.decode()
    assert not Membership.objects.filter(user__email="x@pruebas.localhost").exists()


def test_a_shared_official_gets_the_same_account_in_a_second_entity(province):
    membership = actions.add_member(province.c, acting_user=province.provincial_admin,
                                    email=province.clerk_a.email, role=MembershipRole.CLERK)
    assert membership.user == province.clerk_a
    assert province.clerk_a.memberships.count() == 2


def test_shared_official_switches_entity_without_logging_in_again(province, client_for):
    on_a = client_for(province.shared_official, HOST_A)
    page = on_a.get("/gestion/").content.decode()
    assert "Cambiar de entidad" in page
    assert province.b.name.replace("'", "&#x27;") in page
    browser = logged_in(province.shared_official, HOST_A)  # cookies per host, as a browser
    landed = browser.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/")
    assert browser.hops[0].response["Location"].startswith(
        "http://castalla.localhost/cuentas/traspaso/?")
    assert landed.status_code == 200
    assert browser.hops[-1].url == f"http://{HOST_B}/gestion/"
    assert browser.user_on(HOST_B) == province.shared_official.pk
    # The ticket works once.
    again = browser.request("get", browser.hops[-2].url, follow=False)
    assert again["Location"] == "/cuentas/entrar/"


def test_switch_to_an_entity_without_membership_is_refused(province, client_for):
    response = client_for(province.clerk_a, HOST_A).post(f"/gestion/cambiar/{province.b.pk}/")
    assert response.status_code == 404
    assert not LoginHandoff.objects.filter(user=province.clerk_a).exists()


def test_a_ticket_for_one_entity_does_not_open_another(province, client_for):
    key, key_hash = actions.new_browser_key()
    actions.create_login_handoff(province.shared_official, province.b, browser_key_hash=key_hash)
    client = client_for(None, HOST_A)
    client.cookies[actions.HANDOFF_KEY_COOKIE] = key
    response = client.get("/cuentas/traspaso/completar/")
    assert response["Location"] == "/cuentas/entrar/"


def test_login_on_an_entity_host_lands_on_its_backoffice(province, client_for):
    response = client_for(None, HOST_A).post("/cuentas/entrar/", {
        "username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/gestion/"


def test_api_requires_membership_for_session_and_token(province, client_for):
    token = Token.objects.create(user=province.clerk_a)
    api = client_for(None, HOST_A)
    ok = api.get("/api/v1/entidad/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert ok.status_code == 200
    assert ok.json()["ine_code"] == "030020"
    assert [a["service"] for a in ok.json()["adhesions"]] == ["padron", "contabilidad", "eadmin",
                                                              "soporte"]
    other = client_for(None, HOST_B).get("/api/v1/entidad/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert other.status_code == 403
    assert province.b.name not in other.content.decode()
    assert client_for(province.clerk_a, HOST_B).get("/api/v1/trabajos/").status_code == 403
    assert client_for(None, HOST_A).get("/api/v1/entidad/").status_code in (401, 403)


def test_api_lists_only_the_jobs_of_the_host_entity(province, client_for):
    mine = Job.objects.create(kind="padron.exportar", entity=province.a)
    theirs = Job.objects.create(kind="padron.exportar", entity=province.b)
    data = client_for(province.clerk_a, HOST_A).get("/api/v1/trabajos/").json()
    ids = [row["id"] for row in data["results"]]
    assert mine.pk in ids
    assert theirs.pk not in ids
    assert client_for(province.clerk_a, HOST_A).get(
        f"/api/v1/trabajos/{theirs.pk}/").status_code == 404


def test_openapi_schema_is_served(province, client_for):
    assert client_for(None, HOST_A).get("/api/schema/").status_code in (401, 403)
    response = client_for(province.clerk_a, HOST_A).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/trabajos/" in response.content


def test_a_tampered_switch_ticket_is_refused(province, client_for):
    key, key_hash = actions.new_browser_key()
    actions.create_login_handoff(province.shared_official, province.b, browser_key_hash=key_hash)
    client = client_for(None, HOST_B)
    client.cookies[actions.HANDOFF_KEY_COOKIE] = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert client.get("/cuentas/traspaso/completar/")["Location"] == "/cuentas/entrar/"
    assert "_auth_user_id" not in client.session
    # The genuine ticket was not spent by the failed attempt.
    client.cookies[actions.HANDOFF_KEY_COOKIE] = key
    assert client.get("/cuentas/traspaso/completar/")["Location"] == "/gestion/"


@pytest.mark.parametrize("path", ["/gestion/", "/gestion/usuarios/", "/gestion/trabajos/",
                                  "/gestion/auditoria/"])
def test_backoffice_pages_make_a_bounded_number_of_queries(province, client_for, path,
                                                           django_assert_max_num_queries):
    client = client_for(province.admin_a, HOST_A)
    client.get(path)  # warm the host cache
    for index in range(30):
        Job.objects.create(kind="provincial.diagnostic", entity=province.a, log=str(index))
    with django_assert_max_num_queries(16):
        assert client.get(path).status_code == 200
