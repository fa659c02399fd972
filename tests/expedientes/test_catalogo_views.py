"""The catalogue pages: list with search, filter and pagination; detail; procedures and
templates edited in the browser; the live preview; the provincial catalogue; isolation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from expedientes.catalogo import actions, modelos
from expedientes.models import Plantilla, Procedimiento
from provincial.models import AuditEvent
from tests.conftest import HOST_A, HOST_B
from tests.expedientes.conftest import make_expediente, make_procedimiento


@pytest.fixture
def clerk(province, client_for):
    return client_for(province.clerk_a, HOST_A)


def _url(name: str, *args) -> str:
    return reverse(f"gestion:expedientes:{name}", args=args)


def test_list_searches_filters_and_paginates(in_a, province, clerk,
                                             django_assert_max_num_queries):
    actions.adoptar_todos(acting_user=province.clerk_a)
    for n in range(12):
        make_procedimiento(code=f"PROPIO-{n:02d}", name=f"Procedimiento propio {n:02d}",
                           familia="general")
    with django_assert_max_num_queries(25):
        page = clerk.get(_url("procedimientos"))
    assert page.status_code == 200
    assert "Página 1 de 2" in page.content.decode()
    hacienda = clerk.get(_url("procedimientos"), {"familia": "hacienda"}).content.decode()
    assert "Reconocimiento extrajudicial de créditos" in hacienda
    assert "Licencia de obra menor" not in hacienda
    vado = clerk.get(_url("procedimientos"), {"q": "via-vado"}).content.decode()
    assert "Licencia de vado (entrada de vehículos)" in vado
    assert "Licencia de obra menor" not in vado
    assert "1 resultado" in vado
    bad = clerk.get(_url("procedimientos"), {"familia": "no-existe", "page": "x"})
    assert bad.status_code == 200  # a bad filter shows everything, never a 500


def test_detail_shows_data_templates_and_a_newer_model_version(in_a, province, clerk):
    procedimiento = actions.adoptar("HAC-REC", acting_user=province.clerk_a)
    page = clerk.get(_url("procedimiento", procedimiento.pk)).content.decode()
    assert "Artículos 26.2.c) y 60.2 del Real Decreto 500/1990" in page
    assert "Dictamen de la Comisión Informativa" in page
    assert "Versión nueva del modelo disponible" not in page
    Procedimiento.objects.filter(pk=procedimiento.pk).update(modelo_version=0)
    page = clerk.get(_url("procedimiento", procedimiento.pk)).content.decode()
    assert "Versión nueva del modelo disponible" in page
    listing = clerk.get(_url("procedimientos")).content.decode()
    assert "Versión nueva del modelo disponible" in listing
    response = clerk.post(_url("procedimiento_actualizar", procedimiento.pk))
    assert response.status_code == 302
    procedimiento.refresh_from_db()
    assert procedimiento.modelo_version == modelos.get("HAC-REC").version


def _procedure_post(**overrides) -> dict:
    data = {"code": "ARBOLADO", "sia_code": "", "name": "Autorización de tala de arbolado",
            "familia": "medio_ambiente", "description": "", "base_legal": "Ordenanza de arbolado",
            "plazo_cantidad": "2", "plazo_unidad": "meses",
            "sentido_silencio": "desestimatorio", "organo_resolutorio": "Alcaldía",
            "circuito": "", "sede_procedimiento": "", "is_active": "on",
            "doc-TOTAL_FORMS": "3", "doc-INITIAL_FORMS": "0", "doc-MIN_NUM_FORMS": "0",
            "doc-MAX_NUM_FORMS": "1000",
            "doc-0-nombre": "Solicitud", "doc-0-obligatorio": "on",
            "doc-1-nombre": "  Informe   de un técnico ", "doc-2-nombre": "",
            "fase-TOTAL_FORMS": "3", "fase-INITIAL_FORMS": "0", "fase-MIN_NUM_FORMS": "0",
            "fase-MAX_NUM_FORMS": "1000",
            "fase-0-nombre": "Inicio", "fase-1-nombre": "Informe", "fase-2-nombre": "Resolución"}
    data.update(overrides)
    return data


def test_a_procedure_is_written_in_the_browser_with_documents_and_phases(in_a, clerk):
    assert clerk.get(_url("procedimiento_nuevo")).status_code == 200
    response = clerk.post(_url("procedimiento_nuevo"), _procedure_post())
    assert response.status_code == 302
    procedimiento = Procedimiento.objects.get(code="ARBOLADO")
    assert response["Location"] == _url("procedimiento", procedimiento.pk)
    assert procedimiento.documentos_requeridos == [
        {"nombre": "Solicitud", "obligatorio": True},
        {"nombre": "Informe de un técnico", "obligatorio": False}]
    assert procedimiento.fases == ["Inicio", "Informe", "Resolución"]
    assert AuditEvent.objects.filter(action="expedientes.procedimiento.alta",
                                     object_id=str(procedimiento.pk)).exists()
    form = clerk.get(_url("procedimiento_editar", procedimiento.pk)).content.decode()
    assert 'value="Informe de un técnico"' in form
    # Edit: drop a phase, rename the procedure.
    data = _procedure_post(name="Tala de arbolado", **{"fase-1-DELETE": "on"})
    response = clerk.post(_url("procedimiento_editar", procedimiento.pk), data)
    assert response.status_code == 302
    procedimiento.refresh_from_db()
    assert (procedimiento.name, procedimiento.fases) == ("Tala de arbolado",
                                                         ["Inicio", "Resolución"])


@pytest.mark.parametrize(("overrides", "message"), [
    ({"fase-2-nombre": "inicio"}, "«inicio» está repetido."),
    ({"code": "con espacios"}, "Use solo letras mayúsculas sin tilde, cifras y guiones."),
    ({"sia_code": "12A"}, "El código SIA son solo cifras."),
    ({"plazo_cantidad": "0"}, "El plazo ha de ser al menos 1."),
])
def test_a_procedure_with_bad_data_is_refused_with_a_message(in_a, clerk, overrides, message):
    response = clerk.post(_url("procedimiento_nuevo"), _procedure_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Procedimiento.objects.filter(name="Autorización de tala de arbolado").exists()


def test_template_edit_saves_and_refuses_a_syntax_error(procedimiento, clerk):
    plantilla = procedimiento.plantillas.get(code="informe-tecnico")
    url = _url("plantilla", procedimiento.pk, plantilla.pk)
    assert clerk.get(url).status_code == 200
    data = {"name": "Informe técnico", "code": "informe-tecnico", "tipo_documental": "TD13",
            "orden": "1", "is_active": "on",
            "cuerpo": "<p>Informe</p>\n<p>{{ expediente.codigo|fecha }}</p>"}
    response = clerk.post(url, data)
    assert response.status_code == 400
    assert "Error en la línea 2 de la plantilla: el filtro «fecha» no existe" in \
        response.content.decode()
    plantilla.refresh_from_db()
    assert plantilla.cuerpo.startswith("<p>Informe técnico del expediente")
    data["cuerpo"] = "<p>Informe del {{ hoy|fecha_letras }}</p>"
    response = clerk.post(url, data)
    assert response.status_code == 302
    plantilla.refresh_from_db()
    assert plantilla.cuerpo == "<p>Informe del {{ hoy|fecha_letras }}</p>"
    assert AuditEvent.objects.filter(action="expedientes.plantilla.cambio").count() == 1


def test_new_template(procedimiento, clerk):
    response = clerk.post(_url("plantilla_nueva", procedimiento.pk), {
        "name": "Diligencia", "code": "diligencia", "tipo_documental": "TD12", "orden": "9",
        "is_active": "on", "cuerpo": "<p>Para hacer constar que…</p>"})
    assert response.status_code == 302
    assert procedimiento.plantillas.filter(code="diligencia", tipo_documental="TD12").exists()
    again = clerk.post(_url("plantilla_nueva", procedimiento.pk), {
        "name": "Otra", "code": "diligencia", "tipo_documental": "TD12", "orden": "9",
        "cuerpo": "<p>x</p>"})
    assert again.status_code == 400
    assert procedimiento.plantillas.filter(code="diligencia").count() == 1


def test_live_preview_merges_an_expediente_or_sample_data(procedimiento, clerk):
    expediente = make_expediente(procedimiento)
    url = _url("plantilla_previa", procedimiento.pk)
    cuerpo = "<p>{{ expediente.codigo }} · {{ expediente.asunto }}</p><script>x()</script>"
    response = clerk.post(url, {"cuerpo": cuerpo, "expediente": str(expediente.pk)})
    assert response.status_code == 200
    assert f"<p>{expediente.codigo} · Reforma de cocina</p>" in response.content.decode()
    assert "<script>" not in response.content.decode()
    sample = clerk.post(url, {"cuerpo": cuerpo, "expediente": ""}).content.decode()
    assert "Reforma interior de vivienda en Calle Mayor, 1" in sample
    error = clerk.post(url, {"cuerpo": "<p>a</p>\n\n{% include 'x' %}"}).content.decode()
    assert "Error en la línea 3 de la plantilla: la etiqueta «{% include %}»" in error
    unknown = clerk.post(url, {"cuerpo": "{{ interesado.nombr }}"}).content.decode()
    assert "<code>interesado.nombr</code>" in unknown
    assert clerk.get(url).status_code == 405


def test_preview_without_javascript_saves_nothing(procedimiento, clerk):
    plantilla = procedimiento.plantillas.get(code="providencia")
    antes = plantilla.cuerpo
    response = clerk.post(_url("plantilla", procedimiento.pk, plantilla.pk), {
        "name": plantilla.name, "code": plantilla.code, "tipo_documental": "TD01",
        "orden": "0", "is_active": "on", "previa": "1",
        "cuerpo": "<p>Nuevo {{ entidad.municipio|mayusculas }}</p>"})
    assert response.status_code == 200
    assert "<p>Nuevo AGOST</p>" in response.content.decode()
    plantilla.refresh_from_db()
    assert plantilla.cuerpo == antes


def test_provincial_catalogue_lists_models_and_adopts_them(in_a, clerk):
    page = clerk.get(_url("catalogo_provincial")).content.decode()
    for modelo in modelos.TODOS:
        assert modelo.name in page
    modelo_page = clerk.get(_url("modelo", "SS-TARJETA-PMR"))
    assert modelo_page.status_code == 200
    assert "Real Decreto 1056/2014" in modelo_page.content.decode()
    assert clerk.get(_url("modelo", "NO-EXISTE")).status_code == 404
    response = clerk.post(_url("adoptar", "SS-TARJETA-PMR"))
    procedimiento = Procedimiento.objects.get(modelo_codigo="SS-TARJETA-PMR")
    assert response["Location"] == _url("procedimiento", procedimiento.pk)
    page = clerk.get(_url("catalogo_provincial")).content.decode()
    assert "Adoptado (versión 1)" in page
    response = clerk.post(_url("adoptar_todos"))
    assert response.status_code == 302
    assert Procedimiento.objects.exclude(modelo_codigo="").count() == len(modelos.TODOS)


def test_another_entity_sees_none_of_it(procedimiento, province, client_for):
    plantilla = procedimiento.plantillas.first()
    other = client_for(province.clerk_b, HOST_B)
    for url in (_url("procedimiento", procedimiento.pk),
                _url("procedimiento_editar", procedimiento.pk),
                _url("plantilla", procedimiento.pk, plantilla.pk)):
        assert other.get(url).status_code == 404, url
    assert other.post(_url("plantilla_previa", procedimiento.pk),
                      {"cuerpo": "x"}).status_code == 404
    assert "Licencia de obra menor" not in other.get(_url("procedimientos")).content.decode()
    # Not a member of A: nothing of A's back office.
    outsider = client_for(province.clerk_b, HOST_A)
    assert outsider.get(_url("procedimiento", procedimiento.pk)).status_code == 404
    response = outsider.post(_url("plantilla", procedimiento.pk, plantilla.pk),
                             {"name": "Cambiada", "code": plantilla.code,
                              "tipo_documental": "TD01", "orden": "0", "cuerpo": "<p>x</p>"})
    assert response.status_code == 404
    with schema_context(province.a.schema_name):
        assert Plantilla.objects.get(pk=plantilla.pk).name != "Cambiada"


def test_a_colleague_without_the_application_is_refused(in_a, province, client_for):
    colleague = client_for(province.admin_a, HOST_A)
    assert colleague.get(_url("procedimientos")).status_code == 403
    assert colleague.post(_url("adoptar", "VIA-VADO")).status_code == 403
    with schema_context(province.a.schema_name):
        assert not Procedimiento.objects.filter(modelo_codigo="VIA-VADO").exists()
