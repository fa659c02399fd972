"""Two-factor authentication: who must use it, enrolment, verification, recovery codes.

Required for provincial admins (is_staff), support agents and entity user administrators
(ENS category MEDIA, op.acc.6: authentication of the organisation's users); enrolled on first login. A TOTP code is accepted once
(django-otp remembers the last time step used); recovery codes are single-use.
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from provincial import audit, params
from tenants.choices import MembershipRole

RECOVERY_CODES = 10
_OPEN_PREFIXES = ("/cuentas/", "/static/")


def requires_two_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_FOR_ALL or user.is_staff or user.is_superuser or user.is_support_agent:
        return True
    return user.memberships.filter(role=MembershipRole.USER_ADMIN, is_active=True).exists()


class RequireTwoFactorMiddleware:
    """Until the second factor is verified, a user who needs it only reaches /cuentas/."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(_OPEN_PREFIXES)
                and not user.is_verified() and requires_two_factor(user)):
            target = "cuentas:2fa_verify" if user_has_device(user, confirmed=True) \
                else "cuentas:2fa_enrol"
            response = redirect(target)
            response["Location"] += f"?next={request.get_full_path()}"
            return response
        return self.get_response(request)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return "/gestion/" if not request.tenant.is_diputacion else "/mis-entidades/"


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="Códigos de recuperación")
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def enrol(request):
    """Show a QR code for an authenticator app and confirm it with a first code."""
    user = request.user
    if user_has_device(user, confirmed=True):
        return redirect("cuentas:2fa_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() \
        or TOTPDevice.objects.create(user=user, name=_("Aplicación de autenticación"),
                                     confirmed=False)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().replace(" ", "")
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            error = _("Demasiados intentos fallidos: espere unos segundos y vuelva a probar.")
        elif device.verify_token(code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("auth.2fa.enrol", user=user, obj=user)
            return render(request, "registration/recovery_codes.html", {
                "codes": _new_recovery_codes(user), "next": _next_url(request)})
        else:
            error = _("El código no es correcto. Compruebe la hora del teléfono y escriba el "
                      "código de seis cifras que muestra ahora la aplicación.")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b2430")
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "registration/2fa_enrol.html", {
        "qr_svg": qr_svg, "error": error, "next": _next_url(request),
        "secret": " ".join(secret_b32[i:i + 4] for i in range(0, len(secret_b32), 4))})


@login_required
def verify(request):
    """Ask for the second factor: a TOTP code or a single-use recovery code."""
    user = request.user
    error = ""
    if request.method == "POST":
        # A NUL would reach the recovery-code query: refused (400) before it.
        code = params.get_text(request.POST, "code", max_length=64).replace(" ", "")
        device = None
        for candidate in [*TOTPDevice.objects.filter(user=user, confirmed=True),
                          *StaticDevice.objects.filter(user=user, confirmed=True)]:
            if code and candidate.verify_is_allowed()[0] and candidate.verify_token(code):
                device = candidate
                break
        if device is not None:
            otp_login(request, device)
            audit.record("auth.2fa.verify", user=user, obj=user,
                         detail={"recovery_code": isinstance(device, StaticDevice)})
            return redirect(_next_url(request))
        audit.record("auth.2fa.failure", user=user, obj=user)
        error = _("Código incorrecto o ya utilizado.")
    return render(request, "registration/2fa_verify.html", {"error": error,
                                                            "next": _next_url(request)})


@login_required
def regenerate_codes(request):
    if request.method != "POST" or not request.user.is_verified():
        return redirect("cuentas:2fa_verify")
    audit.record("auth.2fa.recovery_codes", user=request.user, obj=request.user)
    return render(request, "registration/recovery_codes.html", {
        "codes": _new_recovery_codes(request.user), "next": _next_url(request)})
