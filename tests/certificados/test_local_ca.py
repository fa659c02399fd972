"""The platform's local CA: what it issues carries the kind's profile (parsed back with
cryptography), its CRL lists what is revoked or suspended and not what was lifted, the CRL
and CA certificates are served on the provincial host, and its keys (and the keys it
makes) are encrypted at rest."""

from __future__ import annotations

import io
import tarfile

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.exceptions import ValidationError
from django.db import connection

from certificados import actions, pki
from certificados.authorities.local import active_ca, create_ca, ensure_ca
from certificados.choices import Autoridad, Custodia, Estado, MotivoRevocacion, Tipo
from certificados.models import Certificado, LocalCA
from provincial.signing import keys
from provincial.signing.base import SigningError
from tests.certificados.conftest import HOLDER_NIF
from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def _attr(name: x509.Name, oid) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def _ext(certificate: x509.Certificate, kind):
    return certificate.extensions.get_extension_for_class(kind).value


def test_the_local_ca_is_a_root_and_an_issuing_ca_in_the_diputacion_name(province):
    ca = create_ca(operator=province.provincial_admin)
    root, issuing = ca.root_certificate, ca.issuing_certificate
    assert _attr(root.subject, NameOID.COMMON_NAME) == ["AC RAIZ DIPUTACION DE PRUEBAS"]
    assert _attr(root.subject, NameOID.ORGANIZATION_IDENTIFIER) == ["VATES-P0300000G"]
    assert root.subject == root.issuer
    root.verify_directly_issued_by(root)
    issuing.verify_directly_issued_by(root)
    assert _ext(root, x509.BasicConstraints) == x509.BasicConstraints(ca=True, path_length=1)
    assert _ext(issuing, x509.BasicConstraints) == x509.BasicConstraints(ca=True, path_length=0)
    usage = _ext(issuing, x509.KeyUsage)
    assert (usage.key_cert_sign, usage.crl_sign, usage.digital_signature) == (True, True, False)
    crl_dp = _ext(issuing, x509.CRLDistributionPoints)[0].full_name[0].value
    assert crl_dp == f"http://diputacion.localhost/certificados/crl/{ca.pk}-raiz.crl"
    assert (ca.crl_number, ca.root_crl_number) == (1, 1)
    with pytest.raises(ValidationError) as caught:
        actions.crear_ac_local(operator=province.provincial_admin)
    assert caught.value.messages == ["Ya hay una autoridad de certificación local en uso."]
    assert LocalCA.objects.count() == 1


def test_a_sello_carries_the_entity_name_and_nif_and_signing_key_usage(province):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    certificate = sello.certificate
    ca = active_ca()
    certificate.verify_directly_issued_by(ca.issuing_certificate)
    subject = certificate.subject
    assert _attr(subject, NameOID.ORGANIZATION_NAME) == ["Ajuntament d'Agost"]
    assert _attr(subject, NameOID.ORGANIZATION_IDENTIFIER) == [f"VATES-{province.a.cif}"]
    assert _attr(subject, NameOID.SERIAL_NUMBER) == [province.a.cif]
    assert _attr(subject, NameOID.COMMON_NAME) == ["SELLO ELECTRONICO DE AJUNTAMENT D'AGOST"]
    usage = _ext(certificate, x509.KeyUsage)
    assert (usage.digital_signature, usage.content_commitment, usage.key_encipherment,
            usage.key_cert_sign) == (True, True, True, False)
    assert _ext(certificate, x509.BasicConstraints).ca is False
    policies = [p.policy_identifier.dotted_string for p in _ext(certificate, x509.CertificatePolicies)]
    assert policies == ["2.16.724.1.3.5.6.2"]
    assert _ext(certificate, x509.CRLDistributionPoints)[0].full_name[0].value == \
        f"http://diputacion.localhost/certificados/crl/{ca.pk}.crl"
    aia = _ext(certificate, x509.AuthorityInformationAccess)[0].access_location.value
    assert aia == f"http://diputacion.localhost/certificados/ac/{ca.pk}.cer"
    assert (sello.state, sello.key_custody, sello.kind) == (Estado.EMITIDO, Custodia.PLATAFORMA,
                                                          Tipo.SELLO)
    assert (sello.not_after - sello.not_before).days == 3 * 365


