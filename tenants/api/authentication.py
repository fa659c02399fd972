"""Authentication of service accounts (tenants.models.ServiceAccount) on the REST API.

`Authorization: Bearer sp_…` or `Authorization: Token sp_…`. The token must belong to an
active account of the entity whose host was called: an unknown token, a revoked one and
one of another entity all get the same 401 with the same words, so a caller learns
nothing about tokens that are not theirs. A `Token` header without the `sp_` prefix is
left to DRF's `TokenAuthentication` (users' personal tokens).

A refused token of a known account is remembered on the request, so the call is still
audited under that account (tenants.api.calls).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from tenants import service_accounts
from tenants.service_accounts import ServicePrincipal

KEYWORDS = (b"bearer", b"token")
# DRF's own words for a bad token ("Token inválido."), so that a refused service token and
# a refused user token read the same.
INVALID = "Invalid token."


def _invalid() -> exceptions.AuthenticationFailed:
    from django.utils.translation import gettext

    return exceptions.AuthenticationFailed(gettext(INVALID))


class ServiceAccountAuthentication(BaseAuthentication):
    """A service account's token, valid only on its own entity's host."""

    keyword = "Bearer"

    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        is_bearer = parts[0].lower() == b"bearer"
        if len(parts) != 2:
            if is_bearer:
                raise _invalid()
            return None  # DRF's TokenAuthentication words the malformed header
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise _invalid() from exc
        if not service_accounts.looks_like_token(token):
            if is_bearer:
                raise _invalid()
            return None  # a user's token
        account = service_accounts.account_for_token(token)
        if account is None:
            raise _invalid()
        tenant = getattr(request._request, "tenant", None)
        if account.revoked_at is not None:
            request._request.refused_service_account = (account, "revoked")
            raise _invalid()
        if tenant is None or account.entity_id != tenant.pk:
            request._request.refused_service_account = (account, "other_host")
            raise _invalid()
        service_accounts.mark_used(account)
        return ServicePrincipal(account), account

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ServiceAccountScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of service accounts."""

    target_class = "tenants.api.authentication.ServiceAccountAuthentication"
    name = "cuentaDeServicio"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http", "scheme": "bearer",
            "description": "Token de una cuenta de servicio de la entidad (sp_…), creado por "
                           "su administrador de usuarios en /gestion/cuentas-servicio/. "
                           "También se admite «Authorization: Token sp_…».",
        }
