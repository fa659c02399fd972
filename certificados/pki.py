"""The X.509 the platform's local CA makes, with `cryptography`: its root and issuing CA,
the certificates of each kind (profiles close to FNMT's AC Sector Público ones) and CRLs.

Pure functions of keys, names and dates; the database side is
`certificados.authorities.local`.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

# Certificate policies of the Spanish public sector's profiles ("Perfiles de certificados
# electrónicos", MINHAP), medium level: sede electrónica, sello electrónico, empleado
# público. FNMT's AC Sector Público certificates carry them beside FNMT's own policies.
POLICY_OIDS = {
    "sede": ObjectIdentifier("2.16.724.1.3.5.5.2"),
    "sello": ObjectIdentifier("2.16.724.1.3.5.6.2"),
    "empleado": ObjectIdentifier("2.16.724.1.3.5.7.2"),
}
BACKDATE = datetime.timedelta(minutes=5)  # clocks of relying parties lag a little


def new_key(bits: int) -> rsa.RSAPrivateKey:
    """An RSA key (FNMT's sello and employee certificates are RSA 2048)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def fold(text: str) -> str:
    """Upper case without accents, as FNMT writes common names ("SELLO ELECTRONICO DE …")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper().strip()


@dataclass(frozen=True)
class Urls:
    """Where relying parties fetch the issuer's CRL and certificate."""

    crl: str
    issuer_certificate: str


@dataclass(frozen=True)
class Holder:
    """What a certificate's profile needs to know about the request."""

    kind: str  # certificados.choices.Tipo
    entity_name: str
    entity_cif: str
    given_name: str = ""
    surnames: str = ""
    nif: str = ""
    email: str = ""
    position: str = ""
    organo: str = ""
    sede_domain: str = ""


# Attribute names people recognise in a subject (cryptography writes these as bare OIDs).
NAME_LABELS = {NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
               NameOID.SERIAL_NUMBER: "serialNumber", NameOID.GIVEN_NAME: "GN",
               NameOID.SURNAME: "SN", NameOID.TITLE: "title"}


def readable(name: x509.Name) -> str:
    """A subject or issuer as RFC 4514 text with named attributes
    ("CN=…,serialNumber=IDCES-…,organizationIdentifier=VATES-…,O=…,C=ES")."""
    return name.rfc4514_string(NAME_LABELS)


def _name(*attributes: tuple[ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes if value])


def subject_for(holder: Holder) -> x509.Name:
    """The subject of each kind: the entity's name and NIF always, as organizationIdentifier
    (VATES-<NIF>, EN 319 412-1)."""
    org = [(NameOID.COUNTRY_NAME, "ES"), (NameOID.ORGANIZATION_NAME, holder.entity_name),
           (NameOID.ORGANIZATION_IDENTIFIER, f"VATES-{holder.entity_cif}")]
    if holder.kind == "sello":
        return _name(*org, (NameOID.ORGANIZATIONAL_UNIT_NAME, "SELLO ELECTRONICO"),
                     (NameOID.SERIAL_NUMBER, holder.entity_cif),
                     (NameOID.COMMON_NAME, f"SELLO ELECTRONICO DE {fold(holder.organo)}"[:64]))
    if holder.kind == "sede":
        return _name(*org, (NameOID.ORGANIZATIONAL_UNIT_NAME, "SEDE ELECTRONICA"),
                     (NameOID.SERIAL_NUMBER, holder.entity_cif),
                     (NameOID.COMMON_NAME, holder.sede_domain))
    return _name(*org,
                 (NameOID.ORGANIZATIONAL_UNIT_NAME, "CERTIFICADO ELECTRONICO DE EMPLEADO PUBLICO"),
                 (NameOID.TITLE, holder.position[:64]),
                 (NameOID.SERIAL_NUMBER, f"IDCES-{holder.nif}"),
                 (NameOID.GIVEN_NAME, fold(holder.given_name)),
                 (NameOID.SURNAME, fold(holder.surnames)),
                 (NameOID.COMMON_NAME,
                  f"{fold(holder.given_name)} {fold(holder.surnames)} - {holder.nif}"[:64]))


def ca_name(common_name: str, organization: str, cif: str) -> x509.Name:
    return _name((NameOID.COUNTRY_NAME, "ES"), (NameOID.ORGANIZATION_NAME, organization),
                 (NameOID.ORGANIZATION_IDENTIFIER, f"VATES-{cif}"),
                 (NameOID.COMMON_NAME, common_name[:64]))


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=False, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                         decipher_only=False)


