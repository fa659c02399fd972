"""Clients of the REST API that authenticate as a service account (tenants.ServiceAccount),
shared by the API tests of every app."""

from __future__ import annotations

from django.test import Client

from tenants import service_accounts


def service_client(province, entity, host: str, applications: list[str], *,
                   name: str = "Programa de pruebas", keyword: str = "Bearer") -> Client:
    """A test client on `host` that sends a new account's token of `entity` on every call;
    `.account` and `.token` are the account and its token."""
    created = service_accounts.create_service_account(
        entity, name=name, applications=applications, acting_user=province.provincial_admin)
    client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"{keyword} {created.token}")
    client.account = created.account
    client.token = created.token
    return client
