"""FNMT and ACCV: the operator records the request code and the certificate obtained in
the authority's own application; the platform checks the certificate is the one requested
(holder, entity, kind, dates, key usage) and refuses with precise Spanish reasons. Nothing
is invented: the certificates here come from test CAs made in the suite."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ValidationError

from certificados import actions, authorities
from certificados.choices import Autoridad, Custodia, Estado, Tipo
from provincial.signing import keys
from tests.certificados.conftest import (
    NOW,
    SERVER_AUTH,
    SERVER_USAGE,
    SIGNING_USAGE,
    employee_subject,
    nif,
    pem,
    sede_subject,
    sello_subject,
)

pytestmark = pytest.mark.django_db


def _record(certificado, data: bytes, office, **kwargs):
    return actions.registrar_emitido(certificado, data, operator=office, **kwargs)


def _refusal(certificado, data: bytes, office, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        _record(certificado, data, office, **kwargs)
    certificado.refresh_from_db()
    assert (certificado.state, certificado.certificate_pem) == (Estado.ENVIADO, "")
    return caught.value.messages


def test_a_matching_fnmt_certificate_is_recorded_in_der_or_pem(province, request_for, fnmt_ca):
    certificado = request_for(province.a, state="enviado")
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    certificado = _record(certificado, issued.public_bytes(serialization.Encoding.DER),
                          province.provincial_admin)
    assert certificado.state == Estado.EMITIDO
    assert certificado.issuer == "CN=AC SECTOR PUBLICO,OU=Ceres,O=FNMT-RCM,C=ES"
    assert certificado.subject.startswith("CN=LAURA PAYA RICO - ")
    assert (certificado.key_custody, certificado.key_token) == (Custodia.NINGUNA, "")
    assert certificado.local_ca is None


def test_each_mismatch_is_named(province, request_for, fnmt_ca, other_ca):
    office = province.provincial_admin
    certificado = request_for(province.a, state="enviado")
    someone_else, _k = fnmt_ca.issue(subject=employee_subject(province.a, nif("12345678"),
                                                              "PERE GIL SALA"),
                                     key_usage=SIGNING_USAGE)
    assert _refusal(certificado, pem(someone_else), office) == [
        "El certificado es de «PERE GIL SALA - 12345678Z», no de Laura Payà Rico (NIF "
        f"{certificado.holder_nif})."]
    other_entity, _k = fnmt_ca.issue(subject=employee_subject(province.b), key_usage=SIGNING_USAGE)
    assert _refusal(certificado, pem(other_entity), office) == [
        f"No es un certificado de empleado público de el Ajuntament d'Agost: no lleva su NIF "
        f"{province.a.cif}."]
    foreign, _k = other_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    assert _refusal(certificado, pem(foreign), office) == [
        "Lo emitió «Otra Autoridad SL», no la FNMT-RCM."]
    expired, _k = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE,
                                not_before=NOW - datetime.timedelta(days=800), days=700)
    expiry = (NOW - datetime.timedelta(days=100))
    from django.utils import timezone

    assert _refusal(certificado, pem(expired), office) == [
        f"El certificado caducó el {timezone.localtime(expiry):%d/%m/%Y}."]
    no_signing = x509.KeyUsage(digital_signature=False, content_commitment=False,
                               key_encipherment=True, data_encipherment=False,
                               key_agreement=False, key_cert_sign=False, crl_sign=False,
                               encipher_only=False, decipher_only=False)
    wrong_usage, _k = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=no_signing)
    assert _refusal(certificado, pem(wrong_usage), office) == [
        "No sirve para firmar: su uso de clave no incluye la firma digital ni el no repudio."]
    assert _refusal(certificado, pem(fnmt_ca.issuing), office) == [
        "El fichero solo contiene certificados de autoridades de certificación, no el del "
        "titular."]
    assert _refusal(certificado, b"esto no es un certificado", office) == [
        "El fichero no es un certificado PEM ni DER. Si es un PKCS#12 (.p12 o .pfx), escriba su "
        "contraseña."]


def test_a_sede_certificate_must_name_the_sede_and_serve_tls(province, request_for, fnmt_ca):
    office = province.provincial_admin
    certificado = request_for(province.a, kind=Tipo.SEDE, state="enviado",
                              sede_domain="sede.agost.es")
    wrong_host, _k = fnmt_ca.issue(subject=sede_subject(province.a, "www.agost.es"),
                                   key_usage=SERVER_USAGE, eku=SERVER_AUTH, dns=["www.agost.es"])
    assert _refusal(certificado, pem(wrong_host), office) == [
        "El certificado es para www.agost.es, no para sede.agost.es."]
    no_server, _k = fnmt_ca.issue(subject=sede_subject(province.a, "sede.agost.es"),
                                  key_usage=SERVER_USAGE, dns=["sede.agost.es"])
    assert _refusal(certificado, pem(no_server), office) == [
        "No sirve para un servidor web: le falta el uso extendido de autenticación de servidor "
        "(serverAuth)."]
    good, _k = fnmt_ca.issue(subject=sede_subject(province.a, "sede.agost.es"),
                             key_usage=SERVER_USAGE, eku=SERVER_AUTH, dns=["sede.agost.es"])
    assert _record(certificado, pem(good), office).state == Estado.EMITIDO


def _p12(certificate, key, chain, password: bytes) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"sello", key, certificate, chain,
        serialization.BestAvailableEncryption(password) if password else
        serialization.NoEncryption())


def test_a_sellos_pkcs12_key_is_kept_only_encrypted(province, request_for, fnmt_ca):
    office = province.provincial_admin
    certificado = request_for(province.a, kind=Tipo.SELLO, state="enviado",
                              organo="Ajuntament d'Agost")
    issued, key = fnmt_ca.issue(subject=sello_subject(province.a), key_usage=SIGNING_USAGE)
    bundle = _p12(issued, key, [fnmt_ca.issuing], b"clave-del-p12")
    assert _refusal(certificado, bundle, office) == [
        "El fichero no es un certificado PEM ni DER. Si es un PKCS#12 (.p12 o .pfx), escriba su "
        "contraseña."]
    assert _refusal(certificado, bundle, office, password="otra") == [
        "No se pudo abrir el PKCS#12: la contraseña no es correcta o el fichero está dañado."]
    certificado = _record(certificado, bundle, office, password="clave-del-p12")
    assert certificado.key_custody == Custodia.PLATAFORMA
    assert "PRIVATE" not in certificado.key_token
    stored = keys.decrypt_private_key(certificado.key_token)
    assert stored.public_key().public_numbers() == key.public_key().public_numbers()
    assert certificado.chain == [fnmt_ca.issuing]


def test_an_employees_key_is_never_taken_and_a_clear_key_is_refused(province, request_for,
                                                                    fnmt_ca):
    office = province.provincial_admin
    certificado = request_for(province.a, state="enviado")
    issued, key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    assert _refusal(certificado, _p12(issued, key, None, b"clave"), office, password="clave") == [
        "La clave privada de un certificado de empleado público no se guarda en la plataforma: "
        "suba solo el certificado (.cer o .pem)."]
    clear_key = key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    assert _refusal(certificado, pem(issued) + clear_key, office) == [
        "El fichero contiene una clave privada en claro: no la suba así. Para un sello, suba el "
        "PKCS#12 (.p12) protegido con contraseña; para los demás, solo el certificado."]


def test_the_same_certificate_cannot_be_recorded_twice(province, request_for, fnmt_ca):
    office = province.provincial_admin
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    first = request_for(province.a, state="enviado")
    _record(first, pem(issued), office)
    second = request_for(province.a, state="enviado")
    assert _refusal(second, pem(issued), office) == [
        f"Ese certificado ya está registrado en {first.reference}."]


def test_accv_checks_its_own_issuer_and_fetching_is_not_pretended(province, request_for,
                                                                  fnmt_ca):
    certificado = request_for(province.a, authority=Autoridad.ACCV, state="enviado")
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    assert _refusal(certificado, pem(issued), province.provincial_admin) == [
        "Lo emitió «FNMT-RCM», no la ACCV."]
    with pytest.raises(authorities.AuthorityError) as caught:
        authorities.get("fnmt").fetch(certificado)
    assert str(caught.value) == ("la FNMT-RCM no ofrece a la plataforma una consulta automática: "
                                 "descargue el certificado en su aplicación de registro y "
                                 "regístrelo aquí.")
