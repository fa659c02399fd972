"""The citizen's expedientes in the sede's carpeta: only their own (as interesado), the
documents made available to them or brought by them, and adding documents to an open
one, which registers an entrada and links it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from expedientes import actions
from expedientes.choices import EstadoDocumento, OrigenEni, RolInteresado
from expedientes.models import Documento, Historial
from registro.choices import Canal
from registro.models import Asiento
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B
from tests.sede.conftest import citizen

from .conftest import DNI, NIE, make_documento, make_expediente

BASE = "/sede/carpeta/expedientes/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(procedimiento):
    """An expediente where the citizen (DNI) is solicitante, with one document made
    available, one internal and one draft; and an expediente of someone else."""
    expediente = make_expediente(procedimiento, "Licencia de obra menor en C/ Major")
    expediente.interesados.create(rol=RolInteresado.SOLICITANTE, tipo_documento="N",
                                  documento=DNI, nombre="María", apellido1="García")
    visible = make_documento(expediente, "Resolución de concesión", is_visible_ciudadano=True)
    interno = make_documento(expediente, "Informe técnico interno")
    otro = make_expediente(procedimiento, "Expediente de otra persona")
    otro.interesados.create(rol=RolInteresado.SOLICITANTE, tipo_documento="E", documento=NIE,
                            nombre="John", apellido1="Smith")
    return expediente, visible, interno, otro


def test_the_carpeta_links_to_the_citizen_expedientes(in_a, mine):
    carpeta = citizen().get("/sede/carpeta/").content.decode()
    assert f'href="{BASE}"' in carpeta


def test_a_citizen_sees_only_their_own_expedientes(in_a, mine):
    expediente, visible, interno, otro = mine
    client = citizen()
    listing = client.get(BASE).content.decode()
    assert f">{expediente.codigo}<" in listing
    assert "Licencia de obra menor en C/ Major" in listing
    assert f">{otro.codigo}<" not in listing
    assert "Expediente de otra persona" not in listing
    detail = client.get(f"{BASE}{expediente.pk}/").content.decode()
    assert "Resolución de concesión" in detail
    assert "Informe técnico interno" not in detail
    assert "Solicitante" in detail
    download = client.get(f"{BASE}{expediente.pk}/documentos/{visible.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == ACCEPTANCE_PDF
    for path in (f"{BASE}{otro.pk}/", f"{BASE}{expediente.pk}/documentos/{interno.pk}/",
                 f"{BASE}{otro.pk}/documentos/{visible.pk}/"):
        assert client.get(path).status_code == 404, path
    # The other person sees theirs, not this one.
    smith = citizen(documento=NIE, nombre="John", apellido1="Smith", apellido2="")
    assert smith.get(f"{BASE}{expediente.pk}/").status_code == 404
    assert smith.get(f"{BASE}{otro.pk}/").status_code == 200


def test_anonymous_visitors_go_to_identification(in_a, mine):
    from django.test import Client

    response = Client(HTTP_HOST=HOST_A).get(f"{BASE}{mine[0].pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sede/identificarse/")


def test_the_same_document_number_in_another_entity_sees_nothing_of_a(province, mine):
    expediente = mine[0]
    client = citizen(host=HOST_B)
    assert "Licencia de obra menor" not in client.get(BASE).content.decode()
    assert client.get(f"{BASE}{expediente.pk}/").status_code == 404


def test_a_citizen_adds_documents_through_an_entrada_linked_to_the_expediente(in_a, mine):
    expediente = mine[0]
    client = citizen()
    form = client.get(f"{BASE}{expediente.pk}/").content.decode()
    assert "Aportar documentos" in form
    response = client.post(f"{BASE}{expediente.pk}/aportar/", {
        "texto": "Aporto la memoria que me pidieron.", "key": "clave-1",
        "anexos": [SimpleUploadedFile("memoria.pdf", ACCEPTANCE_PDF)]})
    assert response.status_code == 302
    with schema_context(in_a.schema_name):
        asiento = Asiento.objects.get(canal=Canal.SEDE)
        assert asiento.libro == "E"
        assert expediente.codigo in asiento.asunto
        assert asiento.interesado_principal.documento == DNI
        documento = Documento.objects.get(asiento_id=asiento.pk)
        assert documento.expediente_id == expediente.pk
        assert documento.estado == EstadoDocumento.INCORPORADO
        assert documento.origen == OrigenEni.CIUDADANO
        assert documento.sha256 == asiento.anexos.get().sha256
        assert Historial.objects.filter(expediente=expediente, accion="aportacion").exists()
    # A second submission of the same form (a double click) registers nothing new.
    client.post(f"{BASE}{expediente.pk}/aportar/", {
        "texto": "Aporto la memoria que me pidieron.", "key": "clave-1",
        "anexos": [SimpleUploadedFile("memoria.pdf", ACCEPTANCE_PDF)]})
    with schema_context(in_a.schema_name):
        assert Asiento.objects.filter(canal=Canal.SEDE).count() == 1
        assert Documento.objects.filter(asiento_id=asiento.pk).count() == 1
    # What they brought, they can read back.
    detail = client.get(f"{BASE}{expediente.pk}/").content.decode()
    assert "memoria.pdf" in detail
    assert "Aportado por usted" in detail


def test_documents_are_refused_for_a_closed_expediente_and_bad_files(in_a, mine, province):
    expediente = mine[0]
    client = citizen()
    bad = client.post(f"{BASE}{expediente.pk}/aportar/", {
        "anexos": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00binario")]})
    assert bad.status_code == 400
    assert "formato no admitido" in bad.content.decode()
    actions.cerrar(expediente, motivo="Terminado", acting_user=province.clerk_a)
    assert "Aportar documentos" not in client.get(f"{BASE}{expediente.pk}/").content.decode()
    closed = client.post(f"{BASE}{expediente.pk}/aportar/", {
        "anexos": [SimpleUploadedFile("memoria.pdf", ACCEPTANCE_PDF)]})
    assert closed.status_code == 400
    assert "no permite aportar documentos" in closed.content.decode()
    with schema_context(in_a.schema_name):
        assert not Asiento.objects.exists()
