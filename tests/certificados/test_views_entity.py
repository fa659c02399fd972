"""The entity's pages (/gestion/certificados/): its user administrator lists, requests,
follows and asks; a clerk, an administrator without the application, an entity not adhered
and another entity's objects are all refused, and nothing changes."""

from __future__ import annotations

import html
import re

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from certificados.choices import Autoridad, Custodia, Estado, Tipo
from certificados.models import Certificado
from tests.certificados.conftest import HOLDER_NIF, pdf_upload
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_administrator_lists_her_entitys_certificates_only(adhered, client_for,
                                                              request_for,
                                                              django_assert_max_num_queries):
    own = request_for(adhered.a)
    request_for(adhered.a, authority=Autoridad.LOCAL, state="emitido", holder_given_name="Rosa",
                holder_surnames="Sempere Mira")
    other = request_for(adhered.b, holder_given_name="Persona", holder_surnames="De Castalla",
                        dir3_code=adhered.b.dir3_code)
    client = client_for(adhered.admin_a, HOST_A)
    with django_assert_max_num_queries(20):
        page = _text(client.get("/gestion/certificados/"))
    assert own.reference in page
    assert "Rosa Sempere Mira" in page
    assert other.reference not in page
    assert "De Castalla" not in page
    assert '<div class="value">1</div><div class="label">En vigor</div>' in page
    assert '<div class="value">1</div><div class="label">Solicitudes en curso</div>' in page
    found = _text(client.get("/gestion/certificados/", {"q": "sempere"}))
    assert "Rosa Sempere Mira" in found
    assert own.reference not in found
    by_reference = _text(client.get("/gestion/certificados/", {"q": own.reference.lower()}))
    assert own.reference in by_reference
    assert "Rosa Sempere Mira" not in by_reference
    emitted = _text(client.get("/gestion/certificados/", {"estado": "emitido"}))
    assert "Rosa Sempere Mira" in emitted
    assert own.reference not in emitted
    assert client.get("/gestion/certificados/", {"estado": "inventado"}).status_code == 200


@pytest.mark.parametrize(("who", "status", "reason"), [
    ("clerk_a", 403, "Esta sección es solo para el administrador de usuarios de la entidad."),
    ("admin_without_application", 403, "No tiene concedida la aplicación «Certificados»"),
    ("not_adhered", 404, "Este servicio no está disponible en esta entidad."),
])
def test_who_may_not_enter_is_refused(province, client_for, who, status, reason):
    from tests.conftest import _adhere

    if who == "admin_without_application":
        _adhere(province.a, "certificados", province.provincial_admin)
        user = province.admin_a
    elif who == "not_adhered":
        user = province.admin_a  # A has not adhered to the certificates service
    else:
        _adhere(province.a, "certificados", province.provincial_admin)
        user = province.clerk_a
    response = client_for(user, HOST_A).get("/gestion/certificados/")
    assert response.status_code == status
    assert reason in _text(response)


def test_another_entitys_request_is_a_404_everywhere(adhered, client_for, request_for):
    other = request_for(adhered.b, authority=Autoridad.LOCAL, state="emitido",
                        attachments=[pdf_upload()], dir3_code=adhered.b.dir3_code)
    adjunto = other.adjuntos.get()
    client = client_for(adhered.admin_a, HOST_A)
    for path in (f"/gestion/certificados/{other.pk}/",
                 f"/gestion/certificados/{other.pk}/adjuntos/{adjunto.pk}/",
                 f"/gestion/certificados/{other.pk}/clave/",
                 f"/gestion/certificados/{other.pk}/certificado.cer",
                 f"/gestion/certificados/nuevo/empleado/?renueva={other.pk}"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/gestion/certificados/{other.pk}/peticion/",
                        {"operacion": "revocar", "reason": "x"}),
                       (f"/gestion/certificados/{other.pk}/anular/", {"reason": "x"}),
                       (f"/gestion/certificados/{other.pk}/clave/",
                        {"password1": "a" * 14, "password2": "a" * 14}),
                       (f"/gestion/certificados/{other.pk}/adjuntos/",
                        {"doc_type": "otro", "attachments": pdf_upload()})):
        assert client.post(path, data).status_code == 404, path
    other.refresh_from_db()
    assert (other.state, other.requested_operation, other.key_custody) == \
        (Estado.EMITIDO, "", Custodia.PENDIENTE_ENTREGA)
    assert other.adjuntos.count() == 1


