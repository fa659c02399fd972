"""The citizen's notificaciones in the sede's carpeta: the list (pending first, with the
deadline), the comparecencia (a deliberate confirmation before the content), the express
rejection with its own confirmation, the minimum level of identification, the content and
the acuses; and nobody else's notification, whatever URL they try (404).

Notifications are made and changed through notificaciones.actions, as the clerk and the
periodic task do."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from expedientes.choices import EstadoDocumento, TipoDocumental
from notificaciones import actions
from notificaciones.choices import EstadoNotificacion, TipoEvento
from notificaciones.models import Apoderamiento, Notificacion
from tests.conftest import HOST_A
from tests.sede.conftest import citizen

from .conftest import DNI, NIE, OTHER_DNI, actor, lucia, make_documento

BASE = "/sede/carpeta/notificaciones/"
pytestmark = pytest.mark.django_db

LUCIA = {"documento": DNI, "nombre": "Lucía", "apellido1": "Pérez", "apellido2": "Gómez"}


# --- helpers (also used by the other citizen-side test modules) ---------------------------


def notificar(documento, *destinatarios, acting_user,
              concepto: str = "Resolución de concesión de licencia") -> list[Notificacion]:
    """Notify `documento` to each destinatario (as the clerk does)."""
    remesa = actions.crear_remesa(documento=documento, concepto=concepto,
                                  destinatarios=list(destinatarios), acting_user=acting_user)
    return list(remesa.notificaciones.order_by("pk"))


def apoderar(poderdante, apoderado_documento: str, apoderado_nombre: str, *, acting_user,
             procedimiento_code: str = "", **extra) -> Apoderamiento:
    fields = {"poderdante_tipo_documento": poderdante.tipo_documento,
              "poderdante_documento": poderdante.documento,
              "poderdante_nombre": " ".join(p for p in (poderdante.nombre, poderdante.apellido1,
                                                        poderdante.apellido2) if p),
              "apoderado_tipo_documento": "NIF", "apoderado_documento": apoderado_documento,
              "apoderado_nombre": apoderado_nombre, "procedimiento_code": procedimiento_code,
              "valido_desde": timezone.localdate() - datetime.timedelta(days=30),
              "referencia": "Apud acta 7/2026", **extra}
    return actions.registrar_apoderamiento(acting_user=acting_user, **fields)


def states(notificacion: Notificacion) -> tuple[str, int]:
    """What could change: the state and how many events there are."""
    notificacion.refresh_from_db()
    return notificacion.estado, notificacion.eventos.count()


@pytest.fixture
def pendiente(in_a, resolucion, province) -> Notificacion:
    return notificar(resolucion, lucia(), acting_user=province.clerk_a)[0]


@pytest.fixture
def ajena(in_a, expediente, province) -> Notificacion:
    """Someone else's notification in the same entity."""
    documento = make_documento(expediente, titulo="Requerimiento a otra persona",
                               tipo_documental=TipoDocumental.RESOLUCION,
                               estado=EstadoDocumento.FIRMADO, nombre_fichero="req.pdf")
    return notificar(documento, lucia(documento=OTHER_DNI, nombre="Pedro", apellido1="Sanz",
                                      apellido2=""),
                     acting_user=province.clerk_a, concepto="Requerimiento de subsanación")[0]


def urls(n: Notificacion) -> dict[str, str]:
    evento = n.eventos.filter(acuse__isnull=False).first()
    assert evento is not None, "the puesta a disposición issues an acuse"
    return {"detalle": f"{BASE}{n.pk}/", "acceder": f"{BASE}{n.pk}/acceder/",
            "rechazar": f"{BASE}{n.pk}/rechazar/", "contenido": f"{BASE}{n.pk}/contenido/",
            "acuse": f"{BASE}{n.pk}/acuses/{evento.pk}/"}


# --- list and detail -----------------------------------------------------------------------


