"""State machine, history, optimistic locking, routing, merge/link, phone calls."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from soporte import actions
from soporte.actions import Conflicto, DatosLlamada, NuevaIncidencia
from soporte.choices import Estado, TipoEvento
from soporte.models import Evento, Incidencia, Llamada, ReglaAsignacion
from tenants.models import Service

from .conftest import AGENT, REPORTER, madrid

pytestmark = pytest.mark.django_db


def test_reference_is_per_year_and_gap_free(file_incidencia):
    first = file_incidencia(now=madrid(2026, 3, 2, 9))
    second = file_incidencia(now=madrid(2026, 3, 2, 10))
    other_year = file_incidencia(now=madrid(2027, 1, 4, 9))
    number = int(first.reference.rsplit("-", 1)[1])
    assert first.reference.startswith("INC-2026-")
    assert second.reference == f"INC-2026-{number + 1:06d}"
    assert other_year.reference.startswith("INC-2027-")


def test_entity_files_only_about_adhered_services_or_general(province, file_incidencia):
    general = file_incidencia(service_code=None)
    assert general.service is None
    padron = file_incidencia(service_code="padron")
    assert padron.service.code == "padron"
    with pytest.raises(ValidationError) as refused:
        file_incidencia(service_code="certificados")
    assert "no está adherida" in str(refused.value)
    assert not Incidencia.objects.filter(service__code="certificados").exists()


def test_clerk_of_b_cannot_file_for_a(province, file_incidencia):
    with pytest.raises(ValidationError):
        file_incidencia(entity=province.a, reporter=province.clerk_b)


def test_full_life_cycle_writes_history(province, file_incidencia, grupo):
    agent = province.support_agent
    inc = file_incidencia()
    actions.tomar(inc, acting_user=agent)
    assert inc.state == Estado.ASIGNADA
    assert inc.assignee == agent
    actions.cambiar_estado(inc, Estado.EN_CURSO, acting_user=agent, role=AGENT)
    actions.cambiar_estado(inc, Estado.PENDIENTE, acting_user=agent, role=AGENT)
    actions.responder(inc, author=province.clerk_a, body="Ya lo he probado.", role=REPORTER)
    inc.refresh_from_db()
    assert inc.state == Estado.EN_CURSO  # the user's answer restarts the clocks
    actions.cambiar_estado(inc, Estado.RESUELTA, acting_user=agent, role=AGENT)
    actions.reabrir(inc, acting_user=province.clerk_a, role=REPORTER)
    actions.cambiar_estado(inc, Estado.RESUELTA, acting_user=agent, role=AGENT)
    actions.cambiar_estado(inc, Estado.CERRADA, acting_user=province.clerk_a, role=REPORTER)
    kinds = list(Evento.objects.filter(incidencia=inc).values_list("kind", "new_value"))
    assert kinds == [
        (TipoEvento.CREADA, "No puedo entrar en el padrón"),
        (TipoEvento.ASIGNACION, "Primer nivel · Support Pruebas"),
        (TipoEvento.ESTADO, "En curso"),
        (TipoEvento.ESTADO, "Pendiente del usuario"),
        (TipoEvento.RESPUESTA, ""),
        (TipoEvento.ESTADO, "En curso"),
        (TipoEvento.ESTADO, "Resuelta"),
        (TipoEvento.REAPERTURA, "En curso"),
        (TipoEvento.ESTADO, "Resuelta"),
        (TipoEvento.ESTADO, "Cerrada"),
    ]
    assert inc.closed_at is not None
    assert inc.version == 9


def test_transition_table_refuses_and_writes_nothing(province, file_incidencia):
    inc = file_incidencia()
    with pytest.raises(ValidationError) as wrong:
        actions.cambiar_estado(inc, Estado.RESUELTA, acting_user=province.clerk_a, role=REPORTER)
    assert "Solo el equipo de soporte" in str(wrong.value)
    actions.cambiar_estado(inc, Estado.CERRADA, acting_user=province.support_agent, role=AGENT)
    with pytest.raises(ValidationError) as closed:
        actions.cambiar_estado(inc, Estado.EN_CURSO, acting_user=province.support_agent, role=AGENT)
    assert "no puede pasar" in str(closed.value)
    assert Evento.objects.filter(incidencia=inc).count() == 2


def test_reopen_only_within_configured_period(province, file_incidencia):
    from soporte.models import Configuracion

    Configuracion.objects.update_or_create(pk=1, defaults={"reopen_days": 5})
    inc = file_incidencia(now=madrid(2026, 3, 2, 9))
    actions.cambiar_estado(inc, Estado.RESUELTA, acting_user=province.support_agent, role=AGENT,
                           now=madrid(2026, 3, 2, 10))
    with pytest.raises(ValidationError) as late:
        actions.reabrir(inc, acting_user=province.clerk_a, role=REPORTER, now=madrid(2026, 3, 8, 10))
    assert "El plazo para reabrir la incidencia terminó el 07/03/2026 10:00" in str(late.value)
    actions.reabrir(inc, acting_user=province.clerk_a, role=REPORTER, now=madrid(2026, 3, 6, 10))
    assert inc.state == Estado.EN_CURSO
    assert inc.resolved_at is None


def test_evento_history_is_append_only(file_incidencia):
    inc = file_incidencia()
    evento = Evento.objects.filter(incidencia=inc).first()
    with pytest.raises(Exception, match="no se modifica"), transaction.atomic():
        Evento.objects.filter(pk=evento.pk).update(new_value="otra cosa")
    with pytest.raises(Exception, match="no se modifica"), transaction.atomic():
        Evento.objects.filter(pk=evento.pk).delete()


def test_concurrent_change_second_agent_gets_conflict(province, file_incidencia):
    inc = file_incidencia()
    seen_by_first = Incidencia.objects.get(pk=inc.pk)
    seen_by_second = Incidencia.objects.get(pk=inc.pk)
    actions.cambiar_estado(seen_by_first, Estado.EN_CURSO, acting_user=province.support_agent,
                           role=AGENT, expected_version=seen_by_first.version)
    with pytest.raises(Conflicto) as conflict:
        actions.cambiar_estado(seen_by_second, Estado.CERRADA, acting_user=province.provincial_admin,
                               role=AGENT, expected_version=seen_by_second.version)
    assert "Otra persona ha modificado la incidencia" in str(conflict.value)
    inc.refresh_from_db()
    assert inc.state == Estado.EN_CURSO
    assert inc.version == 2
    assert Evento.objects.filter(incidencia=inc, kind=TipoEvento.ESTADO).count() == 1


def test_concurrent_update_from_another_connection_is_not_lost(province, file_incidencia):
    """The conditional UPDATE really is evaluated by PostgreSQL: a change committed by
    another connection between read and write makes the write fail."""
    inc = file_incidencia()
    version = inc.version
    with connection.cursor() as cursor:  # stands for the other agent's committed change
        cursor.execute("UPDATE soporte_incidencia SET priority = 4, version = version + 1 "
                       "WHERE id = %s", [inc.pk])
    with pytest.raises(Conflicto):
        actions.cambiar_prioridad(inc, 1, acting_user=province.support_agent, expected_version=version)
    assert Incidencia.objects.get(pk=inc.pk).priority == 4


def test_routing_rule_round_robin(province, file_incidencia, grupo, db):
    from tests.conftest import _user

    second = _user("agente_dos", is_support_agent=True)
    grupo.members.add(second)
    ReglaAsignacion.objects.create(service=Service.objects.get(code="padron"), grupo=grupo,
                                   round_robin=True)
    one = file_incidencia(service_code="padron")
    two = file_incidencia(service_code="padron")
    three = file_incidencia(service_code="padron")
    general = file_incidencia()
    assert [one.assignee, two.assignee, three.assignee] == [province.support_agent, second,
                                                             province.support_agent]
    assert one.state == Estado.ASIGNADA
    assert one.grupo == grupo
    assert general.grupo is None
    assert general.state == Estado.NUEVA


def test_merge_duplicate_and_link_related(province, file_incidencia):
    agent = province.support_agent
    original = file_incidencia()
    duplicate = file_incidencia(subject="Otra vez el padrón")
    other_entity = file_incidencia(entity=province.b, reporter=province.clerk_b)
    with pytest.raises(ValidationError):
        actions.fusionar(duplicate, other_entity, acting_user=agent)
    actions.fusionar(duplicate, original, acting_user=agent)
    duplicate.refresh_from_db()
    assert duplicate.state == Estado.CERRADA
    assert duplicate.merged_into == original
    assert Evento.objects.filter(incidencia=original, kind=TipoEvento.FUSION,
                                 old_value=duplicate.reference).exists()
    actions.relacionar(original, other_entity, acting_user=agent)
    assert list(other_entity.related.all()) == [original]
    with pytest.raises(ValidationError):
        actions.relacionar(other_entity, original, acting_user=agent)


def test_phone_call_attached_to_existing_or_new_incident(province, file_incidencia):
    agent = province.support_agent
    inc = file_incidencia()
    call = actions.registrar_llamada(
        DatosLlamada(caller="Ana (Agost)", phone="965000000", started_at=madrid(2026, 3, 2, 9, 5),
                     duration_minutes=7, summary="Explica el error de permisos."),
        agent=agent, incidencia=inc)
    assert call.incidencia == inc
    assert Evento.objects.filter(incidencia=inc, kind=TipoEvento.LLAMADA, new_value="Ana (Agost)").exists()
    new_call = actions.registrar_llamada(
        DatosLlamada(caller="Pere (Castalla)", phone="", started_at=madrid(2026, 3, 2, 10),
                     duration_minutes=3, summary="No imprime los volantes."),
        agent=agent, entity=province.b,
        nueva=NuevaIncidencia(subject="No imprime volantes", description="Desde esta mañana."),
        reporter=province.clerk_b)
    created = new_call.incidencia
    assert created.entity == province.b
    assert created.via == "telefono"
    assert created.reporter == province.clerk_b
    assert Llamada.objects.filter(incidencia=created).count() == 1


def test_bulk_actions_report_each_refusal(province, file_incidencia):
    one, two = file_incidencia(), file_incidencia()
    actions.cambiar_estado(two, Estado.CERRADA, acting_user=province.support_agent, role=AGENT)
    done, errors = actions.en_bloque([one, two], "state", Estado.EN_CURSO,
                                     acting_user=province.support_agent)
    assert done == 1
    assert errors == [f"{two.reference}: Una incidencia «Cerrada» no puede pasar a «En curso»."]
