"""Volantes and certificados of the padrón: what they say, who gets them, where they live."""

from __future__ import annotations

import datetime
import hashlib
import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from padron import actions
from padron import documents as padron_documents
from padron.choices import Causa, TipoDocumento
from padron.models import ViaNombre
from provincial import audit
from provincial.documents import services
from provincial.documents.models import IssuedDocument
from provincial.models import AuditEvent
from tests.conftest import HOST_A, HOST_B
from tests.padron.conftest import persona
from tests.padron.test_operaciones import alta
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date


def household(callejero, ctx):
    """María (2020) and her son Pau (born 2021) in one hoja; Josep lived with them from
    2020 until his death in 2022; Lucía lives next door, in another hoja."""
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    pau = actions.dar_de_alta(
        persona(nombre="Pau", documento="", tipo_documento=TipoDocumento.SIN_DOCUMENTO,
                fecha_nacimiento=D(2021, 4, 2), sexo="1"),
        causa=Causa.ALTA_NACIMIENTO, fecha=D(2021, 4, 2), domicilio=maria.hoja.domicilio,
        hoja=maria.hoja, ctx=ctx)
    josep = alta(callejero, ctx, fecha=D(2020, 3, 1), hoja=maria.hoja, nombre="Josep",
                 documento="87654321X", fecha_nacimiento=D(1950, 1, 1), sexo="1")
    actions.dar_de_baja(josep, causa=Causa.BAJA_DEFUNCION, fecha=D(2022, 12, 1), ctx=ctx)
    lucia = alta(callejero, ctx, number=7, fecha=D(2019, 6, 1), nombre="Lucía",
                 apellido1="Ferrer", documento="11111111H")
    return maria, pau, josep, lucia


def test_volante_individual_states_the_current_inscription(callejero, ctx, province):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    document = padron_documents.volante_individual(maria, acting_user=province.clerk_a)
    text = pdf_text(document.file.read())
    assert "VOLANTE DE EMPADRONAMIENTO" in text
    # The entity's name with its article: "del Ajuntament", not "de Ajuntament".
    assert "Padrón Municipal de Habitantes del Ajuntament d'Agost a" in " ".join(text.split())
    for expected in ("María García López", "DNI 12345678Z", "17/05/1980",
                     "Calle Mayor, 5, Planta 1, Pta. A", maria.hoja.number, "01/03/2020",
                     document.csv):
        assert expected in text, expected
    assert (document.kind, document.subject_document, document.subject_name) == (
        "volante_individual", "12345678Z", "María García López")
    assert (document.object_type, document.object_id) == ("padron.Habitante", str(maria.pk))
    assert document.metadata["domicilio"] == "Calle Mayor, 5, Planta 1, Pta. A"


def test_volante_de_convivencia_lists_exactly_the_hoja_members_on_the_date(callejero, ctx,
                                                                          province):
    maria, pau, josep, lucia = household(callejero, ctx)
    document = padron_documents.volante_convivencia(maria, acting_user=province.clerk_a,
                                                    fecha=D(2022, 6, 1))
    assert [c["nombre"] for c in document.metadata["convivientes"]] == [
        "Josep García López", "María García López", "Pau García López"]
    assert {c["nia"] for c in document.metadata["convivientes"]} == {josep.nia, maria.nia,
                                                                     pau.nia}
    assert document.metadata["fecha"] == "2022-06-01"
    text = pdf_text(document.file.read())
    assert "1 de junio de 2022" in text
    assert "las 3 personas siguientes" in text
    assert "Josep García López" in text
    assert "Pau García López" in text
    assert "Lucía" not in text
    # The requester's document in full; the others' as four digits only.
    assert "12345678Z" in text
    assert "***5432**" in text
    assert "87654321X" not in text
    # After Josep's death the hoja holds two.
    assert [p.habitante for p in actions.convivientes(maria.hoja, D(2023, 1, 1))] == [maria, pau]


