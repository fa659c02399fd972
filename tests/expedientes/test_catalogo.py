"""The procedures catalogue: the provincial starter set (versioned data), adoption and
update to a newer model version, and the actions behind the entity's catalogue pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from expedientes import documentos, plantillas
from expedientes.catalogo import actions, modelos
from expedientes.choices import Familia, RolInteresado, TipoDocumental, UnidadPlazo
from expedientes.models import Documento, InteresadoExpediente, Plantilla, Procedimiento
from provincial.models import AuditEvent
from sede.choices import SentidoSilencio
from tests.expedientes.conftest import make_expediente, make_procedimiento

COMMON = {"URB-OBRA-MENOR", "URB-DR-OBRA", "VIA-OCUPACION", "ACT-DR-APERTURA", "HAC-REC",
          "SUB-CONCURRENCIA", "RES-PATRIMONIAL", "CON-MENOR", "ACT-CAMBIO-TITULAR", "VIA-VADO",
          "SS-TARJETA-PMR", "SS-EMERGENCIA", "GEN-INSTANCIA", "URB-SEGREGACION",
          "HAC-DEVOLUCION", "HAC-PADRON"}
# Procedures where money is spent or returned carry an informe de Intervención.
WITH_MONEY = {"HAC-REC", "SUB-CONCURRENCIA", "CON-MENOR", "RES-PATRIMONIAL", "SS-EMERGENCIA",
              "HAC-DEVOLUCION", "HAC-PADRON"}


def test_starter_catalogue_has_the_common_municipal_procedures():
    assert len(modelos.TODOS) >= 15
    assert set(modelos.POR_CODIGO) >= COMMON
    assert len(modelos.POR_CODIGO) == len(modelos.TODOS)
    for modelo in modelos.TODOS:
        assert len(modelo.codigo) <= 30, modelo.codigo
        assert len(modelo.name) <= 250, modelo.codigo
        assert modelo.version >= 1
        assert modelo.familia in Familia.values
        assert modelo.plazo_unidad in UnidadPlazo.values
        assert modelo.plazo_cantidad >= 1
        assert modelo.sentido_silencio in SentidoSilencio.values
        assert "Ley" in modelo.base_legal or "Real Decreto" in modelo.base_legal
        assert modelo.fases
        assert modelo.documentos_requeridos
        assert modelo.organo_resolutorio
        assert all(d["nombre"] for d in modelo.documentos_requeridos)
        codes = [p.code for p in modelo.plantillas]
        assert len(codes) == len(set(codes)) >= 3, modelo.codigo
        for plantilla in modelo.plantillas:
            assert len(plantilla.code) <= 40
            assert plantilla.tipo_documental in TipoDocumental.values
        if modelo.organo_resolutorio.startswith("Alcaldía"):
            assert any(p.is_resolucion for p in modelo.plantillas), modelo.codigo
        if modelo.codigo in WITH_MONEY:
            assert any(p.code.startswith("informe-intervencion") for p in modelo.plantillas), \
                modelo.codigo
    # The Pleno resolves the reconocimiento extrajudicial de créditos (art. 60.2 RD 500/1990):
    # dictamen of the comisión informativa and the Pleno's acuerdo, no decree.
    rec = modelos.get("HAC-REC")
    assert rec.organo_resolutorio == "Pleno"
    assert [p.code for p in rec.plantillas] == [
        "providencia", "informe-secretaria", "informe-intervencion", "propuesta", "dictamen",
        "acuerdo-pleno", "diligencia"]
    assert rec.plantilla("acuerdo-pleno").tipo_documental == TipoDocumental.ACUERDO
    assert not any(p.is_resolucion for p in rec.plantillas)


@pytest.mark.parametrize(("codigo", "plazo", "unidad", "silencio"), [
    ("RES-PATRIMONIAL", 6, "meses", "desestimatorio"),  # art. 91.3 Ley 39/2015
    ("SUB-CONCURRENCIA", 6, "meses", "desestimatorio"),  # art. 25.4-5 Ley 38/2003
    ("URB-SEGREGACION", 3, "meses", "desestimatorio"),  # art. 11.4.a TRLSRU
    ("VIA-OCUPACION", 3, "meses", "desestimatorio"),  # art. 24.1 Ley 39/2015 (dominio público)
    ("URB-OBRA-MENOR", 1, "meses", "estimatorio"),
    ("HAC-DEVOLUCION", 6, "meses", "desestimatorio"),
])
def test_time_limits_and_silence_follow_the_law(codigo, plazo, unidad, silencio):
    modelo = modelos.get(codigo)
    assert (modelo.plazo_cantidad, modelo.plazo_unidad, modelo.sentido_silencio) == \
        (plazo, unidad, silencio)


def test_every_model_template_renders_against_sample_data(in_a):
    contexto = plantillas.contexto_ejemplo()
    for modelo in modelos.TODOS:
        for plantilla in modelo.plantillas:
            html = plantillas.render(plantilla.cuerpo, contexto)
            assert plantillas.campos_desconocidos(html) == [], (modelo.codigo, plantilla.code)
            assert len(html) > 200, (modelo.codigo, plantilla.code)


def test_every_adopted_procedure_generates_all_its_documents(in_a, province):
    adoptados = actions.adoptar_todos(acting_user=province.clerk_a)
    assert len(adoptados) == len(modelos.TODOS)
    for procedimiento in adoptados:
        expediente = make_expediente(procedimiento, asunto=f"Prueba de {procedimiento.name}")
        InteresadoExpediente.objects.create(
            expediente=expediente, rol=RolInteresado.SOLICITANTE, tipo_documento="NIF",
            documento="12345678Z", nombre="Ana", apellido1="Pérez", direccion="Calle Mayor, 1")
        resultado = documentos.generar_todas(expediente, acting_user=province.clerk_a)
        assert len(resultado.creados) == procedimiento.plantillas.count()
        for documento in resultado.creados:
            assert plantillas.campos_desconocidos(documento.cuerpo) == [], documento.titulo
        cabeceras = [d for d in resultado.creados if 'class="cabecera"' in d.cuerpo]
        assert cabeceras
        assert all(expediente.codigo in d.cuerpo and "Ana Pérez" in d.cuerpo
                                 for d in cabeceras)


def test_adoptar_copies_the_model_with_its_templates(in_a, province):
    modelo = modelos.get("URB-OBRA-MENOR")
    procedimiento = actions.adoptar("URB-OBRA-MENOR", acting_user=province.clerk_a)
    procedimiento.refresh_from_db()
    assert (procedimiento.code, procedimiento.name, procedimiento.modelo_codigo,
            procedimiento.modelo_version) == ("URB-OBRA-MENOR", modelo.name, "URB-OBRA-MENOR",
                                              modelo.version)
    assert procedimiento.base_legal == modelo.base_legal
    assert procedimiento.fases == list(modelo.fases)
    assert procedimiento.documentos_requeridos == [dict(d) for d in modelo.documentos_requeridos]
    copias = list(procedimiento.plantillas.order_by("orden"))
    assert [(p.code, p.cuerpo, p.is_resolucion, p.orden) for p in copias] == [
        (p.code, p.cuerpo, p.is_resolucion, i) for i, p in enumerate(modelo.plantillas)]
    assert all(p.modelo_huella == m.huella for p, m in zip(copias, modelo.plantillas,
                                                            strict=True))
    assert not any(actions.es_adaptada(p) for p in copias)
    event = AuditEvent.objects.get(action="expedientes.procedimiento.adopcion")
    assert event.detail == {"modelo": "URB-OBRA-MENOR", "version": modelo.version,
                            "plantillas": len(modelo.plantillas)}


def test_adopting_twice_or_over_an_own_code_is_refused(in_a, province):
    actions.adoptar("VIA-VADO", acting_user=province.clerk_a)
    with pytest.raises(ValidationError, match="ya está adoptado"):
        actions.adoptar("VIA-VADO", acting_user=province.clerk_a)
    make_procedimiento(code="CON-MENOR")
    with pytest.raises(ValidationError, match="Ya hay un procedimiento propio con el código"):
        actions.adoptar("CON-MENOR", acting_user=province.clerk_a)
    with pytest.raises(ValidationError, match="No hay ningún procedimiento «NADA»"):
        actions.adoptar("NADA", acting_user=province.clerk_a)
    assert Procedimiento.objects.filter(code="VIA-VADO").count() == 1
    assert Procedimiento.objects.filter(modelo_codigo="CON-MENOR").count() == 0


def test_adoptar_todos_takes_only_what_is_missing(in_a, province):
    actions.adoptar("HAC-REC", acting_user=province.clerk_a)
    make_procedimiento(code="GEN-INSTANCIA")
    hechos = actions.adoptar_todos(acting_user=province.clerk_a)
    assert len(hechos) == len(modelos.TODOS) - 2
    assert "HAC-REC" not in {p.code for p in hechos}
    assert actions.adoptar_todos(acting_user=province.clerk_a) == []


def test_update_to_a_newer_model_version_keeps_adapted_templates(in_a, province):
    modelo = modelos.get("RES-PATRIMONIAL")
    procedimiento = actions.adoptar("RES-PATRIMONIAL", acting_user=province.clerk_a)
    assert actions.version_nueva(procedimiento) is None
    # As if the entity had adopted an older version, then adapted it.
    Procedimiento.objects.filter(pk=procedimiento.pk).update(
        modelo_version=modelo.version - 1, base_legal="Texto antiguo")
    procedimiento.refresh_from_db()
    adaptada = procedimiento.plantillas.get(code="providencia")
    adaptada.cuerpo += "<p>Párrafo propio de la entidad.</p>"
    adaptada.save()
    procedimiento.plantillas.filter(code="audiencia").delete()
    # A template never touched since it was copied from the older version's body.
    sin_tocar = procedimiento.plantillas.get(code="resolucion")
    Plantilla.objects.filter(pk=sin_tocar.pk).update(cuerpo="<p>Modelo antiguo</p>",
                                                     modelo_huella=_sha("<p>Modelo antiguo</p>"))
    assert actions.version_nueva(procedimiento) is modelo
    resultado = actions.actualizar_desde_modelo(procedimiento, acting_user=province.clerk_a)
    assert resultado.version == modelo.version
    assert resultado.anadidas == ["Trámite de audiencia"]
    assert resultado.sustituidas == ["Resolución de Alcaldía"]
    assert resultado.conservadas == ["Providencia de Alcaldía"]
    procedimiento.refresh_from_db()
    assert procedimiento.base_legal == modelo.base_legal
    assert procedimiento.modelo_version == modelo.version
    assert "Párrafo propio de la entidad." in procedimiento.plantillas.get(
        code="providencia").cuerpo
    assert procedimiento.plantillas.get(code="resolucion").cuerpo == \
        modelo.plantilla("resolucion").cuerpo
    assert procedimiento.plantillas.filter(code="audiencia").exists()
    assert actions.version_nueva(procedimiento) is None
    with pytest.raises(ValidationError, match="ya está en la última versión"):
        actions.actualizar_desde_modelo(procedimiento, acting_user=province.clerk_a)
    assert AuditEvent.objects.filter(action="expedientes.procedimiento.actualizacion").count() == 1


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def test_guardar_plantilla_refuses_a_template_that_does_not_compile(procedimiento, province):
    plantilla = procedimiento.plantillas.get(code="providencia")
    antes = plantilla.cuerpo
    plantilla.cuerpo = "<p>Uno</p>\n{% for i in interesados %}<p>{{ i.nombre }}</p>"
    with pytest.raises(ValidationError) as caught:
        actions.guardar_plantilla(plantilla, acting_user=province.clerk_a)
    assert caught.value.message_dict["cuerpo"] == [
        "Error en la línea 2 de la plantilla: la etiqueta «{% for %}» no se cierra: falta "
        "«{% endfor %}»."]
    plantilla.refresh_from_db()
    assert plantilla.cuerpo == antes
    assert not AuditEvent.objects.filter(action="expedientes.plantilla.cambio").exists()


def test_documents_keep_working_when_a_template_is_deleted(in_a, expediente, province):
    documento = documentos.generar(expediente, expediente.procedimiento.plantillas.first(),
                                   acting_user=province.clerk_a)
    expediente.procedimiento.plantillas.all().delete()
    documento.refresh_from_db()
    assert documento.plantilla is None
    assert documento.cuerpo
    assert Documento.objects.filter(expediente=expediente).count() == 1