def test_the_carpeta_shows_the_notifications_with_the_pending_count(pendiente):
    carpeta = citizen(**LUCIA).get("/sede/carpeta/").content.decode()
    assert f'href="{BASE}"' in carpeta
    assert "Notificaciones pendientes: 1" in carpeta
    # Someone with none is told so, with a link all the same.
    other = citizen(documento=NIE, nombre="John", apellido1="Smith", apellido2="")
    assert "Notificaciones pendientes: 0" in other.get("/sede/carpeta/").content.decode()


def test_the_list_shows_own_pending_first_with_the_deadline_and_past_ones_with_state(
        pendiente, ajena, expediente, province):
    liquidacion = make_documento(expediente, titulo="Liquidación de la tasa",
                                 tipo_documental=TipoDocumental.RESOLUCION,
                                 estado=EstadoDocumento.FIRMADO, nombre_fichero="tasa.pdf")
    pasada = notificar(liquidacion, lucia(), acting_user=province.clerk_a,
                       concepto="Liquidación de la tasa")[0]
    actions.rechazar(pasada, actor())
    pendiente.refresh_from_db()
    client = citizen(**LUCIA)
    listing = client.get(BASE).content.decode()
    assert "Resolución de concesión de licencia" in listing
    assert "Liquidación de la tasa" in listing
    assert "Requerimiento de subsanación" not in listing
    assert listing.index("Resolución de concesión de licencia") < listing.index(
        "Liquidación de la tasa")
    vence = timezone.localtime(pendiente.vence_at)
    assert f"Se entenderá rechazada el {vence:%d/%m/%Y} a las {vence:%H:%M:%S}" in listing
    assert "Rechazada expresamente" in listing
    # The pending tab leaves the past ones out.
    pendientes = client.get(BASE, {"ver": "pendientes"}).content.decode()
    assert "Resolución de concesión de licencia" in pendientes
    assert "Liquidación de la tasa" not in pendientes
    # A bad filter value is the default list, not an error.
    assert client.get(BASE, {"ver": "<script>"}).status_code == 200
    assert client.get(BASE, {"page": "zzz"}).status_code == 200


def test_the_detail_shows_who_sends_it_and_what_before_the_content(pendiente):
    client = citizen(**LUCIA)
    detail = client.get(urls(pendiente)["detalle"]).content.decode()
    assert "Ajuntament d&#x27;Agost" in detail or "Ajuntament d'Agost" in detail
    assert pendiente.referencia in detail
    assert "Resolución de concesión de licencia" in detail
    assert ("Al acceder al contenido, la notificación se entenderá practicada a todos los "
            "efectos (art. 43 de la Ley 39/2015)") in detail
    assert 'name="confirmo"' in detail
    assert "csrfmiddlewaretoken" in detail
    # The document itself is not offered, nor served, before the comparecencia.
    assert urls(pendiente)["contenido"] not in detail
    before = states(pendiente)
    assert client.get(urls(pendiente)["contenido"]).status_code == 404
    assert states(pendiente) == before


def test_another_citizen_gets_404_on_every_url_and_nothing_changes(pendiente, ajena):
    client = citizen(**LUCIA)
    before = states(ajena)
    for name, url in urls(ajena).items():
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"confirmo": "on", "confirmar": "1"}).status_code in (404, 405), \
            name
    assert client.get(urls(ajena)["detalle"]).status_code == 404
    assert client.post(urls(ajena)["acceder"], {"confirmo": "on"}).status_code == 404
    assert client.post(urls(ajena)["rechazar"],
                       {"confirmo": "on", "confirmar": "1"}).status_code == 404
    assert client.get(urls(ajena)["acuse"]).status_code == 404
    assert states(ajena) == before
    # Nor an acuse of their own notification reached through someone else's pk.
    own_evento = pendiente.eventos.filter(acuse__isnull=False).first()
    assert own_evento is not None
    assert client.get(f"{BASE}{ajena.pk}/acuses/{own_evento.pk}/").status_code == 404
    pedro = citizen(documento=OTHER_DNI, nombre="Pedro", apellido1="Sanz", apellido2="")
    assert pedro.get(f"{BASE}{ajena.pk}/acuses/{own_evento.pk}/").status_code == 404
    assert pedro.get(urls(ajena)["acuse"]).status_code == 200


