"""The notificaciones' demo loader: for an entity whose expedientes have a signed
document, a few notifications in every typical state, each made through the actions at
the moment it would have happened; run twice, it adds nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from notificaciones import demo
from notificaciones.choices import Canal, EstadoNotificacion, TipoEvento
from notificaciones.models import Apoderamiento, Evento, Notificacion, Remesa
from tenants import demo_loaders

pytestmark = pytest.mark.django_db


def test_the_loader_is_registered_after_the_expedientes():
    loaders = {loader.name: loader for loader in demo_loaders.all_loaders()}
    assert loaders["notificaciones"].load == "notificaciones.demo.load_demo"
    assert loaders["notificaciones"].order > loaders["expedientes"].order


def test_the_demo_notifies_in_every_state_once(province, resolucion):
    lines: list[str] = []
    entities = {"agost": province.a, "alcoi": province.c}  # Alcoi has no e-administración
    for _run in range(2):
        demo_loaders.get("notificaciones")(entities, lines.append)
    assert lines == ["  Ajuntament d'Agost: 5 notificaciones electrónicas de ejemplo\n"]
    with schema_context(province.a.schema_name):
        assert Remesa.objects.count() == 5
        assert Apoderamiento.objects.count() == 1
        estados = sorted(Notificacion.objects.values_list("estado", flat=True))
        assert estados == sorted([EstadoNotificacion.RECHAZADA_PLAZO, EstadoNotificacion.ACCEDIDA,
                                  EstadoNotificacion.PENDIENTE_PAPEL,
                                  EstadoNotificacion.PUESTA_DISPOSICION,
                                  EstadoNotificacion.PUESTA_DISPOSICION])
        now = timezone.now()
        # Honest dates: the rejection happened at its vence_at, in the past, ten days after
        # a puesta twelve days ago; its evidence says so.
        rechazada = Notificacion.objects.get(estado=EstadoNotificacion.RECHAZADA_PLAZO)
        assert rechazada.practicada_at == rechazada.vence_at < now
        assert now - rechazada.puesta_at > datetime.timedelta(days=11)
        evento = Evento.objects.get(notificacion=rechazada, tipo=TipoEvento.RECHAZO_PLAZO)
        assert evento.at == rechazada.vence_at
        assert evento.acuse is not None
        accedida = Notificacion.objects.get(estado=EstadoNotificacion.ACCEDIDA)
        # Accessed seven hours after the puesta (the clock ticks while the action runs).
        assert abs((accedida.practicada_at - accedida.puesta_at)
                   - datetime.timedelta(hours=7, minutes=12, seconds=5)) < \
            datetime.timedelta(seconds=5)
        assert accedida.practicada_at < now
        representada = Notificacion.objects.get(representante_documento=demo.MARIA_JOSE[0])
        assert representada.estado == EstadoNotificacion.PUESTA_DISPOSICION
        assert representada.apoderamiento is not None
        assert Notificacion.objects.get(estado=EstadoNotificacion.PENDIENTE_PAPEL).canal == \
            Canal.PAPEL
    with schema_context(province.c.schema_name):
        assert not Remesa.objects.exists()


def test_an_entity_without_signed_documents_gets_nothing(province, expediente):
    with schema_context(province.a.schema_name):
        assert demo.populate(province.clerk_a) == 0
        assert not Remesa.objects.exists()


def test_the_demo_acuses_of_past_events_are_sealed(province, resolucion):
    """The demo replays past events through the application's clock; the sello signs at
    the machine's, so the acuses of those past events are sealed (the sello, issued a
    moment ago, was not valid twelve days back)."""
    from certificados import actions as certificados
    from certificados import sellos

    sellos.forget()
    with schema_context("public"):
        certificados.issue_local_sello(province.a, operator=province.provincial_admin)
    try:
        demo_loaders.get("notificaciones")({"agost": province.a}, lambda line: None)
        with schema_context(province.a.schema_name):
            rechazo = Evento.objects.get(tipo=TipoEvento.RECHAZO_PLAZO)
            assert rechazo.at < timezone.now() - datetime.timedelta(days=1)
            acuses = [e.acuse for e in Evento.objects.exclude(acuse=None)]
            assert len(acuses) >= 6
            assert [a.is_sealed for a in acuses] == [True] * len(acuses)
    finally:
        sellos.forget()
