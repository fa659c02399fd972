"""A household's cambio de domicilio: the whole hoja moves in one operation, each person
with their own Movimiento, all or nothing, audited."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError

from padron import actions
from padron.choices import Causa
from padron.models import Habitante, HojaPadronal, Movimiento, PeriodoResidencia
from provincial.models import AuditEvent
from tests.conftest import HOST_A, HOST_B
from tests.padron.test_operaciones import alta

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def familia(callejero, ctx):
    """María, Pau and Ana in one hoja at Calle Mayor 5 (Ana joined in 2023)."""
    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    pau = alta(callejero, ctx, fecha=D(2020, 3, 1), hoja=maria.hoja, nombre="Pau",
               documento="11111111H", sexo="1")
    ana = alta(callejero, ctx, fecha=D(2023, 6, 1), hoja=maria.hoja, nombre="Ana",
               documento="22222222J")
    return maria.hoja, [maria, pau, ana]


def _new_address(callejero):
    return actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2024, 1, 1))


def test_the_whole_household_moves_each_with_its_own_movimiento(callejero, ctx, familia):
    hoja, people = familia
    nueva = actions.cambiar_domicilio_hoja(hoja, _new_address(callejero), fecha=D(2024, 2, 1),
                                           ctx=ctx)
    assert Movimiento.objects.count() == 6
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).count() == 3
    for person in people:
        moved = Habitante.objects.get(pk=person.pk)
        assert moved.hoja == nueva
        assert moved.version == person.version + 1
        cambio = moved.movimientos.get(causa=Causa.CAMBIO_DOMICILIO)
        assert (cambio.fecha, cambio.hoja, cambio.domicilio.number, cambio.clerk_name) == (
            D(2024, 2, 1), nueva, 12, "Clerk Pruebas")
        periods = list(moved.periodos.order_by("desde").values_list("hoja", "hasta"))
        assert periods == [(hoja.pk, D(2024, 2, 1)), (nueva.pk, None)]
    assert nueva.domicilio.number == 12
    assert actions.convivientes(hoja, D(2024, 2, 1)) == []
    assert len(actions.convivientes(nueva, D(2024, 2, 1))) == 3
    assert AuditEvent.objects.filter(action="padron.habitante.cambio_domicilio").count() == 3
    whole = AuditEvent.objects.get(action="padron.hoja.cambio_domicilio")
    assert whole.detail == {"hoja_nueva": nueva.number, "domicilio": nueva.domicilio_id,
                            "fecha": "2024-02-01", "nias": [p.nia for p in people]}


def test_one_member_who_cannot_move_stops_the_move_and_nothing_is_written(callejero, ctx,
                                                                         familia):
    hoja, people = familia
    address = _new_address(callejero)
    before = (Movimiento.objects.count(), HojaPadronal.objects.count(),
              PeriodoResidencia.objects.count(), AuditEvent.objects.count())
    # Ana has lived here only since June 2023: she cannot have moved out in January.
    with pytest.raises(ValidationError) as caught:
        actions.cambiar_domicilio_hoja(hoja, address, fecha=D(2023, 1, 15), ctx=ctx)
    assert caught.value.message_dict == {"fecha": [
        "Ana García López vive en este domicilio desde el 01/06/2023: el cambio no puede tener "
        "una fecha anterior."]}
    assert (Movimiento.objects.count(), HojaPadronal.objects.count(),
            PeriodoResidencia.objects.count(), AuditEvent.objects.count()) == before
    assert Movimiento.objects.count() == 3
    assert set(Habitante.objects.values_list("hoja", flat=True)) == {hoja.pk}
    assert PeriodoResidencia.objects.filter(hasta__isnull=True).count() == 3


def test_a_household_changed_meanwhile_is_not_moved(callejero, ctx, familia):
    hoja, people = familia
    seen = {p.pk: p.version for p in people}
    actions.modificar_datos(people[1], {"telefono": "600000001"}, fecha=D(2024, 1, 1), ctx=ctx)
    with pytest.raises(ValidationError) as caught:
        actions.cambiar_domicilio_hoja(hoja, _new_address(callejero), fecha=D(2024, 2, 1),
                                       ctx=ctx, expected_versions=seen)
    assert caught.value.code == "stale"
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).count() == 0


def test_the_same_address_and_a_stranger_are_refused(callejero, ctx, familia):
    hoja, people = familia
    with pytest.raises(ValidationError) as caught:
        actions.cambiar_domicilio_hoja(hoja, hoja.domicilio, fecha=D(2024, 2, 1), ctx=ctx)
    assert caught.value.message_dict == {"domicilio": ["La hoja ya está en ese domicilio."]}
    vecino = alta(callejero, ctx, number=7, nombre="Otro", documento="33333333P")
    with pytest.raises(ValidationError) as caught:
        actions.cambiar_domicilio_hoja(hoja, _new_address(callejero), fecha=D(2024, 2, 1),
                                       ctx=ctx, habitantes=[people[0].pk, vecino.pk])
    assert caught.value.message_dict == {"habitantes": [
        "Alguna de las personas elegidas ya no está inscrita en esta hoja."]}
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).count() == 0


# --- the page ----------------------------------------------------------------------------


def _post(client, hoja, callejero, people, **overrides):
    data = {"via": callejero["mayor"].pk, "number": "12", "fecha": "2024-02-01",
            "documentos": "Contrato de alquiler", "habitantes": [p.pk for p in people],
            "estado": ",".join(f"{p.pk}:{p.version}" for p in sorted(people, key=lambda p: p.pk))}
    data.update(overrides)
    return client.post(f"/gestion/padron/hojas/{hoja.pk}/domicilio/", data)


def test_the_clerk_moves_the_household_from_one_form(callejero, familia, province, client_for):
    hoja, people = familia
    client = client_for(province.clerk_a, HOST_A)
    page = html.unescape(client.get(f"/gestion/padron/hojas/{hoja.pk}/domicilio/")
                         .content.decode())
    for person in people:
        assert f'value="{person.pk}"' in page
        assert person.full_name in page
    assert "Cambio de domicilio de la hoja" in html.unescape(
        client.get(f"/gestion/padron/hojas/{hoja.pk}/").content.decode())
    # Pau stays: only María and Ana move.
    response = _post(client, hoja, callejero, people,
                     habitantes=[people[0].pk, people[2].pk])
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    nueva = Habitante.objects.get(pk=people[0].pk).hoja
    assert response["Location"] == f"/gestion/padron/hojas/{nueva.pk}/"
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).count() == 2
    assert Habitante.objects.get(pk=people[1].pk).hoja == hoja
    assert Habitante.objects.get(pk=people[2].pk).hoja == nueva
    assert set(Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO)
               .values_list("documentos", flat=True)) == {"Contrato de alquiler"}
    followed = html.unescape(client.get(response["Location"]).content.decode())
    assert "Cambio de domicilio registrado para las 2 personas" in followed


def test_the_form_shows_why_and_writes_nothing(callejero, familia, province, client_for):
    hoja, people = familia
    client = client_for(province.clerk_a, HOST_A)
    before = (Movimiento.objects.count(), HojaPadronal.objects.count(),
              AuditEvent.objects.count())
    response = _post(client, hoja, callejero, people, fecha="2023-01-15")
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Ana García López vive en este domicilio desde el 01/06/2023" in body
    # A number outside every tramo of the street: the address is refused, none created.
    response = _post(client, hoja, callejero, people, number="51")
    assert "no está dentro de ningún tramo del callejero" in html.unescape(
        response.content.decode())
    for bad in ({"estado": "abc"}, {"habitantes": ["x"]}, {"habitantes": []}):
        assert _post(client, hoja, callejero, people, **bad).status_code == 200
    # Someone else saved Pau meanwhile: the page says so.
    Habitante.objects.filter(pk=people[1].pk).update(version=99)
    response = _post(client, hoja, callejero, people)
    assert "han cambiado mientras usted preparaba el traslado" in html.unescape(
        response.content.decode())
    assert (Movimiento.objects.count(), HojaPadronal.objects.count(),
            AuditEvent.objects.count()) == before


def test_only_padron_clerks_of_the_entity_move_households(callejero, familia, province,
                                                         client_for):
    hoja, people = familia
    for user, host, expected in ((province.clerk_b, HOST_B, 404), (province.clerk_b, HOST_A, 404),
                                 (province.admin_a, HOST_A, 403)):
        client = client_for(user, host)
        assert client.get(f"/gestion/padron/hojas/{hoja.pk}/domicilio/").status_code == expected
        assert _post(client, hoja, callejero, people).status_code == expected
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).count() == 0
