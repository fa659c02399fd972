"""The registration office's pages on the provincial host (/certificados/): the queue, the
certificate page and its operations (each with its reason; a refusal is a Spanish message
and changes nothing), the local CA page; only provincial admins and registradores (with
their second factor) get in."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificados.choices import Autoridad, Estado, Tipo
from certificados.models import Certificado, LocalCA, Registrador
from tests.certificados.conftest import SIGNING_USAGE, employee_subject, pem
from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _office(province, client_for):
    return client_for(province.provincial_admin, HOST_PROVINCIAL)


@pytest.mark.parametrize("who", ["clerk_a", "admin_a", "support_agent"])
def test_the_office_pages_are_a_404_for_anyone_else(province, client_for, request_for, who):
    certificado = request_for(province.a)
    client = client_for(getattr(province, who), HOST_PROVINCIAL)
    for path in ("/certificados/", "/certificados/caducidad/", "/certificados/autoridad/",
                 f"/certificados/{certificado.pk}/"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/certificados/{certificado.pk}/acreditar/",
                       {"note": "visto"}).status_code == 404
    certificado.refresh_from_db()
    assert certificado.state == Estado.SOLICITADO
    anonymous = client_for(None, HOST_PROVINCIAL).get("/certificados/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/cuentas/entrar/?next=")


def test_a_registradora_works_the_queue_with_her_second_factor(province, client_for,
                                                               request_for):
    Registrador.objects.create(user=province.clerk_b, code="R-1")
    certificado = request_for(province.a)
    unverified = client_for(province.clerk_b, HOST_PROVINCIAL, verified=False)
    response = unverified.get("/certificados/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/doble-factor/alta/?next=/certificados/") or \
        response["Location"].startswith("/cuentas/verificar/?next=/certificados/")
    client = client_for(province.clerk_b, HOST_PROVINCIAL)
    assert certificado.reference in _text(client.get("/certificados/"))
    Registrador.objects.filter(user=province.clerk_b).update(is_active=False)
    assert client_for(province.clerk_b, HOST_PROVINCIAL).get("/certificados/").status_code == 404


def test_the_queue_tabs_count_and_filter(province, client_for, request_for,
                                         django_assert_max_num_queries):
    waiting = request_for(province.a)
    accredited = request_for(province.a, state="acreditado", holder_given_name="Miquel",
                             holder_surnames="Tomàs Vidal")
    sent = request_for(province.b, state="enviado", dir3_code=province.b.dir3_code,
                       kind=Tipo.SEDE, sede_domain="sede.castalla.es")
    client = _office(province, client_for)
    with django_assert_max_num_queries(20):
        page = _text(client.get("/certificados/"))
    assert 'aria-current="page">Por acreditar<span class="ce-count">1</span>' in page
    assert "Por enviar o emitir<span class=\"ce-count\">1</span>" in page
    assert "En la autoridad<span class=\"ce-count\">1</span>" in page
    assert waiting.reference in page
    assert accredited.reference not in page
    page = _text(client.get("/certificados/", {"vista": "autoridad"}))
    assert sent.reference in page
    assert "sede.castalla.es" in page
    page = _text(client.get("/certificados/", {"vista": "todos", "entidad": province.b.pk}))
    assert sent.reference in page
    assert waiting.reference not in page
    page = _text(client.get("/certificados/", {"vista": "todos", "q": "tomàs"}))
    assert accredited.reference in page
    assert waiting.reference not in page


def test_the_office_takes_a_request_from_acreditacion_to_recording(province, client_for,
                                                                   request_for, fnmt_ca):
    certificado = request_for(province.a)
    client = _office(province, client_for)
    page = _text(client.get(f"/certificados/{certificado.pk}/"))
    assert "<summary>Acreditar la identidad</summary>" in page
    assert "<summary>Suspender</summary>" not in page
    refused = client.post(f"/certificados/{certificado.pk}/acreditar/", {"note": ""})
    assert refused.status_code == 400
    assert "Este campo es requerido." in _text(refused)
    done = client.post(f"/certificados/{certificado.pk}/acreditar/",
                       {"note": "DNI original visto."})
    assert done.status_code == 302
    assert "Identidad acreditada." in _text(client.get(done["Location"]))
    client.post(f"/certificados/{certificado.pk}/enviar/", {"external_reference": "F-99"})
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.b), key_usage=SIGNING_USAGE)
    mismatch = client.post(f"/certificados/{certificado.pk}/registrar/", {
        "certificate": SimpleUploadedFile("cert.pem", pem(issued))})
    assert mismatch.status_code == 400
    assert (f"No es un certificado de empleado público de el Ajuntament d'Agost: no lleva su "
            f"NIF {province.a.cif}.") in _text(mismatch)
    issued, _key = fnmt_ca.issue(subject=employee_subject(province.a), key_usage=SIGNING_USAGE)
    client.post(f"/certificados/{certificado.pk}/registrar/", {
        "certificate": SimpleUploadedFile("cert.pem", pem(issued))})
    certificado.refresh_from_db()
    assert (certificado.state, certificado.external_reference) == (Estado.EMITIDO, "F-99")
    assert certificado.serial_hex == format(issued.serial_number, "X")


def test_an_operation_from_the_wrong_state_is_refused_on_the_page(province, client_for,
                                                                  request_for):
    certificado = request_for(province.a)
    client = _office(province, client_for)
    response = client.post(f"/certificados/{certificado.pk}/suspender/", {"reason": "Robo"})
    assert response.status_code == 400
    assert f"No se puede suspender {certificado.reference}: está «Solicitado»." in _text(response)
    assert client.post(f"/certificados/{certificado.pk}/inventada/").status_code == 404
    # Opening an operation's address (left in the browser by a refused form) leads to the
    # certificate's page instead of a bare 405, and does nothing.
    opened = client.get(f"/certificados/{certificado.pk}/acreditar/")
    assert (opened.status_code, opened["Location"]) == (302, f"/certificados/{certificado.pk}/")
    assert client.get(f"/certificados/{certificado.pk}/inventada/").status_code == 404
    certificado.refresh_from_db()
    assert certificado.state == Estado.SOLICITADO


def test_the_entitys_petition_opens_the_matching_operation(province, client_for, request_for,
                                                           django_assert_max_num_queries):
    from certificados import actions

    certificado = request_for(province.a, authority=Autoridad.LOCAL, state="emitido")
    actions.pedir_operacion(certificado, "revocar", "Cese del titular el 30/06.",
                            operator=province.admin_a)
    client = _office(province, client_for)
    with django_assert_max_num_queries(16):
        page = _text(client.get(f"/certificados/{certificado.pk}/"))
    assert "Ajuntament d'Agost pide la revocación." in page
    assert "«Cese del titular el 30/06.»" in page
    assert '<details class="ce-op ce-danger" open><summary>Revocar</summary>' in page
    assert "<summary>No atender la petición</summary>" in page


def test_the_local_ca_page_creates_it_once(province, client_for):
    client = _office(province, client_for)
    assert "no tiene autoridad de certificación propia" in _text(client.get("/certificados/autoridad/"))
    client.post("/certificados/autoridad/crear/")
    ca = LocalCA.objects.get()
    page = _text(client.get("/certificados/autoridad/"))
    assert "AC local de Diputación de Pruebas" in page
    assert f'href="/certificados/crl/{ca.pk}.crl"' in page
    assert "Crear la autoridad de certificación local" not in page
    client.post("/certificados/autoridad/crear/")
    assert LocalCA.objects.count() == 1
    stale = "Caducada: quien valide un certificado de esta AC no podrá comprobar"
    assert stale not in page
    # A CRL past its next update (the daily task did not run) is flagged for the office.
    LocalCA.objects.filter(pk=ca.pk).update(crl_next_update=ca.published_at
                                             - datetime.timedelta(minutes=1))
    assert stale in _text(client.get("/certificados/autoridad/"))


def test_the_provincial_home_shows_the_office_panel(province, client_for, request_for):
    request_for(province.a)
    request_for(province.a, state="acreditado")
    page = _text(_office(province, client_for).get("/"))
    assert "<dt>Por acreditar</dt><dd>1</dd>" in page
    assert "<dt>Por enviar o emitir</dt><dd>1</dd>" in page
    assert '<a href="/certificados/">Certificados</a>' in page
    clerk_home = _text(client_for(province.clerk_a, HOST_PROVINCIAL).get("/"))
    assert "Por acreditar" not in clerk_home


def test_the_admin_shows_no_key_material(province, client_for):
    from certificados import actions

    sello = actions.issue_local_sello(province.a, operator=province.provincial_admin)
    client = _office(province, client_for)
    for path in (f"/admin/certificados/certificado/{sello.pk}/change/",
                 f"/admin/certificados/localca/{LocalCA.objects.get().pk}/change/"):
        page = _text(client.get(path))
        assert "SELLO ELECTRONICO" in page or "AC local" in page
        assert sello.key_token[:40] not in page
        assert LocalCA.objects.get().root_key_token[:40] not in page
        assert "PRIVATE KEY" not in page
    assert Certificado.objects.get(pk=sello.pk).key_token
