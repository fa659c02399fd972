"""A notified act is read by appearing, never around it through the expediente's pages in
the carpeta ciudadana (notificaciones.reservas, registered in expedientes.hooks):

- while its notification is pending, a document visible to the interesados is neither
  listed nor served to the destinatario or to the representative recorded on it (404);
- once accessed — or rejected: the trámite is done and the act is part of the expediente —
  it is served like any other visible document;
- it cannot be made visible while a notification of it is pending (action and clerk page);
- the notification's salida (which carries the notified document) is never "a document
  the citizen brought": only entries (libro de entrada) count;
- a resent aviso does not go to an apoderado whose apoderamiento was revoked or ended.
"""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from expedientes import documentos
from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
from expedientes.flujo import ExpedienteError
from expedientes.models import Historial, InteresadoExpediente
from notificaciones import actions
from notificaciones.choices import CanalAviso, EstadoNotificacion, TipoEvento
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A
from tests.sede.conftest import citizen

from .conftest import DNI, OTHER_DNI, REPRESENTANTE_DNI, actor, lucia, make_documento, papel
from .test_ciudadano import LUCIA, apoderar, notificar, states

pytestmark = pytest.mark.django_db

SEDE = "/sede/carpeta/expedientes/"
GESTION = "/gestion/expedientes/"
GESTORA = {"documento": REPRESENTANTE_DNI, "nombre": "Ana", "apellido1": "Gestora",
           "apellido2": "Ruiz"}
PEDRO = {"documento": OTHER_DNI, "nombre": "Pedro", "apellido1": "Sanz", "apellido2": ""}
TITULO = "Resolución de concesión de licencia"


def doc_url(documento) -> str:
    return f"{SEDE}{documento.expediente_id}/documentos/{documento.pk}/"


def detalle(client, expediente) -> str:
    response = client.get(f"{SEDE}{expediente.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def escenario(in_a, expediente, resolucion, province):
    """The resolution is visible to the interesados, and notified to Lucía with Ana (her
    apoderada for this procedure, also in the expediente as representative) recorded on
    the notification. Pedro is another interesado, not notified. An informe is visible
    too (what the page does list)."""
    for documento, rol, datos in ((REPRESENTANTE_DNI, RolInteresado.REPRESENTANTE, GESTORA),
                                  (OTHER_DNI, RolInteresado.INTERESADO, PEDRO)):
        InteresadoExpediente.objects.create(
            expediente=expediente, rol=rol, tipo_documento="NIF", documento=documento,
            nombre=datos["nombre"], apellido1=datos["apellido1"],
            apellido2=datos["apellido2"])
    informe = make_documento(expediente, titulo="Informe técnico favorable",
                             tipo_documental=TipoDocumental.INFORME,
                             estado=EstadoDocumento.FIRMADO, nombre_fichero="informe.pdf")
    for documento in (informe, resolucion):
        documentos.cambiar_visibilidad(documento, True, acting_user=province.clerk_a)
    apoderar(lucia(), REPRESENTANTE_DNI, "Ana Gestora Ruiz", acting_user=province.clerk_a,
             procedimiento_code=expediente.procedimiento.code,
             apoderado_email="ana@gestoria.example")
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a, concepto=TITULO)
    assert n.representante_documento == REPRESENTANTE_DNI
    return n, informe


def test_while_pending_neither_destinatario_nor_representative_read_it_in_the_expediente(
        escenario, resolucion):
    n, informe = escenario
    before = states(n)
    for who in (LUCIA, GESTORA):
        client = citizen(**who)
        page = detalle(client, resolucion.expediente)
        assert "Informe técnico favorable" in page
        assert doc_url(informe) in page
        assert TITULO not in page
        assert doc_url(resolucion) not in page
        assert client.get(doc_url(resolucion)).status_code == 404, who["documento"]
        assert client.get(doc_url(informe)).status_code == 200
    # Nothing about the notification changed, and no access was recorded.
    assert states(n) == before
    assert not n.eventos.filter(tipo=TipoEvento.ACCESO).exists()
    # Withdrawing it from the interesados is always allowed (and changes nothing here).
    documentos.cambiar_visibilidad(resolucion, False, acting_user=None)
    resolucion.refresh_from_db()
    assert resolucion.is_visible_ciudadano is False


def test_another_interesado_not_notified_still_reads_it(escenario, resolucion):
    """The reservation is per person: Pedro is not a destinatario; for him it is a
    visible document of his expediente like any other."""
    pedro = citizen(**PEDRO)
    assert doc_url(resolucion) in detalle(pedro, resolucion.expediente)
    assert pedro.get(doc_url(resolucion)).status_code == 200


def test_after_the_access_both_read_it_in_the_expediente(escenario, resolucion):
    n, _informe = escenario
    actions.acceder(n, actor(documento=REPRESENTANTE_DNI, nombre="Ana Gestora Ruiz"))
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ACCEDIDA
    for who in (LUCIA, GESTORA):
        client = citizen(**who)
        assert doc_url(resolucion) in detalle(client, resolucion.expediente)
        response = client.get(doc_url(resolucion))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == n.remesa.contenido_sha256


def test_after_a_rejection_the_act_is_part_of_the_expediente_and_is_served(escenario,
                                                                          resolucion):
    n, _informe = escenario
    actions.rechazar(n, actor())
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.RECHAZADA
    client = citizen(**LUCIA)
    assert client.get(doc_url(resolucion)).status_code == 200
    # Reading it there is not a comparecencia: the rejection stands.
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.RECHAZADA
    assert not n.eventos.filter(tipo=TipoEvento.ACCESO).exists()