def test_volante_de_convivencia_refuses_a_future_date_or_one_without_inscription(
        callejero, ctx, province):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    with pytest.raises(ValidationError, match="no puede ser futura"):
        padron_documents.volante_convivencia(maria, acting_user=province.clerk_a,
                                             fecha=D(2099, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        padron_documents.volante_convivencia(maria, acting_user=province.clerk_a,
                                             fecha=D(2019, 1, 1))
    assert excinfo.value.messages == [
        "María García López no figuraba inscrito/a en el padrón el 01/01/2019."]
    assert not IssuedDocument.objects.exists()


def test_a_blocked_inhabitant_gets_no_document_and_the_reason_in_spanish(callejero, ctx,
                                                                         province):
    maria = alta(callejero, ctx)
    actions.registrar_error_ine(maria, code="E123",
                                description="Documento no coincide con el del INE")
    expected = ("No se puede expedir: María García López tiene errores del INE pendientes de "
                "tratar (E123 Documento no coincide con el del INE). Trátelos en su ficha.")
    for builder in padron_documents.BUILDERS.values():
        with pytest.raises(ValidationError) as excinfo:
            builder(maria, acting_user=province.clerk_a)
        assert excinfo.value.messages == [expected]
    assert not IssuedDocument.objects.exists()


def test_a_person_de_baja_gets_only_the_historical_certificate(callejero, ctx, province):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    actions.dar_de_baja(maria, causa=Causa.BAJA_CAMBIO_RESIDENCIA, fecha=D(2023, 6, 30),
                        ctx=ctx, destino="03065")
    maria.refresh_from_db()
    with pytest.raises(ValidationError, match="solo puede expedirse el certificado histórico"):
        padron_documents.certificado(maria, acting_user=province.clerk_a)
    with pytest.raises(ValidationError, match="solo puede expedirse el certificado histórico"):
        padron_documents.volante_individual(maria, acting_user=province.clerk_a)


def test_certificado_is_issued_by_the_secretaria_under_art_61_rpdtel(callejero, ctx, province):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    document = padron_documents.certificado(maria, acting_user=province.clerk_a)
    text = pdf_text(document.file.read())
    assert "CERTIFICADO DE EMPADRONAMIENTO" in text
    # Nobody is recorded in office: the offices themselves sign, in neutral words.
    assert "LA SECRETARÍA AJUNTAMENT D'AGOST" in text
    assert "CERTIFICA:" in text
    assert "figura inscrita en él" in text  # María
    assert ("artículo 61 del Reglamento de Población y Demarcación Territorial de las "
            "Entidades Locales, aprobado por el Real Decreto 1690/1986, de 11 de julio") in text
    assert "visto bueno de la Alcaldía" in text
    assert "Vº Bº La Alcaldía" in text
    assert "/" not in text.split("CERTIFICA:")[0].split("CERTIFICADO DE EMPADRONAMIENTO")[1]
    assert "El/La" not in text
    assert "EL/LA" not in text
    assert "no lleva firma electrónica de órgano" in text
    assert document.signature == "sin sello"
    assert document.csv in text


def test_certificado_historico_shows_every_period_with_the_street_name_of_its_time(
        callejero, ctx, province):
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    # Calle Mayor was renamed Calle de la Constitució on 1 June 2021.
    old_name = ViaNombre.objects.get(via=callejero["mayor"])
    ViaNombre.objects.filter(pk=old_name.pk).update(valid_to=D(2021, 6, 1))
    ViaNombre.objects.create(via=callejero["mayor"], tipo=old_name.tipo,
                             name="de la Constitució", short_name="CONSTITUCIO",
                             valid_from=D(2021, 6, 1))
    nuevo = actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2022, 1, 1))
    actions.cambiar_domicilio(maria, nuevo, fecha=D(2022, 1, 15), ctx=ctx)
    document = padron_documents.certificado_historico(maria, acting_user=province.clerk_a)
    assert document.metadata["periodos"] == [
        {"desde": "2020-03-01", "hasta": "2022-01-15",
         "domicilio": "Calle Mayor, 5, Planta 1, Pta. A"},
        {"desde": "2022-01-15", "hasta": None, "domicilio": "Calle de la Constitució, 12"}]
    text = pdf_text(document.file.read())
    assert "CERTIFICADO HISTÓRICO DE EMPADRONAMIENTO" in text
    assert "Calle Mayor, 5, Planta 1, Pta. A" in text
    assert "Calle de la Constitució, 12" in text
    assert "Alta por cambio de residencia desde otro municipio" in text
    assert "Cambio de domicilio en el municipio" in text
    assert "artículo 61 del Reglamento de Población" in text


