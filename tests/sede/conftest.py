"""Sede fixtures: a test CA and certificates made with `cryptography`, and clients of
identified citizens (through the development method, as a person would)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests.conftest import HOST_A

UTC = datetime.UTC
CERT_HEADER = "X-SSL-Client-Cert"


@dataclass
class CA:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(**attrs) -> x509.Name:
    oids = {"cn": NameOID.COMMON_NAME, "serial": NameOID.SERIAL_NUMBER,
            "given": NameOID.GIVEN_NAME, "surname": NameOID.SURNAME,
            "o": NameOID.ORGANIZATION_NAME, "c": NameOID.COUNTRY_NAME}
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items()])


def make_ca(name: str = "AC Pruebas Sede", *, issuer: CA | None = None) -> CA:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(UTC)
    subject = _name(c="ES", o="Pruebas", cn=name)
    cert = (x509.CertificateBuilder().subject_name(subject)
            .issuer_name(issuer.cert.subject if issuer else subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=10))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(issuer.key if issuer else key, hashes.SHA256()))
    return CA(key=key, cert=cert)


def make_cert(ca: CA | None, *, subject: x509.Name | None = None,
              not_before: datetime.datetime | None = None,
              not_after: datetime.datetime | None = None,
              eku=(ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION),
              issuer_name: x509.Name | None = None, signing_key=None) -> x509.Certificate:
    """A personal certificate. Without `ca` it is self-signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(UTC)
    subject = subject or fnmt_subject()
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer_name or (ca.cert.subject if ca else subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before or now - datetime.timedelta(days=1))
               .not_valid_after(not_after or now + datetime.timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                            key_encipherment=True, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False,
                                            decipher_only=False), critical=True))
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    return builder.sign(signing_key or (ca.key if ca else key), hashes.SHA256())


def fnmt_subject(documento: str = "12345678Z", given: str = "MARIA",
                 surname: str = "GARCIA LOPEZ") -> x509.Name:
    """As the FNMT writes a citizen certificate (Persona Física)."""
    return _name(c="ES", serial=f"IDCES-{documento}", surname=surname, given=given,
                 cn=f"{surname} {given} - NIF {documento}")


def dnie_subject(documento: str = "X1234567L", given: str = "JOHN",
                 surname: str = "SMITH JONES") -> x509.Name:
    """As the DNIe (or a NIE certificate) writes it."""
    return _name(c="ES", cn=f"{surname}, {given} (AUTENTICACIÓN)", surname=surname,
                 given=given, serial=documento)


def header_value(cert: x509.Certificate) -> str:
    """As nginx's $ssl_client_escaped_cert sends it."""
    return quote(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"), safe="")


@pytest.fixture
def test_ca(settings, tmp_path) -> CA:
    """The sede trusts this CA (and only it)."""
    ca = make_ca()
    store = tmp_path / "confianza.pem"
    store.write_bytes(ca.cert.public_bytes(serialization.Encoding.PEM))
    settings.SEDE_TRUST_STORE = str(store)
    settings.SEDE_CLIENT_CERT_HEADER = CERT_HEADER
    return ca


def citizen(host: str = HOST_A, documento: str = "12345678Z", nombre: str = "María",
            apellido1: str = "García", apellido2: str = "López") -> Client:
    """A browser identified at the sede of `host` with the development method."""
    client = Client(HTTP_HOST=host)
    response = client.post("/sede/identificarse/desarrollo/", {
        "documento": documento, "nombre": nombre, "apellido1": apellido1,
        "apellido2": apellido2, "next": "/sede/carpeta/"})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def in_a(province, db):
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


def pdf_bytes(text: str = "Documento de prueba") -> bytes:
    """A small real PDF."""
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()
