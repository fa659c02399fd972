"""Representatives at the sede: whoever holds an apoderamiento for the procedure sees and
opens the notification of their poderdante (who sees it too), and nothing else: not the
poderdante's notifications of other procedures, not after revocation, not after the
apoderamiento's end date."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
from expedientes.models import InteresadoExpediente
from notificaciones import actions
from notificaciones.choices import EstadoNotificacion, TipoEvento
from tests.sede.conftest import citizen

from .conftest import (
    DNI,
    OTHER_DNI,
    REPRESENTANTE_DNI,
    lucia,
    make_documento,
    make_expediente,
    make_procedimiento,
)
from .test_ciudadano import BASE, LUCIA, apoderar, notificar, states, urls

pytestmark = pytest.mark.django_db

GESTORA = {"documento": REPRESENTANTE_DNI, "nombre": "Ana", "apellido1": "Gestora",
           "apellido2": "Ruiz"}


def gestora():
    return citizen(**GESTORA)


def _firmado(expediente, titulo: str):
    return make_documento(expediente, titulo=titulo, tipo_documental=TipoDocumental.RESOLUCION,
                          estado=EstadoDocumento.FIRMADO, is_resolucion=True,
                          nombre_fichero="resolucion.pdf")


@pytest.fixture
def representada(in_a, resolucion, province):
    """Lucía has given Ana power for the procedure of the licence (OBRA-MENOR); the
    licence's resolution is notified to Lucía, with Ana as her representative. Lucía also
    has a notification of another procedure (not covered), and Pedro one of his own."""
    poder = apoderar(lucia(), REPRESENTANTE_DNI, "Ana Gestora Ruiz", acting_user=province.clerk_a,
                     procedimiento_code=resolucion.expediente.procedimiento.code)
    cubierta = notificar(resolucion, lucia(), acting_user=province.clerk_a)[0]
    otro = make_expediente(make_procedimiento("TASA-BASURA", name="Tasa de basuras", sia_code="2099999"),
                           asunto="Liquidación de la tasa de basuras")
    InteresadoExpediente.objects.create(expediente=otro, rol=RolInteresado.SOLICITANTE,
                                        tipo_documento="NIF", documento=DNI, nombre="Lucía")
    no_cubierta = notificar(_firmado(otro, "Liquidación"), lucia(),
                            acting_user=province.clerk_a, concepto="Liquidación de la tasa")[0]
    de_pedro = notificar(_firmado(resolucion.expediente, "Requerimiento"),
                         lucia(documento=OTHER_DNI, nombre="Pedro", apellido1="Sanz",
                               apellido2=""),
                         acting_user=province.clerk_a, concepto="Requerimiento a Pedro")[0]
    return poder, cubierta, no_cubierta, de_pedro


def test_the_representative_sees_only_what_they_represent(representada):
    poder, cubierta, no_cubierta, de_pedro = representada
    assert cubierta.representante_documento == REPRESENTANTE_DNI
    assert no_cubierta.representante_documento == ""
    client = gestora()
    listing = client.get(BASE).content.decode()
    assert "Resolución de concesión de licencia" in listing
    assert "En representación de Lucía Pérez Gómez" in listing
    assert "Liquidación de la tasa" not in listing
    assert "Requerimiento a Pedro" not in listing
    detail = client.get(urls(cubierta)["detalle"]).content.decode()
    assert "Usted la recibe en representación de Lucía Pérez Gómez" in detail
    assert "Apud acta 7/2026" in detail
    for n in (no_cubierta, de_pedro):
        before = states(n)
        for name, url in urls(n).items():
            assert client.get(url).status_code in (404, 405), (n.referencia, name)
        assert client.post(urls(n)["acceder"], {"confirmo": "on"}).status_code == 404
        assert client.post(urls(n)["rechazar"],
                           {"confirmar": "1", "confirmo": "on"}).status_code == 404
        assert states(n) == before
    # The carpeta counts only the one she represents.
    assert "Notificaciones pendientes: 1" in client.get("/sede/carpeta/").content.decode()


def test_the_interesado_sees_it_too_and_the_evidence_names_who_appeared(representada):
    poder, cubierta, no_cubierta, de_pedro = representada
    interesada = citizen(**LUCIA)
    listing = interesada.get(BASE).content.decode()
    assert "Resolución de concesión de licencia" in listing
    assert "Liquidación de la tasa" in listing
    detail = interesada.get(urls(cubierta)["detalle"]).content.decode()
    assert "También puede acceder su representante, Ana Gestora Ruiz." in detail
    # The representative appears: the evidence records her, not the poderdante.
    client = gestora()
    response = client.post(urls(cubierta)["acceder"], {"confirmo": "on"},
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    cubierta.refresh_from_db()
    assert cubierta.estado == EstadoNotificacion.ACCEDIDA
    acceso = cubierta.eventos.get(tipo=TipoEvento.ACCESO)
    assert (acceso.actor_documento, acceso.actor_nombre, acceso.ip) == (
        REPRESENTANTE_DNI, "Ana Gestora Ruiz", "198.51.100.7")
    # Both may then read the content; each download is recorded under who made it.
    for who, documento in ((client, REPRESENTANTE_DNI), (interesada, DNI)):
        download = who.get(urls(cubierta)["contenido"])
        assert download.status_code == 200
        assert hashlib.sha256(download.content).hexdigest() == cubierta.remesa.contenido_sha256
        assert cubierta.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR,
                                       actor_documento=documento).count() == 1
    assert interesada.get(urls(cubierta)["acuse"]).status_code == 200


def test_after_revocation_the_representative_sees_nothing_and_the_interesado_still_does(
        representada, province):
    poder, cubierta, no_cubierta, de_pedro = representada
    actions.revocar_apoderamiento(poder, motivo="Revocado por la poderdante",
                                  acting_user=province.clerk_a)
    client = gestora()
    assert "Resolución de concesión de licencia" not in client.get(BASE).content.decode()
    before = states(cubierta)
    for name, url in urls(cubierta).items():
        assert client.get(url).status_code in (404, 405), name
    assert client.post(urls(cubierta)["acceder"], {"confirmo": "on"}).status_code == 404
    assert client.post(urls(cubierta)["rechazar"],
                       {"confirmar": "1", "confirmo": "on"}).status_code == 404
    assert states(cubierta) == before
    assert citizen(**LUCIA).get(urls(cubierta)["detalle"]).status_code == 200


def test_after_the_apoderamiento_ends_the_representative_sees_nothing(in_a, resolucion,
                                                                     province):
    today = timezone.localdate()
    apoderar(lucia(), REPRESENTANTE_DNI, "Ana Gestora Ruiz", acting_user=province.clerk_a,
             valido_hasta=today + datetime.timedelta(days=1))
    cubierta = notificar(resolucion, lucia(), acting_user=province.clerk_a)[0]
    assert cubierta.representante_documento == REPRESENTANTE_DNI
    assert gestora().get(urls(cubierta)["detalle"]).status_code == 200
    # Two days later the power has ended (its last day was tomorrow).
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        client = gestora()
        assert client.get(urls(cubierta)["detalle"]).status_code == 404
        assert "Resolución de concesión" not in client.get(BASE).content.decode()
        assert citizen(**LUCIA).get(urls(cubierta)["detalle"]).status_code == 200


def test_a_general_apoderamiento_covers_every_procedure_but_not_other_poderdantes(
        in_a, resolucion, province):
    apoderar(lucia(), REPRESENTANTE_DNI, "Ana Gestora Ruiz", acting_user=province.clerk_a)
    suya = notificar(resolucion, lucia(), acting_user=province.clerk_a)[0]
    de_pedro = notificar(_firmado(resolucion.expediente, "Requerimiento"),
                         lucia(documento=OTHER_DNI, nombre="Pedro", apellido1="Sanz",
                               apellido2=""), acting_user=province.clerk_a)[0]
    client = gestora()
    assert client.get(urls(suya)["detalle"]).status_code == 200
    assert client.get(urls(de_pedro)["detalle"]).status_code == 404
