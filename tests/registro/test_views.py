"""The clerk's pages, as clerk_a on agost.localhost; outsiders get 404."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from pypdf import PdfReader

from registro.models import Anexo, Asiento, Festivo, UnidadOrganica
from registro.services import registrar
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B

from .conftest import datos, pdf_anexo

BASE = "/gestion/registro/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def asiento_a(province, db):
    with schema_context(province.a.schema_name):
        unidad = UnidadOrganica.objects.create(nombre="Secretaría", codigo_dir3="LA0000001")
        asiento = registrar(**datos(anexos=[pdf_anexo()], unidad=unidad),
                            acting_user=province.clerk_a)
        return asiento, asiento.anexos.get(), unidad


def post_nuevo(client, **overrides):
    data = {"canal": "presencial", "asunto": "Queja ruidos", "resumen": "Ruidos en la plaza",
            "expone": "Que hay ruido.", "solicita": "Que se controle.", "unidad": "",
            "procedimiento": "", "idempotency_key": uuid.uuid4().hex, "int-tipo": "fisica",
            "int-tipo_documento": "N", "int-documento": "12345678z", "int-nombre": "Marta",
            "int-apellido1": "Vidal", "rep-tipo": "fisica", "rep-tipo_documento": "N",
            "anexos": [SimpleUploadedFile("escrito.pdf", ACCEPTANCE_PDF)]}
    data.update(overrides)
    return client.post(f"{BASE}asientos/nuevo/entrada/", data)


def test_home_list_search_and_detail(client_for, province, asiento_a):
    asiento, anexo, _ = asiento_a
    client = client_for(province.clerk_a, HOST_A)
    home = client.get(BASE)
    assert home.status_code == 200
    assert "Entradas hoy" in home.content.decode()
    for query, found in [("numero=" + asiento.numero_registro, True), ("numero=9999/E", False),
                         ("interesado=12345678Z", True), ("interesado=lucía pérez", True),
                         ("interesado=Zacarías", False), ("texto=obra menor", True),
                         ("texto=piscina", False), ("libro=S", False)]:
        page = client.get(f"{BASE}asientos/?{query}").content.decode()
        assert (asiento.numero_registro in page) is found, query
    detail = client.get(f"{BASE}asientos/{asiento.pk}/").content.decode()
    assert anexo.sha256 in detail
    assert "Lucía Pérez Sanz" in detail
    download = client.get(f"{BASE}asientos/{asiento.pk}/anexos/{anexo.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ACCEPTANCE_PDF


def test_new_entrada_registers_and_a_double_post_makes_one(client_for, province):
    client = client_for(province.clerk_a, HOST_A)
    key = uuid.uuid4().hex
    first = post_nuevo(client, idempotency_key=key)
    second = post_nuevo(client, idempotency_key=key)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with schema_context(province.a.schema_name):
        asiento = Asiento.objects.get()
        assert asiento.interesados.get().documento == "12345678Z"
        assert asiento.anexos.get().nombre == "escrito.pdf"
        assert asiento.created_by_name == "Clerk Pruebas"


def test_new_entrada_with_a_fake_pdf_shows_the_reason_and_writes_nothing(client_for, province):
    client = client_for(province.clerk_a, HOST_A)
    response = post_nuevo(client, anexos=[SimpleUploadedFile("escrito.pdf", b"no soy un pdf")])
    assert response.status_code == 200
    assert "«escrito.pdf» no es un fichero PDF válido" in response.content.decode()
    response = post_nuevo(client, **{"int-documento": "12345678A"})
    assert "El DNI/NIF «12345678A» no es válido" in response.content.decode()
    with schema_context(province.a.schema_name):
        assert Asiento.objects.count() == Anexo.objects.count() == 0


def test_salida_form(client_for, province):
    client = client_for(province.clerk_a, HOST_A)
    assert client.get(f"{BASE}asientos/nuevo/salida/").status_code == 200
    assert client.get(f"{BASE}asientos/nuevo/otra/").status_code == 404


def test_anular_distribuir_and_justificante(client_for, province, asiento_a):
    asiento, _, unidad = asiento_a
    client = client_for(province.clerk_a, HOST_A)
    # The unit to distribute to starts with "Elija…", like every other choice.
    detail = client.get(f"{BASE}asientos/{asiento.pk}/").content.decode()
    assert '<option value="" selected>Elija…</option>' in detail
    assert '<option value="" selected>---------</option>' not in detail
    client.post(f"{BASE}asientos/{asiento.pk}/distribuir/", {"unidad": unidad.pk})
    justificante = client.get(f"{BASE}asientos/{asiento.pk}/justificante/")
    assert justificante.status_code == 302
    pdf = client.get(justificante["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert asiento.numero_registro in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    client.post(f"{BASE}asientos/{asiento.pk}/anular/", {"motivo": "Presentado por error"})
    with schema_context(province.a.schema_name):
        asiento.refresh_from_db()
        assert (asiento.estado, asiento.motivo_anulacion) == ("anulado", "Presentado por error")
    assert "Presentado por error" in client.get(f"{BASE}asientos/{asiento.pk}/").content.decode()


def test_libro_de_registro_pdf_and_xlsx(client_for, province, asiento_a):
    asiento, _, _ = asiento_a
    client = client_for(province.clerk_a, HOST_A)
    day = asiento.fecha_presentacion.astimezone().date().isoformat()
    pdf = client.get(f"{BASE}libro/?libro=E&desde={day}&hasta={day}&formato=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert asiento.numero_registro in text
    xlsx = client.get(f"{BASE}libro/?libro=E&desde={day}&hasta={day}&formato=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][0] == "Número"
    assert [r[0] for r in rows[1:]] == [asiento.numero_registro]
    assert "12345678Z" in rows[1][6]
    bad = client.get(f"{BASE}libro/?libro=E&desde=2026-05-01&hasta=2026-04-01&formato=pdf")
    assert "La fecha final es anterior a la inicial." in bad.content.decode()


def test_organigram_and_calendar_pages(client_for, province):
    client = client_for(province.clerk_a, HOST_A)
    bad = client.post(f"{BASE}organigrama/", {"nombre": "Obras", "codigo_dir3": "XYZ",
                                              "activa": "on"})
    assert "El código DIR3 tiene 9 caracteres" in bad.content.decode()
    client.post(f"{BASE}organigrama/", {"nombre": "Obras", "codigo_dir3": "la0000009",
                                        "activa": "on"})
    client.post(f"{BASE}calendario/", {"fecha": "2026-03-19", "descripcion": "Sant Josep",
                                       "ambito": "autonomico"})
    page = client.get(f"{BASE}calendario/?year=2026").content.decode()
    assert "Sant Josep" in page
    assert "259 días hábiles" in page or "260 días hábiles" in page
    with schema_context(province.a.schema_name):
        assert UnidadOrganica.objects.get().codigo_dir3 == "LA0000009"
        festivo = Festivo.objects.get()
    client.post(f"{BASE}calendario/{festivo.pk}/borrar/")
    with schema_context(province.a.schema_name):
        assert not Festivo.objects.exists()


def test_clerk_of_b_cannot_reach_a_asiento_or_attachment(client_for, province, asiento_a):
    asiento, anexo, unidad = asiento_a
    client = client_for(province.clerk_b, HOST_B)
    for url in [f"asientos/{asiento.pk}/", f"asientos/{asiento.pk}/anexos/{anexo.pk}/",
                f"asientos/{asiento.pk}/justificante/", f"organigrama/{unidad.pk}/"]:
        assert client.get(BASE + url).status_code == 404, url
    assert client.post(f"{BASE}asientos/{asiento.pk}/anular/",
                       {"motivo": "x"}).status_code == 404
    # clerk_a on B's host is not a member there.
    outsider = client_for(province.clerk_a, HOST_B)
    assert outsider.get(f"{BASE}asientos/{asiento.pk}/").status_code in (302, 403, 404)
    with schema_context(province.a.schema_name):
        asiento.refresh_from_db()
        assert asiento.estado == "registrado"
