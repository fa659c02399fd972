"""What signs, and where the signing service finds it.

Apps plug in here: `register_sello_provider` gives the function that returns an entity's
sello de órgano (or None), `register_signer_provider` the one that returns the personal
certificate a user signs with for an entity (the portafirmas), `register_trust_provider`
the roots and CRLs that validation trusts besides those configured in
`SIGNING_TRUST_ROOTS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

    from tenants.models import Entity, User


class SigningError(Exception):
    """The document cannot be signed (no usable certificate, refused by validation,
    the timestamp authority did not answer). The message is in Spanish, for the user."""


@dataclass(frozen=True)
class SigningIdentity:
    """A certificate with its private key, ready to sign.

    `chain` holds the issuing CAs, nearest first (the root may be left out). `label` is
    who signs, as printed on the visible stamp ("Sello electrónico del Ayuntamiento de
    Agost"). `reference` names the certificate in the audit trail. `on_use`, when given,
    is called with a short purpose ("documento CSV-…") every time the key signs, so the
    owner of the key can audit its use.
    """

    certificate: x509.Certificate
    private_key: PrivateKeyTypes = field(repr=False)
    chain: tuple[x509.Certificate, ...] = ()
    label: str = ""
    reference: str = ""
    on_use: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def used_for(self, purpose: str) -> None:
        if self.on_use is not None:
            self.on_use(purpose)


@dataclass(frozen=True)
class TrustMaterial:
    """Roots validation trusts, intermediates it may use to build paths, and CRLs it
    may consult without fetching."""

    roots: tuple[x509.Certificate, ...] = ()
    intermediates: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()

    def __add__(self, other: TrustMaterial) -> TrustMaterial:
        return TrustMaterial(roots=self.roots + other.roots,
                             intermediates=self.intermediates + other.intermediates,
                             crls=self.crls + other.crls)


SelloProvider = Callable[["Entity"], SigningIdentity | None]
TrustProvider = Callable[[], TrustMaterial]
SignerProvider = Callable[["User", "Entity"], SigningIdentity | None]

_sello_providers: list[str | SelloProvider] = []
_signer_providers: list[str | SignerProvider] = []
_trust_providers: list[str | TrustProvider] = []


def _resolve(provider: str | Callable) -> Callable:
    return import_string(provider) if isinstance(provider, str) else provider


def register_sello_provider(provider: str | SelloProvider) -> None:
    """`provider(entity)` returns the entity's sello de órgano, or None. Given as a
    callable or its dotted path; registering the same one twice is a no-op."""
    if provider not in _sello_providers:
        _sello_providers.append(provider)


def register_signer_provider(provider: str | SignerProvider) -> None:
    """`provider(user, entity)` returns the certificate and key with which `user` signs
    for `entity` on the platform (a key the platform holds for them), or None. A signer
    on the user's own device (AutoFirma-style) does not come through here."""
    if provider not in _signer_providers:
        _signer_providers.append(provider)


def unregister_signer_provider(provider: str | SignerProvider) -> None:
    if provider in _signer_providers:
        _signer_providers.remove(provider)


def signer_for(user: User, entity: Entity) -> SigningIdentity | None:
    """The personal signing identity of `user` for `entity`, or None where it has none."""
    for provider in _signer_providers:
        identity = _resolve(provider)(user, entity)
        if identity is not None:
            return identity
    return None


def register_trust_provider(provider: str | TrustProvider) -> None:
    if provider not in _trust_providers:
        _trust_providers.append(provider)


def unregister_sello_provider(provider: str | SelloProvider) -> None:
    """Undo `register_sello_provider` (tests that plug in their own sellos)."""
    if provider in _sello_providers:
        _sello_providers.remove(provider)


def unregister_trust_provider(provider: str | TrustProvider) -> None:
    """Undo `register_trust_provider` (tests that trust their own CA)."""
    if provider in _trust_providers:
        _trust_providers.remove(provider)


@contextmanager
def providers_override(*, sello: list[str | SelloProvider] | None = None,
                       trust: list[str | TrustProvider] | None = None,
                       signer: list[str | SignerProvider] | None = None) -> Iterator[None]:
    """Only these providers inside the block (None leaves a kind as it is): tests that
    must not see the apps' providers (which read the database)."""
    saved = _sello_providers[:], _trust_providers[:], _signer_providers[:]
    if sello is not None:
        _sello_providers[:] = sello
    if trust is not None:
        _trust_providers[:] = trust
    if signer is not None:
        _signer_providers[:] = signer
    try:
        yield
    finally:
        _sello_providers[:], _trust_providers[:], _signer_providers[:] = saved


def sello_for(entity: Entity) -> SigningIdentity | None:
    """The sello de órgano that signs what `entity` issues, or None where it has none."""
    for provider in _sello_providers:
        identity = _resolve(provider)(entity)
        if identity is not None:
            return identity
    return None


def trust_material() -> TrustMaterial:
    """The configured roots (`SIGNING_TRUST_ROOTS`, PEM files) and every provider's."""
    material = TrustMaterial(roots=tuple(_configured_roots()))
    for provider in _trust_providers:
        material = material + _resolve(provider)()
    return material


def _configured_roots() -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for path in getattr(settings, "SIGNING_TRUST_ROOTS", []):
        roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return roots


def describe_certificate(certificate: x509.Certificate) -> dict[str, Any]:
    """The fields every report shows of a certificate, as JSON-ready values."""
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "serial": format(certificate.serial_number, "X"),
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
    }
