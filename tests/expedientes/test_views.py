"""The clerk's pages, as clerk_a on agost.localhost: dashboard, list and search, opening
(de oficio and from the registro), the expediente's tabs and their forms; the buttons
follow the state matrix; B's clerk gets 404 for A's expediente."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from expedientes import actions
from expedientes.choices import EstadoExpediente, EstadoTarea, RolInteresado
from expedientes.models import Expediente
from registro import services as registro
from tests.conftest import HOST_A, HOST_B

from .conftest import DNI, make_documento, make_expediente, make_procedimiento

BASE = "/gestion/expedientes/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client_for, province):
    return client_for(province.clerk_a, HOST_A)


def _in_a(province):
    return schema_context(province.a.schema_name)


def test_dashboard_flags_overdue_and_shows_my_tasks(clerk, province, procedimiento):
    hoy = timezone.localdate()
    vencido = make_expediente(procedimiento, "Terraza sin licencia",
                              fecha_vencimiento=hoy - datetime.timedelta(days=2))
    make_expediente(procedimiento, "Muy lejos",
                    fecha_vencimiento=hoy + datetime.timedelta(days=60))
    actions.crear_tarea(vencido, titulo="Visitar la terraza", asignada_a=province.clerk_a,
                        acting_user=province.clerk_a)
    page = clerk.get(BASE).content.decode()
    assert "Plazos vencidos o a punto de vencer" in page
    assert vencido.codigo in page
    assert "Muy lejos" not in page  # not flagged
    assert "Visitar la terraza" in page
    assert "Plazo vencido" in page
    assert '<div class="value">1</div><div class="label"><a href="/gestion/expedientes/lista/' \
           '?plazo=vencidos">' in page


def test_list_searches_by_number_asunto_interesado_and_filters(clerk, province,
                                                               procedimiento):
    hoy = timezone.localdate()
    uno = make_expediente(procedimiento, "Reforma de cocina",
                          fecha_vencimiento=hoy - datetime.timedelta(days=1))
    uno.interesados.create(rol=RolInteresado.SOLICITANTE, tipo_documento="N", documento=DNI,
                           nombre="Lucía", apellido1="Pérez")
    dos = make_expediente(procedimiento, "Terraza de verano", responsable_id=province.clerk_a.pk,
                          responsable_name="Clerk Pruebas")
    otro = make_procedimiento("OTRO", name="Subvención")
    tres = make_expediente(otro, "Ayuda al club", estado=EstadoExpediente.CERRADO)
    cases = [
        ({"q": uno.codigo}, {uno}), ({"q": str(dos.numero)}, {dos}),
        ({"q": "cocina"}, {uno}), ({"q": "terraza verano"}, {dos}),
        ({"interesado": DNI[:6]}, {uno}), ({"interesado": "pérez"}, {uno}),
        ({"procedimiento": str(otro.pk)}, {tres}), ({"estado": "cerrado"}, {tres}),
        ({"responsable": "yo"}, {dos}), ({"plazo": "vencidos"}, {uno}),
        ({}, {uno, dos, tres}),
    ]
    for params, expected in cases:
        page = clerk.get(f"{BASE}lista/", params).content.decode()
        with _in_a(province):
            shown = {e for e in (uno, dos, tres) if f">{e.codigo}<" in page}
        assert shown == expected, params
    assert clerk.get(f"{BASE}lista/", {"estado": "inventado"}).status_code == 200


def test_a_clerk_opens_an_expediente_de_oficio(clerk, province, procedimiento):
    response = clerk.post(f"{BASE}nuevo/", {
        "procedimiento": procedimiento.pk, "asunto": "Inspección de la obra de C/ Major",
        "fecha_inicio": "", "responsable": str(province.clerk_a.pk), "int-rol": "titular",
        "int-tipo_documento": "N", "int-documento": DNI, "int-nombre": "Lucía",
        "int-apellido1": "Pérez"})
    assert response.status_code == 302
    with _in_a(province):
        expediente = Expediente.objects.get()
        assert response["Location"] == f"{BASE}{expediente.pk}/"
        assert expediente.responsable_id == province.clerk_a.pk
        assert expediente.interesados.get().rol == RolInteresado.TITULAR
    bad = clerk.post(f"{BASE}nuevo/", {
        "procedimiento": procedimiento.pk, "asunto": "Otra", "int-tipo_documento": "N",
        "int-documento": "12345678A", "int-nombre": "X", "int-apellido1": "Y"})
    assert bad.status_code == 200
    assert "no es válido" in bad.content.decode()
    with _in_a(province):
        assert Expediente.objects.count() == 1


def test_a_clerk_opens_an_expediente_from_an_entry_of_the_registro(clerk, province,
                                                                   procedimiento):
    from tests.registro.conftest import datos, pdf_anexo

    asiento = registro.registrar(**datos(anexos=[pdf_anexo()]), acting_user=province.clerk_a)
    listing = clerk.get(f"{BASE}nuevo/desde-registro/", {"q": asiento.numero_registro})
    assert asiento.numero_registro in listing.content.decode()
    form = clerk.get(f"{BASE}nuevo/desde-registro/{asiento.pk}/").content.decode()
    assert "solicitud.pdf" in form
    response = clerk.post(f"{BASE}nuevo/desde-registro/{asiento.pk}/",
                          {"procedimiento": procedimiento.pk, "asunto": ""})
    assert response.status_code == 302
    with _in_a(province):
        expediente = Expediente.objects.get()
        assert expediente.asiento_id == asiento.pk
        assert expediente.documentos.count() == 1
    # The entry has its expediente now: no longer offered.
    listing = clerk.get(f"{BASE}nuevo/desde-registro/").content.decode()
    assert f'href="{BASE}nuevo/desde-registro/{asiento.pk}/"' not in listing
    assert "No hay entradas sin expediente" in listing
    assert clerk.get(f"{BASE}nuevo/desde-registro/{asiento.pk}/").status_code == 404


def test_every_tab_renders(clerk, province, expediente):
    expediente.interesados.create(rol=RolInteresado.SOLICITANTE, tipo_documento="N",
                                  documento=DNI, nombre="Lucía", apellido1="Pérez")
    make_documento(expediente, "Solicitud firmada")
    actions.crear_tarea(expediente, titulo="Informe técnico", acting_user=province.clerk_a)
    actions.suspender_plazo(expediente, motivo="Requerimiento de subsanación",
                            acting_user=province.clerk_a)
    expected = {"": "Datos del expediente", "interesados/": "Lucía Pérez",
                "documentos/": "Solicitud firmada", "tareas/": "Informe técnico",
                "plazo/": "Requerimiento de subsanación", "historial/": "Tarea «Informe técnico»",
                "remisiones/": expediente.codigo}
    for suffix, text in expected.items():
        response = clerk.get(f"{BASE}{expediente.pk}/{suffix}")
        assert response.status_code == 200, suffix
        page = response.content.decode()
        assert text in page, suffix
        assert 'aria-current="page"' in page


def test_buttons_follow_the_state_and_a_refused_post_changes_nothing(clerk, province,
                                                                     expediente):
    page = clerk.get(f"{BASE}{expediente.pk}/").content.decode()
    for shown in ("Cambiar de fase", "Marcar como resuelto", "Cerrar", "Anular"):
        assert shown in page
    assert "Archivar" not in page
    assert "Reabrir" not in page
    # A reason is required.
    clerk.post(f"{BASE}{expediente.pk}/estado/cerrar/", {"cerrar-motivo": ""})
    with _in_a(province):
        expediente.refresh_from_db()
        assert expediente.estado == EstadoExpediente.EN_TRAMITACION
    response = clerk.post(f"{BASE}{expediente.pk}/estado/cerrar/",
                          {"cerrar-motivo": "Desistimiento del interesado"}, follow=True)
    assert "Expediente cerrado." in response.content.decode()
    page = clerk.get(f"{BASE}{expediente.pk}/").content.decode()
    assert "Archivar" in page
    assert "Reabrir" in page
    assert "Cambiar de fase" not in page
    assert "Marcar como resuelto" not in page
    refused = clerk.post(f"{BASE}{expediente.pk}/fase/", {"fase": "Instrucción"}, follow=True)
    assert "no permite cambiar de fase" in refused.content.decode()
    with _in_a(province):
        expediente.refresh_from_db()
        assert (expediente.estado, expediente.fase) == (EstadoExpediente.CERRADO, "Inicio")
    assert clerk.post(f"{BASE}{expediente.pk}/estado/borrar/", {}).status_code == 404
    assert clerk.get(f"{BASE}{expediente.pk}/estado/cerrar/").status_code == 405


def test_forms_of_the_tabs(clerk, province, expediente):
    response = clerk.post(f"{BASE}{expediente.pk}/interesados/", {
        "rol": "interesado", "tipo_documento": "N", "documento": "1234567A",
        "nombre": "Pep", "apellido1": "Mas"})
    assert response.status_code == 400
    assert "no es válido" in response.content.decode()
    clerk.post(f"{BASE}{expediente.pk}/interesados/", {
        "rol": "interesado", "tipo_documento": "N", "documento": DNI, "nombre": "Lucía",
        "apellido1": "Pérez"})
    manana = timezone.localdate() + datetime.timedelta(days=1)
    clerk.post(f"{BASE}{expediente.pk}/tareas/", {
        "titulo": "Medir la terraza", "asignada_a": str(province.clerk_a.pk),
        "due_date": manana.isoformat()})
    clerk.post(f"{BASE}{expediente.pk}/fase/", {"fase": "Instrucción"})
    clerk.post(f"{BASE}{expediente.pk}/datos/", {"asunto": "Reforma de cocina y baño",
                                                 "responsable": str(province.clerk_a.pk)})
    clerk.post(f"{BASE}{expediente.pk}/plazo/suspender/", {"motivo": "Informe de Costas"})
    with _in_a(province):
        expediente.refresh_from_db()
        interesado = expediente.interesados.get()
        tarea = expediente.tareas.get()
        assert (tarea.titulo, tarea.due_date, tarea.assigned_to_id) == (
            "Medir la terraza", manana, province.clerk_a.pk)
        assert (expediente.fase, expediente.asunto, expediente.responsable_id) == (
            "Instrucción", "Reforma de cocina y baño", province.clerk_a.pk)
        assert expediente.is_plazo_suspendido
    clerk.post(f"{BASE}{expediente.pk}/plazo/reanudar/", {"motivo": "Recibido"})
    clerk.post(f"{BASE}{expediente.pk}/tareas/{tarea.pk}/hecha/")
    clerk.post(f"{BASE}{expediente.pk}/interesados/{interesado.pk}/quitar/")
    with _in_a(province):
        expediente.refresh_from_db()
        assert not expediente.is_plazo_suspendido
        assert expediente.tareas.get().estado == EstadoTarea.HECHA
        assert not expediente.interesados.exists()


def test_clerk_of_b_gets_404_for_an_expediente_of_a(client_for, province, expediente):
    tarea = actions.crear_tarea(expediente, titulo="Tarea de A", acting_user=province.clerk_a)
    interesado = expediente.interesados.create(tipo_documento="N", documento=DNI,
                                               nombre="Lucía", apellido1="Pérez")
    other = client_for(province.clerk_b, HOST_B)
    pk = expediente.pk
    for suffix in ("", "interesados/", "documentos/", "tareas/", "plazo/", "historial/",
                   "remisiones/"):
        assert other.get(f"{BASE}{pk}/{suffix}").status_code == 404, suffix
    for suffix, data in [("estado/cerrar/", {"cerrar-motivo": "x"}), ("fase/", {"fase": "x"}),
                         ("datos/", {"asunto": "x"}), ("plazo/suspender/", {"motivo": "x"}),
                         (f"tareas/{tarea.pk}/hecha/", {}),
                         (f"interesados/{interesado.pk}/quitar/", {})]:
        assert other.post(f"{BASE}{pk}/{suffix}", data).status_code == 404, suffix
    with _in_a(province):
        expediente.refresh_from_db()
        assert expediente.estado == EstadoExpediente.EN_TRAMITACION
        assert expediente.interesados.count() == 1
        assert expediente.tareas.get().estado == EstadoTarea.PENDIENTE


def test_a_member_without_the_application_is_refused(client_for, province, expediente):
    admin = client_for(province.admin_a, HOST_A)
    assert admin.get(BASE).status_code in (403, 404)
    assert admin.get(f"{BASE}{expediente.pk}/").status_code in (403, 404)
    anonymous = client_for(None, HOST_A)
    assert anonymous.get(f"{BASE}{expediente.pk}/").status_code == 302