def test_a_pending_paper_notification_reserves_it_too(in_a, expediente, resolucion, province):
    InteresadoExpediente.objects.create(
        expediente=expediente, rol=RolInteresado.INTERESADO, tipo_documento="NIF",
        documento=OTHER_DNI, nombre="Tomás", apellido1="Ruiz")
    documentos.cambiar_visibilidad(resolucion, True, acting_user=province.clerk_a)
    [n] = notificar(resolucion, papel(), acting_user=province.clerk_a)
    assert n.estado == EstadoNotificacion.PENDIENTE_PAPEL
    tomas = citizen(documento=OTHER_DNI, nombre="Tomás", apellido1="Ruiz", apellido2="")
    assert tomas.get(doc_url(resolucion)).status_code == 404
    assert doc_url(resolucion) not in detalle(tomas, expediente)


def test_it_cannot_be_made_visible_while_a_notification_is_pending(
        in_a, resolucion, province, client_for):
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a, concepto=TITULO)
    with pytest.raises(ExpedienteError) as refused:
        documentos.cambiar_visibilidad(resolucion, True, acting_user=province.clerk_a)
    assert n.referencia in refused.value.message
    assert "no se pone a disposición de los interesados" in refused.value.message
    resolucion.refresh_from_db()
    assert resolucion.is_visible_ciudadano is False
    # The clerk's page says why, and changes nothing.
    clerk = client_for(province.clerk_a, HOST_A)
    url = f"{GESTION}{resolucion.expediente_id}/documentos/{resolucion.pk}/visibilidad/"
    response = clerk.post(url, {"visible": "1"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"tiene pendiente la notificación {n.referencia}" in page
    resolucion.refresh_from_db()
    assert resolucion.is_visible_ciudadano is False
    assert not Historial.objects.filter(documento=resolucion,
                                        descripcion__contains="puesto a disposición").exists()
    # Once practised it may be made visible.
    actions.acceder(n, actor())
    response = clerk.post(url, {"visible": "1"}, follow=True)
    assert response.status_code == 200
    resolucion.refresh_from_db()
    assert resolucion.is_visible_ciudadano is True


def test_the_salida_of_the_notification_is_not_a_document_the_citizen_brought(
        escenario, resolucion, province):
    """Were the salida (the notified document as its anexo) ever linked to the expediente,
    the destinatario — interesado of that salida — would not get it as «aportado por
    usted»: before or after the access, since it was never made visible."""
    n, _informe = escenario
    salida = n.asiento_salida
    copia = make_documento(resolucion.expediente, titulo="Anexo de la salida notificada",
                           asiento_id=salida.pk)
    assert salida.interesados.filter(documento=DNI).exists()
    client = citizen(**LUCIA)
    for _step in ("pendiente", "accedida"):
        page = detalle(client, resolucion.expediente)
        assert "Anexo de la salida notificada" not in page
        assert client.get(doc_url(copia)).status_code == 404
        if n.is_pendiente:
            actions.acceder(n, actor())
            n.refresh_from_db()


def test_the_citizen_still_gets_what_they_brought_by_an_entrada(in_a, expediente):
    """The control of the previous test: an entry where they are interesado counts."""
    from registro import services as registro
    from registro.choices import Canal, Libro, TipoPersona

    entrada = registro.registrar(
        libro=Libro.ENTRADA, canal=Canal.SEDE, asunto="Aportación de planos", resumen="Planos",
        expone="Aporto los planos de la obra.", solicita="Que se incorporen al expediente.",
        interesados=[registro.InteresadoData(
            tipo=TipoPersona.FISICA, tipo_documento="NIF", documento=DNI, nombre="Lucía",
            apellido1="Pérez", apellido2="Gómez")],
        anexos=[registro.AnexoData(nombre="planos.pdf", contenido=ACCEPTANCE_PDF)],
        acting_user=None)
    aportado = make_documento(expediente, titulo="Planos aportados", asiento_id=entrada.pk)
    client = citizen(**LUCIA)
    assert "Planos aportados" in detalle(client, expediente)
    assert client.get(doc_url(aportado)).status_code == 200


# --- avisos to the representative ---------------------------------------------------------


def _destinos(avisos) -> set[str]:
    return {a.destino for a in avisos if a.canal == CanalAviso.EMAIL}


def test_a_resent_aviso_goes_to_the_apoderado_only_while_the_power_is_in_force(
        escenario, province):
    n, _informe = escenario
    assert "ana@gestoria.example" in _destinos(n.avisos.all())
    assert "ana@gestoria.example" in _destinos(
        actions.reenviar_aviso(n, acting_user=province.clerk_a))
    actions.revocar_apoderamiento(n.apoderamiento, motivo="Revocado por la poderdante",
                                  acting_user=province.clerk_a)
    n.refresh_from_db()
    nuevos = actions.reenviar_aviso(n, acting_user=province.clerk_a)
    assert _destinos(nuevos) == {"lucia@example.org"}


def test_no_aviso_to_an_apoderado_whose_power_has_ended(in_a, resolucion, province):
    today = timezone.localdate()
    apoderar(lucia(), REPRESENTANTE_DNI, "Ana Gestora Ruiz", acting_user=province.clerk_a,
             valido_hasta=today + datetime.timedelta(days=1),
             apoderado_email="ana@gestoria.example")
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    assert "ana@gestoria.example" in _destinos(n.avisos.all())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        nuevos = actions.reenviar_aviso(n, acting_user=province.clerk_a)
    assert _destinos(nuevos) == {"lucia@example.org"}
