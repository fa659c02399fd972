"""Urbanismo: licencia de obra menor, declaración responsable de obras, licencia de
segregación o parcelación."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    LBRL,
    LPAC,
    TRLSRU,
    diligencia,
    informe_secretaria,
    informe_tecnico,
    notificacion,
    propuesta,
    providencia,
    requerimiento,
    resolucion,
)
from expedientes.choices import Familia, UnidadPlazo
from sede.choices import SentidoSilencio

TRLOTUP = ("Decreto Legislativo 1/2021, de 18 de junio, del Consell, por el que se aprueba "
           "el Texto Refundido de la Ley de Ordenación del Territorio, Urbanismo y Paisaje "
           "(TRLOTUP)")

OBRA_MENOR = ModeloProcedimiento(
    codigo="URB-OBRA-MENOR", version=1, name="Licencia de obra menor",
    familia=Familia.URBANISMO,
    description="Licencia urbanística para obras de escasa entidad técnica que no afectan a "
                "la estructura, la fachada ni la distribución general del edificio (reforma "
                "interior, sustitución de solados y alicatados, reparación de cubiertas sin "
                "alterar su estructura…), cuando la ordenanza municipal no las somete a "
                "declaración responsable.",
    base_legal=f"Artículos 21.1.q) y 84.1.b) de la {LBRL}. Artículo 11 del {TRLSRU}. "
               f"Artículo 232 del {TRLOTUP} (o la legislación urbanística autonómica "
               f"aplicable). Artículos 21, 24 y 68 de la {LPAC}. Ordenanza municipal de "
               "obras y ordenanzas fiscales del ICIO y de la tasa por licencias urbanísticas.",
    plazo_cantidad=1, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.ESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud normalizada con la descripción y el emplazamiento de las obras"),
        doc("Memoria descriptiva de las obras con presupuesto detallado por partidas"),
        doc("Plano de situación o referencia catastral del inmueble"),
        doc("Justificante del pago de la tasa y de la autoliquidación del ICIO"),
        doc("Fotografías del estado actual", obligatorio=False),
        doc("Autorización de la comunidad de propietarios, si afecta a elementos comunes",
            obligatorio=False),
    ),
    fases=("Iniciación", "Informes", "Resolución", "Notificación"),
    plantillas=(
        providencia(
            "Vista la solicitud de licencia de obra menor presentada por "
            "{{ interesado.nombre_completo }} para «{{ expediente.asunto }}», con entrada en "
            "el registro el día {{ expediente.fecha_registro|fecha_larga }}"
            "{% if expediente.registro_entrada %} ({{ expediente.registro_entrada }}){% endif %},",
            "Que por los servicios técnicos municipales se emita informe sobre la "
            "conformidad de las obras solicitadas con el planeamiento urbanístico y las "
            "ordenanzas municipales de aplicación.",
            "Que, emitido el informe técnico, se emita informe jurídico y se formule "
            "propuesta de resolución.",
            "Que, en caso de que la solicitud no reúna los requisitos exigidos, se requiera "
            "al interesado para su subsanación conforme al artículo 68 de la Ley 39/2015."),
        requerimiento("la solicitud de licencia de obra menor presentada"),
        informe_tecnico(
            "la solicitud de licencia de obra menor para «{{ expediente.asunto }}»",
            ["Las obras consisten en [descripción de las obras] en el inmueble situado en "
             "[emplazamiento], con referencia catastral [referencia].",
             "El inmueble está clasificado como [suelo urbano/…] y calificado como [zona] "
             "por el planeamiento vigente ([instrumento de planeamiento]).",
             "Las obras tienen la consideración de obra menor por no afectar a la "
             "estructura, la fachada ni la distribución del edificio, y son conformes con "
             "la ordenación urbanística y las ordenanzas de aplicación.",
             "El presupuesto de ejecución material, a efectos del ICIO, asciende a "
             "[importe] euros."],
            "Se informa FAVORABLEMENTE la concesión de la licencia, con las condiciones "
            "generales de la ordenanza y un plazo de [tres] meses para iniciar las obras y "
            "de [seis] meses para terminarlas."),
        informe_secretaria(
            ["Con fecha {{ expediente.fecha_registro|fecha_larga }} "
             "{{ interesado.nombre_completo }} solicitó licencia de obra menor para "
             "«{{ expediente.asunto }}».",
             "Consta en el expediente informe técnico favorable."],
            [f"Artículos 21.1.q) y 84.1.b) de la {LBRL}.",
             f"Artículo 11 del {TRLSRU}.",
             f"Artículo 232 del {TRLOTUP}.",
             f"Artículos 21, 24 y 68 de la {LPAC}.",
             "Ordenanza municipal reguladora de las obras y ordenanzas fiscales."],
            ["La licencia urbanística es un acto reglado: debe otorgarse cuando lo "
             "solicitado sea conforme con la ordenación urbanística, y se entiende otorgada "
             "salvo el derecho de propiedad y sin perjuicio de tercero.",
             "El órgano competente para resolver es la Alcaldía, conforme al artículo 21.1.q) "
             "de la Ley 7/1985, sin perjuicio de las delegaciones que haya conferido.",
             "El plazo máximo para resolver y notificar es de {{ procedimiento.plazo }}; su "
             "transcurso sin resolución expresa tiene efecto "
             "{{ procedimiento.silencio|lower }} (artículo 24 de la Ley 39/2015), sin que "
             "puedan adquirirse por silencio facultades contrarias a la ordenación "
             "urbanística."],
            "Procede conceder la licencia en los términos del informe técnico."),
        propuesta(
            ["Vista la solicitud de licencia de obra menor presentada por "
             "{{ interesado.nombre_completo }} para «{{ expediente.asunto }}».",
             "Visto el informe técnico favorable y el informe jurídico que constan en el "
             "expediente."],
            ["Conceder a {{ interesado.nombre_completo }} licencia de obra menor para "
             "[descripción de las obras] en [emplazamiento], salvo el derecho de propiedad y "
             "sin perjuicio de tercero.",
             "Las obras deberán iniciarse en el plazo de [tres] meses y terminarse en el de "
             "[seis] meses desde la notificación, con las condiciones del informe técnico.",
             "Aprobar la liquidación definitiva del ICIO y de la tasa sobre un presupuesto "
             "de [importe] euros, sin perjuicio de la comprobación administrativa.",
             "Notificar la presente resolución al interesado."]),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó el día "
             "{{ expediente.fecha_registro|fecha_larga }} licencia de obra menor para "
             "«{{ expediente.asunto }}».",
             "Consta informe técnico favorable y propuesta de resolución."],
            ["La licencia es conforme con los artículos 84.1.b) de la Ley 7/1985 y 232 del "
             "TRLOTUP, y con la ordenanza municipal de obras.",
             "Es competente la Alcaldía conforme al artículo 21.1.q) de la Ley 7/1985."],
            ["Conceder a {{ interesado.nombre_completo }} "
             "({{ interesado.documento }}) licencia de obra menor para [descripción de las "
             "obras] en [emplazamiento], salvo el derecho de propiedad y sin perjuicio de "
             "tercero.",
             "Las obras se iniciarán en el plazo de [tres] meses y se terminarán en el de "
             "[seis] meses desde la notificación de esta resolución, con sujeción a las "
             "condiciones del informe técnico.",
             "Aprobar la liquidación definitiva del Impuesto sobre Construcciones, "
             "Instalaciones y Obras y de la tasa correspondiente.",
             "Notificar la presente resolución al interesado con indicación de los recursos "
             "procedentes."]),
        notificacion("resolución de la Alcaldía por la que se resuelve su solicitud de "
                     "licencia de obra menor"),
        diligencia("la presente resolución ha sido notificada al interesado y se ha "
                   "comunicado a los servicios de inspección urbanística y de gestión "
                   "tributaria."),
    ),
)

DECLARACION_OBRA = ModeloProcedimiento(
    codigo="URB-DR-OBRA", version=1, name="Declaración responsable de obras",
    familia=Familia.URBANISMO,
    description="Obras que la legislación urbanística somete a declaración responsable en "
                "lugar de licencia: habilitan desde su presentación completa, y el "
                "Ayuntamiento comprueba después su conformidad.",
    base_legal=f"Artículo 69 de la {LPAC}. Artículo 84.1.c) de la {LBRL}. Artículo 233 del "
               f"{TRLOTUP} (o la legislación urbanística autonómica aplicable). Ordenanza "
               "municipal de obras.",
    plazo_cantidad=1, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA,
    organo_resolutorio="Alcaldía (comprobación posterior)",
    documentos_requeridos=(
        doc("Declaración responsable en modelo normalizado"),
        doc("Memoria descriptiva de las obras con presupuesto"),
        doc("Plano de situación o referencia catastral"),
        doc("Justificante del pago de la tasa y de la autoliquidación del ICIO"),
        doc("Proyecto o documentación técnica firmada por técnico competente, si la obra lo "
            "requiere", obligatorio=False),
    ),
    fases=("Presentación", "Comprobación", "Resolución"),
    plantillas=(
        informe_tecnico(
            "la declaración responsable de obras presentada para «{{ expediente.asunto }}»",
            ["La declaración se ha presentado el día "
             "{{ expediente.fecha_registro|fecha_larga }} acompañada de la documentación "
             "exigida por la ordenanza.",
             "Las obras declaradas consisten en [descripción] y están incluidas entre las "
             "actuaciones sujetas a declaración responsable (artículo 233 TRLOTUP).",
             "Las obras son conformes con el planeamiento y las ordenanzas de aplicación."],
            "Se informa que la declaración responsable es CONFORME y que no se aprecian "
            "inexactitudes, falsedades u omisiones de carácter esencial.",
            code="informe-comprobacion", name="Informe técnico de comprobación"),
        requerimiento("la declaración responsable de obras presentada"),
        resolucion(
            ["El día {{ expediente.fecha_registro|fecha_larga }} "
             "{{ interesado.nombre_completo }} presentó declaración responsable para "
             "«{{ expediente.asunto }}».",
             "Los servicios técnicos han comprobado su conformidad."],
            ["La declaración responsable habilita para ejecutar las obras desde su "
             "presentación, sin perjuicio de las facultades de comprobación, control e "
             "inspección (artículo 69.3 de la Ley 39/2015).",
             "La inexactitud, falsedad u omisión de carácter esencial determina la "
             "imposibilidad de continuar las obras desde que se constate (artículo 69.4)."],
            ["Tomar conocimiento de la declaración responsable presentada por "
             "{{ interesado.nombre_completo }} y declarar su conformidad con la normativa "
             "urbanística.",
             "Aprobar la liquidación definitiva del ICIO y de la tasa que correspondan.",
             "Notificar la presente resolución al interesado."],
            name="Resolución de conformidad de la declaración responsable"),
        resolucion(
            ["El día {{ expediente.fecha_registro|fecha_larga }} "
             "{{ interesado.nombre_completo }} presentó declaración responsable para "
             "«{{ expediente.asunto }}».",
             "En la comprobación se ha constatado [inexactitud, falsedad u omisión esencial]."],
            ["Conforme al artículo 69.4 de la Ley 39/2015, la inexactitud, falsedad u "
             "omisión de carácter esencial en la declaración responsable determina la "
             "imposibilidad de continuar con el ejercicio del derecho desde que se tenga "
             "constancia de ella, sin perjuicio de las responsabilidades a que hubiera "
             "lugar, y puede exigir la restitución de la situación al momento previo."],
            ["Declarar la ineficacia de la declaración responsable presentada por "
             "{{ interesado.nombre_completo }} y ordenar el cese inmediato de las obras.",
             "Requerir la restitución de la situación jurídica al momento previo a su "
             "ejecución en el plazo de [plazo].",
             "Notificar la presente resolución al interesado."],
            code="resolucion-ineficacia",
            name="Resolución de ineficacia de la declaración responsable"),
        notificacion("resolución de la Alcaldía sobre su declaración responsable de obras"),
    ),
)

SEGREGACION = ModeloProcedimiento(
    codigo="URB-SEGREGACION", version=1, name="Licencia de segregación o parcelación",
    familia=Familia.URBANISMO,
    description="Licencia para dividir o segregar una finca, o declaración de su "
                "innecesariedad; es requisito para inscribir la división en el Registro de "
                "la Propiedad.",
    base_legal=f"Artículos 11.4.a) y 26 del {TRLSRU}. Artículo 232 del {TRLOTUP} (o la "
               "legislación urbanística autonómica aplicable). Artículos 78 y siguientes "
               "del Real Decreto 1093/1997, de 4 de julio (inscripción en el Registro de la "
               f"Propiedad de actos de naturaleza urbanística). Artículos 21 y 24 de la {LPAC}.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud normalizada"),
        doc("Memoria técnica de la segregación firmada por técnico competente"),
        doc("Planos de la finca matriz y de las fincas resultantes, georreferenciados"),
        doc("Nota simple o certificación registral de la finca matriz"),
        doc("Certificación catastral descriptiva y gráfica"),
        doc("Justificante del pago de la tasa"),
    ),
    fases=("Iniciación", "Informes", "Resolución", "Notificación"),
    plantillas=(
        providencia(
            "Vista la solicitud de licencia de segregación presentada por "
            "{{ interesado.nombre_completo }} respecto de «{{ expediente.asunto }}»,",
            "Que por los servicios técnicos se informe sobre la conformidad de la "
            "segregación con el planeamiento y, en particular, sobre el cumplimiento de la "
            "parcela mínima edificable o de cultivo.",
            "Que se emita informe jurídico por la Secretaría."),
        informe_tecnico(
            "la solicitud de segregación de la finca [descripción, referencia catastral y "
            "registral]",
            ["La finca matriz tiene una superficie de [superficie] m² y está clasificada "
             "como [clase de suelo].",
             "Las fincas resultantes tendrán [superficies] m², superiores a la parcela "
             "mínima de [superficie] m² establecida por [instrumento de planeamiento].",
             "La segregación no da lugar a parcelaciones urbanísticas en suelo no "
             "urbanizable ni vulnera la indivisibilidad del artículo 26 del TRLSRU."],
            "Se informa FAVORABLEMENTE la segregación solicitada."),
        informe_secretaria(
            ["{{ interesado.nombre_completo }} solicita licencia de segregación para "
             "«{{ expediente.asunto }}».",
             "Consta informe técnico."],
            [f"Artículos 11.4.a) y 26 del {TRLSRU}.",
             f"Artículo 232 del {TRLOTUP}.",
             "Artículos 78 y siguientes del Real Decreto 1093/1997, de 4 de julio.",
             f"Artículos 21.1.q) y 84.1.b) de la {LBRL}."],
            ["Toda división o segregación de fincas requiere licencia o declaración de "
             "innecesariedad, que los notarios y registradores exigirán para autorizar e "
             "inscribir la escritura (artículo 26.2 del TRLSRU).",
             "El vencimiento del plazo máximo sin resolución expresa tiene efecto "
             "desestimatorio (artículo 11.4.a del TRLSRU)."],
            "Procede otorgar la licencia en los términos del informe técnico."),
        propuesta(
            ["Vista la solicitud de {{ interesado.nombre_completo }} y los informes "
             "técnico y jurídico favorables."],
            ["Conceder licencia de segregación de la finca [descripción] en las fincas "
             "resultantes que se describen en el informe técnico.",
             "Advertir que la licencia caduca si no se presenta en el Ayuntamiento copia de "
             "la escritura pública en el plazo de tres meses desde su otorgamiento, "
             "conforme a la legislación urbanística.",
             "Notificar la presente resolución al interesado."]),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó licencia de segregación respecto "
             "de «{{ expediente.asunto }}».",
             "Constan informes técnico y jurídico favorables y propuesta de resolución."],
            ["Artículo 26 del TRLSRU y artículo 232 del TRLOTUP.",
             "Es competente la Alcaldía conforme al artículo 21.1.q) de la Ley 7/1985."],
            ["Conceder a {{ interesado.nombre_completo }} licencia de segregación de la "
             "finca [descripción, referencia catastral y registral] en las fincas "
             "resultantes descritas en el informe técnico.",
             "La licencia se otorga salvo el derecho de propiedad y sin perjuicio de "
             "tercero, y debe testimoniarse en la escritura pública que formalice la "
             "segregación.",
             "Notificar la presente resolución al interesado."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de licencia de "
                     "segregación"),
        diligencia("se ha presentado copia de la escritura pública de segregación, "
                   "que se incorpora al expediente."),
    ),
)

MODELOS = (OBRA_MENOR, DECLARACION_OBRA, SEGREGACION)
