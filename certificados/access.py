"""Who sees which certificates, and the scoped lookups every view goes through.

- Inside an entity's back office (/gestion/certificados/): the entity's user administrator
  granted the `certificados` application, where the entity adheres to the service
  (BackofficeAccessMiddleware and ServiceAvailabilityMiddleware enforce it from the
  section), sees and requests the entity's own certificates.
- On the provincial host (/certificados/): provincial admins and the registration office's
  active registradores see every entity's.

A missing certificate and another entity's certificate give the same 404.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest

from certificados.models import Adjunto, Certificado, Registrador


def is_operator(user) -> bool:
    """Provincial admins and the registration office's registradores (memoised per user
    object: the provincial menu asks on every page)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_provincial_admin:
        return True
    if not hasattr(user, "_certificados_operator"):
        user._certificados_operator = Registrador.objects.filter(user=user, is_active=True).exists()
    return user._certificados_operator


def operator_required(view):
    """The provincial pages: operators only; anyone else gets the 404 of a missing page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        tenant = getattr(request, "tenant", None)
        if (tenant is not None and not tenant.is_diputacion) or not is_operator(request.user):
            raise Http404
        if not request.user.is_verified():
            # Registradores work with the province's certificates: a second factor always,
            # as for provincial staff (RequireTwoFactorMiddleware already holds those).
            from django.shortcuts import redirect
            from django_otp import user_has_device

            target = "cuentas:2fa_verify" if user_has_device(request.user, confirmed=True) \
                else "cuentas:2fa_enrol"
            response = redirect(target)
            response["Location"] += f"?next={request.get_full_path()}"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def entity_certificados(request: HttpRequest):
    """The request's entity's certificates (the section guard already checked who asks)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_diputacion:
        return Certificado.objects.none()
    return Certificado.objects.filter(entity_id=tenant.pk)


def get_certificado_for(request: HttpRequest, pk: int) -> Certificado:
    """A certificate of the request's entity; on the provincial host, any (operators)."""
    tenant = getattr(request, "tenant", None)
    rows = Certificado.objects.all() if tenant is None or tenant.is_diputacion \
        else entity_certificados(request)
    if (tenant is None or tenant.is_diputacion) and not is_operator(request.user):
        raise Http404
    try:
        return rows.select_related("entity", "requested_by", "local_ca", "renews").get(pk=pk)
    except Certificado.DoesNotExist as exc:
        raise Http404 from exc


def get_adjunto_for(request: HttpRequest, pk: int, adjunto_pk: int) -> Adjunto:
    certificado = get_certificado_for(request, pk)
    try:
        return Adjunto.objects.select_related("certificado").get(pk=adjunto_pk,
                                                                 certificado=certificado)
    except Adjunto.DoesNotExist as exc:
        raise Http404 from exc
