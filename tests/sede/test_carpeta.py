"""Carpeta ciudadana: each citizen sees only their own submissions, justificantes,
padrón data and volantes; the volante is refused while INE errors are pending."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from padron.models import ErrorINE
from provincial.documents.models import IssuedDocument
from registro.models import Asiento
from tests.conftest import HOST_B
from tests.padron.conftest import build_callejero
from tests.padron.test_operaciones import alta
from tests.sede.conftest import citizen
from tests.sede.test_presentacion import form, submit
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

OTHER = {"documento": "00000023T", "nombre": "Ana", "apellido1": "Pérez", "apellido2": "Ruiz"}


def test_citizens_see_only_their_own_submissions(province):
    maria, ana = citizen(), citizen(**OTHER)
    submit(maria, form(solicita="Reparación de la farola"))
    submit(ana, form(solicita="Poda del árbol"))
    with schema_context(province.a.schema_name):
        mine = Asiento.objects.get(interesados__documento="12345678Z")
        theirs = Asiento.objects.get(interesados__documento="00000023T")
    page = maria.get("/sede/carpeta/").content.decode()
    assert mine.numero_registro in page
    assert theirs.numero_registro not in page
    # Changing the id in the URL: the same 404 as a missing one.
    for path in (f"/sede/carpeta/presentaciones/{theirs.pk}/",
                 f"/sede/carpeta/presentaciones/{theirs.pk}/justificante/",
                 "/sede/carpeta/presentaciones/999999/"):
        assert maria.get(path).status_code == 404, path
    assert maria.get(f"/sede/carpeta/presentaciones/{mine.pk}/").status_code == 200
    # No justificante was issued for the refused request.
    with schema_context(province.a.schema_name):
        assert not IssuedDocument.objects.filter(object_id=str(theirs.pk)).exists()


def test_a_session_at_one_entity_is_nothing_at_another(province):
    maria = citizen()
    submit(maria, form())
    # Even if the browser sent the same session cookie to B's host, the identification
    # is bound to the entity where it was made.
    maria.defaults["HTTP_HOST"] = HOST_B
    assert maria.get("/sede/carpeta/").status_code == 302


@pytest.fixture
def empadronada(province, db):
    """María inscribed in A's padrón (committed only to the test transaction)."""
    from padron.actions import Contexto

    with schema_context(province.a.schema_name):
        callejero = build_callejero()
        ctx = Contexto(acting_user=province.clerk_a, documentos="DNI")
        habitante = alta(callejero, ctx, fecha=datetime.date(2020, 3, 1))
    connection.set_schema_to_public()
    return habitante


def test_citizen_sees_own_padron_data_and_gets_the_volante(province, empadronada):
    maria = citizen()
    page = maria.get("/sede/carpeta/").content.decode()
    assert "Calle Mayor, 5, Planta 1, Pta. A" in page
    assert "01/03/2020" in page
    response = maria.post("/sede/carpeta/volante/")
    assert response.status_code == 302
    with schema_context(province.a.schema_name):
        document = IssuedDocument.objects.get(kind="volante_individual")
    assert response["Location"] == f"/sede/carpeta/volantes/{document.pk}/"
    pdf = maria.get(response["Location"])
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "María García López" in text
    assert document.csv in text
    assert (document.subject_document, document.issuer_id) == ("12345678Z", None)
    # Ana, not inscribed, sees no data, cannot get a volante, nor María's by its id.
    ana = citizen(**OTHER)
    assert "No figura inscrito/a en el padrón" in ana.get("/sede/carpeta/").content.decode()
    refused = ana.post("/sede/carpeta/volante/", follow=True).content.decode()
    assert "No figura inscrito/a en el padrón de este municipio" in refused
    assert ana.get(f"/sede/carpeta/volantes/{document.pk}/").status_code == 404


def test_volante_is_refused_while_ine_errors_are_pending(province, empadronada):
    with schema_context(province.a.schema_name):
        ErrorINE.objects.create(habitante=empadronada, code="E01",
                                description="Documento no coincide")
    response = citizen().post("/sede/carpeta/volante/", follow=True)
    body = response.content.decode()
    assert "incidencias pendientes de resolver con el Instituto Nacional de Estadística" in body
    with schema_context(province.a.schema_name):
        assert not IssuedDocument.objects.filter(kind="volante_individual").exists()
        # Once the clerk has dealt with it, the volante is issued.
        ErrorINE.objects.update(processed_at=datetime.datetime.now(datetime.UTC))
    assert citizen().post("/sede/carpeta/volante/").status_code == 302


def test_padron_lookup_is_this_entitys_only(province, empadronada):
    # Same person at B's sede: B's padrón does not have her.
    maria_b = citizen(host=HOST_B)
    page = maria_b.get("/sede/carpeta/").content.decode()
    assert "No figura inscrito/a en el padrón" in page
