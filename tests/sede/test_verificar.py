"""CSV verification: this entity's documents only, one answer for anything else, and a
rate limit against enumeration."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from provincial.documents import services as documents
from tests.conftest import HOST_A, HOST_B
from tests.sede.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def document_of_a(province, db):
    with schema_context(province.a.schema_name):
        stamp = documents.new_stamp()
        return documents.issue("volante_individual", title="Volante de empadronamiento",
                               pdf_bytes=pdf_bytes(), issuer=None, stamp=stamp,
                               subject_document="12345678Z")


def test_document_is_found_on_its_entitys_sede_and_downloadable(document_of_a):
    client = Client(HTTP_HOST=HOST_A)
    typed = document_of_a.csv.lower().replace("-", " ")
    response = client.get("/sede/verificar/", {"csv": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Documento auténtico" in body
    assert document_of_a.sha256 in body
    download = client.get("/sede/verificar/documento/", {"csv": document_of_a.csv})
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == document_of_a.sha256
    assert download["Content-Type"] == "application/pdf"


def _answer(host: str, csv: str) -> tuple[int, str]:
    response = Client(HTTP_HOST=host).get("/sede/verificar/", {"csv": csv})
    body = response.content.decode()
    # Only what depends on the request itself differs (the typed code, the clock).
    return response.status_code, body.replace(csv, "<csv>").split("<main", 1)[1] \
        .split("</main>")[0].split("<form", 1)[0]


def test_another_entitys_csv_gets_the_same_answer_as_an_unknown_one(document_of_a):
    unknown = documents.new_csv()
    from_b = _answer(HOST_B, document_of_a.csv)
    never_issued = _answer(HOST_B, unknown)
    assert from_b[0] == never_issued[0] == 404
    assert from_b[1] == never_issued[1]
    assert "No hay ningún documento de esta entidad con ese código" in from_b[1]
    malformed = _answer(HOST_B, "CSV-NOPE")
    assert malformed == never_issued
    download = Client(HTTP_HOST=HOST_B).get("/sede/verificar/documento/",
                                            {"csv": document_of_a.csv})
    assert download.status_code == 404
    assert b"%PDF" not in download.content


def test_verification_is_rate_limited_per_ip(document_of_a, settings):
    settings.SEDE_VERIFY_RATE = 5
    client = Client(HTTP_HOST=HOST_B)
    statuses = [client.get("/sede/verificar/", {"csv": documents.new_csv()}).status_code
                for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    # Even a real code is not answered while over the limit.
    blocked = Client(HTTP_HOST=HOST_B).get("/sede/verificar/documento/",
                                           {"csv": document_of_a.csv})
    assert blocked.status_code == 429
    # The empty form is not counted.
    assert client.get("/sede/verificar/").status_code == 200
    # Another entity's sede counts separately (keys carry the schema).
    assert Client(HTTP_HOST=HOST_A).get("/sede/verificar/",
                                        {"csv": document_of_a.csv}).status_code == 200


def test_a_document_stays_verifiable_after_its_entity_leaves_every_service(document_of_a,
                                                                          province):
    from tenants import actions
    from tenants.choices import AdhesionState

    for adhesion in province.a.adhesions.filter(state=AdhesionState.APPROVED):
        actions.end_adhesion(adhesion, acting_user=province.provincial_admin,
                             reason="Baja de prueba")
    client = Client(HTTP_HOST=HOST_A)
    assert client.get("/sede/tablon/").status_code == 404
    response = client.get("/sede/verificar/", {"csv": document_of_a.csv})
    assert response.status_code == 200
    assert "Documento auténtico" in response.content.decode()
    download = client.get("/sede/verificar/documento/", {"csv": document_of_a.csv})
    assert hashlib.sha256(download.content).hexdigest() == document_of_a.sha256
