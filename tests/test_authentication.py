"""Second factor, lockout, password rules and session handling (issue: security baseline)."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from provincial.models import AuditEvent
from tenants import actions
from tenants.choices import MembershipRole
from tenants.models import User
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL, PASSWORD, totp_device
from tests.switching import logged_in

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + offset_steps * device.step
    return f"{totp.token():06d}"


def login(host: str, username: str, password: str = PASSWORD) -> tuple[Client, object]:
    client = Client(HTTP_HOST=host)
    response = client.post("/cuentas/entrar/", {"username": username, "password": password})
    return client, response


def test_a_user_admin_must_enrol_a_second_factor_on_first_login(province):
    client, response = login(HOST_A, "admin_a")
    assert response["Location"] == "/gestion/"
    response = client.get("/gestion/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/doble-factor/alta/?next=/gestion/")
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()  # the QR code, inline (no external image)
    device = TOTPDevice.objects.get(user=province.admin_a, confirmed=False)
    wrong = client.post("/cuentas/doble-factor/alta/", {"code": "000000", "next": "/gestion/"})
    assert "El código no es correcto" in wrong.content.decode()
    throttled = client.post("/cuentas/doble-factor/alta/", {"code": code_for(device)})
    assert "Demasiados intentos fallidos" in throttled.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0,
                                                   throttling_failure_timestamp=None)
    done = client.post("/cuentas/doble-factor/alta/", {"code": code_for(device), "next": "/gestion/"})
    codes = re.findall(r"<code>(\d{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/gestion/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.2fa.enrol", user=province.admin_a).exists()


def test_a_clerk_without_admin_rights_needs_no_second_factor(province):
    client, _response = login(HOST_A, "clerk_a")
    assert client.get("/gestion/").status_code == 200


def test_the_django_admin_requires_the_second_factor(province):
    device = totp_device(province.provincial_admin)
    client, _ = login(HOST_PROVINCIAL, "provincial_admin")
    response = client.get("/admin/")
    assert response["Location"].startswith("/cuentas/verificar/?next=/admin/")
    ok = client.post("/cuentas/verificar/", {"code": code_for(device), "next": "/admin/"})
    assert ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_same_totp_code_is_not_accepted_twice(province):
    device = totp_device(province.admin_a)
    code = code_for(device)
    first, _ = login(HOST_A, "admin_a")
    assert first.post("/cuentas/verificar/", {"code": code})["Location"] == "/gestion/"
    second, _ = login(HOST_A, "admin_a")
    refused = second.post("/cuentas/verificar/", {"code": code})
    assert refused.status_code == 200
    assert "Código incorrecto o ya utilizado." in refused.content.decode()
    assert second.get("/gestion/").status_code == 302


def test_a_recovery_code_works_once(province):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    totp_device(province.admin_a)
    device = StaticDevice.objects.create(user=province.admin_a, name="recuperación")
    StaticToken.objects.create(device=device, token="12345678")
    client, _ = login(HOST_A, "admin_a")
    assert client.post("/cuentas/verificar/", {"code": "12345678"})["Location"] == "/gestion/"
    again, _ = login(HOST_A, "admin_a")
    assert again.post("/cuentas/verificar/", {"code": "12345678"}).status_code == 200


def test_switching_entity_carries_the_verified_second_factor(province, client_for):
    actions.add_member(province.b, acting_user=province.provincial_admin,
                       email=province.admin_a.email, role=MembershipRole.USER_ADMIN)
    browser = logged_in(province.admin_a, HOST_A)
    landed = browser.request("post", f"http://{HOST_A}/gestion/cambiar/{province.b.pk}/")
    assert browser.hops[-1].url == f"http://{HOST_B}/gestion/"
    assert landed.status_code == 200


def test_switching_from_an_unverified_session_asks_for_the_factor_again(province, client_for):
    actions.add_member(province.b, acting_user=province.provincial_admin,
                       email=province.admin_a.email, role=MembershipRole.USER_ADMIN)
    totp_device(province.admin_a)
    key, key_hash = actions.new_browser_key()
    actions.create_login_handoff(province.admin_a, province.b, browser_key_hash=key_hash)  # no device
    on_b = Client(HTTP_HOST=HOST_B)
    on_b.cookies[actions.HANDOFF_KEY_COOKIE] = key
    assert on_b.get("/cuentas/traspaso/completar/")["Location"] == "/gestion/"
    assert on_b.get("/gestion/")["Location"].startswith("/cuentas/verificar/")


def test_failed_logins_lock_the_account_then_the_right_password_is_refused(province):
    for _ in range(5):
        _client, response = login(HOST_A, "clerk_a", "contraseña-equivocada")
        assert response.status_code in (200, 429)
    client, response = login(HOST_A, "clerk_a")
    assert response.status_code == 429
    assert "Acceso bloqueado temporalmente" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login_failed",
                                     detail__username="clerk_a").count() >= 5


def test_failed_logins_from_one_ip_lock_that_ip_for_every_user(province):
    for index in range(5):
        login(HOST_A, f"inventado{index}", "x")
    _client, response = login(HOST_A, "clerk_b")
    assert response.status_code == 429


def test_logout_everywhere_closes_the_other_sessions(province):
    laptop, _ = login(HOST_A, "clerk_a")
    phone, _ = login(HOST_A, "clerk_a")
    assert phone.get("/gestion/").status_code == 200
    laptop.post("/cuentas/cerrar-todas/")
    assert phone.get("/gestion/").status_code == 302
    assert laptop.get("/gestion/").status_code == 302


def test_a_password_change_ends_existing_sessions(province):
    client, _ = login(HOST_A, "clerk_a")
    clerk = User.objects.get(pk=province.clerk_a.pk)  # not the shared session-wide object
    clerk.set_password("otra-ruta-del-olivar-77")
    clerk.save()
    assert client.get("/gestion/").status_code == 302


def test_an_expired_session_is_not_accepted(province):
    client, _ = login(HOST_A, "clerk_a")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/gestion/").status_code == 302


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.parametrize(("password", "message"), [
    ("MiContraseña2026!", "«contrasena»"),
    ("qwertyuiop-2026", "«qwerty»"),
    ("ajuntament-agost-9", "«ajuntament»"),
    ("aaaaaaaaaaaa", "muy pocos caracteres distintos"),
])
def test_breached_patterns_are_refused_with_a_clear_message(province, client_for, password,
                                                            message):
    response = client_for(province.admin_a, HOST_A).post("/gestion/usuarios/nuevo/", {
        "email": "nueva@pruebas.localhost", "password": password, "role": "clerk"})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_login_and_logout_are_audited_with_the_source_ip(province):
    client, _ = login(HOST_A, "clerk_a")
    event = AuditEvent.objects.filter(action="auth.login", user=province.clerk_a).latest("created_at")
    assert event.entity == province.a
    assert event.source_ip == "127.0.0.1"
