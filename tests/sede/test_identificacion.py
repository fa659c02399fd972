"""Identification at the sede: electronic certificates verified against the trust store,
and a development method that cannot exist in production."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from provincial.models import AuditEvent
from sede import certificates, conf, identificacion
from tests.conftest import HOST_A, ROOT
from tests.sede.conftest import (
    CERT_HEADER,
    _name,
    citizen,
    dnie_subject,
    fnmt_subject,
    header_value,
    make_ca,
    make_cert,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
META = "HTTP_" + CERT_HEADER.upper().replace("-", "_")


def present(cert_header: str | None, **extra) -> tuple[int, str, Client]:
    client = Client(HTTP_HOST=HOST_A)
    headers = {META: cert_header} if cert_header is not None else {}
    response = client.get("/sede/identificarse/certificado/?next=/sede/carpeta/",
                          **headers, **extra)
    return response.status_code, response.content.decode(), client


def identified(client: Client) -> dict | None:
    return client.session.get(identificacion.SESSION_KEY)


def test_valid_fnmt_certificate_identifies_the_citizen(province, test_ca):
    status, _body, client = present(header_value(make_cert(test_ca)))
    assert status == 302
    assert identified(client) == {"documento": "12345678Z", "nombre": "MARIA",
                                  "apellido1": "GARCIA", "apellido2": "LOPEZ",
                                  "method": "certificado", "level": "alto",
                                  "entity": province.a.schema_name}
    event = AuditEvent.objects.filter(action="sede.ciudadano.identificacion").latest("pk")
    assert event.entity_id == province.a.pk
    assert event.detail == {"method": "certificado", "level": "alto"}


def test_dnie_subject_with_nie_is_read_from_serial_and_names(province, test_ca):
    status, _body, client = present(header_value(make_cert(test_ca, subject=dnie_subject())))
    assert status == 302
    data = identified(client)
    assert (data["documento"], data["nombre"], data["apellido1"], data["apellido2"]) == (
        "X1234567L", "JOHN", "SMITH", "JONES")


def test_certificate_through_an_intermediate_ca(province, settings, tmp_path):
    from cryptography.hazmat.primitives import serialization

    root = make_ca("Raíz")
    intermediate = make_ca("Subordinada", issuer=root)
    store = tmp_path / "bundle.pem"
    store.write_bytes(b"".join(c.cert.public_bytes(serialization.Encoding.PEM)
                               for c in (intermediate, root)))
    settings.SEDE_TRUST_STORE = str(store)
    settings.SEDE_CLIENT_CERT_HEADER = CERT_HEADER
    assert present(header_value(make_cert(intermediate)))[0] == 302


def test_cn_only_subject_gives_documento_and_names():
    cert = make_cert(make_ca(), subject=_name(c="ES", cn="PEREZ MARTIN ANA BELEN - NIF 00000023T"))
    person = certificates.identity(cert)
    assert (person.documento, person.nombre, person.apellido1, person.apellido2) == (
        "00000023T", "ANA BELEN", "PEREZ", "MARTIN")


@pytest.mark.parametrize(("case", "message"), [
    ("expired", "El certificado ha caducado"),
    ("not_yet_valid", "El certificado aún no es válido"),
    ("other_ca", "no ha sido expedido por un prestador de confianza"),
    ("self_signed_same_subject", "no ha sido expedido por un prestador de confianza"),
    ("forged_issuer_name", "no ha sido expedido por un prestador de confianza"),
    ("server_only", "no sirve para autenticarse"),
    ("bad_letter", "no contiene un DNI o NIE válido"),
    ("garbage", "El certificado recibido no es válido"),
])
def test_untrusted_or_unusable_certificates_are_refused(province, test_ca, case, message):
    now = datetime.datetime.now(UTC)
    if case == "expired":
        value = header_value(make_cert(test_ca, not_before=now - datetime.timedelta(days=400),
                                       not_after=now - datetime.timedelta(days=1)))
    elif case == "not_yet_valid":
        value = header_value(make_cert(test_ca, not_before=now + datetime.timedelta(days=2)))
    elif case == "other_ca":
        value = header_value(make_cert(make_ca("AC Pruebas Sede")))  # same name, other key
    elif case == "self_signed_same_subject":
        value = header_value(make_cert(None, subject=fnmt_subject()))
    elif case == "forged_issuer_name":
        # Claims the trusted CA as issuer, signed with a key of its own.
        from cryptography.hazmat.primitives.asymmetric import ec

        value = header_value(make_cert(None, issuer_name=test_ca.cert.subject,
                                       signing_key=ec.generate_private_key(ec.SECP256R1())))
    elif case == "server_only":
        value = header_value(make_cert(test_ca, eku=(ExtendedKeyUsageOID.SERVER_AUTH,)))
    elif case == "bad_letter":
        value = header_value(make_cert(test_ca, subject=fnmt_subject(documento="12345678A")))
    else:
        value = "-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----"
    status, body, client = present(value)
    assert status == 403
    assert message in body
    assert identified(client) is None


def test_no_certificate_is_a_clear_message(province, test_ca):
    status, body, client = present(None)
    assert status == 403
    assert "No se ha recibido ningún certificado" in body
    assert identified(client) is None


def test_certificate_header_name_is_configurable(province, test_ca, settings):
    settings.SEDE_CLIENT_CERT_HEADER = "X-Client-Cert-Pem"
    cert = header_value(make_cert(test_ca))
    assert present(cert)[0] == 403  # the default header is not read any more
    client = Client(HTTP_HOST=HOST_A)
    response = client.get("/sede/identificarse/certificado/", HTTP_X_CLIENT_CERT_PEM=cert)
    assert response.status_code == 302


def test_development_method_identifies_and_checks_the_letter(province):
    client = citizen()
    assert identified(client)["documento"] == "12345678Z"
    bad = Client(HTTP_HOST=HOST_A).post("/sede/identificarse/desarrollo/", {
        "documento": "12345678A", "nombre": "Ana", "apellido1": "Pérez"})
    assert bad.status_code == 403
    assert "El DNI o NIE no es válido (revise la letra)." in bad.content.decode()


def test_development_method_is_refused_at_runtime_under_production(province, settings):
    client = citizen()
    settings.PRODUCTION = True
    settings.SEDE_IDENTIFICATION_METHODS = ["certificado", "desarrollo"]
    # Not offered, not reachable, and an existing session opened with it is not honoured.
    page = client.get("/sede/identificarse/")
    assert "Método de desarrollo" not in page.content.decode()
    response = client.post("/sede/identificarse/desarrollo/", {
        "documento": "12345678Z", "nombre": "María", "apellido1": "García"})
    assert response.status_code == 404
    assert client.get("/sede/carpeta/").status_code == 302
    request = RequestFactory().post("/", {"documento": "12345678Z", "nombre": "María",
                                          "apellido1": "García"})
    with pytest.raises(ImproperlyConfigured):
        identificacion.DevelopmentBackend().identify(request)
    with pytest.raises(ImproperlyConfigured):
        identificacion.check_configuration()


def test_production_settings_refuse_to_start_with_the_development_method():
    env = {**os.environ, "PRODUCTION": "1", "DJANGO_SECRET_KEY": "x" * 50,
           "SEDE_IDENTIFICATION_METHODS": "certificado,desarrollo"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "provincial.settings"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "the development method cannot be enabled when PRODUCTION is set" in result.stderr
    env["SEDE_IDENTIFICATION_METHODS"] = "certificado"
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "provincial.settings"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_logout_forgets_the_citizen(province):
    client = citizen()
    client.post("/sede/salir/")
    assert identified(client) is None
    assert client.get("/sede/carpeta/").status_code == 302


def test_a_certificate_header_not_sent_by_the_trusted_proxy_is_refused(province, test_ca,
                                                                       settings):
    """A certificate is public: sent by anyone but the TLS proxy it proves nothing."""
    cert = header_value(make_cert(test_ca))
    status, body, client = present(cert, REMOTE_ADDR="203.0.113.7")
    assert status == 403
    assert "no ha llegado a través del servidor seguro" in body
    assert identified(client) is None
    settings.SEDE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert present(cert, REMOTE_ADDR="10.0.0.9")[0] == 302  # the configured proxy
    assert present(cert)[0] == 403  # 127.0.0.1 is no longer trusted
    settings.PRODUCTION = True
    del settings.SEDE_TRUSTED_PROXIES
    assert conf.trusted_proxies() == []  # production trusts no proxy until told
