"""FNMT and ACCV, as the Diputación's registration office works with them today.

Nothing here talks to FNMT or ACCV: their registration applications are web applications
where a registrador, identified with their own certificate, acredita the applicant and
approves the request; the certificate comes back to the applicant or to the office. The
platform records what the operator did there (the request code, the certificate they
obtained) and checks that the certificate recorded is the one requested. A real automated
connection (docs/configuration.md, "Certificados") would replace these classes through
`CERTIFICADOS_AUTHORITIES`; their answers are never invented.
"""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificados.authorities.base import Authority, AuthorityError, Issued
from certificados.models import Certificado


def _compact(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def parse_upload(data: bytes, *, password: str = "") -> Issued:
    """The certificate (and chain, and key of a PKCS#12) of an uploaded file: PEM, DER/.cer
    or PKCS#12 (.p12/.pfx, with its password)."""
    if not data:
        raise AuthorityError(_("El fichero está vacío."))
    if b"-----BEGIN" in data:
        if b"PRIVATE KEY" in data:
            raise AuthorityError(_("El fichero contiene una clave privada en claro: no la suba "
                                   "así. Para un sello, suba el PKCS#12 (.p12) protegido con "
                                   "contraseña; para los demás, solo el certificado."))
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise AuthorityError(_("El fichero PEM no contiene un certificado legible.")) from exc
        return _leaf_and_chain(certificates, None)
    try:
        return _leaf_and_chain([x509.load_der_x509_certificate(data)], None)
    except ValueError:
        pass
    if not password:
        raise AuthorityError(_("El fichero no es un certificado PEM ni DER. Si es un PKCS#12 "
                               "(.p12 o .pfx), escriba su contraseña."))
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError as exc:
        raise AuthorityError(_("No se pudo abrir el PKCS#12: la contraseña no es correcta o el "
                               "fichero está dañado.")) from exc
    if certificate is None:
        raise AuthorityError(_("El PKCS#12 no contiene ningún certificado."))
    issued = _leaf_and_chain([certificate, *others], key)
    if key is not None and _public(key.public_key()) != _public(issued.certificate.public_key()):
        raise AuthorityError(_("La clave privada del PKCS#12 no corresponde a su certificado."))
    return issued


def _public(key) -> bytes:
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _leaf_and_chain(certificates: list[x509.Certificate], key) -> Issued:
    leaves = [c for c in certificates if not _is_ca(c)]
    if not leaves:
        raise AuthorityError(_("El fichero solo contiene certificados de autoridades de "
                               "certificación, no el del titular."))
    if len(leaves) > 1:
        raise AuthorityError(_("El fichero contiene %(n)s certificados de titular; suba solo "
                               "el de esta solicitud.") % {"n": len(leaves)})
    leaf = leaves[0]
    return Issued(certificate=leaf, chain=tuple(c for c in certificates if c is not leaf),
                  private_key=key)


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _everything_named(certificate: x509.Certificate) -> str:
    """The subject's values and the raw bytes of its extensions (the Spanish public
    sector's identity extension carries the NIFs as text), compacted for searching."""
    text = " ".join(str(attribute.value) for attribute in certificate.subject)
    raw = b"".join(ext.value.value for ext in certificate.extensions
                   if isinstance(ext.value, x509.UnrecognizedExtension))
    return _compact(text + " " + raw.decode("latin-1"))


def _key_usage(certificate: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def _dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.get_values_for_type(x509.DNSName)]


def _has_server_auth(certificate: x509.Certificate) -> bool:
    try:
        eku = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.SERVER_AUTH in eku


def check_matches(certificado: Certificado, issued: Issued, *, issuer_marks: tuple[str, ...],
                  authority_label: str, now: datetime.datetime) -> None:
    """That the certificate is the one this request asked for, or a precise Spanish refusal."""
    from certificados.choices import Tipo

    certificate = issued.certificate
    errors: list[str] = []
    when = certificate.not_valid_after_utc
    if when <= now:
        errors.append(_("El certificado caducó el %(date)s.")
                      % {"date": timezone.localtime(when).strftime("%d/%m/%Y")})
    issuer_org = _attribute(certificate.issuer, NameOID.ORGANIZATION_NAME)
    if issuer_marks and not any(mark in _compact(certificate.issuer.rfc4514_string())
                                for mark in issuer_marks):
        errors.append(_("Lo emitió «%(issuer)s», no %(authority)s.")
                      % {"issuer": issuer_org or certificate.issuer.rfc4514_string(),
                         "authority": authority_label})
    named = _everything_named(certificate)
    common_name = _attribute(certificate.subject, NameOID.COMMON_NAME) or \
        certificate.subject.rfc4514_string()
    entity = certificado.entity
    usage = _key_usage(certificate)
    if certificado.kind == Tipo.EMPLEADO:
        if _compact(certificado.holder_nif) not in named:
            errors.append(_("El certificado es de «%(cn)s», no de %(name)s (NIF %(nif)s).")
                          % {"cn": common_name, "name": certificado.holder_name,
                             "nif": certificado.holder_nif})
        if _compact(entity.cif) not in named:
            errors.append(_("No es un certificado de empleado público de %(entity)s: no lleva "
                            "su NIF %(cif)s.") % {"entity": entity.name_with_article,
                                                  "cif": entity.cif})
    elif certificado.kind == Tipo.SELLO:
        if _compact(entity.cif) not in named:
            errors.append(_("El sello es de «%(cn)s», no %(entity)s: no lleva su NIF %(cif)s.")
                          % {"cn": common_name, "entity": entity.name_after_de,
                             "cif": entity.cif})
    elif certificado.kind == Tipo.SEDE:
        names = _dns_names(certificate) or [common_name.lower()]
        if certificado.sede_domain.lower() not in names:
            errors.append(_("El certificado es para %(names)s, no para %(domain)s.")
                          % {"names": ", ".join(names), "domain": certificado.sede_domain})
        if not _has_server_auth(certificate):
            errors.append(_("No sirve para un servidor web: le falta el uso extendido de "
                            "autenticación de servidor (serverAuth)."))
    if certificado.kind in (Tipo.EMPLEADO, Tipo.SELLO):
        if usage is None or not (usage.digital_signature or usage.content_commitment):
            errors.append(_("No sirve para firmar: su uso de clave no incluye la firma digital "
                            "ni el no repudio."))
        if _is_ca(certificate):
            errors.append(_("Es un certificado de autoridad de certificación."))
    elif usage is not None and not (usage.digital_signature or usage.key_encipherment):
        errors.append(_("Su uso de clave no permite la autenticación TLS (firma digital o "
                        "cifrado de clave)."))
    if issued.private_key is not None and certificado.kind != Tipo.SELLO:
        errors.append(_("La clave privada de un certificado de %(kind)s no se guarda en la "
                        "plataforma: suba solo el certificado (.cer o .pem).")
                      % {"kind": certificado.kind_short.lower()})
    if errors:
        raise AuthorityError(" ".join(errors))


class RegistrationOfficeAuthority(Authority):
    """An authority whose registration application the operator works in by hand."""

    issuer_marks: tuple[str, ...] = ()

    def submit(self, certificado: Certificado, *, external_reference: str) -> None:
        if not external_reference.strip():
            raise AuthorityError(_("Escriba el código de solicitud que le dio %(authority)s.")
                                 % {"authority": self.label})

    def record_issued(self, certificado: Certificado, data: bytes, *, password: str = "",
                      now: datetime.datetime) -> Issued:
        issued = parse_upload(data, password=password)
        check_matches(certificado, issued, issuer_marks=self.issuer_marks,
                      authority_label=str(self.label), now=now)
        return issued


class FNMTAuthority(RegistrationOfficeAuthority):
    code = "fnmt"
    label = gettext_lazy("la FNMT-RCM")
    issuer_marks = ("FNMT",)


class ACCVAuthority(RegistrationOfficeAuthority):
    code = "accv"
    label = gettext_lazy("la ACCV")
    issuer_marks = ("ACCV",)
