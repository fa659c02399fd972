"""The acuse of each state change: a PDF with CSV recording the facts (who, when in Madrid
and UTC, how identified, from where, the content's hash, the salida), incorporated into
the expediente as TD09, and verifiable at the sede of its entity only."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test import Client

from expedientes.choices import EstadoExpediente, TipoDocumental
from expedientes.models import Expediente
from notificaciones.actions import acceder, rechazar, vencer_pendientes
from notificaciones.choices import TipoEvento
from provincial.documents import services as documents
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.conftest import CIF, DNI
from tests.notificaciones.conftest import actor, empresa, notificar
from tests.test_documents import pdf_text

MADRID = ZoneInfo("Europe/Madrid")


def test_each_state_change_issues_an_acuse_with_the_facts(resolucion, province):
    puesta = datetime.datetime(2027, 3, 25, 10, 0, 0, tzinfo=MADRID)
    with time_machine.travel(puesta, tick=False):
        [n] = notificar(resolucion, concepto="Concesión de licencia de obra menor",
                        acting_user=province.clerk_a)
    with time_machine.travel(puesta + datetime.timedelta(days=2, seconds=7), tick=False):
        acceder(n, actor())
    n.refresh_from_db()
    puesta_evento, acceso = n.eventos.exclude(tipo__startswith="aviso").order_by("at")
    assert (puesta_evento.tipo, acceso.tipo) == (TipoEvento.PUESTA_DISPOSICION,
                                                TipoEvento.ACCESO)
    assert puesta_evento.acuse.kind == acceso.acuse.kind == "acuse_notificacion"
    assert puesta_evento.acuse.csv != acceso.acuse.csv
    text = pdf_text(documents.read_verified(acceso.acuse))
    for fact in (province.a.name, n.referencia, "Concesión de licencia de obra menor",
                 resolucion.expediente.codigo, "Lucía Pérez Gómez", DNI,
                 "resolucion.pdf", n.asiento_salida.numero_registro,
                 "25/03/2027 10:00:00", "2027-03-25 09:00:00 UTC",
                 "27/03/2027 10:00:07", "2027-03-27 09:00:07 UTC", "Cl@ve — nivel sustancial",
                 "192.0.2.10", acceso.acuse.csv, "Licencia de obra menor (OBRA-MENOR)"):
        assert fact in text, fact
    # The hash may be broken across lines in the PDF.
    assert resolucion.sha256 in "".join(text.split())
    assert acceso.acuse.subject_document == DNI
    assert acceso.acuse.object_id == str(n.pk)


def test_the_acuse_goes_into_the_expediente_as_an_acuse_de_recibo(resolucion):
    [n] = notificar(resolucion)
    rechazar(n, actor())
    for evento in n.eventos.filter(tipo__in=[TipoEvento.PUESTA_DISPOSICION, TipoEvento.RECHAZO]):
        doc = evento.documento_expediente
        assert doc is not None
        assert doc.expediente_id == resolucion.expediente_id
        assert doc.tipo_documental == TipoDocumental.ACUSE_RECIBO
        assert doc.csv == evento.acuse.csv
        assert doc.sha256 == evento.acuse.sha256
        assert n.referencia in doc.titulo


def test_a_closed_expediente_still_gets_the_acuse_issued_with_the_reason(resolucion):
    [n] = notificar(resolucion)
    Expediente.objects.filter(pk=resolucion.expediente_id).update(
        estado=EstadoExpediente.CERRADO)
    assert vencer_pendientes(n.vence_at) == 1
    evento = n.eventos.get(tipo=TipoEvento.RECHAZO_PLAZO)
    assert evento.acuse is not None
    assert evento.documento_expediente is None
    assert "no permite" in evento.detalle["acuse_no_incorporado"]


def test_the_acuse_is_verified_at_its_entitys_sede_only(resolucion, province):
    [n] = notificar(resolucion, empresa())
    acceder(n, actor(CIF, "Construcciones Biar SL"))
    csv = n.eventos.get(tipo=TipoEvento.ACCESO).acuse.csv
    schema = connection.schema_name
    found = Client(HTTP_HOST=HOST_A).get("/sede/verificar/", {"csv": csv})
    assert found.status_code == 200
    assert n.referencia in found.content.decode()
    other = Client(HTTP_HOST=HOST_B).get("/sede/verificar/", {"csv": csv})
    assert other.status_code == 404
    connection.set_schema(schema)
