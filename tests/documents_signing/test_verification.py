"""The sede's CSV verification page shows the validation of the seal of the document as
stored (signer, times, chain, integrity), or says plainly that it has no seal; reports are
kept in the cache per schema, CSV and hash; another entity's code is still not found."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from provincial.documents import kinds, services
from tests.conftest import HOST_A, HOST_B

pytestmark = pytest.mark.django_db


def _issue(entity) -> services.IssuedDocument:
    with schema_context(entity.schema_name):
        return services.issue_rendered(kinds.VOLANTE_INDIVIDUAL.code,
                                       "documentos/pdf/base.html", {},
                                       title="Volante de empadronamiento", issuer=None)


@pytest.fixture
def sealed(sello_a, province):
    return _issue(province.a)


def _page(host: str, csv: str) -> tuple[int, str]:
    """The status and the text of the page's main part (no tags, single spaces)."""
    response = Client(HTTP_HOST=host).get("/sede/verificar/", {"csv": csv})
    return response.status_code, page_text(response.content.decode())


def page_text(body: str) -> str:
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split()) \
        .replace(" .", ".").replace(" ,", ",")


def _report_key(schema: str, document) -> str:
    return f"documentos:firma:{schema}:{document.csv}:{document.sha256}"


def test_a_sealed_document_shows_the_validation_of_its_seal(sealed, province):
    status, body = _page(HOST_A, sealed.csv)
    assert status == 200
    assert "Documento auténtico" in body
    assert "Sello de órgano: Sello electrónico del Ayuntamiento de Agost" in body
    assert "El documento tiene una firma electrónica válida." in body
    assert "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST" in body
    assert "NIF P0300500C" in body
    assert "El documento no ha cambiado desde que se firmó." in body
    assert "Emitido por una autoridad de confianza" in body
    assert "Sin sello de tiempo" in body
    # The chain, signer first, up to the root.
    chain = [body.index(name) for name in ("SELLO ELECTRONICO AYUNTAMIENTO DE AGOST",
                                           "AC SECTOR PUBLICO PRUEBAS", "AC RAIZ PRUEBAS")]
    assert chain == sorted(chain)
    assert "Sin sello." not in body


def test_the_report_is_kept_per_schema_csv_and_hash(sealed, province,
                                                    django_assert_max_num_queries):
    assert cache.get(_report_key(province.a.schema_name, sealed)) is None
    _page(HOST_A, sealed.csv)
    with schema_context(province.a.schema_name):
        kept = cache.get(_report_key(province.a.schema_name, sealed))
    assert kept["ok"] is True
    assert kept["signatures"][0]["signer"]["common_name"] == \
        "SELLO ELECTRONICO AYUNTAMIENTO DE AGOST"
    # A second verification reads it from there (not validating again).
    kept["summary"] = "Informe guardado en la caché"
    with schema_context(province.a.schema_name):
        cache.set(_report_key(province.a.schema_name, sealed), kept, 60)
    # The document, the audit record and the schema: no trust material read again.
    with django_assert_max_num_queries(3):
        assert "Informe guardado en la caché" in _page(HOST_A, sealed.csv)[1]
    # Another schema's cache never holds it (keys carry the schema).
    with schema_context(province.b.schema_name):
        assert cache.get(_report_key(province.a.schema_name, sealed)) is None


def test_an_unsealed_document_says_it_has_no_seal(province, sello_a):
    document = _issue(province.b)
    status, body = _page(HOST_B, document.csv)
    assert status == 200
    assert "Documento auténtico" in body
    assert "Sin sello. Este documento no lleva firma electrónica de órgano" in body
    assert "firma electrónica válida" not in body
    with schema_context(province.b.schema_name):
        assert cache.get(_report_key(province.b.schema_name, document)) is None


def test_another_entitys_sealed_document_is_not_found(sealed, province):
    status, body = _page(HOST_B, sealed.csv)
    assert status == 404
    assert "No hay ningún documento de esta entidad con ese código" in body
    assert "SELLO ELECTRONICO" not in body
    download = Client(HTTP_HOST=HOST_B).get("/sede/verificar/documento/", {"csv": sealed.csv})
    assert download.status_code == 404


def test_a_sealed_document_downloads_as_signed(sealed):
    import hashlib

    download = Client(HTTP_HOST=HOST_A).get("/sede/verificar/documento/", {"csv": sealed.csv})
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == sealed.sha256
    assert b"/ByteRange" in download.content


def test_a_timestamped_seal_shows_the_certified_time(sello_a, tsa, province):
    from django.utils import timezone

    document = _issue(province.a)
    certified = timezone.localtime(
        datetime.datetime.fromisoformat(document.signature_detail["timestamp"]))
    status, body = _page(HOST_A, document.csv)
    assert status == 200
    assert (f"Sello de tiempo {certified:%d/%m/%Y %H:%M:%S} Hora certificada por una "
            "autoridad de sellado de tiempo.") in body
    assert "El documento tiene una firma electrónica válida." in body
