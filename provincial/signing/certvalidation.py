"""Certificate validation shared by signing (the pre-sign check) and by `validation`.

Trust comes only from `base.trust_material()` (configured roots and the providers'
roots, intermediates and CRLs). Fetching CRLs/OCSP over the network is off unless
`SIGNING_ALLOW_FETCHING`; revocation is checked in soft-fail mode, so a certificate is
refused as revoked only on evidence (a CRL that lists it), never for a missing CRL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
    ValidationError,
)

from provincial.signing.base import SigningError, trust_material

# Either is enough for a signature (sellos from FNMT carry both, some carry one).
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


def to_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def from_asn1(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


def validation_context(*, at: dt.datetime | None = None,
                       extra_certs: Iterable[x509.Certificate] = (),
                       extra_crls: Iterable[bytes] = ()) -> ValidationContext:
    """A pyHanko validation context trusting only the platform's trust material,
    at `at` (default: now)."""
    material = trust_material()
    return ValidationContext(
        trust_roots=[to_asn1(root) for root in material.roots],
        other_certs=[to_asn1(cert) for cert in (*material.intermediates, *extra_certs)],
        crls=[crl.public_bytes(Encoding.DER) for crl in material.crls] + list(extra_crls),
        allow_fetching=settings.SIGNING_ALLOW_FETCHING,
        revocation_mode="soft-fail",
        moment=at,
    )


def signing_usages(certificate: x509.Certificate) -> set[str]:
    """The signing key usages (pyHanko's names) the certificate has."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    present = set()
    if usage.digital_signature:
        present.add("digital_signature")
    if usage.content_commitment:
        present.add("non_repudiation")
    return present


def _subject(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def _madrid(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Madrid")).strftime("%d/%m/%Y %H:%M")


def revocation_in_crls(certificate: x509.Certificate,
                       issuers: Iterable[x509.Certificate]) -> dt.datetime | None:
    """When a CRL of the trust material, signed by the certificate's issuer, lists it:
    the revocation date. Checked directly, whether or not the certificate names a CRL
    distribution point (path validation only consults CRLs for those that do)."""
    candidates = [issuer for issuer in issuers if issuer.subject == certificate.issuer]
    for crl in trust_material().crls:
        if crl.issuer != certificate.issuer:
            continue
        if not any(_crl_signed_by(crl, issuer) for issuer in candidates):
            continue
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None:
            return entry.revocation_date_utc
    return None


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(issuer.public_key())
    except (TypeError, ValueError):
        return False


def check_signer_certificate(certificate: x509.Certificate,
                             chain: Iterable[x509.Certificate] = ()) -> None:
    """Refuse (SigningError, in Spanish, naming the reason) a certificate that must not
    sign now: expired or not yet valid, revoked, issued by an unknown authority, or
    without a signing key usage."""
    name = _subject(certificate)
    now = dt.datetime.now(dt.UTC)
    if certificate.not_valid_after_utc < now:
        raise SigningError(_("El certificado «%(name)s» caducó el %(date)s: no puede firmar.")
                           % {"name": name, "date": _madrid(certificate.not_valid_after_utc)})
    if certificate.not_valid_before_utc > now:
        raise SigningError(_("El certificado «%(name)s» no es válido hasta el %(date)s: no "
                             "puede firmar todavía.")
                           % {"name": name, "date": _madrid(certificate.not_valid_before_utc)})
    if not signing_usages(certificate):
        raise SigningError(_("El certificado «%(name)s» no admite la firma electrónica (su uso "
                             "de clave no incluye firma digital ni no repudio).")
                           % {"name": name})
    chain = list(chain)
    revoked_at = revocation_in_crls(certificate, [*chain, *trust_material().intermediates])
    if revoked_at is not None:
        raise SigningError(_("El certificado «%(name)s» está revocado desde el %(date)s: no "
                             "puede firmar.") % {"name": name, "date": _madrid(revoked_at)})
    context = validation_context(extra_certs=chain)
    validator = CertificateValidator(to_asn1(certificate),
                                     intermediate_certs=[to_asn1(cert) for cert in chain],
                                     validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except RevokedError as exc:
        raise SigningError(_("El certificado «%(name)s» está revocado desde el %(date)s: no "
                             "puede firmar.")
                           % {"name": name, "date": _madrid(exc.revocation_dt)}) from exc
    except PathBuildingError as exc:
        raise SigningError(_("El certificado «%(name)s» está emitido por una autoridad no "
                             "reconocida (%(issuer)s): no puede firmar.")
                           % {"name": name,
                              "issuer": certificate.issuer.rfc4514_string()}) from exc
    except ExpiredError as exc:
        raise SigningError(_("Un certificado de la cadena de «%(name)s» ha caducado: no puede "
                             "firmar.") % {"name": name}) from exc
    except NotYetValidError as exc:
        raise SigningError(_("Un certificado de la cadena de «%(name)s» aún no es válido: no "
                             "puede firmar.") % {"name": name}) from exc
    except (PathValidationError, InvalidCertificateError, ValidationError) as exc:
        raise SigningError(_("El certificado «%(name)s» no supera la validación: %(reason)s")
                           % {"name": name, "reason": exc}) from exc
