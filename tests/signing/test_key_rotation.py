"""Rotating the key that encrypts the private keys the platform holds: every registered
column is re-encrypted under the new first key, and the old key can then be dropped."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django_tenants.utils import schema_context

from certificados import actions as certificados
from certificados import sellos
from certificados.models import Certificado, LocalCA
from provincial.signing import keys
from provincial.signing.base import SigningError

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_keys():
    keys.reset_cache()
    sellos.forget()
    yield
    keys.reset_cache()
    sellos.forget()


def test_rotation_reencrypts_every_registered_key_and_the_old_key_can_go(
        province, settings, clean_keys):
    assert ("certificados.Certificado", "key_token") in keys.encrypted_fields()
    with schema_context("public"):
        sello = certificados.issue_local_sello(province.a, operator=province.provincial_admin)
        old_keys = ",".join(keys._configured_keys())
        before = Certificado.objects.get(pk=sello.pk).key_token
        ca_before = LocalCA.objects.values_list("root_key_token", flat=True).first()
        plain = keys.decrypt_private_key(before).private_numbers()

        new_key = Fernet.generate_key().decode()
        settings.SIGNING_KEY_ENCRYPTION_KEYS = f"{new_key},{old_keys}"
        keys.reset_cache()
        call_command("rotate_signing_keys", stdout=io.StringIO())

        after = Certificado.objects.get(pk=sello.pk).key_token
        assert after != before
        assert LocalCA.objects.values_list("root_key_token", flat=True).first() != ca_before

        # Only the new key now: every token opens, and is the same key.
        settings.SIGNING_KEY_ENCRYPTION_KEYS = new_key
        keys.reset_cache()
        assert keys.decrypt_private_key(after).private_numbers() == plain
        assert sellos.sello_for(province.a) is not None
        # The old key alone no longer opens the new tokens.
        settings.SIGNING_KEY_ENCRYPTION_KEYS = old_keys
        keys.reset_cache()
        with pytest.raises(SigningError, match="no se puede descifrar"):
            keys.decrypt_private_key(after)
