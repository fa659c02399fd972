"""Operations on the padrón, their history, and the padrón rebuilt at past dates."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from padron import actions
from padron.choices import Causa, TipoDocumento
from padron.models import Habitante, Movimiento, PeriodoResidencia
from provincial.models import AuditEvent
from tests.padron.conftest import persona

D = datetime.date


FECHA_ALTA = D(2020, 3, 1)


def alta(callejero, ctx, *, number=5, fecha=FECHA_ALTA, hoja=None, **person):
    domicilio = actions.domicilio_for(via=callejero["mayor"], number=number, date=fecha,
                                      planta="1", puerta="A")
    return actions.dar_de_alta(persona(**person), causa=Causa.ALTA_CAMBIO_RESIDENCIA, fecha=fecha,
                               domicilio=domicilio, ctx=ctx, hoja=hoja, procedencia="03014")


def test_alta_inscribes_with_its_history_and_period(callejero, ctx):
    habitante = alta(callejero, ctx)
    assert habitante.is_registered
    assert habitante.nia == f"{habitante.pk:015d}"
    assert habitante.search_name == "maria garcia lopez"
    movimiento = habitante.movimientos.get()
    assert (movimiento.tipo, movimiento.causa, movimiento.fecha) == ("A", "AC", D(2020, 3, 1))
    assert movimiento.datos["documento"] == "12345678Z"
    assert movimiento.clerk_name == "Clerk Pruebas"
    assert movimiento.documentos == "Contrato de alquiler"
    period = habitante.periodos.get()
    assert period.desde == D(2020, 3, 1)
    assert period.hasta is None
    assert period.seccion == callejero["s1"]
    assert AuditEvent.objects.filter(action="padron.habitante.alta",
                                     object_id=str(habitante.pk)).exists()


def test_a_document_already_inscribed_is_refused_showing_who_has_it(callejero, ctx):
    first = alta(callejero, ctx)
    with pytest.raises(actions.DuplicateHabitante) as excinfo:
        alta(callejero, ctx, number=7, nombre="Otra", documento="12345678-z")
    assert excinfo.value.existing == first
    assert excinfo.value.message_dict["documento"] == [
        f"Este documento ya está empadronado: María García López (NIA {first.nia})."]
    assert Habitante.objects.count() == 1


@pytest.mark.parametrize(("tipo", "documento", "message"), [
    (TipoDocumento.DNI, "12345678A", "El DNI 12345678A no es válido"),
    (TipoDocumento.TARJETA_EXTRANJERO, "X1234567A", "El NIE X1234567A no es válido"),
])
def test_wrong_dni_or_nie_letter_is_refused_next_to_the_field(callejero, ctx, tipo, documento,
                                                              message):
    with pytest.raises(ValidationError) as excinfo:
        alta(callejero, ctx, tipo_documento=tipo, documento=documento, nacionalidad="228")
    assert excinfo.value.message_dict["documento"][0].startswith(message)


def test_impossible_dates_are_refused(callejero, ctx):
    with pytest.raises(ValidationError) as excinfo:
        alta(callejero, ctx, fecha_nacimiento=D(2099, 1, 1))
    assert "La fecha de nacimiento no puede ser futura." in excinfo.value.message_dict[
        "fecha_nacimiento"]
    habitante = alta(callejero, ctx)
    with pytest.raises(ValidationError) as excinfo:
        actions.dar_de_baja(habitante, causa=Causa.BAJA_DEFUNCION, fecha=D(2019, 1, 1), ctx=ctx)
    assert excinfo.value.message_dict["fecha"] == [
        "La baja (01/01/2019) no puede ser anterior al alta (01/03/2020)."]


def test_an_address_outside_every_tramo_is_refused(callejero, ctx):
    with pytest.raises(ValidationError) as excinfo:
        actions.domicilio_for(via=callejero["mayor"], number=51, date=D(2020, 1, 1))
    assert "no está dentro de ningún tramo" in excinfo.value.message_dict["number"][0]
    # Right number, wrong parity on a street whose even side stops at 60.
    with pytest.raises(ValidationError):
        actions.domicilio_for(via=callejero["mayor"], number=62, date=D(2020, 1, 1))
    assert actions.domicilio_for(via=callejero["mayor"], number=60, date=D(2020, 1, 1)).tramo \
        .seccion == callejero["s2"]


def test_baja_closes_the_period_and_keeps_the_history(callejero, ctx):
    habitante = alta(callejero, ctx)
    actions.dar_de_baja(habitante, causa=Causa.BAJA_CAMBIO_RESIDENCIA, fecha=D(2023, 6, 30),
                        ctx=ctx, destino="03065")
    habitante.refresh_from_db()
    assert not habitante.is_registered
    assert habitante.fecha_baja == D(2023, 6, 30)
    assert list(habitante.movimientos.values_list("causa", flat=True)) == ["AC", "BC"]
    assert habitante.periodos.get().hasta == D(2023, 6, 30)
    # The same document can be inscribed again once the first one left.
    assert alta(callejero, ctx, fecha=D(2024, 1, 10)).pk != habitante.pk


def test_cambio_de_domicilio_and_the_padron_at_past_dates(callejero, ctx):
    habitante = alta(callejero, ctx, fecha=D(2020, 3, 1))
    nuevo = actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2022, 1, 1))
    actions.cambiar_domicilio(habitante, nuevo, fecha=D(2022, 1, 15), ctx=ctx)
    at = {day: list(actions.padron_en_fecha(day).filter(habitante=habitante)
                    .values_list("domicilio__number", "seccion__code"))
          for day in (D(2020, 2, 28), D(2021, 6, 1), D(2022, 1, 14), D(2022, 1, 15), D(2024, 1, 1))}
    assert at == {D(2020, 2, 28): [], D(2021, 6, 1): [(5, "001")], D(2022, 1, 14): [(5, "001")],
                  D(2022, 1, 15): [(12, "002")], D(2024, 1, 1): [(12, "002")]}


def test_volante_de_convivencia_lists_exactly_the_hoja_on_that_date(callejero, ctx):
    madre = alta(callejero, ctx, fecha=D(2020, 3, 1))
    hijo = actions.dar_de_alta(
        persona(nombre="Pau", documento="", tipo_documento=TipoDocumento.SIN_DOCUMENTO,
                fecha_nacimiento=D(2021, 4, 2), sexo="1"),
        causa=Causa.ALTA_NACIMIENTO, fecha=D(2021, 4, 2), domicilio=madre.hoja.domicilio,
        hoja=madre.hoja, ctx=ctx)
    abuelo = alta(callejero, ctx, fecha=D(2020, 3, 1), hoja=madre.hoja, nombre="Josep",
                  documento="87654321X", fecha_nacimiento=D(1950, 1, 1), sexo="1")
    actions.dar_de_baja(abuelo, causa=Causa.BAJA_DEFUNCION, fecha=D(2022, 12, 1), ctx=ctx)

    def names(day):
        return [p.habitante.nombre for p in actions.convivientes(madre.hoja, day)]

    assert names(D(2021, 1, 1)) == ["Josep", "María"]
    assert names(D(2021, 5, 1)) == ["Josep", "María", "Pau"]
    assert names(D(2023, 1, 1)) == ["María", "Pau"]
    assert hijo.hoja == madre.hoja


def test_modification_keeps_the_old_data_for_past_dates(callejero, ctx):
    habitante = alta(callejero, ctx)
    actions.modificar_datos(habitante, {"apellido2": "Llopis"}, fecha=D(2022, 2, 1), ctx=ctx,
                            expected_version=habitante.version)
    habitante.refresh_from_db()
    assert habitante.apellido2 == "Llopis"
    assert habitante.search_name == "maria garcia llopis"
    assert actions.datos_en_fecha(habitante, D(2021, 1, 1))["apellido2"] == "López"
    assert actions.datos_en_fecha(habitante, D(2023, 1, 1))["apellido2"] == "Llopis"


def test_concurrent_edits_refuse_the_second_save(callejero, ctx):
    habitante = alta(callejero, ctx)
    seen_by_both = habitante.version
    actions.modificar_datos(habitante, {"telefono": "600111222"}, fecha=D(2022, 1, 1), ctx=ctx,
                            expected_version=seen_by_both)
    with pytest.raises(ValidationError) as excinfo:
        actions.modificar_datos(habitante, {"telefono": "699999999"}, fecha=D(2022, 1, 1),
                                ctx=ctx, expected_version=seen_by_both)
    assert "Otra persona ha modificado los datos de María García López" in excinfo.value.messages[0]
    habitante.refresh_from_db()
    assert habitante.telefono == "600111222"


def test_movimientos_are_immutable(callejero, ctx):
    movimiento = alta(callejero, ctx).movimientos.get()
    movimiento.observaciones = "cambiado"
    with pytest.raises(ValueError, match="immutable"):
        movimiento.save()


def test_encsarp_renewal_due_list_and_caducidad(callejero, ctx):
    from django.utils import timezone

    today = timezone.localdate()
    extranjero = alta(callejero, ctx, fecha=today - datetime.timedelta(days=700),
                      nombre="Youssef", apellido1="El Amrani", apellido2="",
                      tipo_documento=TipoDocumento.TARJETA_EXTRANJERO, documento="X1234567L",
                      nacionalidad="228", provincia_nacimiento="", municipio_nacimiento="")
    comunitario = alta(callejero, ctx, number=7, fecha=today - datetime.timedelta(days=700),
                       nombre="Giulia", apellido1="Rossi", apellido2="",
                       tipo_documento=TipoDocumento.PASAPORTE, documento="YA1234567",
                       nacionalidad="115")
    assert extranjero.requires_renewal
    assert not comunitario.requires_renewal
    assert list(actions.renewals_due()) == [extranjero]
    assert not actions.caducadas().exists()
    with pytest.raises(ValidationError, match="Solo caduca"):
        actions.dar_de_baja(extranjero, causa=Causa.BAJA_CADUCIDAD, fecha=today, ctx=ctx)
    actions.renovar(extranjero, fecha=today, ctx=ctx)
    extranjero.refresh_from_db()
    assert extranjero.renewal_due == actions._add_years(today, 2)
    assert list(actions.renewals_due()) == []
    # Two years later without renewal: caducidad.
    Habitante.objects.filter(pk=extranjero.pk).update(renewal_due=today - datetime.timedelta(days=1))
    extranjero.refresh_from_db()
    assert list(actions.caducadas()) == [extranjero]
    actions.dar_de_baja(extranjero, causa=Causa.BAJA_CADUCIDAD, fecha=today, ctx=ctx)


def test_an_inhabitant_with_a_pending_ine_error_is_blocked(callejero, ctx, province):
    habitante = alta(callejero, ctx)
    error = actions.registrar_error_ine(habitante, code="E123",
                                        description="Documento no coincide con el del INE")
    assert habitante.is_blocked
    with pytest.raises(ValidationError) as excinfo:
        actions.check_can_certify(habitante)
    assert "tiene errores del INE pendientes de tratar (E123 Documento no coincide" in \
        excinfo.value.messages[0]
    actions.tratar_error_ine(error, acting_user=province.clerk_a)
    assert not habitante.is_blocked
    actions.check_can_certify(habitante)


def test_search_by_name_ignores_accents_and_case_and_matches_word_prefixes(callejero, ctx):
    maria = alta(callejero, ctx)
    alta(callejero, ctx, number=7, nombre="José", apellido1="Martínez", apellido2="Soler",
         documento="87654321X", sexo="1")
    assert list(actions.search("GARCIA lop")) == [maria]
    assert list(actions.search("maría")) == [maria]
    assert list(actions.search("12345678-z")) == [maria]
    assert list(actions.search("arcia")) == []  # prefixes of words, not any substring
    assert {h.nombre for h in actions.search("")} == {"María", "José"}


def test_periods_have_one_open_period_per_person(callejero, ctx):
    habitante = alta(callejero, ctx)
    assert PeriodoResidencia.objects.filter(habitante=habitante, hasta__isnull=True).count() == 1
    assert Movimiento.objects.filter(habitante=habitante).count() == 1


def test_unknown_ine_codes_are_refused(callejero, ctx):
    with pytest.raises(ValidationError) as excinfo:
        alta(callejero, ctx, nacionalidad="999", provincia_nacimiento="77",
             municipio_nacimiento="14")
    errors = excinfo.value.message_dict
    assert errors["nacionalidad"] == ["999 no es un código de país del INE."]
    assert errors["provincia_nacimiento"] == ["77 no es un código de provincia del INE (01 a 52)."]
    assert errors["municipio_nacimiento"] == ["El código de municipio del INE tiene tres cifras."]


def test_supporting_documents_are_stored_with_their_hash(callejero, province):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import pdf

    scan = pdf("contrato.pdf")
    ctx = actions.Contexto(acting_user=province.clerk_a, documentos="Contrato",
                           adjuntos=[scan])
    habitante = alta(callejero, ctx)
    adjunto = habitante.movimientos.get().adjuntos.get()
    from tenants.demo import ACCEPTANCE_PDF

    assert adjunto.sha256 == hashlib.sha256(ACCEPTANCE_PDF).hexdigest()
    assert adjunto.content_type == "application/pdf"
    assert adjunto.name == "contrato.pdf"
    fake = SimpleUploadedFile("dni.jpg", b"MZ\x90\x00 not an image")
    bad = actions.Contexto(acting_user=province.clerk_a, adjuntos=[fake])
    with pytest.raises(ValidationError) as excinfo:
        alta(callejero, bad, number=7, documento="87654321X")
    assert "«dni.jpg» no es un fichero PDF / JPEG / PNG" in excinfo.value.message_dict["adjuntos"][0]
    assert Habitante.objects.count() == 1
