"""The clerk's «Notificar» page from a salida of the registro (`?asiento=<pk>`): the
salida's interesados (not its representatives) pre-checked, the first anexo as the
content with its SHA-256, the remesa made without expediente (acuses issued and
verifiable, incorporated nowhere), the citizen receiving exactly the anexo's bytes; bad,
foreign and unsuitable asientos refused; the «Notificar» action of the registro's page;
and the channel foreseen on the page agreeing with the one stored (CIFs of entities
without legal personality: E, H, J, U)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from notificaciones import actions
from notificaciones.choices import Canal, EstadoNotificacion, MotivoCanal, TipoEvento
from notificaciones.models import Notificacion, Remesa
from registro.models import Asiento
from registro.services import anular as anular_asiento
from registro.services import registrar
from tenants import actions as tenant_actions
from tenants.choices import MembershipRole
from tenants.demo import ACCEPTANCE_PDF
from tests.conftest import HOST_A, HOST_B
from tests.registro.conftest import datos, empresa, pdf_anexo, persona

from .conftest import actor

BASE = "/gestion/notificaciones/"
NUEVA = f"{BASE}nueva/"
pytestmark = pytest.mark.django_db
DIRECCION = "C/ Mayor 3, 03698 Agost"
REPRESENTANTE_DNI = "11111111H"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _salida(entity, user, *, interesados=None, anexos=None, **overrides) -> Asiento:
    """A salida (or, with libro="E", an entrada) of `entity` to Lucía (with a postal
    address) plus a representative, with a PDF anexo, as the registro's clerk registers
    it."""
    if interesados is None:
        interesados = [persona(direccion=DIRECCION),
                       persona(documento=REPRESENTANTE_DNI, nombre="Marta",
                               apellido1="Vidal", apellido2="", es_representante=True)]
    with schema_context(entity.schema_name):
        return registrar(**datos(**{
            "libro": "S", "asunto": "Resolución de la licencia de obra",
            "interesados": interesados,
            "anexos": [pdf_anexo("resolucion.pdf")] if anexos is None else anexos,
            **overrides}), acting_user=user)


def _member(province, email: str, applications: list[str]):
    return tenant_actions.add_member(
        province.a, acting_user=province.provincial_admin, email=email, first_name="Pepa",
        last_name="Pruebas", password="clave-de-prueba-2026", role=MembershipRole.CLERK,
        applications=applications).user


@pytest.fixture
def clerk(client_for, province):
    return client_for(province.clerk_a, HOST_A)


@pytest.fixture
def salida(province) -> Asiento:
    return _salida(province.a, province.clerk_a)


def _filas(page: str) -> dict[str, str]:
    """The «Canal que se aplicará» cell of each row, by the document shown on the row."""
    rows = re.findall(r'<tr[^>]*>\s*<td class="primary">.*?</tr>', page, re.S)
    found = {}
    for row in rows:
        documento = re.search(r'<span class="sub">[^·<]*· ([0-9A-Z]+)', row).group(1)
        cell = re.search(r"data-canal[^>]*><span><strong>([^<]*)</strong>"
                         r'<span class="sub">([^<]*)</span>', row)
        found[documento] = f"{cell.group(1)} | {cell.group(2)}"
    return found


def test_the_page_shows_the_salidas_interesados_and_the_anexos_hash(clerk, province, salida):
    with schema_context(province.a.schema_name):
        anexo = salida.anexos.get()
        lucia = salida.interesados.get(es_representante=False)
    response = clerk.get(NUEVA, {"asiento": salida.pk})
    assert response.status_code == 200
    page = _text(response)
    # The interesado, pre-checked, with the ground select and the channel foreseen; the
    # representative is not a destinatario.
    assert re.search(rf'name="sel_{lucia.pk}" id="id_sel_{lucia.pk}" checked', page)
    assert "Lucía Pérez Sanz" in page
    assert REPRESENTANTE_DNI not in page
    assert "Marta Vidal" not in page
    assert re.search(rf'<table class="stack nt-dest">.*<select name="motivo_{lucia.pk}"', page,
                     re.S)
    assert "notificaciones/nueva.js" in page  # the script that follows the select
    assert _filas(page) == {lucia.documento: "En papel | No obligado ni ha elegido medios "
                                             "electrónicos: en papel"}
    # The concept from the asunto; the content is the first anexo, with its hash.
    assert 'value="Resolución de la licencia de obra"' in page
    assert f'resolucion.pdf · SHA-256 <code class="nt-hash">{anexo.sha256}</code>' in page
    assert "no se incorporan a ningún expediente" in page
    assert f'href="/gestion/registro/asientos/{salida.pk}/"' in page  # back to the asiento


def test_a_remesa_from_a_salida_reaches_the_citizen_with_the_anexos_bytes(clerk, province,
                                                                         salida):
    with schema_context(province.a.schema_name):
        lucia = salida.interesados.get(es_representante=False)
        anexo = salida.anexos.get()
    url = f"{NUEVA}?asiento={salida.pk}"
    # Paper needs the address (Lucía has it) — here she chose the sede.
    response = clerk.post(url, {"concepto": "Resolución de la licencia",
                                f"sel_{lucia.pk}": "on",
                                f"motivo_{lucia.pk}": MotivoCanal.ELECCION})
    assert response.status_code == 302
    with schema_context(province.a.schema_name):
        remesa = Remesa.objects.get()
        assert response["Location"] == f"{BASE}?remesa={remesa.pk}&estado=todas"
        assert remesa.asiento_origen_id == salida.pk
        assert remesa.expediente_id is None
        assert remesa.documento_id is None
        assert remesa.contenido_sha256 == anexo.sha256
        assert remesa.contenido_nombre == "resolucion.pdf"
        [n] = remesa.notificaciones.all()
        assert (n.canal, n.motivo_canal) == (Canal.SEDE, MotivoCanal.ELECCION)
        assert n.documento == lucia.documento
        # The citizen appears at the sede and receives exactly the anexo.
        actions.acceder(n, actor(lucia.documento, "Lucía Pérez Sanz"))
        n.refresh_from_db()
        assert n.estado == EstadoNotificacion.ACCEDIDA
        nombre, _mime, data = actions.consultar(n, actor(lucia.documento, "Lucía Pérez Sanz"))
        assert (nombre, data) == ("resolucion.pdf", ACCEPTANCE_PDF)
        acceso = n.eventos.get(tipo=TipoEvento.ACCESO)
        assert acceso.acuse is not None
        assert acceso.documento_expediente is None
        csv = acceso.acuse.csv
    # The acuse, incorporated nowhere, is verifiable at the entity's sede.
    found = Client(HTTP_HOST=HOST_A).get("/sede/verificar/", {"csv": csv})
    assert found.status_code == 200
    assert n.referencia in found.content.decode()
    # The page now lists it among the asiento's previous notifications.
    page = _text(clerk.get(url))
    assert "Notificaciones anteriores de este asiento" in page
    assert n.referencia in page


def test_a_paper_destinatario_without_address_is_refused_and_nothing_written(
        clerk, province):
    salida = _salida(province.a, province.clerk_a, interesados=[persona()])
    with schema_context(province.a.schema_name):
        lucia = salida.interesados.get()
    response = clerk.post(f"{NUEVA}?asiento={salida.pk}", {
        "concepto": "Resolución", f"sel_{lucia.pk}": "on", f"motivo_{lucia.pk}": ""})
    assert response.status_code == 400
    assert "no consta su dirección postal en el asiento" in _text(response)
    with schema_context(province.a.schema_name):
        assert not Remesa.objects.exists()
        assert not Notificacion.objects.exists()


def test_an_unsuitable_asiento_is_400_with_its_reason(clerk, province):
    entrada = _salida(province.a, province.clerk_a, libro="E")
    sin_anexo = _salida(province.a, province.clerk_a, anexos=[])
    anulada = _salida(province.a, province.clerk_a)
    with schema_context(province.a.schema_name):
        anular_asiento(anulada, motivo="Error de destinatario", acting_user=province.clerk_a)
    for asiento, reason in [
            (entrada, f"El asiento {entrada.numero_registro} no es del libro de salida"),
            (sin_anexo, f"El asiento {sin_anexo.numero_registro} no tiene ningún documento "
                        "anexo que notificar."),
            (anulada, f"El asiento {anulada.numero_registro} está anulado.")]:
        url = f"{NUEVA}?asiento={asiento.pk}"
        for response in (clerk.get(url), clerk.post(url, {"concepto": "x"})):
            assert response.status_code == 400, asiento.numero_registro
            assert reason in _text(response)
    for raw in ("abc", "²", "1" * 19, "", "-1", "1.0"):
        response = clerk.get(NUEVA, {"asiento": raw})
        assert response.status_code == 400, raw
        assert "El asiento indicado no es válido" in _text(response)
    assert clerk.get(NUEVA, {"asiento": "999999"}).status_code == 404
    with schema_context(province.a.schema_name):
        assert not Remesa.objects.exists()


def test_bs_asiento_is_404_at_a_and_nothing_is_notified(clerk, client_for, province):
    b_salida = _salida(province.b, province.clerk_b)
    with schema_context(province.a.schema_name):
        assert not Asiento.objects.filter(pk=b_salida.pk).exists()
    url = f"{NUEVA}?asiento={b_salida.pk}"
    assert clerk.get(url).status_code == 404
    assert clerk.post(url, {"concepto": "x", "sel_1": "on"}).status_code == 404
    # And A's salida from B.
    a_salida = _salida(province.a, province.clerk_a)
    with schema_context(province.b.schema_name):
        # Schemas number their own rows: B's salida above may share A's new pk.
        b_has_same_pk = Asiento.objects.filter(pk=a_salida.pk).exists()
    if not b_has_same_pk:
        b = client_for(province.clerk_b, HOST_B)
        assert b.get(f"{NUEVA}?asiento={a_salida.pk}").status_code == 404
    for schema in (province.a.schema_name, province.b.schema_name):
        with schema_context(schema):
            assert not Remesa.objects.exists()


def test_the_page_needs_both_the_expedientes_and_the_registro(client_for, province, salida):
    url = f"{NUEVA}?asiento={salida.pk}"
    with schema_context(province.a.schema_name):
        lucia = salida.interesados.get(es_representante=False)
    data = {"concepto": "x", f"sel_{lucia.pk}": "on", f"motivo_{lucia.pk}": "eleccion"}
    solo_expedientes = client_for(_member(province, "exp@pruebas.localhost", ["expedientes"]),
                                  HOST_A)
    solo_registro = client_for(_member(province, "reg@pruebas.localhost", ["registro"]), HOST_A)
    for client in (solo_expedientes, solo_registro):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    # The expedientes-only clerk still notifies documents: only the registro's part is
    # refused to them.
    assert solo_expedientes.get(NUEVA).status_code == 200
    with schema_context(province.a.schema_name):
        assert not Remesa.objects.exists()


def test_the_registro_detail_offers_notificar_for_a_salida_with_anexos_only(
        clerk, client_for, province, salida):
    link = f'href="{NUEVA}?asiento={salida.pk}"'
    page = _text(clerk.get(f"/gestion/registro/asientos/{salida.pk}/"))
    assert link in page
    assert "Notificar a los interesados" in page
    entrada = _salida(province.a, province.clerk_a, libro="E")
    sin_anexo = _salida(province.a, province.clerk_a, anexos=[])
    for asiento in (entrada, sin_anexo):
        page = _text(clerk.get(f"/gestion/registro/asientos/{asiento.pk}/"))
        assert "?asiento=" not in page
        assert "Notificar a los interesados" not in page
    # A registro clerk without the notificaciones' application is not offered it.
    solo_registro = client_for(_member(province, "reg@pruebas.localhost", ["registro"]), HOST_A)
    response = solo_registro.get(f"/gestion/registro/asientos/{salida.pk}/")
    assert response.status_code == 200
    assert link not in _text(response)


@pytest.mark.parametrize(("cif", "motivo"), [
    ("E12345674", MotivoCanal.ENTIDAD_SIN_PERSONALIDAD),
    ("H12345674", MotivoCanal.ENTIDAD_SIN_PERSONALIDAD),
    ("J12345674", MotivoCanal.ENTIDAD_SIN_PERSONALIDAD),
    ("U1234567D", MotivoCanal.ENTIDAD_SIN_PERSONALIDAD),
    ("B12345674", MotivoCanal.PERSONA_JURIDICA),
])
def test_the_channel_foreseen_agrees_with_the_one_stored(clerk, province, cif, motivo):
    salida = _salida(province.a, province.clerk_a,
                     interesados=[empresa(documento=cif, razon_social="Comunitat Pla 3")])
    with schema_context(province.a.schema_name):
        entidad = salida.interesados.get()
    url = f"{NUEVA}?asiento={salida.pk}"
    page = _text(clerk.get(url))
    previsto = _filas(page)[cif]
    assert previsto == f"Comparecencia en la sede electrónica | {motivo.label}"
    assert f'name="motivo_{entidad.pk}"' not in page  # obliged: no ground to choose
    response = clerk.post(url, {"concepto": "Resolución", f"sel_{entidad.pk}": "on"})
    assert response.status_code == 302
    with schema_context(province.a.schema_name):
        n = Notificacion.objects.get()
        assert (n.canal, n.motivo_canal) == (Canal.SEDE, motivo)
        assert n.nombre == "Comunitat Pla 3"
    assert previsto.split(" | ")[1] == MotivoCanal(n.motivo_canal).label


def test_the_expedientes_page_foresees_an_entity_without_legal_personality_too(
        clerk, province, expediente, resolucion):
    with schema_context(province.a.schema_name):
        expediente.interesados.all().delete()
        entidad = expediente.interesados.create(rol="interesado", tipo_documento="CIF",
                                                documento="H12345674",
                                                nombre="Comunidad de propietarios Pla 3")
    url = f"{NUEVA}?documento={resolucion.pk}"
    previsto = _filas(_text(clerk.get(url)))["H12345674"]
    assert previsto.endswith(f"| {MotivoCanal.ENTIDAD_SIN_PERSONALIDAD.label}")
    assert clerk.post(url, {"concepto": "Resolución", f"sel_{entidad.pk}": "on"}
                      ).status_code == 302
    with schema_context(province.a.schema_name):
        assert Notificacion.objects.get().motivo_canal == MotivoCanal.ENTIDAD_SIN_PERSONALIDAD
