"""The SP configuration of one entity's sede, from the SEDE_CLAVE_* settings."""

from __future__ import annotations

import functools
import os

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT
from saml2.xmldsig import (
    DIGEST_SHA256,
    DIGEST_SHA384,
    DIGEST_SHA512,
    SIG_ECDSA_SHA256,
    SIG_ECDSA_SHA384,
    SIG_ECDSA_SHA512,
    SIG_RSA_SHA256,
    SIG_RSA_SHA384,
    SIG_RSA_SHA512,
)

from sede import conf

# eIDAS levels of assurance (RequestedAuthnContext / AuthnContextClassRef) and ours.
LOA = {
    "bajo": "http://eidas.europa.eu/LoA/low",
    "sustancial": "http://eidas.europa.eu/LoA/substantial",
    "alto": "http://eidas.europa.eu/LoA/high",
}
LEVEL_OF_LOA = {uri: level for level, uri in LOA.items()}

EIDAS_NATURAL = "http://eidas.europa.eu/attributes/naturalperson/"
PERSON_IDENTIFIER = EIDAS_NATURAL + "PersonIdentifier"
GIVEN_NAME = EIDAS_NATURAL + "CurrentGivenName"
FAMILY_NAME = EIDAS_NATURAL + "CurrentFamilyName"
FIRST_SURNAME = "http://es.minhafp.clave/FirstSurname"

# Cl@ve (an eIDAS node) encrypts the assertion to the SP's certificate: one
# EncryptedAssertion is then accepted in place of the Assertion, and decrypted with the SP's
# key. When False the SP offers no encryption key and an EncryptedAssertion is refused.
ENCRYPTED_ASSERTIONS = True

# Cl@ve 2 / eIDAS: signatures with SHA-256 or stronger. The SP signs its AuthnRequest with
# these, and refuses a response whose signatures (on the Response or the assertion) use a
# signature or digest algorithm outside the allow-lists (SHA-1 above all: xmlsec1 would
# verify it). The metadata advertises only these (alg:SigningMethod / alg:DigestMethod).
SIGNING_ALGORITHM = SIG_RSA_SHA256
DIGEST_ALGORITHM = DIGEST_SHA256
SIGNATURE_ALGORITHMS = frozenset({SIG_RSA_SHA256, SIG_RSA_SHA384, SIG_RSA_SHA512,
                                  SIG_ECDSA_SHA256, SIG_ECDSA_SHA384, SIG_ECDSA_SHA512})
DIGEST_ALGORITHMS = frozenset({DIGEST_SHA256, DIGEST_SHA384, DIGEST_SHA512})

# What the sede asks for: the identifier and the names (the three a submission needs).
REQUESTED_ATTRIBUTES = [
    {"name": PERSON_IDENTIFIER, "name_format": NAME_FORMAT_URI, "required": True},
    {"name": GIVEN_NAME, "name_format": NAME_FORMAT_URI, "required": True},
    {"name": FAMILY_NAME, "name_format": NAME_FORMAT_URI, "required": True},
    {"name": FIRST_SURNAME, "name_format": NAME_FORMAT_URI, "required": False},
]


def missing_settings() -> list[str]:
    """The Cl@ve settings that are unset or name files that do not exist."""
    missing = []
    for name, value in (("SEDE_CLAVE_IDP_METADATA", conf.clave_idp_metadata()),
                        ("SEDE_CLAVE_SP_KEY", conf.clave_sp_key()),
                        ("SEDE_CLAVE_SP_CERT", conf.clave_sp_cert()),
                        ("SEDE_CLAVE_XMLSEC_BINARY", conf.clave_xmlsec_binary())):
        if not value or not os.path.isfile(value):
            missing.append(name)
    if conf.clave_level() not in LOA:
        missing.append("SEDE_CLAVE_LEVEL")
    return missing