def test_a_clerk_issues_a_volante_in_one_click_and_downloads_it(callejero, ctx, province,
                                                                client_for):
    maria, *_others = household(callejero, ctx)
    client = client_for(province.clerk_a, HOST_A)
    page = html.unescape(client.get(f"/gestion/padron/habitantes/{maria.pk}/").content.decode())
    assert "Volante de convivencia" in page
    assert "Certificado histórico" in page
    assert "Aún no se ha expedido ningún documento de esta persona." in page

    response = client.post(f"/gestion/padron/habitantes/{maria.pk}/documentos/",
                           {"kind": "volante_convivencia", "fecha": "2022-06-01"})
    document = IssuedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/gestion/padron/documentos/{document.pk}/"
    assert document.issuer_name == "Clerk Pruebas"
    assert document.metadata["fecha"] == "2022-06-01"

    download = client.get(response["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('inline; filename="volante_convivencia-')
    assert download["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(download.content).hexdigest() == document.sha256
    assert AuditEvent.objects.filter(action="documentos.documento.descarga",
                                     object_id=str(document.pk), user=province.clerk_a,
                                     subject_ref=audit.subject_ref("12345678Z")).count() == 1

    page = html.unescape(client.get(f"/gestion/padron/habitantes/{maria.pk}/").content.decode())
    assert f'href="/gestion/padron/documentos/{document.pk}/"' in page
    assert document.csv in page

    # Nobody else gets it: B's clerk on B's host (B's schema has no such document), B's
    # clerk on A's host (not a member), A's user admin without the padron application.
    for user, host, status in ((province.clerk_b, HOST_B, 404), (province.clerk_b, HOST_A, 404),
                               (province.admin_a, HOST_A, 403)):
        refused = client_for(user, host).get(f"/gestion/padron/documentos/{document.pk}/")
        assert refused.status_code == status, (user, host)
        assert document.sha256 not in refused.content.decode(errors="replace")
        assert not refused.content.startswith(b"%PDF")
    with schema_context(province.b.schema_name):
        assert services.verify(document.csv) is None
    connection.set_schema_to_public()
    assert AuditEvent.objects.filter(action="documentos.documento.descarga").count() == 1


def test_the_issue_button_of_a_blocked_inhabitant_shows_why_and_issues_nothing(
        callejero, ctx, province, client_for):
    maria = alta(callejero, ctx)
    actions.registrar_error_ine(maria, code="E123", description="Documento no coincide")
    client = client_for(province.clerk_a, HOST_A)
    response = client.post(f"/gestion/padron/habitantes/{maria.pk}/documentos/",
                           {"kind": "certificado"}, follow=True)
    assert response.redirect_chain == [(f"/gestion/padron/habitantes/{maria.pk}/", 302)]
    body = html.unescape(response.content.decode())
    assert ("No se puede expedir: María García López tiene errores del INE pendientes de "
            "tratar (E123 Documento no coincide). Trátelos en su ficha.") in body
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="documentos.documento.expedicion").exists()


def test_issuing_is_refused_to_whoever_may_not_use_the_padron_of_a(callejero, ctx, province,
                                                                   client_for):
    maria = alta(callejero, ctx)
    for user, host in ((province.clerk_b, HOST_B), (province.clerk_b, HOST_A),
                       (province.admin_a, HOST_A)):
        response = client_for(user, host).post(
            f"/gestion/padron/habitantes/{maria.pk}/documentos/", {"kind": "volante_individual"})
        assert response.status_code in (403, 404), (user, host)
    assert client_for(province.clerk_a, HOST_A).post(
        f"/gestion/padron/habitantes/{maria.pk}/documentos/", {"kind": "inventado"}
    ).status_code == 400
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize(("documento", "shown"), [
    ("12345678Z", "***4567**"), ("X1234567L", "****4567*"), ("", "")])
def test_other_members_documents_show_four_digits_only(documento, shown):
    assert padron_documents.masked_document(documento) == shown


def test_certificado_names_the_holders_in_office_on_the_day_of_issue(callejero, ctx, province):
    """The secretaria who certifies and the mayor who gives the visto bueno, with their
    titles, as recorded in /gestion/cargos/ for the day the certificate is issued."""
    import time_machine

    from tenants import actions as tenant_actions
    from tenants.actions import OfficeHolderData

    def add(office, name, wording, start, end=None):
        tenant_actions.add_office_holder(province.a, OfficeHolderData(
            office=office, name=name, wording=wording, start_date=start, end_date=end),
            acting_user=province.provincial_admin)

    add("alcaldia", "Francesc Gil Sala", "masculine", D(2019, 6, 15), D(2023, 6, 16))
    add("alcaldia", "Carme Navarro Jover", "feminine", D(2023, 6, 17))
    add("secretaria_intervencion", "Marta Boronat Climent", "feminine", D(2021, 3, 1))
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    with time_machine.travel(datetime.datetime(2023, 6, 16, 12, tzinfo=datetime.UTC)):
        before = pdf_text(padron_documents.certificado(maria, acting_user=province.clerk_a)
                          .file.read())
    with time_machine.travel(datetime.datetime(2023, 6, 17, 12, tzinfo=datetime.UTC)):
        after = pdf_text(padron_documents.certificado_historico(
            maria, acting_user=province.clerk_a).file.read())
    for text in (before, after):
        assert ("MARTA BORONAT CLIMENT, SECRETARIA-INTERVENTORA AJUNTAMENT D'AGOST "
                "CERTIFICA:") in text
        assert "La Secretaria-Interventora Marta Boronat Climent" in text
    assert "Vº Bº El Alcalde Francesc Gil Sala" in before
    assert "Carme Navarro" not in before
    assert "Vº Bº La Alcaldesa Carme Navarro Jover" in after
    assert "Francesc Gil" not in after

