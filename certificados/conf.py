"""Settings of the certificates app, read from Django settings when set there (tests
override them with pytest-django's `settings`), otherwise from the environment through the
typed helpers of `provincial.env`.

| setting | env var | default |
|---|---|---|
| CERTIFICADOS_PUBLIC_URL | CERTIFICADOS_PUBLIC_URL | the Diputación's public address |
| CERTIFICADOS_CA_KEY_BITS | CERTIFICADOS_CA_KEY_BITS | 3072 |
| CERTIFICADOS_KEY_BITS | CERTIFICADOS_KEY_BITS | 2048 |
| CERTIFICADOS_CRL_DAYS | CERTIFICADOS_CRL_DAYS | 7 |
| CERTIFICADOS_WARNING_DAYS | CERTIFICADOS_WARNING_DAYS | 60, 30, 7 |
| CERTIFICADOS_ATTACHMENT_MAX_BYTES | CERTIFICADOS_ATTACHMENT_MAX_BYTES | 10 MiB |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from provincial.env import env_int, env_list, env_str

ATTACHMENTS_MAX = 10
UPLOAD_CERTIFICATE_MAX_BYTES = 64 * 1024
# Validity of what the local CA issues, in days. The sede's follows the CA/Browser Forum's
# ceiling for TLS server certificates (398 days); FNMT issues employee and sello
# certificates for three years.
VALIDITY_DAYS = {"empleado": 3 * 365, "sello": 3 * 365, "sede": 397}
ROOT_VALIDITY_DAYS = 20 * 365
ISSUING_VALIDITY_DAYS = 10 * 365


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def public_url() -> str:
    """Base of the addresses printed in the certificates (CRL distribution point, CA
    certificates): the provincial host as the world reaches it. Empty: the Diputación's
    public address (`Entity.public_url`)."""
    return (_get("CERTIFICADOS_PUBLIC_URL", env_str("CERTIFICADOS_PUBLIC_URL", "")) or "").rstrip("/")


def ca_key_bits() -> int:
    return int(_get("CERTIFICADOS_CA_KEY_BITS", env_int("CERTIFICADOS_CA_KEY_BITS", 3072)))


def key_bits() -> int:
    return int(_get("CERTIFICADOS_KEY_BITS", env_int("CERTIFICADOS_KEY_BITS", 2048)))


def crl_days() -> int:
    """How long a published CRL is valid (its nextUpdate); the daily task republishes."""
    return int(_get("CERTIFICADOS_CRL_DAYS", env_int("CERTIFICADOS_CRL_DAYS", 7)))


def warning_days() -> list[int]:
    """Days before expiry at which holder and user administrators are warned, largest first."""
    raw = _get("CERTIFICADOS_WARNING_DAYS", env_list("CERTIFICADOS_WARNING_DAYS", ["60", "30", "7"]))
    try:
        days = sorted({int(value) for value in raw}, reverse=True)
    except ValueError as exc:
        raise ImproperlyConfigured("CERTIFICADOS_WARNING_DAYS holds whole numbers of days, "
                                   f"e.g. 60,30,7 (got {raw!r})") from exc
    if not days or days[-1] <= 0:
        raise ImproperlyConfigured("CERTIFICADOS_WARNING_DAYS needs positive numbers of days")
    return days


def attachment_max_bytes() -> int:
    return int(_get("CERTIFICADOS_ATTACHMENT_MAX_BYTES",
                    env_int("CERTIFICADOS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)))
