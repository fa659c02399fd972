"""A test PKI built in the suite with `cryptography`: no key material is committed.

    root "AC RAIZ PRUEBAS"
      └─ intermediate "AC SECTOR PUBLICO PRUEBAS"  (issues the CRL)
           ├─ sello        valid sello de órgano of the Ayuntamiento de Agost (P0300500C)
           ├─ expired      the same profile, expired yesterday
           ├─ revoked      the same profile, listed in the intermediate's CRL
           ├─ wrong_usage  keyUsage keyEncipherment only
           └─ tsa          the timestamp authority (EKU timeStamping, critical)
    root "AC OTRA RAIZ PRUEBAS" (not trusted)
      └─ other_ca     a sello profile under an unknown root

`pki()` builds it once per process (RSA 2048 keys take a moment); `identity(name)` gives
a `SigningIdentity`; `trusted(pki)` is the `TrustMaterial` a trust provider returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from provincial.signing.base import SigningIdentity, TrustMaterial

NIF_AGOST = "P0300500C"
CRL_URL = "http://pki.pruebas.invalid/crl/ac-sector-publico.crl"


@dataclass
class Issued:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey = field(repr=False)
    chain: tuple[x509.Certificate, ...] = ()


@dataclass
class TestPKI:
    root: Issued
    intermediate: Issued
    other_root: Issued
    certs: dict[str, Issued]
    crl: x509.CertificateRevocationList

    def trust(self) -> TrustMaterial:
        return TrustMaterial(roots=(self.root.certificate,),
                             intermediates=(self.intermediate.certificate,),
                             crls=(self.crl,))


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, *, organization: str = "", nif: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ES")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if nif:
        # ETSI EN 319 412-1: organizationIdentifier "VATES-<NIF>"; FNMT's sello profile
        # also carries the NIF as serialNumber.
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"VATES-{nif}"))
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, nif))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _usage(*, digital_signature=False, content_commitment=False, key_encipherment=False,
           key_cert_sign=False, crl_sign=False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature,
                         content_commitment=content_commitment,
                         key_encipherment=key_encipherment, data_encipherment=False,
                         key_agreement=False, key_cert_sign=key_cert_sign, crl_sign=crl_sign,
                         encipher_only=False, decipher_only=False)


def _issue(subject: x509.Name, key, *, issuer: Issued | None, not_before: dt.datetime,
           not_after: dt.datetime, ca: bool = False, usage: x509.KeyUsage,
           eku: list | None = None) -> Issued:
    issuer_name = issuer.certificate.subject if issuer else subject
    signing_key = issuer.private_key if issuer else key
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer_name)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None if not ca else 1),
                              critical=True)
               .add_extension(usage, critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
            critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    if issuer is not None and not ca:
        # Where the issuer publishes its CRL (never fetched: the tests hand the CRL over).
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(CRL_URL)], relative_name=None,
            reasons=None, crl_issuer=None)]), critical=False)
    certificate = builder.sign(signing_key, hashes.SHA256())
    chain = ((issuer.certificate, *issuer.chain) if issuer else ())
    return Issued(certificate, key, chain)


def _crl(issuer: Issued, entries: list, *, at: dt.datetime, number: int
         ) -> x509.CertificateRevocationList:
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.certificate.subject)
               .last_update(at - dt.timedelta(hours=1)).next_update(at + dt.timedelta(days=7))
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.private_key.public_key()), critical=False))
    for entry in entries:
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.private_key, hashes.SHA256())


def fresh_crl(at: dt.datetime) -> x509.CertificateRevocationList:
    """The intermediate's CRL as it would publish it at `at` (same revocations, a later
    number): for tests that travel in time past the first CRL's nextUpdate."""
    built = pki()
    return _crl(built.intermediate, list(built.crl), at=at,
                number=int((at - dt.datetime(2020, 1, 1, tzinfo=dt.UTC)).total_seconds()))


@cache
def pki() -> TestPKI:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    ca_usage = _usage(digital_signature=True, key_cert_sign=True, crl_sign=True)
    signing_usage = _usage(digital_signature=True, content_commitment=True)

    root_key = _key()
    root = _issue(_name("AC RAIZ PRUEBAS", organization="Diputación de Pruebas"), root_key,
                  issuer=None, not_before=now - 3650 * day, not_after=now + 3650 * day,
                  ca=True, usage=ca_usage)
    intermediate = _issue(_name("AC SECTOR PUBLICO PRUEBAS",
                                organization="Diputación de Pruebas"),
                          _key(), issuer=root, not_before=now - 3000 * day,
                          not_after=now + 3000 * day, ca=True, usage=ca_usage)
    other_root = _issue(_name("AC OTRA RAIZ PRUEBAS", organization="Otra Autoridad"), _key(),
                        issuer=None, not_before=now - 3650 * day, not_after=now + 3650 * day,
                        ca=True, usage=ca_usage)

    def sello(common_name: str, *, issuer: Issued = intermediate,
              not_before=now - day, not_after=now + 730 * day, usage=signing_usage) -> Issued:
        return _issue(_name(common_name, organization="Ayuntamiento de Agost", nif=NIF_AGOST),
                      _key(), issuer=issuer, not_before=not_before, not_after=not_after,
                      usage=usage)

    certs = {
        "sello": sello("SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"),
        "expired": sello("SELLO ELECTRONICO CADUCADO AGOST", not_before=now - 800 * day,
                         not_after=now - day),
        "revoked": sello("SELLO ELECTRONICO REVOCADO AGOST"),
        "wrong_usage": sello("CIFRADO AYUNTAMIENTO DE AGOST",
                             usage=_usage(key_encipherment=True)),
        "other_ca": sello("SELLO ELECTRONICO OTRA AC AGOST", issuer=other_root),
        "tsa": _issue(_name("TSA PRUEBAS", organization="Diputación de Pruebas"), _key(),
                      issuer=intermediate, not_before=now - day, not_after=now + 3650 * day,
                      usage=_usage(digital_signature=True, content_commitment=True),
                      eku=[ExtendedKeyUsageOID.TIME_STAMPING]),
    }
    revoked_entry = (x509.RevokedCertificateBuilder()
                     .serial_number(certs["revoked"].certificate.serial_number)
                     .revocation_date(now - dt.timedelta(hours=1))
                     .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise),
                                    critical=False)
                     .build())
    crl = _crl(intermediate, [revoked_entry], at=now, number=1)
    return TestPKI(root=root, intermediate=intermediate, other_root=other_root, certs=certs,
                   crl=crl)


LABELS = {
    "sello": "Sello electrónico del Ayuntamiento de Agost",
}


def identity(name: str = "sello", *, on_use=None) -> SigningIdentity:
    """The named test certificate with its key and chain, ready to sign."""
    issued = pki().certs[name]
    return SigningIdentity(certificate=issued.certificate, private_key=issued.private_key,
                           chain=issued.chain, label=LABELS.get(name, ""),
                           reference=f"test:{name}", on_use=on_use)


def _trust_provider() -> TrustMaterial:
    return pki().trust()


@contextmanager
def trusting_test_ca(*, alone: bool = True) -> Iterator[TestPKI]:
    """The test root, intermediate and CRL are trusted inside the block: alone (the
    apps' trust providers, which read the database, set aside), or beside them."""
    from provincial.signing import base

    if alone:
        with base.providers_override(trust=[_trust_provider]):
            yield pki()
        return
    base.register_trust_provider(_trust_provider)
    try:
        yield pki()
    finally:
        base.unregister_trust_provider(_trust_provider)
