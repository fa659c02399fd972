"""The demo padrón generator writes what the actions would have written."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from stdnum.es import dni, nie

from padron import actions, codelists, demo
from padron.choices import Causa, TipoDocumento
from padron.models import (
    Domicilio,
    ErrorINE,
    Habitante,
    HojaPadronal,
    Movimiento,
    PeriodoResidencia,
    Seccion,
    Tramo,
    Via,
)
from provincial.models import AuditEvent

N = 260


@pytest.fixture
def generated(in_a):
    return demo.generate(in_a, inhabitants=N, seed=11)


def test_generates_exactly_n_inscribed_inhabitants_and_some_former_ones(generated):
    assert Habitante.objects.inscritos().count() == N == generated.inhabitants
    assert Habitante.objects.filter(is_registered=False).count() == generated.former
    assert actions.padron_en_fecha(timezone.localdate()).count() == N
    assert AuditEvent.objects.filter(action="padron.demo.generado").exists()


def test_every_inscrito_has_one_open_period_and_one_alta(generated):
    inscritos = Habitante.objects.inscritos().annotate(
        abiertos=Count("periodos", filter=Q(periodos__hasta__isnull=True), distinct=True),
        altas=Count("movimientos", filter=Q(movimientos__tipo="A"), distinct=True))
    assert Counter((h.abiertos, h.altas) for h in inscritos) == {(1, 1): N}
    # The open period is at the inhabitant's current hoja and address.
    mismatched = PeriodoResidencia.objects.filter(hasta__isnull=True).exclude(
        hoja=F("habitante__hoja"))
    assert not mismatched.exists()


def test_former_inhabitants_have_closed_periods_ending_with_their_baja(generated):
    for habitante in Habitante.objects.filter(is_registered=False).prefetch_related(
            "periodos", "movimientos"):
        baja = [m for m in habitante.movimientos.all() if m.tipo == "B"]
        assert len(baja) == 1
        assert baja[0].fecha == habitante.fecha_baja
        assert all(p.hasta is not None for p in habitante.periodos.all())
        last = max(habitante.periodos.all(), key=lambda p: p.desde)
        assert last.hasta == habitante.fecha_baja
        assert last.fin_id == baja[0].pk


def test_history_is_ordered_and_periods_chain_without_gaps(generated):
    for habitante in Habitante.objects.prefetch_related("periodos", "movimientos")[:200]:
        periods = sorted(habitante.periodos.all(), key=lambda p: p.desde)
        assert periods[0].desde == habitante.fecha_alta
        for before, after in zip(periods, periods[1:], strict=False):
            assert before.hasta == after.desde
            assert before.fin_id == after.alta_id
        moves = sorted(habitante.movimientos.all(), key=lambda m: (m.fecha, m.created_at))
        assert moves[0].tipo == "A"
        assert moves[0].fecha == habitante.fecha_alta
        assert moves[0].datos["nia"] == habitante.nia
        assert moves[0].datos["fecha_nacimiento"] == habitante.fecha_nacimiento.isoformat()
        assert habitante.fecha_nacimiento <= habitante.fecha_alta <= timezone.localdate()
        if moves[0].causa == Causa.ALTA_NACIMIENTO:
            assert moves[0].fecha == habitante.fecha_nacimiento


def test_documents_numbers_and_names_follow_the_rules_of_the_actions(generated):
    for h in Habitante.objects.all():
        assert h.nia == f"{h.pk:015d}"
        assert h.hoja.number == f"{h.hoja_id:010d}"
        assert h.search_name == actions.normalize(h.full_name)
        assert h.apellido1
        assert h.nombre
        if h.tipo_documento == TipoDocumento.DNI:
            assert dni.is_valid(h.documento)
            assert h.nacionalidad == codelists.SPAIN
        elif h.tipo_documento == TipoDocumento.TARJETA_EXTRANJERO:
            assert nie.is_valid(h.documento)
            assert h.nacionalidad != codelists.SPAIN
        elif h.tipo_documento == TipoDocumento.SIN_DOCUMENTO:
            assert h.documento == ""
        # What the alta form would accept (normalize_document raises otherwise).
        assert actions.normalize_document(h.tipo_documento, h.documento) == h.documento
        assert codelists.country(h.nacionalidad) is not None
        if h.requires_renewal:
            assert not codelists.is_eu_eea(h.nacionalidad)
            assert h.renewal_due is not None
    documents = list(Habitante.objects.inscritos().exclude(documento="")
                     .values_list("tipo_documento", "documento"))
    assert len(documents) == len(set(documents))


def test_addresses_lie_inside_their_tramos_with_the_right_parity(generated):
    for domicilio in Domicilio.objects.select_related("tramo"):
        assert domicilio.tramo.contains(domicilio.number), domicilio
        assert domicilio.tramo.via_id == domicilio.via_id
        # The tramo the action would find for that number.
        assert actions.locate_tramo(via=domicilio.via, number=domicilio.number,
                                    date=timezone.localdate()) == domicilio.tramo
    for period in PeriodoResidencia.objects.select_related("domicilio__tramo"):
        assert period.seccion_id == period.domicilio.tramo.seccion_id
    sizes = Counter(PeriodoResidencia.objects.filter(hasta__isnull=True)
                    .values_list("hoja_id", flat=True))
    assert max(sizes.values()) <= 6


def test_synthetic_callejero_and_a_realistic_mix(generated):
    assert 40 <= Via.objects.count() <= 400
    assert Seccion.objects.count() >= 2
    assert Tramo.objects.filter(numbering="1").exists()
    assert Tramo.objects.filter(numbering="2").exists()
    for via in Via.objects.all()[:20]:
        assert via.name_on(timezone.localdate()) is not None
        assert via.name_on(datetime.date(1997, 1, 1)) is not None
    inscritos = Habitante.objects.inscritos()
    foreign = inscritos.exclude(nacionalidad=codelists.SPAIN).count()
    assert 0.03 * N <= foreign <= 0.25 * N
    assert inscritos.filter(apellido2="", nacionalidad=codelists.SPAIN).count() == 0
    assert ErrorINE.objects.filter(processed_at__isnull=True).count() >= 3
    assert Movimiento.objects.filter(causa=Causa.CAMBIO_DOMICILIO).exists()
    assert Movimiento.objects.filter(tipo="B").exists()
    assert HojaPadronal.objects.count() >= N // 6


def test_existing_callejero_is_used_and_numbers_stay_in_its_tramos(in_a, callejero):
    demo.generate(in_a, inhabitants=40, seed=3)
    assert Via.objects.count() == 2
    assert Habitante.objects.inscritos().count() == 40
    for domicilio in Domicilio.objects.select_related("tramo"):
        assert domicilio.tramo.contains(domicilio.number)
    # Alta dates never precede the callejero's validity (1 January 2000 in the fixture).
    assert not Habitante.objects.filter(fecha_alta__lt=datetime.date(2000, 1, 1)).exists()


def test_management_command(in_a, capsys):
    call_command("generate_padron", "agost", "--inhabitants", "25", "--seed", "5")
    out = capsys.readouterr().out
    assert "25 habitantes inscritos" in out
    assert Habitante.objects.inscritos().count() == 25
