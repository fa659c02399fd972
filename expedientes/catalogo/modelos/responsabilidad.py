"""Responsabilidad patrimonial de la Administración."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloPlantilla, ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    CABECERA,
    FECHA_FIRMA,
    LBRL,
    LPAC,
    LRJSP,
    TRAMITE,
    firma,
    informe_intervencion,
    informe_secretaria,
    informe_tecnico,
    notificacion,
    propuesta,
    providencia,
    resolucion,
    titulo,
)
from expedientes.choices import Familia, TipoDocumental, UnidadPlazo
from sede.choices import SentidoSilencio

AUDIENCIA = ModeloPlantilla(
    "audiencia", "Trámite de audiencia", TipoDocumental.NOTIFICACION,
    CABECERA + titulo("TRÁMITE DE AUDIENCIA")
    + "<p>Instruido el procedimiento de responsabilidad patrimonial iniciado a instancia "
      "de {{ interesado.nombre_completo }}, e inmediatamente antes de redactar la propuesta "
      f"de resolución, de conformidad con el artículo 82 de la {LPAC}, se le pone de "
      "manifiesto el expediente para que, en el plazo de diez días hábiles, pueda "
      "formular alegaciones y presentar los documentos y justificaciones que estime "
      "pertinentes.</p>"
    + "<p>El expediente puede consultarse en la sede electrónica o en las oficinas "
      "municipales. Si antes del vencimiento del plazo manifiesta su decisión de no "
      "efectuar alegaciones ni aportar nuevos documentos, se tendrá por realizado el "
      "trámite (artículo 82.3).</p>"
    + TRAMITE + FECHA_FIRMA + firma("alcalde"))

RESPONSABILIDAD = ModeloProcedimiento(
    codigo="RES-PATRIMONIAL", version=1,
    name="Responsabilidad patrimonial de la Administración",
    familia=Familia.RESPONSABILIDAD,
    description="Reclamación de indemnización por una lesión sufrida en bienes o derechos "
                "como consecuencia del funcionamiento normal o anormal de los servicios "
                "públicos municipales (caídas en la vía pública, daños por obras o "
                "servicios…).",
    base_legal=f"Artículos 32 a 37 de la {LRJSP}. Artículos 65, 67, 81, 82, 86, 91 y 92 de "
               f"la {LPAC}. Artículo 54 de la {LBRL}.",
    plazo_cantidad=6, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Reclamación con los hechos, la relación de causalidad y la evaluación "
            "económica de la lesión"),
        doc("Fotografías, informes médicos, facturas o peritajes que acrediten el daño"),
        doc("Proposición de prueba y relación de testigos", obligatorio=False),
        doc("Declaración de no haber sido indemnizado por otra entidad o aseguradora"),
    ),
    fases=("Iniciación", "Instrucción", "Audiencia", "Propuesta", "Resolución"),
    plantillas=(
        providencia(
            "Vista la reclamación de responsabilidad patrimonial presentada por "
            "{{ interesado.nombre_completo }} el día "
            "{{ expediente.fecha_registro|fecha_larga }} por «{{ expediente.asunto }}»,",
            "Admitir a trámite la reclamación y nombrar instructor del procedimiento a "
            "[nombre y cargo], que podrá ser recusado conforme al artículo 24 de la Ley "
            "40/2015.",
            "Solicitar informe al servicio cuyo funcionamiento haya ocasionado la presunta "
            "lesión indemnizable, que deberá emitirse en diez días (artículo 81.1 de la Ley "
            "39/2015).",
            "Dar traslado de la reclamación a la compañía aseguradora del Ayuntamiento.",
            "Comunicar al interesado el plazo máximo para resolver y el efecto del silencio "
            "(artículo 21.4 de la Ley 39/2015)."),
        informe_tecnico(
            "la reclamación de responsabilidad patrimonial de "
            "{{ interesado.nombre_completo }}",
            ["Los hechos reclamados se produjeron el día [fecha] en [lugar].",
             "El servicio [servicio] [tenía / no tenía] constancia de la incidencia; el "
             "estado del lugar era [descripción].",
             "En opinión del servicio, [existe / no existe] relación de causalidad entre el "
             "funcionamiento del servicio y el daño alegado."],
            "[Conclusión sobre la relación de causalidad y la valoración del daño].",
            name="Informe del servicio afectado"),
        AUDIENCIA,
        informe_secretaria(
            ["{{ interesado.nombre_completo }} reclama indemnización por "
             "«{{ expediente.asunto }}».",
             "Consta el informe del servicio afectado y se ha dado trámite de audiencia."],
            [f"Artículos 32 a 37 de la {LRJSP}.",
             f"Artículos 65, 67, 81, 82, 86, 91 y 92 de la {LPAC}.",
             f"Artículo 54 de la {LBRL}."],
            ["Los particulares tienen derecho a ser indemnizados por toda lesión que "
             "sufran en sus bienes y derechos siempre que sea consecuencia del "
             "funcionamiento normal o anormal de los servicios públicos, salvo fuerza "
             "mayor o daños que tengan el deber jurídico de soportar (artículo 32.1 de la "
             "Ley 40/2015). El daño ha de ser efectivo, evaluable económicamente e "
             "individualizado (artículo 32.2).",
             "El derecho a reclamar prescribe al año de producido el hecho o de "
             "manifestarse su efecto lesivo; en daños personales, desde la curación o la "
             "determinación del alcance de las secuelas (artículo 67.1 de la Ley 39/2015).",
             "Cuando la cuantía reclamada sea igual o superior a 50.000 euros o la que "
             "establezca la legislación autonómica, es preceptivo el dictamen del Consejo "
             "de Estado o del órgano consultivo de la comunidad autónoma (artículo 81.2).",
             "Transcurridos seis meses desde el inicio sin resolución expresa, la "
             "reclamación puede entenderse desestimada (artículo 91.3)."],
            "[Procede estimar / desestimar] la reclamación."),
        informe_intervencion(
            "la indemnización propuesta en el expediente de responsabilidad patrimonial "
            "{{ expediente.codigo }}",
            ["La indemnización propuesta asciende a [importe] euros.",
             "Existe crédito adecuado y suficiente en la aplicación presupuestaria "
             "[aplicación] (documento RC n.º [número]), o la indemnización corre a cargo de "
             "la póliza de seguro n.º [número], con una franquicia de [importe] euros.",
             "El órgano que resuelve es competente."],
            "Se fiscaliza DE CONFORMIDAD el gasto propuesto."),
        propuesta(
            ["Instruido el procedimiento de responsabilidad patrimonial iniciado por "
             "{{ interesado.nombre_completo }}, practicadas las pruebas y evacuado el "
             "trámite de audiencia.",
             "La propuesta se pronuncia sobre la existencia o no de relación de causalidad "
             "entre el funcionamiento del servicio público y la lesión producida y, en su "
             "caso, sobre la valoración del daño y la cuantía y modo de la indemnización "
             "(artículo 91.2 de la Ley 39/2015)."],
            ["[Estimar / desestimar] la reclamación de responsabilidad patrimonial "
             "formulada por {{ interesado.nombre_completo }}.",
             "[En su caso] Reconocer una indemnización de [importe] euros, calculada "
             "conforme al artículo 34 de la Ley 40/2015.",
             "Notificar la resolución al interesado y a la compañía aseguradora."]),
        resolucion(
            ["{{ interesado.nombre_completo }} presentó el día "
             "{{ expediente.fecha_registro|fecha_larga }} reclamación de responsabilidad "
             "patrimonial por «{{ expediente.asunto }}».",
             "Se ha instruido el procedimiento con informe del servicio afectado, trámite de "
             "audiencia y propuesta de resolución."],
            ["Artículos 32 a 37 de la Ley 40/2015 y 91 y 92 de la Ley 39/2015.",
             "Es competente la Alcaldía conforme al artículo 21.1.s) de la Ley 7/1985, "
             "Reguladora de las Bases del Régimen Local."],
            ["[Estimar / desestimar] la reclamación de responsabilidad patrimonial "
             "formulada por {{ interesado.nombre_completo }} ({{ interesado.documento }}), "
             "por [motivación].",
             "[En su caso] Reconocer el derecho a una indemnización de [importe] euros, con "
             "cargo a la aplicación presupuestaria [aplicación] o a la póliza de seguro.",
             "Notificar la presente resolución al interesado y a la compañía aseguradora."]),
        notificacion("resolución de la Alcaldía sobre su reclamación de responsabilidad "
                     "patrimonial"),
    ),
)

MODELOS = (RESPONSABILIDAD,)
