"""Private keys encrypted at rest.

A key the platform holds (an entity's sello de órgano) is stored only as a Fernet token
(AES-128-CBC + HMAC-SHA256) of its PKCS#8 DER form. The encryption keys come from
`SIGNING_KEY_ENCRYPTION_KEYS` (comma-separated Fernet keys, or `_FILE`): the first
encrypts, all decrypt, so a key is rotated by putting a new one first and running
`manage.py rotate_signing_keys`, which re-encrypts every field registered
with `register_encrypted_field` (apps register theirs from `ready()`). Without it, outside production, one is generated once
in the data directory (mode 0600), beside the embedded database and never inside it: a
database dump or an entity backup holds only ciphertext.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from provincial import embedded
from provincial.signing.base import SigningError


def _generated_key_file() -> Path:
    return embedded.data_dir() / "signing" / "key-encryption-keys"


def _configured_keys() -> list[str]:
    configured = [key.strip() for key in (settings.SIGNING_KEY_ENCRYPTION_KEYS or "").split(",")
                  if key.strip()]
    if configured:
        return configured
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "SIGNING_KEY_ENCRYPTION_KEYS (or SIGNING_KEY_ENCRYPTION_KEYS_FILE) is required in "
            "production: it encrypts the private keys of the sellos the platform holds")
    path = _generated_key_file()
    if not path.exists():
        # Written whole under another name, then linked into place: of two processes that
        # start at once (a web process and a worker, two test workers) one key wins and
        # neither reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode("ascii") + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _configured_keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "SIGNING_KEY_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64 bytes; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`)"
        ) from exc


def reset_cache() -> None:
    """Forget the loaded encryption keys (tests that change the setting)."""
    _fernet.cache_clear()


def encrypt_private_key(private_key) -> str:
    """The key as an ASCII token to store; the key itself is never written in clear."""
    der = private_key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return _fernet().encrypt(der).decode("ascii")


def decrypt_private_key(token: str):
    try:
        der = _fernet().decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise SigningError(
            "La clave privada guardada no se puede descifrar con las claves configuradas "
            "(SIGNING_KEY_ENCRYPTION_KEYS).") from exc
    return serialization.load_der_private_key(der, password=None)


def reencrypt(token: str) -> str:
    """The same key under the current first encryption key (rotation)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


# (app_label.Model, field name) of every column holding tokens of this module.
_encrypted_fields: list[tuple[str, str]] = []


def register_encrypted_field(model_label: str, field_name: str) -> None:
    """Declare a column that holds `encrypt_private_key` tokens (empty string for none), so
    that `rotate_signing_keys` re-encrypts it."""
    if (model_label, field_name) not in _encrypted_fields:
        _encrypted_fields.append((model_label, field_name))


def encrypted_fields() -> list[tuple[str, str]]:
    return list(_encrypted_fields)
