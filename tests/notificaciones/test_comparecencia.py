"""The citizen's pages after the review: one rule for the content (accessed, or delivered
on paper; not after a rejection), access after a failed paper delivery (art. 42.1), an
access after the ten days that the periodic task had not yet applied, a sello that cannot
seal the acuse (503, nothing recorded), a representation revoked in the middle of a
request (404, not 500), and the minimum level read from the environment."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from notificaciones import access, actions, conf
from notificaciones.choices import EstadoNotificacion, ResultadoPapel, TipoEvento
from notificaciones.models import Notificacion
from provincial.documents.models import IssuedDocument
from tests.documents_signing.conftest import sello_of, trusted_pki  # noqa: F401 (fixtures)
from tests.sede.conftest import citizen

from .conftest import REPRESENTANTE_DNI, actor, lucia
from .test_ciudadano import LUCIA, apoderar, notificar, states, urls

pytestmark = pytest.mark.django_db

EN_PAPEL = {"eligio_electronica": False, "direccion": "C/ Mayor 1, 03698 Agost"}
GESTORIA = {"documento": REPRESENTANTE_DNI, "nombre": "Ana", "apellido1": "Martí",
            "apellido2": ""}


def consultas(n: Notificacion) -> int:
    return n.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR).count()


# --- paper: pending, failed, delivered -----------------------------------------------------


def test_a_failed_paper_delivery_is_offered_at_the_sede_and_access_practises_it(
        in_a, resolucion, province):
    [n] = notificar(resolucion, lucia(**EN_PAPEL), acting_user=province.clerk_a)
    client = citizen(**LUCIA)
    # Pending on paper: the sede offers the comparecencia too.
    detail = client.get(urls(n)["detalle"]).content.decode()
    assert 'name="confirmo"' in detail
    assert "Esta notificación se le envía también en papel" in detail
    actions.registrar_entrega_papel(n, resultado=ResultadoPapel.AUSENTE, at=timezone.now(),
                                    acting_user=province.clerk_a)
    detail = client.get(urls(n)["detalle"]).content.decode()
    assert "No se pudo entregarle esta notificación en papel" in detail
    assert 'name="confirmo"' in detail
    assert urls(n)["contenido"] not in detail
    assert client.get(urls(n)["contenido"]).status_code == 404
    response = client.post(urls(n)["acceder"], {"confirmo": "on"})
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.estado == EstadoNotificacion.ACCEDIDA
    acceso = n.eventos.get(tipo=TipoEvento.ACCESO)
    assert acceso.acuse is not None
    detail = client.get(urls(n)["detalle"]).content.decode()
    assert urls(n)["contenido"] in detail
    assert acceso.acuse.csv in detail


def test_a_notification_delivered_on_paper_can_be_read_again_at_the_sede(
        in_a, resolucion, province):
    [n] = notificar(resolucion, lucia(**EN_PAPEL), acting_user=province.clerk_a)
    actions.registrar_entrega_papel(n, resultado=ResultadoPapel.ENTREGADA, at=timezone.now(),
                                    receptor_nombre="Lucía Pérez Gómez",
                                    acting_user=province.clerk_a)
    client = citizen(**LUCIA)
    detail = client.get(urls(n)["detalle"]).content.decode()
    assert "Esta notificación se le entregó en papel" in detail
    assert urls(n)["contenido"] in detail
    assert 'name="confirmo"' not in detail
    download = client.get(urls(n)["contenido"])
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")
    n.refresh_from_db()
    assert (n.estado, consultas(n)) == (EstadoNotificacion.ENTREGADA_PAPEL, 1)


# --- the ten days passed before the task ran ------------------------------------------------


def test_access_after_the_ten_days_is_refused_with_the_rejection_recorded(
        in_a, resolucion, province):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=11), tick=False):
        [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    assert n.vence_at < timezone.now()  # the periodic task has not run
    client = citizen(**LUCIA)
    response = client.post(urls(n)["acceder"], {"confirmo": "on"})
    assert response.status_code == 409
    body = response.content.decode()
    vence = timezone.localtime(n.vence_at)
    assert f"se entendió rechazada el {vence:%d/%m/%Y %H:%M:%S}" in body
    n.refresh_from_db()
    assert (n.estado, n.practicada_at) == (EstadoNotificacion.RECHAZADA_PLAZO, n.vence_at)
    assert list(n.eventos.values_list("tipo", flat=True)) == [
        TipoEvento.PUESTA_DISPOSICION, TipoEvento.RECHAZO_PLAZO]
    # Nothing is served, and no consulta is recorded.
    assert client.get(urls(n)["contenido"]).status_code == 404
    assert "su contenido no se entrega aquí" in client.get(urls(n)["detalle"]).content.decode()
    assert consultas(n) == 0


# --- the sello cannot seal the acuse ---------------------------------------------------------


def test_a_sello_that_cannot_seal_answers_503_and_records_nothing(in_a, resolucion, province,
                                                                  sello_of):  # noqa: F811
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    sello_of("revoked")
    before = (states(n), IssuedDocument.objects.count())
    client = citizen(**LUCIA)
    response = client.post(urls(n)["acceder"], {"confirmo": "on"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "No se ha registrado el acceso: no se ha podido sellar su acuse" in body
    assert (states(n), IssuedDocument.objects.count()) == before
    response = client.post(urls(n)["rechazar"], {"confirmar": "1", "confirmo": "on"})
    assert response.status_code == 503
    assert "No se ha registrado el rechazo: no se ha podido sellar su acuse" in \
        response.content.decode()
    assert (states(n), IssuedDocument.objects.count()) == before
    n.refresh_from_db()
    assert (n.practicada_at, n.actor_documento) == (None, "")


# --- the representation revoked in the middle of a request -----------------------------------


@pytest.fixture
def revoca_a_mitad(monkeypatch):
    """After the view has fetched the notification, the apoderamiento is revoked (by the
    clerk, in another request): the action then refuses the representative."""

    def arm(poder):
        real = access.get_notificacion_of
        calls = []

        def fetch_then_revoke(ciudadano, pk):
            notificacion = real(ciudadano, pk)
            if not calls:
                calls.append(pk)
                actions.revocar_apoderamiento(poder, motivo="Revocado por el poderdante",
                                              acting_user=None)
            return notificacion

        monkeypatch.setattr(access, "get_notificacion_of", fetch_then_revoke)
        return calls

    return arm


def test_a_representation_revoked_meanwhile_is_404_not_500(in_a, resolucion, province,
                                                          revoca_a_mitad):
    poder = apoderar(lucia(), REPRESENTANTE_DNI, "Ana Martí", acting_user=province.clerk_a)
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    assert n.representante_documento == REPRESENTANTE_DNI
    actions.acceder(n, actor(REPRESENTANTE_DNI, "Ana Martí"))
    client = citizen(**GESTORIA)
    assert client.get(urls(n)["detalle"]).status_code == 200
    calls = revoca_a_mitad(poder)
    response = client.get(urls(n)["contenido"])
    assert calls == [n.pk]
    assert response.status_code == 404
    assert consultas(n) == 0


def test_an_access_whose_representation_is_revoked_meanwhile_is_404(in_a, resolucion, province,
                                                                   revoca_a_mitad):
    poder = apoderar(lucia(), REPRESENTANTE_DNI, "Ana Martí", acting_user=province.clerk_a)
    [n] = notificar(resolucion, lucia(), acting_user=province.clerk_a)
    client = citizen(**GESTORIA)
    before = states(n)
    revoca_a_mitad(poder)
    assert client.post(urls(n)["acceder"], {"confirmo": "on"}).status_code == 404
    assert states(n) == before


# --- the minimum level: settings, then the environment ----------------------------------------


def test_the_minimum_level_is_read_from_the_environment_when_not_in_settings(settings,
                                                                            monkeypatch):
    if hasattr(settings, "NOTIFICACIONES_NIVEL_MINIMO"):
        del settings.NOTIFICACIONES_NIVEL_MINIMO
    settings.PRODUCTION = False
    monkeypatch.delenv("NOTIFICACIONES_NIVEL_MINIMO", raising=False)
    monkeypatch.delenv("NOTIFICACIONES_NIVEL_MINIMO_FILE", raising=False)
    assert conf.nivel_minimo() == "bajo"
    monkeypatch.setenv("NOTIFICACIONES_NIVEL_MINIMO", " Alto ")
    assert conf.nivel_minimo() == "alto"
    assert access.nivel_minimo() == "alto"
    assert not access.nivel_suficiente("sustancial")
    assert access.nivel_suficiente("alto")
    # The setting, when given, wins over the environment.
    settings.NOTIFICACIONES_NIVEL_MINIMO = "sustancial"
    assert conf.nivel_minimo() == "sustancial"
    del settings.NOTIFICACIONES_NIVEL_MINIMO
    monkeypatch.setenv("NOTIFICACIONES_NIVEL_MINIMO", "medio")
    with pytest.raises(ImproperlyConfigured, match=(
            r"NOTIFICACIONES_NIVEL_MINIMO='medio' is not a level of assurance: use one of "
            r"bajo, sustancial, alto")):
        access.nivel_suficiente("alto")