def test_anonymous_visitors_go_to_identification(pendiente):
    for url in (BASE, urls(pendiente)["detalle"]):
        response = Client(HTTP_HOST=HOST_A).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sede/identificarse/")


def test_annulled_notifications_are_not_shown(pendiente, province):
    actions.anular(pendiente, motivo="Destinatario equivocado", acting_user=province.clerk_a)
    client = citizen(**LUCIA)
    assert pendiente.referencia not in client.get(BASE).content.decode()
    assert client.get(urls(pendiente)["detalle"]).status_code == 404


# --- comparecencia ---------------------------------------------------------------------------


def test_access_needs_the_box_ticked_and_a_csrf_token(pendiente):
    client = citizen(**LUCIA)
    before = states(pendiente)
    response = client.post(urls(pendiente)["acceder"], {})
    assert response.status_code == 400
    assert "marque la casilla" in response.content.decode()
    assert states(pendiente) == before
    strict = Client(HTTP_HOST=HOST_A, enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(urls(pendiente)["acceder"], {"confirmo": "on"}).status_code == 403
    assert states(pendiente) == before


def test_access_practises_it_records_method_level_and_ip_and_serves_the_content(
        pendiente, resolucion):
    client = citizen(**LUCIA)
    response = client.post(urls(pendiente)["acceder"], {"confirmo": "on"},
                           REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Navegador/1.0")
    assert response.status_code == 302
    assert response["Location"] == urls(pendiente)["detalle"]
    pendiente.refresh_from_db()
    assert pendiente.estado == EstadoNotificacion.ACCEDIDA
    assert (pendiente.actor_documento, pendiente.actor_metodo, pendiente.actor_nivel) == (
        DNI, "desarrollo", "bajo")
    acceso = pendiente.eventos.get(tipo=TipoEvento.ACCESO)
    assert (acceso.actor_documento, acceso.actor_metodo, acceso.actor_nivel) == (
        DNI, "desarrollo", "bajo")
    assert acceso.ip == "198.51.100.23"
    assert acceso.user_agent == "Navegador/1.0"
    assert acceso.acuse is not None
    # The detail now offers the document and the acuse of the access, with its CSV.
    detail = client.get(urls(pendiente)["detalle"]).content.decode()
    assert urls(pendiente)["contenido"] in detail
    assert acceso.acuse.csv in detail
    assert f"{BASE}{pendiente.pk}/acuses/{acceso.pk}/" in detail
    # The content is the document notified, byte for byte; each download is a consulta.
    download = client.get(urls(pendiente)["contenido"])
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(download.content).hexdigest() == pendiente.remesa.contenido_sha256
    assert pendiente.remesa.contenido_sha256 == resolucion.sha256
    client.get(urls(pendiente)["contenido"])
    assert pendiente.eventos.filter(tipo=TipoEvento.CONSULTA_POSTERIOR).count() == 2
    pendiente.refresh_from_db()
    assert pendiente.estado == EstadoNotificacion.ACCEDIDA
    # The acuse downloads as stored, and the sede's verification knows its CSV.
    acuse = client.get(f"{BASE}{pendiente.pk}/acuses/{acceso.pk}/")
    assert acuse.status_code == 200
    assert acuse.content.startswith(b"%PDF-")
    assert hashlib.sha256(acuse.content).hexdigest() == acceso.acuse.sha256
    from provincial.documents.services import verify

    assert verify(acceso.acuse.csv) == acceso.acuse
    # A second POST (a double click) does not practise it twice.
    client.post(urls(pendiente)["acceder"], {"confirmo": "on"})
    assert pendiente.eventos.filter(tipo=TipoEvento.ACCESO).count() == 1


def test_rejection_has_its_own_confirmation_and_then_the_content_is_not_delivered(pendiente):
    client = citizen(**LUCIA)
    before = states(pendiente)
    # The detail's button only opens the confirmation page, which explains art. 41.5.
    opened = client.post(urls(pendiente)["rechazar"], {})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "art. 41.5 de la Ley 39/2015" in page
    assert "se tendrá por efectuado el trámite" in page
    assert client.get(urls(pendiente)["rechazar"]).status_code == 200
    unticked = client.post(urls(pendiente)["rechazar"], {"confirmar": "1"})
    assert unticked.status_code == 400
    assert states(pendiente) == before
    done = client.post(urls(pendiente)["rechazar"], {"confirmar": "1", "confirmo": "on"},
                       REMOTE_ADDR="203.0.113.5")
    assert done.status_code == 302
    pendiente.refresh_from_db()
    assert pendiente.estado == EstadoNotificacion.RECHAZADA
    rechazo = pendiente.eventos.get(tipo=TipoEvento.RECHAZO)
    assert (rechazo.actor_documento, rechazo.actor_nivel, rechazo.ip) == (DNI, "bajo",
                                                                           "203.0.113.5")
    # Rejected: the sede does not deliver the content as notified, and access no longer
    # changes anything.
    assert client.get(urls(pendiente)["contenido"]).status_code == 404
    detail = client.get(urls(pendiente)["detalle"]).content.decode()
    assert "su contenido no se entrega aquí" in detail
    assert urls(pendiente)["contenido"] not in detail
    assert rechazo.acuse.csv in detail
    client.post(urls(pendiente)["acceder"], {"confirmo": "on"})
    pendiente.refresh_from_db()
    assert pendiente.estado == EstadoNotificacion.RECHAZADA
    assert not pendiente.eventos.filter(tipo=TipoEvento.ACCESO).exists()


def test_a_level_below_the_minimum_is_explained_and_nothing_is_recorded(pendiente, settings):
    settings.NOTIFICACIONES_NIVEL_MINIMO = "sustancial"
    client = citizen(**LUCIA)  # the development method identifies at level "bajo"
    before = states(pendiente)
    detail = client.get(urls(pendiente)["detalle"]).content.decode()
    assert "se necesita al menos el nivel «sustancial»" in detail
    assert "/sede/identificarse/?next=" in detail
    assert 'name="confirmo"' not in detail
    for url, data in ((urls(pendiente)["acceder"], {"confirmo": "on"}),
                      (urls(pendiente)["rechazar"], {"confirmar": "1", "confirmo": "on"})):
        response = client.post(url, data)
        assert response.status_code == 403
        assert "No se ha registrado ningún acceso" in response.content.decode()
    assert states(pendiente) == before


def test_the_minimum_level_defaults_to_sustancial_in_production(settings):
    from notificaciones import access

    settings.NOTIFICACIONES_NIVEL_MINIMO = ""
    settings.PRODUCTION = False
    assert access.nivel_minimo() == "bajo"
    settings.PRODUCTION = True
    assert access.nivel_minimo() == "sustancial"
    assert not access.nivel_suficiente("bajo")
    assert access.nivel_suficiente("alto")
    assert not access.nivel_suficiente("")


def test_the_notifications_salida_does_not_open_the_content_around_the_comparecencia(pendiente):
    """The salida registered for a notification carries the notified document as its
    anexo and the citizen as its interesado: the carpeta's submissions must not list it,
    or the content could be downloaded without appearing."""
    client = citizen(**LUCIA)
    salida = pendiente.asiento_salida
    carpeta = client.get("/sede/carpeta/").content.decode()
    assert salida.numero_registro not in carpeta
    assert client.get(f"/sede/carpeta/presentaciones/{salida.pk}/").status_code == 404
    assert client.get(f"/sede/carpeta/presentaciones/{salida.pk}/justificante/").status_code \
        == 404
    pendiente.refresh_from_db()
    assert pendiente.estado == EstadoNotificacion.PUESTA_DISPOSICION
