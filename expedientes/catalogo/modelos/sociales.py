"""Servicios sociales: ayuda de emergencia social, tarjeta de estacionamiento para personas
con movilidad reducida."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    LBRL,
    LGS,
    LPAC,
    diligencia,
    informe_intervencion,
    informe_tecnico,
    notificacion,
    propuesta,
    requerimiento,
    resolucion,
)
from expedientes.choices import Familia, UnidadPlazo
from sede.choices import SentidoSilencio

LEY_3_2019 = ("Ley 3/2019, de 18 de febrero, de la Generalitat, de servicios sociales "
              "inclusivos de la Comunitat Valenciana")
RD1056 = ("Real Decreto 1056/2014, de 12 de septiembre, por el que se regulan las "
          "condiciones básicas de emisión y uso de la tarjeta de estacionamiento para "
          "personas con discapacidad")

EMERGENCIA = ModeloProcedimiento(
    codigo="SS-EMERGENCIA", version=1, name="Ayuda de emergencia social",
    familia=Familia.SERVICIOS_SOCIALES,
    description="Prestación económica puntual para atender necesidades básicas urgentes "
                "(alimentación, alojamiento, suministros de la vivienda) de personas o "
                "familias en situación o riesgo de exclusión social, previa valoración de "
                "los servicios sociales municipales.",
    base_legal=f"Artículo 25.2.e) de la {LBRL}. {LEY_3_2019} (o la legislación autonómica de "
               f"servicios sociales aplicable). Artículos 22.2 y 25 de la {LGS}. Ordenanza "
               "municipal reguladora de las prestaciones económicas de emergencia social.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud normalizada"),
        doc("Documento de identidad de los miembros de la unidad de convivencia"),
        doc("Justificantes de ingresos de la unidad de convivencia"),
        doc("Presupuesto, factura o recibo del gasto para el que se pide la ayuda"),
        doc("Certificado de titularidad de la cuenta bancaria"),
        doc("Autorización para consultar el padrón y los datos tributarios",
            obligatorio=False),
    ),
    fases=("Solicitud", "Valoración social", "Resolución", "Pago", "Justificación"),
    plantillas=(
        requerimiento("la solicitud de ayuda de emergencia social presentada"),
        informe_tecnico(
            "la solicitud de ayuda de emergencia social de {{ interesado.nombre_completo }}",
            ["La unidad de convivencia está formada por [número] personas, con unos "
             "ingresos mensuales de [importe] euros.",
             "La necesidad que se plantea es [necesidad], de carácter urgente, y no puede "
             "atenderse con otros recursos.",
             "Se cumplen los requisitos de la ordenanza municipal y se propone una ayuda de "
             "[importe] euros para [concepto], dentro de un plan de intervención social."],
            "Se informa FAVORABLEMENTE la concesión de la ayuda.",
            code="informe-social", name="Informe social"),
        informe_intervencion(
            "la ayuda de emergencia social propuesta en el expediente "
            "{{ expediente.codigo }}",
            ["Existe crédito adecuado y suficiente en la aplicación presupuestaria "
             "[aplicación] (documento RC n.º [número]).",
             "La concesión directa por razones de interés social y humanitario está "
             "prevista en la ordenanza reguladora (artículo 22.2 de la Ley 38/2003).",
             "El beneficiario no está incurso en las prohibiciones que la ordenanza no "
             "exceptúe por la naturaleza de la ayuda (artículo 13.2 de la Ley 38/2003)."],
            "Se fiscaliza DE CONFORMIDAD el gasto propuesto."),
        propuesta(
            ["Visto el informe social favorable y el informe de Intervención."],
            ["Conceder a {{ interesado.nombre_completo }} una ayuda de emergencia social de "
             "[importe] euros para [concepto].",
             "Abonar la ayuda [al beneficiario / directamente al proveedor] y requerir su "
             "justificación en el plazo de [plazo]."]),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó el día "
             "{{ expediente.fecha_registro|fecha_larga }} una ayuda de emergencia social.",
             "Consta informe social favorable y fiscalización de conformidad."],
            ["Los municipios ejercen como competencia propia la evaluación e información de "
             "situaciones de necesidad social y la atención inmediata a personas en situación "
             "o riesgo de exclusión social (artículo 25.2.e de la Ley 7/1985).",
             "Ordenanza municipal de prestaciones económicas de emergencia social."],
            ["Conceder a {{ interesado.nombre_completo }} ({{ interesado.documento }}) una "
             "ayuda de emergencia social de [importe] euros para [concepto], con cargo a la "
             "aplicación presupuestaria [aplicación].",
             "El pago se hará [al beneficiario / directamente al proveedor], y la ayuda se "
             "justificará en el plazo de [plazo] con las facturas o recibos del gasto.",
             "Notificar la presente resolución al interesado."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de ayuda de emergencia "
                     "social"),
        diligencia("se ha presentado la justificación de la ayuda concedida, que se "
                   "incorpora al expediente."),
    ),
)

TARJETA_PMR = ModeloProcedimiento(
    codigo="SS-TARJETA-PMR", version=1,
    name="Tarjeta de estacionamiento para personas con movilidad reducida",
    familia=Familia.SERVICIOS_SOCIALES,
    description="Concesión o renovación de la tarjeta de estacionamiento para personas con "
                "discapacidad que tengan reconocida movilidad reducida o agudeza visual muy "
                "baja, válida en todo el territorio nacional y en la Unión Europea.",
    base_legal=f"{RD1056}, artículos 3, 5 y 7. Artículo 7.b) del Texto Refundido de la Ley "
               "sobre Tráfico, Circulación de Vehículos a Motor y Seguridad Vial, aprobado por "
               f"Real Decreto Legislativo 6/2015, de 30 de octubre. Artículos 21 y 24 de la "
               f"{LPAC}. Normativa autonómica y ordenanza municipal de aplicación.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.ESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud normalizada"),
        doc("Resolución o certificado de discapacidad con el dictamen de movilidad reducida "
            "o de agudeza visual"),
        doc("Fotografía reciente tamaño carné"),
        doc("Documento de identidad del titular y, en su caso, del representante"),
        doc("Tarjeta anterior, en caso de renovación", obligatorio=False),
    ),
    fases=("Solicitud", "Comprobación", "Resolución", "Entrega de la tarjeta"),
    plantillas=(
        informe_tecnico(
            "la solicitud de tarjeta de estacionamiento de {{ interesado.nombre_completo }}",
            ["El solicitante está empadronado en el municipio.",
             "Tiene reconocida una discapacidad con dictamen [de movilidad reducida / de "
             "agudeza visual] emitido por [órgano] el [fecha] (artículo 3 del Real Decreto "
             "1056/2014).",
             "La tarjeta se concede por [cinco años / el plazo del reconocimiento "
             "temporal]."],
            "Cumple los requisitos para la concesión de la tarjeta."),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó el día "
             "{{ expediente.fecha_registro|fecha_larga }} la tarjeta de estacionamiento "
             "para personas con movilidad reducida.",
             "Consta informe favorable del servicio."],
            ["La tarjeta de estacionamiento se concede a las personas que cumplan los "
             "requisitos del artículo 3 del Real Decreto 1056/2014, y su expedición "
             "corresponde a los ayuntamientos de residencia conforme a la normativa "
             "autonómica.",
             "Es competente la Alcaldía conforme al artículo 21.1.s) de la Ley 7/1985."],
            ["Conceder a {{ interesado.nombre_completo }} ({{ interesado.documento }}) la "
             "tarjeta de estacionamiento para personas con discapacidad n.º [número], con "
             "validez hasta el [fecha].",
             "La tarjeta es personal e intransferible y solo puede utilizarse cuando su "
             "titular sea conductor o sea transportado en el vehículo (artículo 5 del Real "
             "Decreto 1056/2014).",
             "Notificar la presente resolución al interesado."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de tarjeta de "
                     "estacionamiento"),
        diligencia("se ha entregado al titular la tarjeta de estacionamiento n.º [número], "
                   "que firma su recepción."),
    ),
)

MODELOS = (EMERGENCIA, TARJETA_PMR)
