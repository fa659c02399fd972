"""Actividades: declaración responsable de apertura, cambio de titularidad de una
actividad."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    LBRL,
    LPAC,
    diligencia,
    informe_tecnico,
    notificacion,
    requerimiento,
    resolucion,
)
from expedientes.choices import Familia, UnidadPlazo
from sede.choices import SentidoSilencio

LEY_12_2012 = ("Ley 12/2012, de 26 de diciembre, de medidas urgentes de liberalización del "
               "comercio y de determinados servicios")
LEY_6_2014 = ("Ley 6/2014, de 25 de julio, de la Generalitat, de Prevención, Calidad y "
              "Control Ambiental de Actividades en la Comunitat Valenciana")
RSCL = ("Reglamento de Servicios de las Corporaciones Locales, aprobado por Decreto de 17 de "
        "junio de 1955")

APERTURA = ModeloProcedimiento(
    codigo="ACT-DR-APERTURA", version=1,
    name="Declaración responsable de apertura de actividad",
    familia=Familia.ACTIVIDADES,
    description="Apertura de un establecimiento cuya actividad no requiere licencia "
                "previa (comercio minorista y servicios de la Ley 12/2012, actividades "
                "inocuas o sujetas a declaración responsable ambiental): el titular puede "
                "iniciarla desde la presentación completa, y el Ayuntamiento comprueba "
                "después.",
    base_legal=f"Artículos 69 y 21 de la {LPAC}. Artículo 84.1.c) de la {LBRL}. {LEY_12_2012}, "
               f"artículos 3 y 4. {LEY_6_2014} (o la normativa autonómica aplicable). "
               "Ordenanza municipal de actividades y ordenanza fiscal de la tasa.",
    plazo_cantidad=1, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA,
    organo_resolutorio="Alcaldía (comprobación posterior)",
    documentos_requeridos=(
        doc("Declaración responsable en modelo normalizado"),
        doc("Memoria descriptiva de la actividad y del local"),
        doc("Plano de situación y plano de planta del local"),
        doc("Certificado técnico de cumplimiento de la normativa (seguridad en caso de "
            "incendio, accesibilidad)", obligatorio=False),
        doc("Justificante del pago de la tasa"),
        doc("Alta en el Impuesto sobre Actividades Económicas o declaración censal",
            obligatorio=False),
    ),
    fases=("Presentación", "Comprobación", "Resolución"),
    plantillas=(
        requerimiento("la declaración responsable de apertura presentada"),
        informe_tecnico(
            "la declaración responsable de apertura de la actividad de [actividad] en "
            "[emplazamiento]",
            ["La actividad declarada es [descripción], con una superficie útil de "
             "[superficie] m².",
             "El uso es compatible con el planeamiento urbanístico en la zona "
             "[calificación].",
             "Realizada visita de comprobación el día [fecha], el local se ajusta a la "
             "documentación presentada y a la normativa de aplicación."],
            "La declaración responsable es CONFORME.",
            code="informe-comprobacion", name="Informe técnico de comprobación"),
        resolucion(
            ["{{ interesado.nombre_completo }} presentó el día "
             "{{ expediente.fecha_registro|fecha_larga }} declaración responsable de "
             "apertura para «{{ expediente.asunto }}».",
             "Los servicios técnicos han informado que la declaración es conforme."],
            ["La declaración responsable permite el inicio de la actividad desde su "
             "presentación, sin perjuicio de las facultades de comprobación, control e "
             "inspección (artículo 69.3 de la Ley 39/2015 y artículo 4 de la Ley 12/2012).",
             "Es competente la Alcaldía conforme al artículo 21.1.q) y s) de la Ley 7/1985."],
            ["Tomar conocimiento de la declaración responsable de apertura presentada por "
             "{{ interesado.nombre_completo }} para la actividad de [actividad] en "
             "[emplazamiento], y declarar su conformidad.",
             "El ejercicio de la actividad queda sujeto a la normativa sectorial aplicable "
             "y a las facultades de inspección municipal.",
             "Notificar la presente resolución al interesado."],
            name="Resolución de conformidad"),
        notificacion("resolución de la Alcaldía sobre su declaración responsable de "
                     "apertura"),
        diligencia("se ha realizado la visita de comprobación del establecimiento, cuyo "
                   "resultado consta en el informe técnico incorporado al expediente."),
    ),
)

CAMBIO_TITULARIDAD = ModeloProcedimiento(
    codigo="ACT-CAMBIO-TITULAR", version=1,
    name="Cambio de titularidad de licencia de actividad",
    familia=Familia.ACTIVIDADES,
    description="Comunicación de la transmisión de una licencia o título habilitante de "
                "actividad a un nuevo titular, sin cambios en la actividad ni en el local.",
    base_legal=f"Artículo 13.1 del {RSCL}. Artículo 69 de la {LPAC}. {LEY_6_2014} (o la "
               "normativa autonómica aplicable). Ordenanza municipal de actividades.",
    plazo_cantidad=1, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Comunicación suscrita por el antiguo y el nuevo titular"),
        doc("Documento que acredite la transmisión (contrato de traspaso, arrendamiento, "
            "escritura)"),
        doc("Declaración responsable del nuevo titular de que no hay cambios en la "
            "actividad ni en el local"),
        doc("Justificante del pago de la tasa"),
    ),
    fases=("Presentación", "Comprobación", "Resolución"),
    plantillas=(
        informe_tecnico(
            "la comunicación de cambio de titularidad de la actividad de [actividad] en "
            "[emplazamiento]",
            ["La actividad cuenta con licencia o título habilitante otorgado el [fecha] en "
             "el expediente [número] a nombre de [antiguo titular].",
             "No se comunican cambios en la actividad ni en las instalaciones."],
            "No hay inconveniente en tomar conocimiento del cambio de titularidad."),
        resolucion(
            ["{{ interesado.nombre_completo }} comunicó el día "
             "{{ expediente.fecha_registro|fecha_larga }} la transmisión a su favor de la "
             "licencia de la actividad de [actividad] en [emplazamiento]."],
            ["Las licencias relativas a las condiciones de una actividad son transmisibles, "
             "debiendo el antiguo y el nuevo titular comunicarlo por escrito a la "
             "Corporación, sin lo cual ambos quedan sujetos a las responsabilidades del "
             "titular (artículo 13.1 del Reglamento de Servicios de las Corporaciones "
             "Locales)."],
            ["Tomar conocimiento del cambio de titularidad de la licencia de la actividad "
             "de [actividad] en [emplazamiento], que pasa a figurar a nombre de "
             "{{ interesado.nombre_completo }} ({{ interesado.documento }}).",
             "El nuevo titular se subroga en los derechos y obligaciones derivados de la "
             "licencia.",
             "Notificar la presente resolución al antiguo y al nuevo titular."],
            name="Resolución de toma de conocimiento"),
        notificacion("resolución de la Alcaldía por la que se toma conocimiento del cambio "
                     "de titularidad"),
    ),
)

MODELOS = (APERTURA, CAMBIO_TITULARIDAD)
