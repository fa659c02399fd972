"""Certificados fixtures: A and B adhered to the service with their user administrators
granted the application; a test "FNMT" CA made in the suite (real X.509, issuer
O=FNMT-RCM) for what the registration office records; helpers to file requests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.es import dni

from certificados import actions, pki, sellos
from certificados.choices import Autoridad, Tipo
from provincial.signing import keys
from tenants import actions as tenant_actions
from tenants.demo import ACCEPTANCE_PDF
from tenants.models import Membership
from tests.conftest import _adhere

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = datetime.datetime.now(datetime.UTC)


def nif(number: str) -> str:
    return number + dni.calc_check_digit(number)


HOLDER_NIF = nif("48123456")


@pytest.fixture(autouse=True)
def _fast_keys_and_own_encryption_key(settings):
    """2048-bit CA keys (3072 in production: half a second each) and an encryption key of
    the test's own, never the data directory's."""
    settings.CERTIFICADOS_CA_KEY_BITS = 2048
    settings.SIGNING_KEY_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    keys.reset_cache()
    sellos.forget()
    yield
    keys.reset_cache()
    sellos.forget()


@pytest.fixture
def adhered(province, db):
    """A and B adhere to the certificates service; their user administrators hold it."""
    for entity, admin in ((province.a, province.admin_a), (province.b, province.admin_b)):
        _adhere(entity, "certificados", province.provincial_admin)
        membership = Membership.objects.get(user=admin, entity=entity)
        tenant_actions.grant_application(membership, "certificados",
                                         acting_user=province.provincial_admin)
    return province


def pdf_upload(name: str = "dni.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ACCEPTANCE_PDF, content_type="application/pdf")


def png_upload(name: str = "dni.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def solicitud(entity, kind: str = Tipo.EMPLEADO, authority: str = Autoridad.FNMT,
              **overrides) -> actions.NuevaSolicitud:
    data = {"kind": kind, "authority": authority, "holder_given_name": "Laura",
            "holder_surnames": "Payà Rico", "holder_nif": HOLDER_NIF,
            "holder_email": "laura.paya@pruebas.localhost", "holder_position": "Secretaria",
            "organo": "Secretaría", "dir3_code": entity.dir3_code,
            "sede_domain": "sede.agost.es" if kind == Tipo.SEDE else ""}
    data.update(overrides)
    return actions.NuevaSolicitud(**data)


@pytest.fixture
def request_for(province, db):
    """`request_for(entity, kind=, authority=, state=, **fields)`: a request filed by the
    entity's user administrator and taken by the provincial admin up to `state`
    (solicitado, acreditado, enviado, emitido; local CA for emitido unless said)."""

    def make(entity=None, kind=Tipo.EMPLEADO, authority=Autoridad.FNMT, state="solicitado",
             attachments=(), now=None, **fields):
        entity = entity or province.a
        admin = province.admin_a if entity == province.a else province.admin_b
        certificado = actions.solicitar(entity, solicitud(entity, kind, authority, **fields),
                                        operator=admin, attachments=attachments, now=now)
        operator = province.provincial_admin
        if state == "solicitado":
            return certificado
        certificado = actions.acreditar(certificado, "DNI visto", operator=operator, now=now)
        if state == "acreditado":
            return certificado
        if state == "enviado":
            return actions.enviar(certificado, "SOL-2026-0001", operator=operator, now=now)
        if state == "emitido":
            if authority != Autoridad.LOCAL:
                raise ValueError("only the local CA issues in tests; record FNMT ones")
            from certificados.authorities.local import ensure_ca

            ensure_ca(operator=operator)
            return actions.emitir(certificado, operator=operator, now=now)
        raise ValueError(state)

    return make


# --- a test "FNMT" CA, for certificates the registration office records ----------------------


@dataclass
class AuthorityCA:
    root: x509.Certificate
    root_key: object
    issuing: x509.Certificate
    issuing_key: object

    def issue(self, *, subject: x509.Name, key=None, days: int = 1095, not_before=None,
              key_usage: x509.KeyUsage | None = None, eku=None, dns: list[str] | None = None,
              ca: bool = False):
        key = key or pki.new_key(2048)
        start = not_before or (NOW - datetime.timedelta(days=1))
        builder = (x509.CertificateBuilder().subject_name(subject)
                   .issuer_name(self.issuing.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start)
                   .not_valid_after(start + datetime.timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if key_usage is not None:
            builder = builder.add_extension(key_usage, critical=True)
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        if dns:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(name) for name in dns]), critical=False)
        return builder.sign(self.issuing_key, hashes.SHA256()), key


def make_test_ca(organization: str, root_cn: str, issuing_cn: str) -> AuthorityCA:
    now = NOW
    root_key, issuing_key = pki.new_key(2048), pki.new_key(2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, root_cn)])
    root = pki.build_root(name, root_key, now=now, days=3650)
    issuing_name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                              x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Ceres"),
                              x509.NameAttribute(NameOID.COMMON_NAME, issuing_cn)])
    issuing = pki.build_issuing(issuing_name, issuing_key, root=root, root_key=root_key,
                                urls=pki.Urls("http://pruebas.localhost/raiz.crl",
                                              "http://pruebas.localhost/raiz.cer"),
                                now=now, days=3000)
    return AuthorityCA(root, root_key, issuing, issuing_key)


@pytest.fixture(scope="session")
def fnmt_ca() -> AuthorityCA:
    return make_test_ca("FNMT-RCM", "AC RAIZ FNMT-RCM", "AC SECTOR PUBLICO")


@pytest.fixture(scope="session")
def other_ca() -> AuthorityCA:
    return make_test_ca("Otra Autoridad SL", "OTRA RAIZ", "OTRA AC")


SIGNING_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=True,
                              key_encipherment=True, data_encipherment=False, key_agreement=False,
                              key_cert_sign=False, crl_sign=False, encipher_only=False,
                              decipher_only=False)
SERVER_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=False,
                             key_encipherment=True, data_encipherment=False, key_agreement=False,
                             key_cert_sign=False, crl_sign=False, encipher_only=False,
                             decipher_only=False)


def employee_subject(entity, holder_nif: str = HOLDER_NIF, name: str = "LAURA PAYA RICO"):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, entity.name.upper()),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"VATES-{entity.cif}"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME,
                           "CERTIFICADO ELECTRONICO DE EMPLEADO PUBLICO"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IDCES-{holder_nif}"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{name} - {holder_nif}")])


def sello_subject(entity):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, entity.name.upper()),
        x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"VATES-{entity.cif}"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, entity.cif),
        x509.NameAttribute(NameOID.COMMON_NAME, f"SELLO ELECTRONICO DE {entity.name.upper()}")])


def sede_subject(entity, domain: str):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, entity.name.upper()),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, entity.cif),
        x509.NameAttribute(NameOID.COMMON_NAME, domain)])


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(Encoding.PEM)


SERVER_AUTH = [ExtendedKeyUsageOID.SERVER_AUTH]