def check() -> None:
    missing = missing_settings()
    if missing:
        raise ImproperlyConfigured(
            "SEDE_IDENTIFICATION_METHODS includes 'clave' but these settings are unset or "
            f"name missing files: {', '.join(missing)} (docs/configuration.md, Cl@ve)")


def base_url(request: HttpRequest) -> str:
    """The entity's sede address as the citizen reaches it (scheme and host)."""
    return f"{request.scheme}://{request.get_host()}"


def entity_id(base: str) -> str:
    return conf.clave_entity_id_template().format(base=base)


def acs_url(base: str) -> str:
    return base + reverse("sede:clave_acs")


def sp_config(base: str, provider_name: str = "") -> SPConfig:
    """The SP of the sede at `base` (e.g. https://sede.villanueva.es)."""
    check()
    return _sp_config(base, provider_name, entity_id(base), conf.clave_idp_metadata(),
                      _mtime(conf.clave_idp_metadata()), conf.clave_sp_key(),
                      conf.clave_sp_cert(), conf.clave_xmlsec_binary(),
                      conf.clave_clock_skew(), ENCRYPTED_ASSERTIONS)


def _mtime(path: str) -> float:
    return os.stat(path).st_mtime


@functools.lru_cache(maxsize=64)
def _sp_config(base: str, provider_name: str, entityid: str, idp_metadata: str,
               _idp_metadata_mtime: float, key: str, cert: str, xmlsec: str,
               skew: int, encrypted_assertions: bool) -> SPConfig:
    # Cached per argument set (the metadata's mtime included: a new file is read again).
    config = SPConfig()
    config.load({
        "entityid": entityid,
        "xmlsec_binary": xmlsec,
        "key_file": key,
        "cert_file": cert,
        "signing_algorithm": SIGNING_ALGORITHM,
        "digest_algorithm": DIGEST_ALGORITHM,
        # eIDAS nodes encrypt assertions to the SP's certificate.
        "encryption_keypairs": ([{"key_file": key, "cert_file": cert}]
                                if encrypted_assertions else []),
        "metadata": {"local": [idp_metadata]},
        # Signatures are checked only with the IdP's keys in its metadata, never with a
        # certificate the message brings.
        "only_use_keys_in_metadata": True,
        "accepted_time_diff": skew,
        "allow_unknown_attributes": True,
        "service": {"sp": {
            "name": provider_name or entityid,
            "endpoints": {"assertion_consumer_service": [(acs_url(base),
                                                          BINDING_HTTP_POST)]},
            "authn_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            "name_id_policy_format": NAMEID_FORMAT_PERSISTENT,
            "name_id_format_allow_create": True,
            "sp_type": "public",
            "sp_type_in_metadata": False,
            "requested_attributes": REQUESTED_ATTRIBUTES,
            "force_authn": True,
        }},
    })
    return config


def metadata_xml(base: str) -> str:
    """The SP metadata of the sede at `base`, to give to Cl@ve (unsigned: it is exchanged
    with the alta, not fetched blindly)."""
    return _metadata_xml(sp_config(base), _mtime(conf.clave_sp_cert()))


@functools.lru_cache(maxsize=64)
def _metadata_xml(sp: SPConfig, _cert_mtime: float) -> str:
    # Per (cached) configuration and certificate file: pysaml2 runs `xmlsec1
    # --list-transforms` for every descriptor, which a public page must not do on each
    # request.
    return str(restrict_algorithms(entity_descriptor(sp)))


def restrict_algorithms(descriptor):
    """The EntityDescriptor without the alg:SigningMethod / alg:DigestMethod extensions
    (pysaml2 lists all that xmlsec1 supports, SHA-1 included) outside the allow-lists."""
    allowed = {"SigningMethod": SIGNATURE_ALGORITHMS, "DigestMethod": DIGEST_ALGORITHMS}
    extensions = descriptor.extensions
    if extensions is not None:
        extensions.extension_elements = [
            element for element in extensions.extension_elements
            if element.tag not in allowed
            or element.attributes.get("Algorithm") in allowed[element.tag]]
    return descriptor
