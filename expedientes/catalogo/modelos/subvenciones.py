"""Subvenciones: concesión en régimen de concurrencia competitiva."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    LBRL,
    LGS,
    TRAMITE,
    diligencia,
    informe_intervencion,
    informe_secretaria,
    informe_tecnico,
    notificacion,
    propuesta,
    providencia,
    resolucion,
)
from expedientes.choices import Familia, UnidadPlazo
from sede.choices import SentidoSilencio

RLGS = ("Reglamento de la Ley General de Subvenciones, aprobado por Real Decreto 887/2006, "
        "de 21 de julio")

CONCURRENCIA = ModeloProcedimiento(
    codigo="SUB-CONCURRENCIA", version=1,
    name="Concesión de subvenciones en concurrencia competitiva",
    familia=Familia.SUBVENCIONES,
    description="Convocatoria y concesión de subvenciones comparando las solicitudes con "
                "los criterios de valoración de las bases reguladoras, con publicidad en la "
                "Base de Datos Nacional de Subvenciones.",
    base_legal=f"Artículos 9, 17, 18, 20 y 22 a 27 de la {LGS}. Artículos 55 a 64 del {RLGS}. "
               "Artículo 214 del Texto Refundido de la Ley Reguladora de las Haciendas "
               "Locales. Ordenanza general de subvenciones o bases reguladoras, y bases de "
               "ejecución del presupuesto.",
    plazo_cantidad=6, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO,
    organo_resolutorio="Alcaldía (o Junta de Gobierno Local por delegación)",
    documentos_requeridos=(
        doc("Solicitud en el modelo de la convocatoria"),
        doc("Proyecto o memoria de la actividad con presupuesto de ingresos y gastos"),
        doc("Declaración responsable de no estar incurso en las prohibiciones del artículo "
            "13 de la Ley General de Subvenciones"),
        doc("Certificados de estar al corriente con la Agencia Tributaria y la Seguridad "
            "Social, o autorización para consultarlos"),
        doc("Certificado de titularidad de la cuenta bancaria"),
    ),
    fases=("Convocatoria", "Solicitudes", "Instrucción y valoración",
           "Propuesta provisional", "Resolución", "Justificación"),
    plantillas=(
        providencia(
            "Vista la necesidad de convocar subvenciones para [finalidad], con cargo a la "
            "aplicación presupuestaria [aplicación] del presupuesto vigente,",
            "Que se redacte la convocatoria conforme a la ordenanza general de subvenciones "
            "y al artículo 23.2 de la Ley 38/2003, General de Subvenciones.",
            "Que se emitan informe de Secretaría y de Intervención, este sobre la "
            "existencia de crédito adecuado y suficiente.",
            code="providencia", name="Providencia de inicio"),
        informe_secretaria(
            ["Por Providencia de la Alcaldía se ha dispuesto iniciar la convocatoria de "
             "subvenciones para [finalidad]."],
            [f"Artículos 9, 17, 20, 22 a 27 de la {LGS}.",
             f"Artículos 55 a 64 del {RLGS}.",
             f"Artículo 21.1.f) y s) de la {LBRL}.",
             "Ordenanza general de subvenciones y bases de ejecución del presupuesto."],
            ["El procedimiento ordinario de concesión es el de concurrencia competitiva, "
             "que se inicia de oficio mediante convocatoria publicada en la Base de Datos "
             "Nacional de Subvenciones y, por extracto, en el Boletín Oficial de la "
             "Provincia (artículos 20.8, 22.1 y 23 de la Ley 38/2003).",
             "Un órgano colegiado evaluará las solicitudes y el órgano instructor formulará "
             "propuesta de resolución provisional, que se notificará a los interesados para "
             "que aleguen en diez días, y después la propuesta definitiva (artículo 24).",
             "El plazo máximo para resolver y notificar es de seis meses y, vencido sin "
             "resolución expresa, los interesados pueden entender desestimada su solicitud "
             "(artículo 25.4 y 25.5)."],
            "El procedimiento propuesto se ajusta a la normativa aplicable."),
        informe_intervencion(
            "la convocatoria de subvenciones para [finalidad] por importe de [importe] euros",
            ["Existe crédito adecuado y suficiente en la aplicación presupuestaria "
             "[aplicación] (documento RC n.º [número]).",
             "Las bases reguladoras están aprobadas y publicadas.",
             "La convocatoria contiene los extremos del artículo 23.2 de la Ley 38/2003.",
             "El órgano que aprueba el gasto es competente."],
            "Se fiscaliza DE CONFORMIDAD la aprobación de la convocatoria y del gasto."),
        informe_tecnico(
            "las solicitudes presentadas a la convocatoria de subvenciones para "
            "[finalidad]",
            ["Se han presentado [número] solicitudes en plazo, de las que [número] reúnen "
             "los requisitos de la convocatoria.",
             "La Comisión de Valoración, en sesión del [fecha], ha valorado las solicitudes "
             "conforme a los criterios de las bases, con el resultado del acta anexa.",
             "Los beneficiarios propuestos están al corriente de sus obligaciones tributarias "
             "y con la Seguridad Social."],
            "Se formula la relación de beneficiarios y cuantías del acta de la Comisión de "
            "Valoración.",
            code="informe-valoracion",
            name="Informe del órgano instructor sobre la evaluación"),
        propuesta(
            ["Visto el informe del órgano instructor y el acta de la Comisión de "
             "Valoración de la convocatoria de subvenciones para [finalidad]."],
            ["Proponer la concesión de las subvenciones a los solicitantes y por las "
             "cuantías que figuran en el anexo, y la desestimación de las restantes "
             "solicitudes por los motivos que se indican.",
             "Conceder a los interesados un plazo de diez días para presentar alegaciones "
             "(artículo 24.4 de la Ley 38/2003)."],
            organo="la Alcaldía, con carácter provisional,",
            code="propuesta-provisional", name="Propuesta de resolución provisional"),
        resolucion(
            ["Por resolución de [fecha] se aprobó la convocatoria de subvenciones para "
             "[finalidad], publicada en la Base de Datos Nacional de Subvenciones con "
             "identificador [BDNS].",
             "El órgano instructor ha formulado propuesta de resolución definitiva, y consta "
             "la fiscalización de conformidad de la Intervención."],
            ["Artículos 22 a 27 de la Ley 38/2003, General de Subvenciones, y artículos 55 a "
             "64 de su Reglamento.",
             "Es competente la Alcaldía conforme al artículo 21.1.f) y s) de la Ley 7/1985."],
            ["Conceder las subvenciones a los beneficiarios y por las cuantías del anexo, "
             "con cargo a la aplicación presupuestaria [aplicación], por un importe total de "
             "[importe] euros.",
             "Desestimar las restantes solicitudes por los motivos que constan en el anexo.",
             "Los beneficiarios justificarán la subvención antes del [fecha] en la forma "
             "prevista en las bases (artículo 30 de la Ley 38/2003).",
             "Publicar la concesión en la Base de Datos Nacional de Subvenciones (artículo "
             "20 de la Ley 38/2003) y notificarla a los interesados."],
            name="Resolución de concesión"),
        notificacion("propuesta de resolución provisional de la convocatoria de "
                     "subvenciones", recursos=TRAMITE
                     + "<p>Dispone de diez días para formular alegaciones (artículo 24.4 "
                       "de la Ley 38/2003).</p>",
                     code="notificacion-provisional",
                     name="Notificación de la propuesta provisional"),
        notificacion("resolución de concesión de subvenciones"),
        diligencia("se ha publicado la concesión en la Base de Datos Nacional de "
                   "Subvenciones con fecha [fecha]."),
    ),
)

MODELOS = (CONCURRENCIA,)