def test_an_employee_certificate_names_the_person_their_nif_post_and_entity(province,
                                                                            request_for):
    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="emitido")
    certificate = certificado.certificate
    subject = certificate.subject
    assert _attr(subject, NameOID.COMMON_NAME) == [f"LAURA PAYA RICO - {HOLDER_NIF}"]
    assert _attr(subject, NameOID.SERIAL_NUMBER) == [f"IDCES-{HOLDER_NIF}"]
    assert _attr(subject, NameOID.GIVEN_NAME) == ["LAURA"]
    assert _attr(subject, NameOID.SURNAME) == ["PAYA RICO"]
    assert _attr(subject, NameOID.TITLE) == ["Secretaria"]
    assert _attr(subject, NameOID.ORGANIZATION_NAME) == ["Ajuntament d'Agost"]
    assert _attr(subject, NameOID.ORGANIZATION_IDENTIFIER) == [f"VATES-{province.a.cif}"]
    assert _ext(certificate, x509.SubjectAlternativeName).get_values_for_type(x509.RFC822Name) \
        == ["laura.paya@pruebas.localhost"]
    assert list(_ext(certificate, x509.ExtendedKeyUsage)) == [
        ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
    assert certificado.key_custody == Custodia.PENDIENTE_ENTREGA
    assert certificado.subject == (
        f"CN=LAURA PAYA RICO - {HOLDER_NIF},SN=PAYA RICO,GN=LAURA,serialNumber=IDCES-{HOLDER_NIF},"
        "title=Secretaria,OU=CERTIFICADO ELECTRONICO DE EMPLEADO PUBLICO,"
        f"organizationIdentifier=VATES-{province.a.cif},O=Ajuntament d'Agost,C=ES")


def test_a_sede_certificate_is_a_tls_server_certificate_for_its_address(province, request_for):
    certificado = request_for(province.a, kind=Tipo.SEDE, authority=Autoridad.LOCAL,
                              state="emitido", sede_domain="sede.agost.es")
    certificate = certificado.certificate
    assert _attr(certificate.subject, NameOID.COMMON_NAME) == ["sede.agost.es"]
    assert _ext(certificate, x509.SubjectAlternativeName).get_values_for_type(x509.DNSName) == \
        ["sede.agost.es"]
    assert list(_ext(certificate, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.SERVER_AUTH]
    usage = _ext(certificate, x509.KeyUsage)
    assert (usage.digital_signature, usage.key_encipherment, usage.content_commitment) == \
        (True, True, False)
    assert (certificado.not_after - certificado.not_before).days == 397


def test_the_generated_key_is_delivered_once_under_the_password_chosen(province, request_for):
    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="emitido")
    with pytest.raises(ValidationError) as caught:
        actions.entregar_clave(certificado, "corta", operator=province.admin_a)
    assert caught.value.messages == ["La contraseña ha de tener al menos 12 caracteres."]
    bundle = actions.entregar_clave(certificado, "una-clave-larga-9", operator=province.admin_a)
    key, certificate, chain = pkcs12.load_key_and_certificates(bundle, b"una-clave-larga-9")
    assert certificate == certificado.certificate
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()
    assert [c.subject for c in chain] == [c.subject for c in certificado.chain]
    with pytest.raises(ValueError, match="Invalid password"):
        pkcs12.load_key_and_certificates(bundle, b"otra-clave-distinta")
    certificado.refresh_from_db()
    assert (certificado.key_custody, certificado.key_token, certificado.key_delivered_by) == \
        (Custodia.NINGUNA, "", province.admin_a)
    with pytest.raises(ValidationError) as caught:
        actions.entregar_clave(certificado, "una-clave-larga-9", operator=province.admin_a)
    assert caught.value.messages == [f"La clave de {certificado.reference} ya se entregó o no la "
                                     "generó la plataforma."]


def test_with_the_holders_request_the_key_never_reaches_the_platform(province, request_for):
    holder_key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "cualquiera")])).sign(holder_key,
                                                                        pki.hashes.SHA256()))
    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="acreditado")
    with pytest.raises(ValidationError) as caught:
        actions.emitir(certificado, operator=province.provincial_admin)
    assert caught.value.messages == ["No hay autoridad de certificación local: créela antes."]
    from certificados.authorities.local import ensure_ca

    ensure_ca(operator=province.provincial_admin)
    with pytest.raises(ValidationError) as caught:
        actions.emitir(certificado, operator=province.provincial_admin, csr_pem=b"no es un csr")
    assert caught.value.messages == ["El fichero no es una petición de certificado (PKCS#10, "
                                     ".csr o .req) legible."]
    certificado = actions.emitir(certificado, operator=province.provincial_admin,
                                 csr_pem=csr.public_bytes(serialization.Encoding.PEM))
    assert certificado.certificate.public_key().public_numbers() == \
        holder_key.public_key().public_numbers()
    assert (certificado.key_custody, certificado.key_token) == (Custodia.NINGUNA, "")
    # The subject is the request's profile, not what the CSR said.
    assert _attr(certificado.certificate.subject, NameOID.SERIAL_NUMBER) == [f"IDCES-{HOLDER_NIF}"]