def test_the_request_form_speaks_of_the_kind_and_explains_each_refusal(adhered, client_for):
    client = client_for(adhered.admin_a, HOST_A)
    page = _text(client.get("/gestion/certificados/nuevo/sello/"))
    assert "<legend>Responsable del sello</legend>" in page
    assert 'name="organo" value="Ajuntament d\'Agost"' in page
    assert 'name="dir3_code" value="L01030020"' in page
    assert 'name="sede_domain"' not in page
    assert "Autoridad de certificación de la plataforma" not in page  # no local CA yet
    assert 'name="sede_domain"' in _text(client.get("/gestion/certificados/nuevo/sede/"))
    assert client.get("/gestion/certificados/nuevo/inventado/").status_code == 404
    response = client.post("/gestion/certificados/nuevo/empleado/", {
        "authority": "fnmt", "holder_given_name": "Laura", "holder_surnames": "Payà Rico",
        "holder_nif": "48123456A", "holder_email": "laura@pruebas.localhost",
        "holder_position": "Secretaria", "organo": "Secretaría", "dir3_code": "L01030535",
        "doc_type": "identidad"})
    page = _text(response)
    assert response.status_code == 200
    assert "La letra del NIF 48123456A no corresponde a su número" in page
    assert "L01030535 es el código DIR3 de otra entidad" in page
    assert not Certificado.objects.exists()


def test_a_request_filed_from_the_form(adhered, client_for):
    client = client_for(adhered.admin_a, HOST_A)
    response = client.post("/gestion/certificados/nuevo/empleado/", {
        "authority": "accv", "holder_given_name": "Laura", "holder_surnames": "Payà Rico",
        "holder_nif": HOLDER_NIF.lower(), "holder_email": "laura@pruebas.localhost",
        "holder_position": "Secretaria", "organo": "Secretaría", "dir3_code": "L01030020",
        "doc_type": "identidad", "attachments": [pdf_upload()], "notes": "Urgente"})
    certificado = Certificado.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/gestion/certificados/{certificado.pk}/"
    assert (certificado.entity, certificado.authority, certificado.holder_nif,
            certificado.requested_by, certificado.notes) == (adhered.a, "accv", HOLDER_NIF,
                                                              adhered.admin_a, "Urgente")
    assert certificado.adjuntos.get().doc_type == "identidad"
    page = _text(client.get(response["Location"]))
    assert f"Solicitud {certificado.reference} registrada." in page
    assert "dni.pdf" in page
    download = client.get(f"/gestion/certificados/{certificado.pk}/adjuntos/"
                          f"{certificado.adjuntos.get().pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_petition_and_withdrawal_from_the_detail_page(adhered, client_for, request_for):
    issued = request_for(adhered.a, authority=Autoridad.LOCAL, state="emitido")
    pending = request_for(adhered.a)
    client = client_for(adhered.admin_a, HOST_A)
    response = client.post(f"/gestion/certificados/{issued.pk}/peticion/",
                           {"operacion": "levantar", "reason": "x"})
    assert response.status_code == 302
    assert "Qué pide: Escoja una opción válida." in _text(client.get(response["Location"]))
    client.post(f"/gestion/certificados/{issued.pk}/peticion/",
                {"operacion": "revocar", "reason": "Cese del titular."})
    issued.refresh_from_db()
    assert (issued.requested_operation, issued.requested_operation_reason) == \
        ("revocar", "Cese del titular.")
    page = _text(client.get(f"/gestion/certificados/{issued.pk}/"))
    assert "Ha pedido la revocación el" in page
    client.post(f"/gestion/certificados/{pending.pk}/anular/", {"reason": "Duplicada."})
    pending.refresh_from_db()
    assert pending.state == Estado.ANULADO


def test_the_key_is_downloaded_once_with_the_password_chosen(adhered, client_for, request_for):
    certificado = request_for(adhered.a, authority=Autoridad.LOCAL, state="emitido")
    client = client_for(adhered.admin_a, HOST_A)
    assert "Descargar la clave (.p12)" in _text(client.get(f"/gestion/certificados/{certificado.pk}/"))
    mismatch = client.post(f"/gestion/certificados/{certificado.pk}/clave/",
                           {"password1": "clave-larga-001", "password2": "clave-larga-002"})
    assert "Las dos contraseñas no coinciden." in _text(mismatch)
    response = client.post(f"/gestion/certificados/{certificado.pk}/clave/",
                           {"password1": "clave-larga-001", "password2": "clave-larga-001"})
    assert response["Content-Type"] == "application/x-pkcs12"
    assert response["Cache-Control"] == "no-store"
    key, certificate, _chain = pkcs12.load_key_and_certificates(response.content,
                                                                b"clave-larga-001")
    assert certificate == certificado.certificate
    again = client.get(f"/gestion/certificados/{certificado.pk}/clave/")
    assert again.status_code == 302
    assert "no está pendiente de entrega" in _text(client.get(again["Location"]))


def test_renewal_prefills_the_form_from_the_certificate(adhered, client_for, request_for):
    certificado = request_for(adhered.a, authority=Autoridad.LOCAL, state="emitido",
                              kind=Tipo.SEDE, sede_domain="sede.agost.es")
    client = client_for(adhered.admin_a, HOST_A)
    page = _text(client.get(f"/gestion/certificados/nuevo/sede/?renueva={certificado.pk}"))
    assert f"Renovación de {certificado.reference}" in page
    assert 'name="sede_domain" value="sede.agost.es"' in page
    assert re.search(r'value="local"[^>]*checked', page)
    assert client.get(f"/gestion/certificados/nuevo/sello/?renueva={certificado.pk}")\
        .status_code == 404
    assert client.get("/gestion/certificados/nuevo/sede/?renueva=abc").status_code == 400
