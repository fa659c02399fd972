"""Hostile input: entity bombs and external entities in XML, disguised uploads, floods."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from provincial import xmlsafe
from provincial.uploads import check_upload
from tests.conftest import HOST_A

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol9;</lolz>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""


def test_a_billion_laughs_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        xmlsafe.parse(BILLION_LAUGHS)
    assert excinfo.value.messages == [
        "El XML declara un DOCTYPE o entidades; por seguridad no se admiten."]


def test_an_external_entity_is_never_resolved():
    with pytest.raises(ValidationError, match="DOCTYPE"):
        xmlsafe.parse(XXE)


def test_oversized_xml_is_refused_before_parsing():
    with pytest.raises(ValidationError, match="el máximo admitido es 1 KB"):
        xmlsafe.parse(b"<a>" + b"x" * 4096 + b"</a>", max_bytes=1024)


def test_malformed_xml_says_where():
    with pytest.raises(ValidationError, match=r"no está bien formado \(línea 2\)"):
        xmlsafe.parse(b"<a>\n<b></a>")


def test_plain_xml_parses():
    assert xmlsafe.parse(b"<?xml version='1.0'?><factura><total>12.10</total></factura>") \
        .findtext("total") == "12.10"


def test_an_executable_renamed_to_pdf_is_refused():
    upload = SimpleUploadedFile("resolucion.pdf", b"MZ\x90\x00\x03\x00\x00\x00",
                                content_type="application/pdf")
    with pytest.raises(ValidationError, match="no es un fichero PDF"):
        check_upload(upload, allowed=("pdf",), max_bytes=1024)


def test_upload_size_is_limited():
    upload = SimpleUploadedFile("plano.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000)
    with pytest.raises(ValidationError, match="el máximo es"):
        check_upload(upload, allowed=("png",), max_bytes=1000)
    assert check_upload(upload, allowed=("png", "pdf"), max_bytes=5000) == "png"


@pytest.mark.django_db
def test_login_posts_are_rate_limited_per_ip(province, client):
    from django.core.cache import cache

    cache.clear()
    statuses = [client.post("/cuentas/entrar/", {"username": f"nadie{n}", "password": "x"},
                            HTTP_HOST=HOST_A, REMOTE_ADDR="10.9.8.7").status_code
                for n in range(22)]
    assert 429 in statuses
    blocked = client.post("/cuentas/entrar/", {"username": "x", "password": "y"},
                          HTTP_HOST=HOST_A, REMOTE_ADDR="10.9.8.7")
    assert blocked.status_code == 429
    assert "Demasiadas peticiones" in blocked.content.decode() or \
        "Acceso bloqueado" in blocked.content.decode()
    # Another address is not affected by the flood.
    assert client.get("/cuentas/entrar/", HTTP_HOST=HOST_A, REMOTE_ADDR="10.1.1.1").status_code == 200
    cache.clear()


@pytest.mark.django_db
def test_pages_still_work_when_redis_is_down(province, client_for, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2}}}
    client = client_for(province.clerk_a, HOST_A)
    assert client.get("/gestion/").status_code == 200
    response = client.post("/cuentas/entrar/", {"username": "clerk_a", "password": "x"})
    assert response.status_code in (200, 302)
