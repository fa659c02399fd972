"""The expedientes API: search, read, open de oficio, documents and their bytes; another
entity's clerk gets 404; the schema describes it."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from expedientes.choices import RolInteresado
from expedientes.models import Expediente, Historial
from provincial.models import AuditEvent
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B

from .conftest import DNI, make_documento, make_expediente

API = "/api/v1/expedientes/"
pytestmark = pytest.mark.django_db


def ref(expediente: Expediente) -> str:
    return f"{expediente.year}-{expediente.numero}"


def test_search_and_read(in_a, client_for, province, expediente):
    expediente.interesados.create(rol=RolInteresado.SOLICITANTE, tipo_documento="N",
                                  documento=DNI, nombre="Lucía", apellido1="Pérez")
    otro = make_expediente(expediente.procedimiento, "Terraza")
    clerk = client_for(province.clerk_a, HOST_A)
    listing = clerk.get(API, {"q": "cocina"}).json()
    assert [row["codigo"] for row in listing["results"]] == [expediente.codigo]
    assert listing["results"][0]["referencia"] == ref(expediente)
    assert [r["codigo"] for r in clerk.get(API, {"interesado": DNI}).json()["results"]] == [
        expediente.codigo]
    assert {r["codigo"] for r in clerk.get(API).json()["results"]} == {expediente.codigo,
                                                                       otro.codigo}
    assert clerk.get(API, {"estado": "inventado"}).status_code == 400
    detail = clerk.get(f"{API}{ref(expediente)}/").json()
    assert detail["asunto"] == "Reforma de cocina"
    assert detail["procedimiento"] == "OBRA-MENOR"
    assert detail["interesados"][0]["documento"] == DNI
    assert detail["documentos"] == f"{API}{ref(expediente)}/documentos/"
    with schema_context(province.a.schema_name):
        assert AuditEvent.objects.filter(action="expedientes.expediente.consulta",
                                         object_id=str(expediente.pk)).exists()
    assert clerk.get(f"{API}2026-0x/").status_code == 404
    assert clerk.get(f"{API}1999-1/").status_code == 404


def test_open_de_oficio(in_a, client_for, province, procedimiento):
    clerk = client_for(province.clerk_a, HOST_A)
    response = clerk.post(API, {
        "procedimiento": "OBRA-MENOR", "asunto": "Inspección de una obra sin licencia",
        "interesados": [{"rol": "titular", "tipo_documento": "N", "documento": DNI,
                         "nombre": "Lucía", "apellido1": "Pérez"}]},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["origen"] == "de_oficio"
    assert response["Location"].endswith(f"{API}{body['referencia']}/")
    with schema_context(province.a.schema_name):
        expediente = Expediente.objects.get()
        assert expediente.interesados.get().rol == RolInteresado.TITULAR
        assert Historial.objects.filter(expediente=expediente, accion="apertura").exists()
    bad = clerk.post(API, {"procedimiento": "OBRA-MENOR", "asunto": "x", "interesados": [
        {"tipo_documento": "N", "documento": "12345678A", "nombre": "X", "apellido1": "Y"}]},
        content_type="application/json")
    assert bad.status_code == 400
    assert "no es válido" in str(bad.json())
    unknown = clerk.post(API, {"procedimiento": "NO-EXISTE", "asunto": "x"},
                         content_type="application/json")
    assert unknown.status_code == 400
    assert "procedimiento" in unknown.json()
    with schema_context(province.a.schema_name):
        assert Expediente.objects.count() == 1


def test_documents_and_their_bytes(in_a, client_for, province, expediente):
    documento = make_documento(expediente, "Solicitud")
    clerk = client_for(province.clerk_a, HOST_A)
    listing = clerk.get(f"{API}{ref(expediente)}/documentos/").json()
    assert listing["count"] == 1
    rows = listing["results"]
    assert [(r["titulo"], r["sha256"]) for r in rows] == [("Solicitud", documento.sha256)]
    content_url = rows[0]["contenido"]
    assert content_url == f"{API}{ref(expediente)}/documentos/{documento.pk}/contenido/"
    download = clerk.get(content_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ACCEPTANCE_PDF
    assert clerk.get(f"{API}{ref(expediente)}/documentos/999999/contenido/").status_code == 404


def test_clerk_of_b_gets_404_for_an_expediente_of_a(in_a, client_for, province, expediente):
    documento = make_documento(expediente)
    other = client_for(province.clerk_b, HOST_B)
    for path in (f"{API}{ref(expediente)}/", f"{API}{ref(expediente)}/documentos/",
                 f"{API}{ref(expediente)}/documentos/{documento.pk}/contenido/"):
        assert other.get(path).status_code == 404, path
    assert expediente.codigo not in other.get(API).content.decode()
    # A member of A without the application is refused.
    assert client_for(province.admin_a, HOST_A).get(API).status_code == 403


def test_the_schema_describes_the_expedientes_api(client_for, province):
    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/v1/expedientes/" in paths
    assert {"get", "post"} <= set(paths["/api/v1/expedientes/"])
    assert "/api/v1/expedientes/{referencia}/documentos/{doc_pk}/contenido/" in paths
