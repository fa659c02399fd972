"""X.509 client certificates forwarded by the reverse proxy: verification against the
configured trust store and the person's identity as Spanish certificates carry it.

The proxy (nginx `ssl_verify_client optional_no_ca;` plus
`proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;`) forwards the PEM,
URL-encoded. It must also overwrite any header of that name sent by the client; even so
the certificate is verified here in full (chain signatures up to a configured anchor,
validity dates, key usage), so a forged header only carries an untrusted certificate.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.es import dni, nie

logger = logging.getLogger(__name__)

MAX_CHAIN = 6
MAX_HEADER_BYTES = 16 * 1024
# serialNumber as the FNMT writes it ("IDCES-12345678Z"), or bare as in the DNIe.
_SERIAL_PREFIX = re.compile(r"^(IDCES|IDESP)-?", re.IGNORECASE)
# FNMT CN: "GARCIA LOPEZ MARIA - NIF 12345678Z" (older ones: "NOMBRE ... - NIF ...").
_CN_NIF = re.compile(r"\s-\s*NIF:?\s*([0-9XYZ][0-9]{7}[A-Z])\s*$", re.IGNORECASE)
_CN_OLD_PREFIX = re.compile(r"^NOMBRE\s+", re.IGNORECASE)
_CN_DNIE_SUFFIX = re.compile(r"\s*\((AUTENTICACI[OÓ]N|FIRMA)\)\s*$", re.IGNORECASE)


class CertificateError(Exception):
    """The certificate is not accepted; the message (Spanish) may be shown to the person."""


@dataclass(frozen=True)
class Identity:
    documento: str
    nombre: str
    apellido1: str
    apellido2: str
    issuer: str
    serial: str

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)


def split_surnames(surnames: str) -> tuple[str, str]:
    """First and second surname from "GARCIA LOPEZ" (a compound first surname cannot be
    told apart from two surnames: the rest goes to the second)."""
    words = surnames.split()
    return (words[0], " ".join(words[1:])) if words else ("", "")


def valid_documento(value: str) -> str | None:
    """The DNI or NIE with a correct control letter, compact and upper-case, or None."""
    value = (value or "").strip().upper().replace("-", "").replace(" ", "")
    if dni.is_valid(value) or nie.is_valid(value):
        return value
    return None


def parse_header(value: str) -> x509.Certificate:
    """The certificate in a header as nginx's `$ssl_client_escaped_cert` writes it."""
    if not value or len(value) > MAX_HEADER_BYTES:
        raise CertificateError(_("No se ha recibido ningún certificado."))
    pem = unquote(value).strip().encode("ascii", "replace")
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise CertificateError(_("El certificado recibido no es válido.")) from exc


@functools.lru_cache(maxsize=8)
def _load_store(path: str, mtime: float) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))


def load_trust_store(path: str) -> tuple[x509.Certificate, ...]:
    """Anchors and intermediates from a PEM bundle (re-read when the file changes)."""
    if not path:
        return ()
    file = Path(path)
    try:
        return _load_store(str(file), file.stat().st_mtime)
    except (OSError, ValueError):
        logger.exception("cannot read the sede trust store %s", path)
        return ()


def _in_validity(cert: x509.Certificate, now: datetime.datetime) -> bool:
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def _extension(cert: x509.Certificate, kind):
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _can_issue(cert: x509.Certificate) -> bool:
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is None or not constraints.ca:
        return False
    usage = _extension(cert, x509.KeyUsage)
    return usage is None or usage.key_cert_sign


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check_leaf(cert: x509.Certificate, now: datetime.datetime) -> None:
    if now < cert.not_valid_before_utc:
        raise CertificateError(_("El certificado aún no es válido."))
    if now > cert.not_valid_after_utc:
        raise CertificateError(_("El certificado ha caducado el %(date)s.") % {
            "date": timezone.localtime(cert.not_valid_after_utc).strftime("%d/%m/%Y")})
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise CertificateError(_("Es un certificado de autoridad, no de persona."))
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not usage.digital_signature:
        raise CertificateError(_("El certificado no sirve para autenticarse."))
    extended = _extension(cert, x509.ExtendedKeyUsage)
    if extended is not None and not ({ExtendedKeyUsageOID.CLIENT_AUTH,
                                      ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE}
                                     & set(extended)):
        raise CertificateError(_("El certificado no sirve para autenticarse."))


def verify_chain(leaf: x509.Certificate, store: tuple[x509.Certificate, ...],
                 now: datetime.datetime | None = None) -> list[x509.Certificate]:
    """The chain from `leaf` to a self-signed anchor of `store`, each link's signature
    checked and each issuer a CA in its validity period; CertificateError otherwise."""
    now = now or datetime.datetime.now(datetime.UTC)
    _check_leaf(leaf, now)
    untrusted = CertificateError(_("El certificado no ha sido expedido por un prestador "
                                   "de confianza de esta sede."))
    chain = [leaf]
    current = leaf
    for _depth in range(MAX_CHAIN):
        issuer = None
        for candidate in store:
            if candidate.subject != current.issuer or not _can_issue(candidate):
                continue
            try:
                current.verify_directly_issued_by(candidate)
            except (ValueError, TypeError, InvalidSignature):
                continue
            if not _in_validity(candidate, now):
                continue
            issuer = candidate
            break
        if issuer is None:
            raise untrusted
        chain.append(issuer)
        if _is_self_signed(issuer):
            return chain
        current = issuer
    raise untrusted


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value).strip() if values else ""


def identity(cert: x509.Certificate) -> Identity:
    """DNI/NIE and name from the subject: serialNumber ("IDCES-12345678Z" in FNMT
    certificates, bare in the DNIe) or the CN's "- NIF 12345678Z"; givenName + surname
    or else the CN before the NIF."""
    subject = cert.subject
    common_name = _attribute(subject, NameOID.COMMON_NAME)
    raw = _SERIAL_PREFIX.sub("", _attribute(subject, NameOID.SERIAL_NUMBER))
    if not raw:
        match = _CN_NIF.search(common_name)
        raw = match.group(1) if match else ""
    documento = valid_documento(raw)
    if documento is None:
        raise CertificateError(_("El certificado no contiene un DNI o NIE válido."))
    given = " ".join(_attribute(subject, NameOID.GIVEN_NAME).split())
    surname = " ".join(_attribute(subject, NameOID.SURNAME).split())
    if not (given and surname):
        given, surname = _names_from_cn(common_name)
    if not (given and surname):
        raise CertificateError(_("El certificado no contiene el nombre de su titular."))
    apellido1, apellido2 = split_surnames(surname)
    return Identity(documento=documento, nombre=given[:80], apellido1=apellido1[:80],
                    apellido2=apellido2[:80], issuer=cert.issuer.rfc4514_string()[:300],
                    serial=format(cert.serial_number, "x"))


def _names_from_cn(common_name: str) -> tuple[str, str]:
    """(given name, surnames) from "GARCIA LOPEZ, MARIA (AUTENTICACIÓN)" (DNIe) or
    "GARCIA LOPEZ MARIA - NIF 12345678Z" (FNMT: two surnames, then the name)."""
    text = _CN_DNIE_SUFFIX.sub("", _CN_OLD_PREFIX.sub("", _CN_NIF.sub("", common_name)))
    if "," in text:
        surnames, _sep, given = text.partition(",")
        return " ".join(given.split()), " ".join(surnames.split())
    words = text.split()
    if len(words) < 2:
        return "", ""
    surnames = words[:2] if len(words) >= 3 else words[:1]
    return " ".join(words[len(surnames):]), " ".join(surnames)
