"""The sede's settings, read from Django settings when set there (tests override them
with pytest-django's `settings`), otherwise from the environment through the typed
helpers of `provincial.env`.

| setting | env var | default |
|---|---|---|
| SEDE_IDENTIFICATION_METHODS | SEDE_IDENTIFICATION_METHODS | `certificado` (plus `desarrollo` when not PRODUCTION) |
| SEDE_CLIENT_CERT_HEADER | SEDE_CLIENT_CERT_HEADER | `X-SSL-Client-Cert` |
| SEDE_TRUSTED_PROXIES | SEDE_TRUSTED_PROXIES | `127.0.0.0/8, ::1` (none with PRODUCTION) |
| SEDE_TRUST_STORE | SEDE_TRUST_STORE | empty: no certificate is trusted |
| SEDE_ATTACHMENT_MAX_BYTES | SEDE_ATTACHMENT_MAX_BYTES | 10 MiB per file |
| SEDE_ATTACHMENTS_MAX | SEDE_ATTACHMENTS_MAX | 5 files |
| SEDE_VERIFY_RATE | SEDE_VERIFY_RATE | 20 look-ups per minute and IP |
| SEDE_SUBMIT_RATE | SEDE_SUBMIT_RATE | 20 submissions (filled or confirmed) per 10 minutes and IP |
| SEDE_CLAVE_* | SEDE_CLAVE_* | Cl@ve (sede.clave): see docs/configuration.md, "Cl@ve" |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from provincial.env import env_int, env_list, env_str

DEVELOPMENT_METHOD = "desarrollo"


def _get(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def identification_methods() -> list[str]:
    default = ["certificado"] if settings.PRODUCTION else ["certificado", DEVELOPMENT_METHOD]
    return list(_get("SEDE_IDENTIFICATION_METHODS",
                     env_list("SEDE_IDENTIFICATION_METHODS", default)))


def trusted_proxies() -> list[str]:
    """Addresses or networks (CIDR) of the TLS-terminating proxies whose certificate header
    is believed. A client certificate is public: only the proxy, which saw the client prove
    it holds the private key during the handshake, may vouch for it. Default: this machine
    (127.0.0.0/8, ::1) outside production, nobody in production until it is set."""
    default = [] if settings.PRODUCTION else ["127.0.0.0/8", "::1"]
    return list(_get("SEDE_TRUSTED_PROXIES", env_list("SEDE_TRUSTED_PROXIES", default)))


def client_cert_header() -> str:
    return _get("SEDE_CLIENT_CERT_HEADER", env_str("SEDE_CLIENT_CERT_HEADER",
                                                   "X-SSL-Client-Cert"))


def trust_store() -> str:
    return _get("SEDE_TRUST_STORE", env_str("SEDE_TRUST_STORE", "") or "")


def attachment_max_bytes() -> int:
    return _get("SEDE_ATTACHMENT_MAX_BYTES",
                env_int("SEDE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachments_max() -> int:
    return _get("SEDE_ATTACHMENTS_MAX", env_int("SEDE_ATTACHMENTS_MAX", 5))


def verify_rate() -> int:
    return _get("SEDE_VERIFY_RATE", env_int("SEDE_VERIFY_RATE", 20))


SUBMIT_WINDOW_SECONDS = 600


def submit_rate() -> int:
    """Submissions (a filled form kept as a draft with its attachments, or a confirmation)
    per IP in SUBMIT_WINDOW_SECONDS: each draft may hold several MB."""
    return _get("SEDE_SUBMIT_RATE", env_int("SEDE_SUBMIT_RATE", 20))


# --- Cl@ve (sede.clave) -------------------------------------------------------------------

CLAVE_METHOD = "clave"
CLAVE_LEVELS = ("bajo", "sustancial", "alto")


def clave_idp_metadata() -> str:
    """Path of the IdP's SAML metadata (Cl@ve's, downloaded and checked out of band)."""
    return _get("SEDE_CLAVE_IDP_METADATA", env_str("SEDE_CLAVE_IDP_METADATA", "") or "")


def clave_idp_entity_id() -> str:
    """The IdP to send requests to, when the metadata holds more than one."""
    return _get("SEDE_CLAVE_IDP_ENTITY_ID", env_str("SEDE_CLAVE_IDP_ENTITY_ID", "") or "")


def clave_sp_key() -> str:
    """Path of the SP's private key (PEM): signs the AuthnRequests, decrypts assertions."""
    return _get("SEDE_CLAVE_SP_KEY", env_str("SEDE_CLAVE_SP_KEY", "") or "")


def clave_sp_cert() -> str:
    """Path of the SP's certificate (PEM), published in the SP metadata."""
    return _get("SEDE_CLAVE_SP_CERT", env_str("SEDE_CLAVE_SP_CERT", "") or "")


def clave_xmlsec_binary() -> str:
    """The xmlsec1 program pysaml2 runs to sign and verify."""
    import shutil

    return _get("SEDE_CLAVE_XMLSEC_BINARY",
                env_str("SEDE_CLAVE_XMLSEC_BINARY", "") or shutil.which("xmlsec1") or "")


def clave_level() -> str:
    """The least level of assurance asked of Cl@ve (a procedure may ask more)."""
    return _get("SEDE_CLAVE_LEVEL", env_str("SEDE_CLAVE_LEVEL", "bajo") or "bajo")


def clave_clock_skew() -> int:
    """Seconds of clock difference with the IdP tolerated in the time conditions."""
    return _get("SEDE_CLAVE_CLOCK_SKEW", env_int("SEDE_CLAVE_CLOCK_SKEW", 60))


def clave_provider_name() -> str:
    """ProviderName of the AuthnRequests (empty: the entity's name)."""
    return _get("SEDE_CLAVE_PROVIDER_NAME", env_str("SEDE_CLAVE_PROVIDER_NAME", "") or "")


def clave_entity_id_template() -> str:
    """The SP's entityID; `{base}` is the entity's sede address (scheme and host)."""
    return _get("SEDE_CLAVE_SP_ENTITY_ID", env_str(
        "SEDE_CLAVE_SP_ENTITY_ID", "") or "{base}/sede/identificarse/clave/metadata/")
