"""General: instancia general."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloPlantilla, ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    FECHA_FIRMA,
    LBRL,
    LPAC,
    diligencia,
    firma,
    informe_tecnico,
    notificacion,
    providencia,
    resolucion,
    titulo,
)
from expedientes.choices import Familia, TipoDocumental, UnidadPlazo
from sede.choices import SentidoSilencio

COMUNICACION = ModeloPlantilla(
    "comunicacion", "Comunicación de respuesta", TipoDocumental.COMUNICACION,
    titulo("COMUNICACIÓN")
    + "<p><strong>Destinatario:</strong> {{ interesado.nombre_completo }}<br>"
      "{{ interesado.direccion }}</p>"
    + "<p>En relación con su escrito presentado el día "
      "{{ expediente.fecha_registro|fecha_larga }} en el registro"
      "{% if expediente.registro_entrada %} ({{ expediente.registro_entrada }}){% endif %}, sobre «{{ expediente.asunto }}», le comunico "
      "lo siguiente:</p>"
    + "<p>[Respuesta]</p>"
    + "<p>Lo que le comunico para su conocimiento.</p>"
    + FECHA_FIRMA + firma("alcalde"))

INSTANCIA = ModeloProcedimiento(
    codigo="GEN-INSTANCIA", version=1, name="Instancia general",
    familia=Familia.GENERAL,
    description="Solicitudes, escritos y comunicaciones dirigidos al Ayuntamiento que no "
                "corresponden a ningún procedimiento específico del catálogo.",
    base_legal=f"Artículos 16, 21 y 66 de la {LPAC}. Artículo 18 de la {LBRL} (derechos de "
               "los vecinos). Ley Orgánica 4/2001, de 12 de noviembre, reguladora del "
               "Derecho de Petición, cuando el escrito sea una petición.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Instancia con los datos del artículo 66 de la Ley 39/2015 (identificación, "
            "hechos, razones y petición, lugar y fecha, firma, órgano al que se dirige)"),
        doc("Documentos que el interesado considere oportunos", obligatorio=False),
    ),
    fases=("Entrada", "Tramitación", "Respuesta"),
    plantillas=(
        providencia(
            "Visto el escrito presentado por {{ interesado.nombre_completo }} el día "
            "{{ expediente.fecha_registro|fecha_larga }} sobre «{{ expediente.asunto }}»,",
            "Dar traslado del escrito al servicio de [servicio] para que informe y proponga "
            "la respuesta o resolución que proceda.",
            "Recordar que el plazo máximo para resolver y notificar es de "
            "{{ procedimiento.plazo }} salvo que una norma específica establezca otro "
            "(artículo 21.3 de la Ley 39/2015)."),
        informe_tecnico(
            "el escrito de {{ interesado.nombre_completo }} sobre «{{ expediente.asunto }}»",
            ["[Hechos y antecedentes].", "[Normativa aplicable y valoración]."],
            "[Propuesta de respuesta].", name="Informe del servicio"),
        resolucion(
            ["{{ interesado.nombre_completo }} presentó el día "
             "{{ expediente.fecha_registro|fecha_larga }} un escrito sobre "
             "«{{ expediente.asunto }}».",
             "Consta el informe del servicio de [servicio]."],
            ["La Administración está obligada a dictar resolución expresa y a notificarla "
             "en todos los procedimientos cualquiera que sea su forma de iniciación "
             "(artículo 21.1 de la Ley 39/2015).",
             "Es competente la Alcaldía conforme al artículo 21.1.s) de la Ley 7/1985."],
            ["[Estimar / desestimar / acordar] lo solicitado por "
             "{{ interesado.nombre_completo }} en los términos siguientes: [contenido].",
             "Notificar la presente resolución al interesado."]),
        notificacion("resolución de la Alcaldía sobre su escrito"),
        COMUNICACION,
        diligencia("se ha remitido la respuesta al interesado por el medio elegido en su "
                   "escrito."),
    ),
)

MODELOS = (INSTANCIA,)