def test_the_crl_lists_revoked_and_suspended_certificates_not_lifted_ones(province, request_for):
    office = province.provincial_admin
    revoked, suspended, lifted, untouched = (
        request_for(province.a, authority=Autoridad.LOCAL, state="emitido") for _ in range(4))
    actions.revocar(revoked, MotivoRevocacion.CLAVE_COMPROMETIDA, "Robo.", operator=office)
    actions.suspender(suspended, "Pérdida.", operator=office)
    actions.suspender(lifted, "Pérdida.", operator=office)
    actions.levantar_suspension(lifted, "Apareció.", operator=office)
    ca = active_ca()
    crl = x509.load_der_x509_crl(bytes(ca.crl_der))
    assert crl.is_signature_valid(ca.issuing_certificate.public_key())
    assert crl.issuer == ca.issuing_certificate.subject
    listed = {entry.serial_number: entry for entry in crl}
    assert set(listed) == {revoked.certificate.serial_number, suspended.certificate.serial_number}
    reason = listed[revoked.certificate.serial_number].extensions.get_extension_for_class(
        x509.CRLReason).value.reason
    hold = listed[suspended.certificate.serial_number].extensions.get_extension_for_class(
        x509.CRLReason).value.reason
    assert (reason, hold) == (x509.ReasonFlags.key_compromise, x509.ReasonFlags.certificate_hold)
    assert untouched.certificate.serial_number not in listed
    # One CRL at the CA's creation, then one per operation (4).
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 5
    assert ca.crl_number == 5


def test_the_crl_and_the_ca_certificates_are_served_to_anyone(province, request_for, client):
    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="emitido")
    actions.revocar(certificado, MotivoRevocacion.SIN_ESPECIFICAR, "Prueba.",
                    operator=province.provincial_admin)
    ca = active_ca()
    anonymous = client.__class__(HTTP_HOST=HOST_PROVINCIAL)
    response = anonymous.get(f"/certificados/crl/{ca.pk}.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert [entry.serial_number for entry in crl] == [certificado.certificate.serial_number]
    root_crl = x509.load_der_x509_crl(anonymous.get(f"/certificados/crl/{ca.pk}-raiz.crl").content)
    assert root_crl.issuer == ca.root_certificate.subject
    assert list(root_crl) == []
    issuing = anonymous.get(f"/certificados/ac/{ca.pk}.cer")
    assert issuing["Content-Type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(issuing.content) == ca.issuing_certificate
    root = anonymous.get(f"/certificados/ac/{ca.pk}-raiz.cer")
    assert x509.load_der_x509_certificate(root.content) == ca.root_certificate
    assert anonymous.get(f"/certificados/crl/{ca.pk + 1000}.crl").status_code == 404


def _raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {table} t WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _der_forms(key) -> list[bytes]:
    return [key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
            for fmt in (serialization.PrivateFormat.PKCS8,
                        serialization.PrivateFormat.TraditionalOpenSSL)]


def test_private_keys_are_only_ciphertext_in_the_database(province, request_for):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    key = keys.decrypt_private_key(sello.key_token)
    assert key.public_key().public_numbers() == sello.certificate.public_key().public_numbers()
    ca = active_ca()
    for table, pk in (("certificados_certificado", sello.pk), ("certificados_localca", ca.pk)):
        row = _raw_row(table, pk)
        assert "PRIVATE KEY" not in row
        for der in _der_forms(key):
            assert der.hex() not in row
            assert der[:64].hex() not in row
    root_key = keys.decrypt_private_key(ca.root_key_token)
    assert root_key.public_key().public_numbers() == \
        ca.root_certificate.public_key().public_numbers()


def test_a_wrong_encryption_key_says_so_plainly(province, settings):
    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    settings.SIGNING_KEY_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    keys.reset_cache()
    with pytest.raises(SigningError) as caught:
        keys.decrypt_private_key(sello.key_token)
    assert str(caught.value) == ("La clave privada guardada no se puede descifrar con las claves "
                                 "configuradas (SIGNING_KEY_ENCRYPTION_KEYS).")


def test_an_entity_backup_holds_no_private_key_in_clear(province):
    from tenants.backup import dump_entity

    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    key = keys.decrypt_private_key(sello.key_token)
    output = io.BytesIO()
    dump_entity(province.a, output, acting_user=province.provincial_admin)
    output.seek(0)
    with tarfile.open(fileobj=output, mode="r:gz") as archive:
        contents = b"".join(archive.extractfile(member).read() for member in archive.getmembers()
                            if member.isfile())
    assert len(contents) > 1000
    assert b"PRIVATE KEY" not in contents
    for der in _der_forms(key):
        assert der not in contents
        assert der.hex().encode() not in contents
    assert Certificado.objects.filter(pk=sello.pk, key_custody=Custodia.PLATAFORMA).exists()


def test_the_crl_and_ca_certificates_are_served_over_plain_http_even_in_production(
        province, client, settings):
    # Validators fetch the distribution points over HTTP; the rest of the site redirects.
    settings.SECURE_SSL_REDIRECT = True
    ca = ensure_ca(operator=province.provincial_admin)
    anonymous = client.__class__(HTTP_HOST=HOST_PROVINCIAL)
    for path in (f"/certificados/crl/{ca.pk}.crl", f"/certificados/crl/{ca.pk}-raiz.crl",
                 f"/certificados/ac/{ca.pk}.cer", f"/certificados/ac/{ca.pk}-raiz.cer"):
        assert anonymous.get(path).status_code == 200, path
    assert anonymous.get("/certificados/").status_code == 301
    assert anonymous.get("/admin/").status_code == 301
