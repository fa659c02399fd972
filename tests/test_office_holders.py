"""The entity's office holders (alcaldía, secretaría…): periods without overlaps, the holder
on a date with the title worded as chosen, and the back-office pages of the user
administrator (/gestion/cargos/), audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from provincial.models import AuditEvent
from tenants import actions, offices
from tenants.actions import OfficeHolderData
from tenants.models import Entity, OfficeHolder
from tests.conftest import HOST_A, HOST_B

pytestmark = pytest.mark.django_db

D = datetime.date


def add(province, office, name, start, end=None, *, wording="neutral", title="", entity=None,
        nif=""):
    entity = entity or province.a
    acting_user = province.admin_a if entity.pk == province.a.pk else province.provincial_admin
    return actions.add_office_holder(entity, OfficeHolderData(
        office=office, name=name, wording=wording, title=title, start_date=start, end_date=end,
        nif=nif), acting_user=acting_user)


# --- the holder on a date -------------------------------------------------------------------


def test_the_holder_on_a_date_is_the_one_whose_period_covers_it(province):
    add(province, "alcaldia", "Francesc Gil Sala", D(2019, 6, 15), D(2023, 6, 16),
        wording="masculine")
    add(province, "alcaldia", "Carme Navarro Jover", D(2023, 6, 17), wording="feminine")
    add(province, "secretaria_intervencion", "Marta Boronat Climent", D(2021, 3, 1),
        wording="feminine")

    def on(day):
        signatories = offices.Signatories(province.a, day)
        return (signatories.visto_bueno, signatories.secretaria)

    visto_bueno, secretaria = on(D(2023, 6, 16))
    assert (visto_bueno.name, visto_bueno.signature_title) == ("Francesc Gil Sala", "El Alcalde")
    assert (secretaria.name, secretaria.title, secretaria.signature_title) == (
        "Marta Boronat Climent", "Secretaria-Interventora", "La Secretaria-Interventora")
    visto_bueno, _secretaria = on(D(2023, 6, 17))
    assert (visto_bueno.name, visto_bueno.signature_title) == ("Carme Navarro Jover",
                                                               "La Alcaldesa")
    assert on(D(2019, 6, 15))[0].name == "Francesc Gil Sala"
    # Before anyone was recorded, the offices themselves sign.
    visto_bueno, secretaria = on(D(2019, 6, 14))
    assert (visto_bueno.name, visto_bueno.signature_title) == ("", "La Alcaldía")
    assert (secretaria.name, secretaria.title) == ("", "La Secretaría")
    # Another entity's holders never show.
    assert offices.Signatories(province.b, D(2024, 1, 1)).visto_bueno.name == ""


@pytest.mark.parametrize(("office", "wording", "title", "heading", "signature"), [
    ("alcaldia", "feminine", "", "Alcaldesa", "La Alcaldesa"),
    ("alcaldia", "masculine", "", "Alcalde", "El Alcalde"),
    ("alcaldia", "neutral", "", "Titular de la Alcaldía", "La persona titular de la Alcaldía"),
    ("secretaria", "masculine", "", "Secretario", "El Secretario"),
    ("intervencion", "feminine", "", "Interventora", "La Interventora"),
    ("tesoreria", "neutral", "", "Titular de la Tesorería", "La persona titular de la Tesorería"),
    ("secretaria", "masculine", "El Secretario accidental", "Secretario accidental",
     "El Secretario accidental"),
    ("alcaldia", "feminine", "La Alcaldesa-Presidenta", "Alcaldesa-Presidenta",
     "La Alcaldesa-Presidenta"),
])
def test_titles_are_worded_as_the_holder_chose(office, wording, title, heading, signature):
    holder = OfficeHolder(office=office, wording=wording, title=title, name="X",
                          start_date=D(2024, 1, 1))
    assert (offices.heading_title(holder), offices.signature_title(holder)) == (heading, signature)


# --- periods never overlap --------------------------------------------------------------------


@pytest.mark.parametrize(("office", "start", "end"), [
    ("alcaldia", D(2023, 6, 16), None),  # starts on the last day of the other one
    ("alcaldia", D(2020, 1, 1), D(2020, 12, 31)),  # inside it
    ("alcaldia", D(2010, 1, 1), D(2019, 6, 15)),  # ends on its first day
    ("alcaldia", D(2010, 1, 1), None),  # open, from before
])
def test_overlapping_periods_of_one_office_are_refused(province, office, start, end):
    add(province, "alcaldia", "Francesc Gil Sala", D(2019, 6, 15), D(2023, 6, 16))
    with pytest.raises(ValidationError) as error:
        add(province, office, "Carme Navarro Jover", start, end)
    assert error.value.message_dict["start_date"] == [
        "Se solapa con Francesc Gil Sala (Alcaldía) del 15/06/2019 al 16/06/2023: termine antes "
        "ese periodo o cambie las fechas."]
    assert OfficeHolder.objects.for_entity(province.a).count() == 1
    assert not AuditEvent.objects.filter(action="tenants.office_holder.add",
                                         detail__name="Carme Navarro Jover").exists()


def test_offices_sharing_a_function_cannot_overlap_but_others_can(province):
    add(province, "secretaria", "Laura Payà Rico", D(2018, 1, 8))
    with pytest.raises(ValidationError, match="Se solapa con Laura Payà Rico"):
        add(province, "secretaria_intervencion", "Marta Boronat Climent", D(2021, 3, 1))
    # The Intervención is another function: at the same time is fine, and the next
    # Secretaría starts the day after the last one ends.
    add(province, "intervencion", "Miquel Tomàs Vidal", D(2020, 5, 4))
    laura = OfficeHolder.objects.get(name="Laura Payà Rico")
    actions.end_office_holder(laura, D(2021, 2, 28), acting_user=province.admin_a)
    with pytest.raises(ValidationError, match="Se solapa con Miquel Tomàs Vidal"):
        add(province, "secretaria_intervencion", "Marta Boronat Climent", D(2021, 3, 1))
    add(province, "secretaria", "Marta Boronat Climent", D(2021, 3, 1))
    assert OfficeHolder.objects.for_entity(province.a).count() == 3


def test_editing_or_ending_a_period_into_another_is_refused(province):
    first = add(province, "alcaldia", "Francesc Gil Sala", D(2019, 6, 15), D(2023, 6, 16))
    add(province, "alcaldia", "Carme Navarro Jover", D(2023, 6, 17))
    with pytest.raises(ValidationError, match="Se solapa con Carme Navarro Jover"):
        actions.end_office_holder(first, D(2023, 7, 1), acting_user=province.admin_a)
    with pytest.raises(ValidationError, match="Se solapa con Carme Navarro Jover"):
        actions.update_office_holder(first, OfficeHolderData(
            office="alcaldia", name="Francesc Gil Sala", start_date=D(2019, 6, 15)),
            acting_user=province.admin_a)
    first.refresh_from_db()
    assert first.end_date == D(2023, 6, 16)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": "  "}, "name", "Indique el nombre y los apellidos."),
    ({"nif": "12345678A"}, "nif", "El NIF no es válido (revise la letra)."),
    ({"end_date": D(2020, 1, 1)}, "end_date", "La fecha de fin no puede ser anterior a la de inicio."),
    ({"office": "presidencia"}, "office",
     "En un ayuntamiento el visto bueno lo da la Alcaldía: elija Alcaldía."),
    ({"office": "tesorero"}, "office", "Elija un cargo de la lista."),
    ({"wording": "x"}, "wording", "Elija un tratamiento de la lista."),
])
def test_bad_data_is_refused_with_a_spanish_message(province, data, field, message):
    fields = {"office": "alcaldia", "name": "Carme Navarro Jover", "start_date": D(2023, 6, 17),
              "wording": "feminine", **data}
    with pytest.raises(ValidationError) as error:
        actions.add_office_holder(province.a, OfficeHolderData(**fields),
                                  acting_user=province.admin_a)
    assert error.value.message_dict[field] == [message]
    assert not OfficeHolder.objects.exists()


def test_only_the_user_administrator_records_office_holders(province):
    from django.core.exceptions import PermissionDenied

    for user in (province.clerk_a, province.admin_b):
        with pytest.raises(PermissionDenied):
            actions.add_office_holder(province.a, OfficeHolderData(
                office="alcaldia", name="X", start_date=D(2024, 1, 1)), acting_user=user)
    assert not OfficeHolder.objects.exists()


# --- the back-office pages ----------------------------------------------------------------


def test_the_user_administrator_lists_adds_edits_and_ends_periods(province, client_for):
    admin = client_for(province.admin_a, HOST_A)
    body = admin.get("/gestion/cargos/").content.decode()
    assert "Cargos de la entidad" in body
    assert "sin titular registrado" in body
    assert 'href="/gestion/cargos/"' in admin.get("/gestion/").content.decode()  # navigation

    response = admin.post("/gestion/cargos/nuevo/", {
        "office": "alcaldia", "name": " Carme  Navarro Jover ", "nif": "12345678z",
        "wording": "feminine", "title": "", "start_date": "2023-06-17", "end_date": ""})
    assert response.status_code == 302
    holder = OfficeHolder.objects.get()
    assert (holder.entity_id, holder.name, holder.nif, holder.end_date) == (
        province.a.pk, "Carme Navarro Jover", "12345678Z", None)
    body = admin.get("/gestion/cargos/").content.decode()
    assert "La Alcaldesa: Carme Navarro Jover" in body

    response = admin.post(f"/gestion/cargos/{holder.pk}/", {
        "office": "alcaldia", "name": "Carme Navarro Jover", "nif": "",
        "wording": "feminine", "title": "La Alcaldesa-Presidenta", "start_date": "2023-06-17",
        "end_date": ""})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert (holder.title, holder.nif) == ("La Alcaldesa-Presidenta", "")

    response = admin.post(f"/gestion/cargos/{holder.pk}/terminar/", {"end_date": "2027-06-11"})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.end_date == D(2027, 6, 11)
    events = list(AuditEvent.objects.filter(action__startswith="tenants.office_holder.")
                  .order_by("pk").values_list("action", "entity_id", "user_id"))
    assert events == [(f"tenants.office_holder.{verb}", province.a.pk, province.admin_a.pk)
                      for verb in ("add", "update", "end")]


def test_the_form_shows_overlaps_and_bad_dates_as_errors(province, client_for):
    add(province, "alcaldia", "Francesc Gil Sala", D(2019, 6, 15))
    admin = client_for(province.admin_a, HOST_A)
    response = admin.post("/gestion/cargos/nuevo/", {
        "office": "alcaldia", "name": "Carme Navarro Jover", "wording": "feminine",
        "start_date": "2023-06-17"})
    assert response.status_code == 200
    assert ("Se solapa con Francesc Gil Sala (Alcaldía), en el cargo desde el 15/06/2019 sin "
            "fecha de fin: termine antes ese periodo o cambie las fechas.") in \
        response.content.decode()
    response = admin.post("/gestion/cargos/nuevo/", {
        "office": "alcaldia", "name": "Carme Navarro Jover", "wording": "feminine",
        "start_date": "2023-02-30"})
    assert response.status_code == 200
    assert "Introduzca una fecha válida." in response.content.decode()
    holder = OfficeHolder.objects.get()
    response = admin.post(f"/gestion/cargos/{holder.pk}/terminar/", {"end_date": "2019-01-01"})
    assert response.status_code == 400
    assert "La fecha de fin no puede ser anterior a la de inicio (15/06/2019)." in \
        response.content.decode()
    response = admin.post(f"/gestion/cargos/{holder.pk}/terminar/", {"end_date": "ayer"})
    assert response.status_code == 400
    assert OfficeHolder.objects.get().end_date is None


def test_clerks_and_other_entities_cannot_reach_the_pages(province, client_for):
    holder = add(province, "alcaldia", "Francesc Gil Sala", D(2019, 6, 15))
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get("/gestion/cargos/").status_code == 403
    assert clerk.post(f"/gestion/cargos/{holder.pk}/terminar/",
                      {"end_date": "2024-01-01"}).status_code == 403
    # The user administrator of B: A's holder does not exist on B's host.
    other = client_for(province.admin_b, HOST_B)
    assert other.get(f"/gestion/cargos/{holder.pk}/").status_code == 404
    assert other.post(f"/gestion/cargos/{holder.pk}/terminar/",
                      {"end_date": "2024-01-01"}).status_code == 404
    holder.refresh_from_db()
    assert holder.end_date is None


def test_the_demo_records_plausible_office_holders(province):
    from tenants import demo

    assert set(demo.OFFICE_HOLDERS) == {slug for slug, *_rest in demo.MUNICIPALITIES} | {
        demo.MANCOMUNIDAD[0]}
    for slug, rows in demo.OFFICE_HOLDERS.items():
        offices_held = {office for office, *_rest in rows}
        assert offices_held & {"alcaldia", "presidencia"}, slug
        assert offices_held & {"secretaria", "secretaria_intervencion"}, slug
    # _office_holders goes through the action, which refuses overlaps and wrong kinds.
    agost = Entity.objects.get(pk=province.a.pk)
    demo._office_holders({"agost": agost}, province.provincial_admin, only=["agost"])
    demo._office_holders({"agost": agost}, province.provincial_admin, only=["agost"])  # again
    assert OfficeHolder.objects.for_entity(agost).count() == 3
    today = offices.Signatories(agost, D(2026, 1, 15))
    assert (today.visto_bueno.signature_title, today.visto_bueno.name) == (
        "La Alcaldesa", "Carme Navarro Jover")
    assert (today.secretaria.signature_title, today.secretaria.name) == (
        "La Secretaria-Interventora", "Marta Boronat Climent")


def test_office_holders_travel_with_the_entitys_backup(province):
    import io

    from django.db import connection

    from tenants import backup

    add(province, "alcaldia", "Antoni Bernabeu Sempere", D(2023, 6, 17), entity=province.b,
        wording="masculine")
    archive = io.BytesIO()
    backup.dump_entity(province.b, archive)
    archive.seek(0)
    OfficeHolder.objects.for_entity(province.b).update(name="Cambiado")
    backup.restore_entity(archive, into=province.b)
    connection.set_schema_to_public()
    assert list(OfficeHolder.objects.for_entity(province.b).values_list(
        "office", "name", "wording", "start_date", "end_date")) == [
        ("alcaldia", "Antoni Bernabeu Sempere", "masculine", D(2023, 6, 17), None)]
