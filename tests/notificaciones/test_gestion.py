"""The clerk's notificaciones pages, as clerk_a on agost.localhost: the list by state with
search, one notification with its evidence and acuses, its actions (resend the aviso,
record a paper delivery, annul) each confirmed and with its message, a new remesa from a
signed document of an expediente, the registro de apoderamientos; the section's guard
(application «expedientes») and B's clerk, who gets 404 for every one of A's objects.

Notifications are made and changed through notificaciones.actions, as the pages do."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes.choices import EstadoDocumento, RolInteresado, TipoDocumental
from notificaciones import actions
from notificaciones.choices import Canal, EstadoNotificacion, MotivoCanal, TipoEvento
from notificaciones.models import Apoderamiento, Aviso, Notificacion
from tests.conftest import HOST_A, HOST_B

from .conftest import CIF, DNI, OTHER_DNI, REPRESENTANTE_DNI, actor, empresa, lucia, make_documento

BASE = "/gestion/notificaciones/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client_for, province):
    return client_for(province.clerk_a, HOST_A)


def _in_a(province):
    return schema_context(province.a.schema_name)


def notificar(documento, *destinatarios, user, concepto="Resolución de concesión de licencia"):
    remesa = actions.crear_remesa(documento=documento, concepto=concepto,
                                  destinatarios=list(destinatarios), acting_user=user)
    return list(remesa.notificaciones.order_by("pk"))


def papel(**overrides):
    data = {"documento": OTHER_DNI, "nombre": "Pedro", "apellido1": "Sanz", "apellido2": "",
            "email": "", "telefono": "", "eligio_electronica": False,
            "direccion": "C/ Major, 5, 03698 Agost"}
    data.update(overrides)
    return lucia(**data)


@pytest.fixture
def varias(in_a, resolucion, province):
    """Pending (Lucía, electronic), a company (electronic), paper, accessed, annulled."""
    pendiente, compania = notificar(resolucion, lucia(), empresa(), user=province.clerk_a)
    (en_papel,) = notificar(resolucion, papel(), user=province.clerk_a,
                            concepto="Requerimiento de subsanación")
    (accedida,) = notificar(resolucion, lucia(documento="50000000R", nombre="Ana",
                                              apellido1="Ruiz", apellido2=""),
                            user=province.clerk_a)
    actions.acceder(accedida, actor(documento="50000000R", nombre="Ana Ruiz"))
    (anulada,) = notificar(resolucion, lucia(documento="60000000S", nombre="Eva",
                                             apellido1="Mora", apellido2=""),
                           user=province.clerk_a)
    actions.anular(anulada, motivo="Destinatario equivocado", acting_user=province.clerk_a)
    return {"pendiente": pendiente, "empresa": compania, "papel": en_papel,
            "accedida": accedida, "anulada": anulada}


def _refs(page: str) -> set[str]:
    return set(re.findall(r">(N-\d{4}-\d{6})<", page))


# --- the list -------------------------------------------------------------------------------


def test_the_list_has_tabs_with_counts_search_and_days_left(clerk, province, varias):
    with _in_a(province):
        ref = {k: n.referencia for k, n in varias.items()}
    page = clerk.get(BASE).content.decode()
    # Default tab: pending (both channels), with their counts.
    assert _refs(page) == {ref["pendiente"], ref["empresa"], ref["papel"]}
    for label, n in (("Pendientes", 3), ("Accedidas", 1), ("Rechazadas", 0), ("En papel", 1),
                     ("Anuladas", 1), ("Todas", 5)):
        assert f'{label}<span class="n">({n})</span>' in page, label
    assert "quedan 10 días" in page  # the electronic ones, ten calendar days ahead
    cases = [
        ({"estado": "accedidas"}, {"accedida"}), ({"estado": "anuladas"}, {"anulada"}),
        ({"estado": "papel"}, {"papel"}), ({"estado": "rechazadas"}, set()),
        ({"estado": "todas", "q": ref["empresa"]}, {"empresa"}),
        ({"estado": "todas", "q": CIF}, {"empresa"}),
        ({"estado": "todas", "q": "pérez"}, {"pendiente"}),
        ({"estado": "todas", "q": "subsanación"}, {"papel"}),
        ({"estado": "todas", "q": varias["pendiente"].remesa.expediente.codigo},
         set(varias)),
    ]
    for params, expected in cases:
        page = clerk.get(BASE, params).content.decode()
        assert _refs(page) == {ref[k] for k in expected}, params
    # Sorted by date: oldest first on request.
    page = clerk.get(BASE, {"estado": "todas", "orden": "antiguas"}).content.decode()
    assert page.index(ref["pendiente"]) < page.index(ref["anulada"])
    page = clerk.get(BASE, {"estado": "todas"}).content.decode()
    assert page.index(ref["anulada"]) < page.index(ref["pendiente"])
    # A tab that does not exist is a bad request, not a 500.
    assert clerk.get(BASE, {"estado": "inventado"}).status_code == 400


def test_the_detail_shows_the_evidence_with_seconds_and_the_acuse(clerk, province, varias):
    with _in_a(province):
        n = Notificacion.objects.get(pk=varias["accedida"].pk)
        acceso = n.eventos.get(tipo=TipoEvento.ACCESO)
        puesta = n.eventos.get(tipo=TipoEvento.PUESTA_DISPOSICION)
        expected_time = timezone.localtime(acceso.at).strftime("%d/%m/%Y %H:%M:%S")
        csv, numero = acceso.acuse.csv, n.asiento_salida.numero_registro
        sha = n.remesa.contenido_sha256
    page = clerk.get(f"{BASE}{n.pk}/").content.decode()
    for text in (n.referencia, "Ana Ruiz", numero, sha, "resolucion.pdf", expected_time,
                 "Acceso al contenido (comparecencia)", "Cl@ve · nivel sustancial", "192.0.2.10",
                 csv, "Ha elegido la notificación electrónica (art. 14.1)"):
        assert text in page, text
    # Practised: no actions offered.
    assert "/anular/" not in page
    assert "/reenviar-aviso/" not in page
    acuse = clerk.get(f"{BASE}{n.pk}/acuses/{acceso.pk}/")
    assert acuse.status_code == 200
    assert acuse["Content-Type"] == "application/pdf"
    assert acuse.content.startswith(b"%PDF")
    # The acuse of another notification's event is not reachable through this one.
    other = varias["pendiente"]
    assert clerk.get(f"{BASE}{other.pk}/acuses/{puesta.pk}/").status_code == 404


def test_resending_the_aviso_is_confirmed_and_only_for_pending_electronic_ones(
        clerk, province, varias):
    n = varias["pendiente"]
    page = clerk.get(f"{BASE}{n.pk}/reenviar-aviso/").content.decode()
    assert "Confirmar el reenvío" in page
    assert "lucia@example.org" in page
    with _in_a(province):
        before = Aviso.objects.filter(notificacion=n).count()
    response = clerk.post(f"{BASE}{n.pk}/reenviar-aviso/", follow=True)
    assert "Aviso reenviado a lucia@example.org" in response.content.decode()
    with _in_a(province):
        nuevos = Aviso.objects.filter(notificacion=n).count() - before
        assert nuevos == 2  # e-mail and SMS
        assert Aviso.objects.filter(notificacion=n, is_reenvio=True).count() == 2
    # Paper: refused, nothing queued.
    p = varias["papel"]
    response = clerk.post(f"{BASE}{p.pk}/reenviar-aviso/", follow=True)
    assert "Solo se reenvía el aviso de una notificación electrónica pendiente" in \
        response.content.decode()
    with _in_a(province):
        assert not Aviso.objects.filter(notificacion=p).exists()


def test_annulling_needs_a_motivo_and_is_confirmed(clerk, province, varias):
    n = varias["pendiente"]
    page = clerk.get(f"{BASE}{n.pk}/anular/").content.decode()
    assert "Confirmar la anulación" in page
    response = clerk.post(f"{BASE}{n.pk}/anular/", {"motivo": "   "})
    assert response.status_code == 400
    assert "Indique el motivo." in response.content.decode()
    with _in_a(province):
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION
    response = clerk.post(f"{BASE}{n.pk}/anular/", {"motivo": "Documento equivocado"},
                          follow=True)
    assert f"Notificación {n.referencia} anulada." in response.content.decode()
    with _in_a(province):
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.ANULADA
        assert n.eventos.get(tipo=TipoEvento.ANULACION).detalle["motivo"] == \
            "Documento equivocado"
    # Once annulled, the action is no longer offered nor accepted.
    response = clerk.post(f"{BASE}{n.pk}/anular/", {"motivo": "Otra vez"}, follow=True)
    assert "Solo se anula una notificación pendiente." in response.content.decode()


def test_recording_a_paper_delivery_validates_and_practises_it(clerk, province, varias):
    p = varias["papel"]
    page = clerk.get(f"{BASE}{p.pk}/").content.decode()
    assert "Registrar resultado de la entrega" in page
    assert "Reenviar aviso" not in page
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = clerk.post(f"{BASE}{p.pk}/entrega/", {"resultado": "entregada", "at": future})
    assert response.status_code == 400
    text = response.content.decode()
    assert "La fecha y hora no puede ser futura." in text
    assert "Indique quién recibió o rehusó la notificación." in text
    response = clerk.post(f"{BASE}{p.pk}/entrega/", {"resultado": "", "at": ""})
    assert response.status_code == 400
    with _in_a(province):
        p.refresh_from_db()
        assert p.estado == EstadoNotificacion.PENDIENTE_PAPEL
    # Before the remesa was made: the action refuses it, its message is shown.
    before = (timezone.localtime(p.puesta_at) - datetime.timedelta(days=1))
    response = clerk.post(f"{BASE}{p.pk}/entrega/", {
        "resultado": "ausente", "at": before.strftime("%Y-%m-%dT%H:%M:%S")})
    assert response.status_code == 400
    assert "La entrega no puede ser anterior a la remisión de la notificación." in \
        response.content.decode()
    at = timezone.localtime().replace(microsecond=0)
    if at <= p.puesta_at:  # not before the remesa was made
        time.sleep(1)
        at += datetime.timedelta(seconds=1)
    response = clerk.post(f"{BASE}{p.pk}/entrega/", {
        "resultado": "entregada", "at": at.strftime("%Y-%m-%dT%H:%M:%S"),
        "receptor_nombre": "Pedro Sanz", "receptor_documento": OTHER_DNI}, follow=True)
    assert "Resultado de la entrega registrado." in response.content.decode()
    # The evidence names how, in words (the row keeps the code "papel").
    assert "entrega en papel por el notificador" in response.content.decode()
    with _in_a(province):
        p.refresh_from_db()
        assert p.estado == EstadoNotificacion.ENTREGADA_PAPEL
        assert p.practicada_at == at
        assert p.actor_nombre == "Pedro Sanz"


# --- a new remesa ---------------------------------------------------------------------------


def test_a_new_notification_from_a_signed_document(clerk, province, expediente, resolucion):
    with _in_a(province):
        expediente.interesados.create(rol=RolInteresado.REPRESENTANTE, tipo_documento="NIF",
                                      documento=REPRESENTANTE_DNI, nombre="Marta",
                                      apellido1="Vidal", direccion="C/ Nou, 1, Agost")
        lucia_pk, marta_pk = expediente.interesados.order_by("pk").values_list("pk", flat=True)
    url = f"{BASE}nueva/?documento={resolucion.pk}"
    page = clerk.get(url).content.decode()
    assert 'value="Resolución de concesión de licencia"' in page  # concept from the title
    # The solicitante is pre-checked; the representative is not.
    assert re.search(rf'name="sel_{lucia_pk}" id="id_sel_{lucia_pk}" checked', page)
    assert not re.search(rf'name="sel_{marta_pk}" id="id_sel_{marta_pk}" checked', page)
    assert "En papel" in page  # the channel foreseen without a ground
    # Nobody chosen.
    response = clerk.post(url, {"concepto": "Resolución", f"motivo_{lucia_pk}": ""})
    assert response.status_code == 400
    assert "Elija al menos un destinatario." in response.content.decode()
    # Paper without an address.
    response = clerk.post(url, {"concepto": "Resolución", f"sel_{lucia_pk}": "on",
                                f"motivo_{lucia_pk}": ""})
    assert response.status_code == 400
    assert "no consta su dirección postal" in response.content.decode()
    # An expiry in the past, an unknown ground.
    response = clerk.post(url, {"concepto": "Resolución", f"sel_{lucia_pk}": "on",
                                f"motivo_{lucia_pk}": "inventado",
                                "caduca_at": "2001-01-01T10:00"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "La caducidad ha de ser una fecha y hora futura." in text
    assert "Escoja una opción válida" in text
    with _in_a(province):
        assert not Notificacion.objects.exists()
    response = clerk.post(url, {"concepto": "Resolución de concesión", f"sel_{lucia_pk}": "on",
                                f"motivo_{lucia_pk}": MotivoCanal.ELECCION,
                                f"sel_{marta_pk}": "on",
                                f"motivo_{marta_pk}": MotivoCanal.PROFESIONAL})
    assert response.status_code == 302
    with _in_a(province):
        lucia_n = Notificacion.objects.get(documento=DNI)
        marta_n = Notificacion.objects.get(documento=REPRESENTANTE_DNI)
        assert response["Location"] == f"{BASE}?remesa={lucia_n.remesa_id}&estado=todas"
        assert (lucia_n.canal, lucia_n.motivo_canal) == (Canal.SEDE, MotivoCanal.ELECCION)
        assert (marta_n.canal, marta_n.motivo_canal) == (Canal.SEDE, MotivoCanal.PROFESIONAL)
        assert lucia_n.remesa.concepto == "Resolución de concesión"
    page = clerk.get(response["Location"]).content.decode()
    assert "Remesa «Resolución de concesión»: 2 notificaciones creadas." in page
    assert _refs(page) == {lucia_n.referencia, marta_n.referencia}


def test_only_signed_documents_are_notified(clerk, province, expediente):
    with _in_a(province):
        borrador = make_documento(expediente, titulo="Propuesta de resolución",
                                  tipo_documental=TipoDocumental.RESOLUCION,
                                  estado=EstadoDocumento.BORRADOR)
    response = clerk.get(f"{BASE}nueva/?documento={borrador.pk}")
    assert response.status_code == 400
    assert "Solo se notifican documentos firmados" in response.content.decode()
    assert clerk.get(f"{BASE}nueva/?documento=abc").status_code == 400
    assert clerk.get(f"{BASE}nueva/?documento=999999").status_code == 404
    # Without a document: the signed ones to choose from (none here).
    page = clerk.get(f"{BASE}nueva/").content.decode()
    assert "No hay documentos firmados que coincidan." in page


def test_the_expediente_pages_offer_notificar_and_list_its_notifications(
        clerk, province, resolucion):
    with _in_a(province):
        expediente = resolucion.expediente
    page = clerk.get(f"/gestion/expedientes/{expediente.pk}/documentos/").content.decode()
    assert f'href="{BASE}nueva/?documento={resolucion.pk}"' in page
    page = clerk.get(f"/gestion/expedientes/{expediente.pk}/").content.decode()
    assert "Aún no se ha notificado nada de este expediente." in page
    with _in_a(province):
        (n,) = notificar(resolucion, lucia(), user=province.clerk_a)
    page = clerk.get(f"/gestion/expedientes/{expediente.pk}/").content.decode()
    assert f'href="{BASE}{n.pk}/">{n.referencia}</a>' in page
    assert "Puesta a disposición" in page
    page = clerk.get(f"{BASE}nueva/").content.decode()
    assert f"?documento={resolucion.pk}" in page  # offered among the signed ones


# --- apoderamientos -------------------------------------------------------------------------


def _poder(**overrides) -> dict:
    data = {"poderdante_tipo_documento": "CIF", "poderdante_documento": CIF,
            "poderdante_nombre": "Construcciones Biar SL", "apoderado_tipo_documento": "NIF",
            "apoderado_documento": REPRESENTANTE_DNI, "apoderado_nombre": "Marta Vidal",
            "apoderado_email": "marta@example.org", "procedimiento_code": "",
            "valido_desde": timezone.localdate().isoformat(), "valido_hasta": "",
            "referencia": "Apud acta 3/2026"}
    data.update(overrides)
    return data


def test_registering_an_apoderamiento_validates_documents_and_dates(clerk, province,
                                                                   expediente):
    url = f"{BASE}apoderamientos/nuevo/"
    page = clerk.get(url).content.decode()
    assert "Licencia de obra menor (OBRA-MENOR)" in page  # the entity's procedures
    response = clerk.post(url, _poder(poderdante_documento="B12345670",
                                      apoderado_documento="12345678A",
                                      valido_hasta=(timezone.localdate()
                                                    - datetime.timedelta(days=1)).isoformat()))
    assert response.status_code == 400
    text = response.content.decode()
    assert "El CIF «B12345670» no es válido" in text
    assert "El DNI/NIF «12345678A» no es válido (compruebe la letra)." in text
    assert "La fecha final es anterior a la inicial." in text
    response = clerk.post(url, _poder(procedimiento_code="NO-EXISTE"))
    assert response.status_code == 400
    with _in_a(province):
        assert not Apoderamiento.objects.exists()
    response = clerk.post(url, _poder(procedimiento_code="OBRA-MENOR"), follow=True)
    assert "Apoderamiento registrado: Marta Vidal puede comparecer por Construcciones Biar SL." \
        in response.content.decode()
    with _in_a(province):
        a = Apoderamiento.objects.get()
        assert (a.poderdante_documento, a.procedimiento_code) == (CIF, "OBRA-MENOR")
    # The same again overlaps: the action's message is shown.
    response = clerk.post(url, _poder(procedimiento_code="OBRA-MENOR"))
    assert response.status_code == 400
    assert "Ya hay un apoderamiento de Marta Vidal" in response.content.decode()


def test_the_apoderamientos_list_filters_and_revokes_with_a_motivo(clerk, province, in_a):
    vigente = actions.registrar_apoderamiento(
        acting_user=province.clerk_a, **{**_poder(), "valido_desde": timezone.localdate(),
                                         "valido_hasta": None})
    otro = actions.registrar_apoderamiento(
        acting_user=province.clerk_a, **{**_poder(poderdante_tipo_documento="NIF",
                                                  poderdante_documento=DNI,
                                                  poderdante_nombre="Lucía Pérez Gómez"),
                                         "valido_desde": timezone.localdate(),
                                         "valido_hasta": None})
    actions.revocar_apoderamiento(otro, motivo="Lo revoca la poderdante",
                                  acting_user=province.clerk_a)
    url = f"{BASE}apoderamientos/"
    for params, expected in (({}, {"Construcciones Biar SL", "Lucía Pérez Gómez"}),
                             ({"estado": "vigentes"}, {"Construcciones Biar SL"}),
                             ({"estado": "revocados"}, {"Lucía Pérez Gómez"}),
                             ({"q": DNI[:6]}, {"Lucía Pérez Gómez"}),
                             ({"q": "biar"}, {"Construcciones Biar SL"})):
        page = clerk.get(url, params).content.decode()
        shown = {name for name in ("Construcciones Biar SL", "Lucía Pérez Gómez")
                 if f"<strong>{name}</strong>" in page}
        assert shown == expected, params
    response = clerk.post(f"{url}{vigente.pk}/revocar/", {"motivo": ""})
    assert response.status_code == 400
    assert "Indique el motivo." in response.content.decode()
    with _in_a(province):
        vigente.refresh_from_db()
        assert vigente.revocado_at is None
    response = clerk.post(f"{url}{vigente.pk}/revocar/", {"motivo": "Fin del encargo"},
                          follow=True)
    assert "Apoderamiento revocado." in response.content.decode()
    with _in_a(province):
        vigente.refresh_from_db()
        assert vigente.revocado_motivo == "Fin del encargo"


def test_a_notification_to_a_represented_company_names_the_representative(
        clerk, province, resolucion):
    with _in_a(province):
        actions.registrar_apoderamiento(acting_user=province.clerk_a, **{
            **_poder(), "valido_desde": timezone.localdate(), "valido_hasta": None})
        (n,) = notificar(resolucion, empresa(), user=province.clerk_a)
    page = clerk.get(f"{BASE}{n.pk}/").content.decode()
    assert "Marta Vidal · " + REPRESENTANTE_DNI in page
    assert "Obligado: persona jurídica (art. 14.2.a)" in page
    page = clerk.get(BASE).content.decode()
    assert "repr. Marta Vidal" in page


# --- who may enter --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "estadisticas/", "apoderamientos/", "nueva/",
                                  "apoderamientos/nuevo/"])
def test_every_page_renders_for_a_clerk_with_the_expedientes(clerk, path, in_a):
    response = clerk.get(f"{BASE}{path}")
    assert response.status_code == 200
    assert '<use href="#icon-notificacion"/></svg>Notificaciones' in response.content.decode()


def test_a_member_without_the_expedientes_application_is_refused(client_for, province,
                                                                  varias):
    n = varias["pendiente"]
    for user in (province.shared_official, province.admin_a):
        client = client_for(user, HOST_A)
        for path in ("", f"{n.pk}/", "estadisticas/", "apoderamientos/"):
            assert client.get(f"{BASE}{path}").status_code == 403, (user, path)
        assert client.post(f"{BASE}{n.pk}/anular/", {"motivo": "x"}).status_code == 403
    with _in_a(province):
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION


def test_b_clerk_gets_404_for_every_object_of_a(client_for, province, varias):
    with _in_a(province):
        a_poder = actions.registrar_apoderamiento(acting_user=province.clerk_a, **{
            **_poder(), "valido_desde": timezone.localdate(), "valido_hasta": None})
        n = varias["pendiente"]
        evento = n.eventos.get(tipo=TipoEvento.PUESTA_DISPOSICION)
        documento_pk = n.remesa.documento_id
    b = client_for(province.clerk_b, HOST_B)
    for path in (f"{n.pk}/", f"{n.pk}/anular/", f"{n.pk}/reenviar-aviso/", f"{n.pk}/entrega/",
                 f"{n.pk}/acuses/{evento.pk}/", f"apoderamientos/{a_poder.pk}/",
                 f"nueva/?documento={documento_pk}"):
        assert b.get(f"{BASE}{path}").status_code == 404, path
    assert b.post(f"{BASE}{n.pk}/anular/", {"motivo": "x"}).status_code == 404
    assert b.post(f"{BASE}{n.pk}/reenviar-aviso/").status_code == 404
    assert b.post(f"{BASE}apoderamientos/{a_poder.pk}/revocar/",
                  {"motivo": "x"}).status_code == 404
    page = b.get(BASE, {"estado": "todas"}).content.decode()
    assert n.referencia not in page
    with _in_a(province):
        n.refresh_from_db()
        a_poder.refresh_from_db()
        assert n.estado == EstadoNotificacion.PUESTA_DISPOSICION
        assert a_poder.revocado_at is None
        assert not Aviso.objects.filter(notificacion=n, is_reenvio=True).exists()


def test_a_delivery_dated_before_the_sedes_access_is_recorded_and_is_the_practice(
        clerk, province, resolucion):
    """Art. 41.7: a paper notice also put at disposal at the sede; the citizen opened it
    there at 12:00, but the notifier had delivered it at 11:00: the clerk can still record
    the delivery, which is the practice."""
    import time_machine

    puesta = datetime.datetime(2026, 6, 17, 10, 0, tzinfo=actions.MADRID)
    with time_machine.travel(puesta, tick=False), _in_a(province):
        [p] = notificar(resolucion, papel(), user=province.clerk_a)
    with time_machine.travel(puesta + datetime.timedelta(hours=2), tick=False), \
            _in_a(province):
        actions.acceder(p, actor(documento=OTHER_DNI, nombre="Tomás Ruiz"))
    with time_machine.travel(puesta + datetime.timedelta(hours=3), tick=False):
        response = clerk.post(f"{BASE}{p.pk}/entrega/", {
            "resultado": "entregada", "at": "2026-06-17T11:00:00",
            "receptor_nombre": "Tomás Ruiz", "receptor_documento": OTHER_DNI}, follow=True)
    assert "Resultado de la entrega registrado." in response.content.decode()
    with _in_a(province):
        p.refresh_from_db()
        assert p.estado == EstadoNotificacion.ENTREGADA_PAPEL
        assert p.practicada_at == puesta + datetime.timedelta(hours=1)
