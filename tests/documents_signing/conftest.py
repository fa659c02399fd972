"""Entity A seals with the test PKI's sello de órgano (tests/pki.py), trusted for the test;
entity B has no sello. The providers are registered through the signing service's own
registries and removed after each test."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from provincial.signing import base
from tests import pki

# pytest's collection imports the padrón fixtures (callejero, ctx) for these tests.
from tests.padron.conftest import callejero, ctx, in_a  # noqa: F401


class SelloOf:
    """A sello provider for one entity (by schema), with the test certificate `name`;
    `uses` records what the key signed (SigningIdentity.on_use)."""

    def __init__(self, schema_name: str, name: str = "sello") -> None:
        self.schema_name = schema_name
        self.name = name
        self.uses: list[str] = []

    def __call__(self, entity):
        if entity.schema_name != self.schema_name:
            return None
        return pki.identity(self.name, on_use=self.uses.append)


def _trust() -> base.TrustMaterial:
    return pki.pki().trust()


@pytest.fixture
def trusted_pki():
    """Validation trusts the test PKI's root and knows its CRL (for this test only)."""
    base.register_trust_provider(_trust)
    yield pki.pki()
    base.unregister_trust_provider(_trust)


@pytest.fixture
def sello_a(province, trusted_pki):
    """Entity A's documents are sealed with the test PKI's valid sello."""
    provider = SelloOf(province.a.schema_name)
    base.register_sello_provider(provider)
    yield provider
    base.unregister_sello_provider(provider)


@pytest.fixture
def sello_of(province, trusted_pki):
    """Register for entity A the test certificate of the given name: `sello_of("expired")`."""
    registered = []

    def register(name: str) -> SelloOf:
        provider = SelloOf(province.a.schema_name, name)
        base.register_sello_provider(provider)
        registered.append(provider)
        return provider

    yield register
    for provider in registered:
        base.unregister_sello_provider(provider)


@pytest.fixture
def in_b(province, db):
    with schema_context(province.b.schema_name):
        yield province.b
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def _tsa_server():
    from tests.tsa_peer import TSAPeer

    peer = TSAPeer().start()
    yield peer
    peer.stop()


@pytest.fixture
def tsa(_tsa_server, settings):
    """The local timestamp authority (tests/tsa_peer.py) as the platform's."""
    _tsa_server.faults.clear()
    _tsa_server.log.clear()
    settings.SIGNING_TSA_URL = _tsa_server.url
    settings.SIGNING_TSA_USERNAME = settings.SIGNING_TSA_PASSWORD = ""
    return _tsa_server