def build_root(name: x509.Name, key: rsa.RSAPrivateKey, *, now: datetime.datetime,
               days: int) -> x509.Certificate:
    """A self-signed root, allowed one level of CA below it."""
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_ca_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))


def _issued_by(builder: x509.CertificateBuilder, issuer: x509.Certificate,
               urls: Urls) -> x509.CertificateBuilder:
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (builder.issuer_name(issuer.subject)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(urls.crl)], relative_name=None,
                reasons=None, crl_issuer=None)]), critical=False)
            .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(urls.issuer_certificate))]), critical=False))


def build_issuing(name: x509.Name, key: rsa.RSAPrivateKey, *, root: x509.Certificate,
                  root_key: rsa.RSAPrivateKey, urls: Urls, now: datetime.datetime,
                  days: int) -> x509.Certificate:
    """The CA that issues the entities' certificates (it may not create further CAs)."""
    builder = (x509.CertificateBuilder().subject_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - BACKDATE)
               .not_valid_after(min(now + datetime.timedelta(days=days), root.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_ca_key_usage(), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    return _issued_by(builder, root, urls).sign(root_key, hashes.SHA256())


def key_usage_for(kind: str) -> x509.KeyUsage:
    """Signature and non-repudiation for people and sellos (FNMT adds key encipherment);
    signature and key encipherment for a TLS server."""
    return x509.KeyUsage(digital_signature=True, content_commitment=kind != "sede",
                         key_encipherment=True, data_encipherment=False, key_agreement=False,
                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                         decipher_only=False)


def extended_key_usage_for(kind: str) -> x509.ExtendedKeyUsage:
    if kind == "sede":
        return x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])
    return x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH,
                                  ExtendedKeyUsageOID.EMAIL_PROTECTION])


def build_end_entity(holder: Holder, public_key, *, issuer: x509.Certificate,
                     issuer_key: rsa.RSAPrivateKey, urls: Urls, now: datetime.datetime,
                     days: int) -> x509.Certificate:
    """A certificate of `holder.kind` for `public_key`, never outliving its issuer."""
    builder = (x509.CertificateBuilder().subject_name(subject_for(holder))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - BACKDATE)
               .not_valid_after(min(now + datetime.timedelta(days=days),
                                    issuer.not_valid_after_utc))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(key_usage_for(holder.kind), critical=True)
               .add_extension(extended_key_usage_for(holder.kind), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                              critical=False)
               .add_extension(x509.CertificatePolicies([x509.PolicyInformation(
                   POLICY_OIDS[holder.kind], None)]), critical=False))
    if holder.kind == "sede":
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(holder.sede_domain)]), critical=False)
    elif holder.email:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.RFC822Name(holder.email)]), critical=False)
    return _issued_by(builder, issuer, urls).sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class Revoked:
    serial: int
    when: datetime.datetime
    reason: x509.ReasonFlags


def build_crl(issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey, entries: list[Revoked],
              *, number: int, now: datetime.datetime,
              next_update: datetime.datetime) -> x509.CertificateRevocationList:
    """A CRL of `issuer` listing `entries` (suspensions carry reason certificateHold)."""
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer.subject)
               .last_update(now - BACKDATE).next_update(next_update)
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                              critical=False))
    for entry in entries:
        revoked = (x509.RevokedCertificateBuilder().serial_number(entry.serial)
                   .revocation_date(entry.when))
        if entry.reason != x509.ReasonFlags.unspecified:
            revoked = revoked.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    return builder.sign(issuer_key, hashes.SHA256())
