"""Hacienda: reconocimiento extrajudicial de créditos (Pleno), devolución de ingresos
indebidos, aprobación de padrones fiscales y puesta al cobro."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloPlantilla, ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    FECHA_FIRMA,
    LBRL,
    LGT,
    RD424,
    RECURSOS_TRIBUTARIOS,
    TRLRHL,
    acuerdo_pleno,
    dictamen_comision,
    diligencia,
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

RD500 = ("Real Decreto 500/1990, de 20 de abril, por el que se desarrolla el capítulo "
         "primero del título sexto de la Ley 39/1988, Reguladora de las Haciendas Locales, "
         "en materia de presupuestos")
RD520 = ("Real Decreto 520/2005, de 13 de mayo, por el que se aprueba el Reglamento general "
         "de desarrollo de la Ley 58/2003, de 17 de diciembre, General Tributaria, en materia "
         "de revisión en vía administrativa")
RGR = "Reglamento General de Recaudación, aprobado por Real Decreto 939/2005, de 29 de julio"

RECONOCIMIENTO = ModeloProcedimiento(
    codigo="HAC-REC", version=1, name="Reconocimiento extrajudicial de créditos",
    familia=Familia.HACIENDA,
    description="Aprobación por el Pleno de obligaciones de ejercicios anteriores que no "
                "pudieron reconocerse en su ejercicio (gastos realizados sin crédito o sin "
                "seguir el procedimiento), para imputarlas al presupuesto corriente y evitar "
                "el enriquecimiento injusto de la Administración.",
    base_legal=f"Artículos 26.2.c) y 60.2 del {RD500}. Artículo 176 del {TRLRHL}. Artículo 28 "
               f"del {RD424}. Artículo 22.2.e) de la {LBRL}. Bases de ejecución del "
               "presupuesto.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA, organo_resolutorio="Pleno",
    documentos_requeridos=(
        doc("Facturas o documentos justificativos, conformados por el responsable del "
            "servicio"),
        doc("Memoria justificativa del servicio sobre las causas por las que no se tramitó "
            "el gasto en su ejercicio"),
        doc("Relación de las obligaciones con acreedor, concepto e importe"),
        doc("Documento contable de retención de crédito (RC)"),
    ),
    fases=("Iniciación", "Informes", "Comisión Informativa", "Pleno", "Ejecución"),
    plantillas=(
        providencia(
            "Vista la necesidad de reconocer extrajudicialmente créditos correspondientes "
            "a ejercicios anteriores por las causas siguientes: [causas],",
            "Que se emita informe por Secretaría en relación con el procedimiento y la "
            "legislación aplicable para proceder a la aprobación del reconocimiento "
            "extrajudicial de créditos.",
            "Que se emita informe de Intervención sobre la idoneidad de seguir dicho "
            "procedimiento y sobre la existencia de crédito adecuado y suficiente en el "
            "presupuesto vigente."),
        informe_secretaria(
            ["Por Providencia de la Alcaldía se solicitó informe sobre el procedimiento para "
             "el reconocimiento extrajudicial de créditos de ejercicios anteriores, "
             "relacionados en el expediente «{{ expediente.asunto }}»."],
            [f"Artículo 176 del {TRLRHL}.",
             f"Artículos 26.2.c) y 60.2 del {RD500}.",
             f"Artículo 28 del {RD424}.",
             f"Artículo 22.2.e) de la {LBRL}.",
             "Bases de ejecución del presupuesto vigente."],
            ["Con cargo a los créditos del estado de gastos de cada presupuesto solo pueden "
             "contraerse obligaciones derivadas de adquisiciones, obras, servicios y demás "
             "prestaciones o gastos en general que se realicen en el año natural del "
             "ejercicio (principio de anualidad, artículo 176.1 del TRLRHL).",
             "Como excepción, pueden aplicarse al presupuesto vigente, en el momento de su "
             "reconocimiento, las obligaciones procedentes de ejercicios anteriores a que se "
             "refiere el artículo 60.2 del Real Decreto 500/1990, que corresponde reconocer "
             "al Pleno siempre que no exista dotación presupuestaria, operaciones de crédito "
             "o concesiones de quita y espera (artículo 26.2.c).",
             "Si se omitió la función interventora, no puede reconocerse la obligación hasta "
             "que se conozca y resuelva dicha omisión en los términos del artículo 28 del "
             "Real Decreto 424/2017.",
             "El reconocimiento se fundamenta en la prohibición del enriquecimiento injusto "
             "de la Administración: las prestaciones se han realizado efectivamente y deben "
             "abonarse."],
            "El procedimiento es adecuado; corresponde al Pleno aprobar el reconocimiento "
            "extrajudicial de los créditos, previo dictamen de la Comisión Informativa."),
        informe_intervencion(
            "el reconocimiento extrajudicial de créditos de ejercicios anteriores del "
            "expediente {{ expediente.codigo }}",
            ["Las obligaciones proceden de prestaciones efectivamente realizadas, según las "
             "facturas conformadas que se relacionan en el expediente, por importe total de "
             "[importe] euros.",
             "Existe crédito adecuado y suficiente en la aplicación presupuestaria "
             "[aplicación] del presupuesto vigente (documento RC n.º [número]).",
             "En los gastos en que se omitió la función interventora se ha emitido el "
             "informe del artículo 28.2 del Real Decreto 424/2017.",
             "El órgano competente para el reconocimiento es el Pleno (artículo 60.2 del "
             "Real Decreto 500/1990)."],
            "Se informa FAVORABLEMENTE la tramitación del reconocimiento extrajudicial de "
            "créditos."),
        propuesta(
            ["Visto el expediente de reconocimiento extrajudicial de créditos de ejercicios "
             "anteriores «{{ expediente.asunto }}», y los informes de Secretaría e "
             "Intervención que constan en él."],
            ["Aprobar el reconocimiento extrajudicial de los créditos de ejercicios "
             "anteriores que se relacionan en el anexo, por importe total de [importe] "
             "euros.",
             "Aplicar con cargo al presupuesto del ejercicio corriente los créditos "
             "reconocidos, con cargo a la aplicación presupuestaria [aplicación].",
             "Dar traslado del presente acuerdo a la Intervención y a la Tesorería "
             "municipales para su ejecución."],
            organo="el Pleno", name="Propuesta de Alcaldía al Pleno",
            firma_bloque=firma("alcalde")),
        dictamen_comision(
            "Comisión Informativa de Hacienda y Especial de Cuentas",
            ["Aprobar el reconocimiento extrajudicial de los créditos de ejercicios "
             "anteriores que se relacionan en el anexo, por importe total de [importe] "
             "euros.",
             "Aplicar con cargo al presupuesto del ejercicio corriente los créditos "
             "reconocidos, con cargo a la aplicación presupuestaria [aplicación].",
             "Dar traslado del acuerdo a la Intervención y a la Tesorería."]),
        acuerdo_pleno(
            ["Aprobar el reconocimiento extrajudicial de los créditos de ejercicios "
             "anteriores que se relacionan en el anexo, por importe total de [importe] "
             "euros.",
             "Aplicar con cargo al presupuesto del ejercicio corriente los créditos "
             "reconocidos, con cargo a la aplicación presupuestaria [aplicación].",
             "Dar traslado del acuerdo a la Intervención y a la Tesorería."]),
        diligencia("el acuerdo del Pleno ha sido trasladado a la Intervención y a la "
                   "Tesorería municipales para su ejecución."),
    ),
)

DEVOLUCION = ModeloProcedimiento(
    codigo="HAC-DEVOLUCION", version=1, name="Devolución de ingresos indebidos",
    familia=Familia.HACIENDA,
    description="Solicitud de devolución de un ingreso tributario o de derecho público "
                "hecho de más o sin causa (duplicado, cuantía superior a la debida, deuda "
                "prescrita), con los intereses de demora que correspondan.",
    base_legal=f"Artículos 32, 34.1.b) y 221 de la {LGT}. Artículos 14 a 20 del {RD520}. "
               f"Artículo 14 del {TRLRHL}.",
    plazo_cantidad=6, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud con la identificación del ingreso y el motivo"),
        doc("Justificante del ingreso cuya devolución se solicita"),
        doc("Certificado de titularidad de la cuenta bancaria para la devolución"),
    ),
    fases=("Iniciación", "Informes", "Resolución", "Pago"),
    plantillas=(
        informe_tecnico(
            "la solicitud de devolución de ingresos indebidos presentada por "
            "{{ interesado.nombre_completo }}",
            ["Consta ingresada la cantidad de [importe] euros el día [fecha] en concepto "
             "de [tributo y ejercicio], recibo o liquidación n.º [número].",
             "El ingreso es indebido porque [duplicidad / cuantía superior a la debida / "
             "otro motivo del artículo 221.1 LGT].",
             "Procede devolver [importe] euros más los intereses de demora devengados desde "
             "la fecha del ingreso hasta la de la propuesta de pago (artículo 32.2 LGT)."],
            "Se informa FAVORABLEMENTE la devolución.",
            name="Informe del servicio de gestión tributaria"),
        informe_intervencion(
            "la devolución de ingresos indebidos solicitada en el expediente "
            "{{ expediente.codigo }}",
            ["El ingreso consta en la contabilidad municipal.",
             "El importe a devolver, incluidos los intereses de demora, asciende a "
             "[importe] euros."],
            "Se fiscaliza DE CONFORMIDAD la devolución propuesta."),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó el día "
             "{{ expediente.fecha_registro|fecha_larga }} la devolución del ingreso "
             "realizado en concepto de [tributo y ejercicio].",
             "Constan el informe del servicio de gestión tributaria y el de Intervención."],
            ["Los obligados tributarios tienen derecho a la devolución de los ingresos "
             "indebidos, con el abono del interés de demora (artículos 32 y 221 de la Ley "
             "58/2003, General Tributaria, y artículos 14 a 20 del Real Decreto 520/2005).",
             "Es competente la Alcaldía conforme al artículo 21.1.f) de la Ley 7/1985."],
            ["Reconocer a {{ interesado.nombre_completo }} ({{ interesado.documento }}) el "
             "derecho a la devolución de [importe] euros, ingresados indebidamente en "
             "concepto de [tributo y ejercicio], más [importe] euros de intereses de demora.",
             "Ordenar a la Tesorería el pago mediante transferencia a la cuenta designada "
             "por el interesado.",
             "Notificar la presente resolución al interesado."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de devolución de "
                     "ingresos indebidos", recursos=RECURSOS_TRIBUTARIOS),
        diligencia("se ha realizado la transferencia del importe reconocido a la cuenta "
                   "designada por el interesado."),
    ),
)

EDICTO_PADRON = ModeloPlantilla(
    "edicto", "Edicto de exposición pública y anuncio de cobranza",
    TipoDocumental.PUBLICACION,
    titulo("EDICTO")
    + "<p>Por resolución de la Alcaldía se ha aprobado el padrón de [tributo] del "
      "ejercicio/periodo [periodo]. De conformidad con el artículo 102.3 de la Ley 58/2003, "
      "General Tributaria, se notifican colectivamente las liquidaciones que contiene, y el "
      "padrón queda expuesto al público en las oficinas municipales durante [quince] días "
      "hábiles desde la publicación de este edicto en el Boletín Oficial de la Provincia, "
      "para que los interesados puedan examinarlo.</p>"
    + "<p>Contra las liquidaciones puede interponerse recurso de reposición ante la "
      "Alcaldía en el plazo de un mes desde el día siguiente al de finalización del periodo "
      "de exposición pública (artículo 14.2.c del Texto Refundido de la Ley Reguladora de "
      "las Haciendas Locales).</p>"
    + "<p><strong>Anuncio de cobranza.</strong> El periodo voluntario de pago será del "
      "[fecha] al [fecha] (artículo 62.3 de la Ley General Tributaria y artículo 24 del "
      f"{RGR}). El pago puede hacerse [lugares y medios de pago]. Transcurrido el periodo "
      "voluntario sin haber pagado, las deudas se exigirán por el procedimiento de apremio "
      "con los recargos del periodo ejecutivo, los intereses de demora y las costas que "
      "se produzcan.</p>"
    + FECHA_FIRMA + firma("alcalde"))

PADRONES = ModeloProcedimiento(
    codigo="HAC-PADRON", version=1,
    name="Aprobación de padrón fiscal y puesta al cobro",
    familia=Familia.HACIENDA,
    description="Aprobación del padrón o matrícula de un tributo de cobro periódico (tasa "
                "de basuras, agua, vados, IVTM…), su exposición pública y el anuncio del "
                "periodo voluntario de pago.",
    base_legal=f"Artículos 62.3 y 102.3 de la {LGT}. Artículo 14.2.c) del {TRLRHL}. "
               f"Artículo 24 del {RGR}. Artículo 21.1.f) de la {LBRL}. Ordenanzas fiscales "
               "y ordenanza general de gestión, inspección y recaudación.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Padrón o matrícula del tributo y periodo"),
        doc("Resumen de importes por concepto"),
    ),
    fases=("Elaboración", "Aprobación", "Exposición pública", "Cobro"),
    plantillas=(
        informe_intervencion(
            "la aprobación del padrón de [tributo] del periodo [periodo]",
            ["El padrón contiene [número] recibos por un importe total de [importe] euros.",
             "Las cuotas se han calculado conforme a la ordenanza fiscal vigente.",
             "La fiscalización previa de los derechos se sustituye por la toma de razón en "
             "contabilidad (artículo 219.4 del TRLRHL y artículo 9 del Real Decreto "
             "424/2017)."],
            "No hay objeciones a la aprobación del padrón.",
            name="Informe de Intervención-Tesorería"),
        resolucion(
            ["Se ha elaborado el padrón de [tributo] del periodo [periodo], con [número] "
             "recibos por importe total de [importe] euros."],
            ["En los tributos de cobro periódico por recibo, notificada la liquidación del "
             "alta en el padrón, pueden notificarse colectivamente las sucesivas "
             "liquidaciones mediante edictos (artículo 102.3 de la Ley 58/2003, General "
             "Tributaria).",
             "Es competente la Alcaldía conforme al artículo 21.1.f) de la Ley 7/1985."],
            ["Aprobar el padrón de [tributo] del periodo [periodo], por importe total de "
             "[importe] euros.",
             "Exponerlo al público durante [quince] días hábiles mediante edicto en el "
             "Boletín Oficial de la Provincia y en el tablón de anuncios de la sede "
             "electrónica.",
             "Fijar el periodo voluntario de cobro del [fecha] al [fecha].",
             "Dar cuenta a la Intervención y a la Tesorería."]),
        EDICTO_PADRON,
        diligencia("el padrón aprobado ha estado expuesto al público durante el plazo "
                   "señalado en el edicto publicado en el Boletín Oficial de la Provincia "
                   "n.º [número], de [fecha]."),
    ),
)

MODELOS = (RECONOCIMIENTO, DEVOLUCION, PADRONES)
