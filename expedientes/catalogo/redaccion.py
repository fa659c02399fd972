"""Shared wording of the model templates: the heading every document of an expediente
carries, signatures, the standard texts of a providencia, an informe, a propuesta, a
resolución, a notificación (with the recursos, art. 40.2 Ley 39/2015), a dictamen, a
certified acuerdo del Pleno and a diligencia.

Each builder returns a template body (HTML with merge fields of expedientes.plantillas);
the model procedures pass their own paragraphs. Text in [brackets] is for the clerk to
complete in the draft.
"""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloPlantilla
from expedientes.choices import TipoDocumental

ORDINALES = ("PRIMERO", "SEGUNDO", "TERCERO", "CUARTO", "QUINTO", "SEXTO", "SÉPTIMO",
             "OCTAVO", "NOVENO", "DÉCIMO")

CABECERA = (
    '<p class="cabecera">Expediente n.º: {{ expediente.codigo }}<br>'
    "Procedimiento: {{ procedimiento.nombre }}<br>"
    "Asunto: {{ expediente.asunto }}<br>"
    "{% if interesado.nombre_completo %}Interesado: {{ interesado.nombre_completo }}"
    "{% if interesado.documento %} ({{ interesado.documento }}){% endif %}<br>{% endif %}"
    "Fecha de iniciación: {{ expediente.fecha_inicio|fecha_larga }}</p>")

FECHA_FIRMA = ('<p class="derecha">En {{ entidad.municipio }}, a la fecha de la firma '
               "electrónica.</p>")

ALCALDE_FIRMA = ("{% if firmantes.alcalde.nombre %}{{ firmantes.alcalde.nombre }}, "
                 "{{ firmantes.alcalde.cargo }}{% else %}la Alcaldía{% endif %}")

LPAC = ("Ley 39/2015, de 1 de octubre, del Procedimiento Administrativo Común de las "
        "Administraciones Públicas")
LRJSP = "Ley 40/2015, de 1 de octubre, de Régimen Jurídico del Sector Público"
LBRL = "Ley 7/1985, de 2 de abril, Reguladora de las Bases del Régimen Local"
TRLRHL = ("Texto Refundido de la Ley Reguladora de las Haciendas Locales, aprobado por "
          "Real Decreto Legislativo 2/2004, de 5 de marzo")
ROF = ("Reglamento de Organización, Funcionamiento y Régimen Jurídico de las Entidades "
       "Locales, aprobado por Real Decreto 2568/1986, de 28 de noviembre")
RD128 = ("Real Decreto 128/2018, de 16 de marzo, por el que se regula el régimen jurídico "
         "de los funcionarios de Administración Local con habilitación de carácter nacional")
RD424 = ("Real Decreto 424/2017, de 28 de abril, por el que se regula el régimen jurídico "
         "del control interno en las entidades del Sector Público Local")
TRLSRU = ("Texto Refundido de la Ley de Suelo y Rehabilitación Urbana, aprobado por Real "
          "Decreto Legislativo 7/2015, de 30 de octubre")
RBEL = ("Reglamento de Bienes de las Entidades Locales, aprobado por Real Decreto "
        "1372/1986, de 13 de junio")
LCSP = ("Ley 9/2017, de 8 de noviembre, de Contratos del Sector Público")
LGS = "Ley 38/2003, de 17 de noviembre, General de Subvenciones"
LGT = "Ley 58/2003, de 17 de diciembre, General Tributaria"

RECURSOS = (
    "<p>Contra la presente resolución, que pone fin a la vía administrativa, puede "
    "interponer potestativamente recurso de reposición ante el mismo órgano que la ha "
    "dictado, en el plazo de un mes a contar desde el día siguiente al de la recepción de "
    f"esta notificación, de conformidad con los artículos 123 y 124 de la {LPAC}; o bien "
    "interponer directamente recurso contencioso-administrativo ante el Juzgado de lo "
    "Contencioso-Administrativo competente, en el plazo de dos meses a contar desde el día "
    "siguiente al de la recepción de esta notificación, de conformidad con los artículos 8 "
    "y 46 de la Ley 29/1998, de 13 de julio, reguladora de la Jurisdicción "
    "Contencioso-administrativa. Si interpone el recurso de reposición, no podrá interponer "
    "el contencioso-administrativo hasta que aquel sea resuelto expresamente o se haya "
    "producido su desestimación presunta. Todo ello sin perjuicio de cualquier otro recurso "
    "que estime procedente.</p>")

RECURSOS_TRIBUTARIOS = (
    "<p>Contra la presente resolución puede interponer recurso de reposición, previo al "
    "contencioso-administrativo, ante el mismo órgano que la ha dictado, en el plazo de un "
    "mes a contar desde el día siguiente al de la recepción de esta notificación, de "
    f"conformidad con el artículo 14.2 del {TRLRHL}. Contra la resolución del recurso de "
    "reposición podrá interponer recurso contencioso-administrativo ante el Juzgado de lo "
    "Contencioso-Administrativo competente, en el plazo de dos meses desde el día siguiente "
    "al de su notificación, si fuera expresa, o de seis meses desde el día siguiente a aquel "
    "en que deba entenderse desestimado, si no lo fuera (artículo 46 de la Ley 29/1998, de "
    "13 de julio). La interposición del recurso no suspende la ejecución del acto, salvo en "
    "los supuestos del artículo 14.2.i) del citado texto refundido.</p>")

TRAMITE = (
    "<p>El presente acto es de trámite y no pone fin a la vía administrativa, por lo que "
    "contra él no cabe recurso; podrá alegar su oposición para que se tenga en cuenta en la "
    f"resolución que ponga fin al procedimiento (artículo 112.1 de la {LPAC}).</p>")


def parrafos(*textos: str) -> str:
    return "".join(f"<p>{texto}</p>" for texto in textos)


def lista(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def puntos(*textos: str) -> str:
    """«PRIMERO. …», «SEGUNDO. …» as the dispositive part of a resolution or agreement."""
    return "".join(f"<p><strong>{ORDINALES[i]}.</strong> {texto}</p>"
                   for i, texto in enumerate(textos))


def firma(cargo: str) -> str:
    """Signature block of an office holder (alcalde, secretario, interventor, tesorero)."""
    return (f'<p class="firma">{{{{ firmantes.{cargo}.antefirma }}}}<br>'
            f"{{{{ firmantes.{cargo}.nombre }}}}</p>")


FIRMA_TECNICO = '<p class="firma">El técnico municipal<br>[Nombre, apellidos y cargo]</p>'
FIRMA_INSTRUCTOR = ('<p class="firma">El instructor del procedimiento<br>'
                    "[Nombre, apellidos y cargo]</p>")


def titulo(texto: str) -> str:
    return f'<h2 class="centrado">{texto}</h2>'


def providencia(motivo: str, *disposiciones: str, code: str = "providencia",
                name: str = "Providencia de Alcaldía") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo("PROVIDENCIA DE ALCALDÍA") + f"<p>{motivo}</p>"
              + '<p class="centrado"><strong>DISPONGO</strong></p>' + puntos(*disposiciones)
              + FECHA_FIRMA + firma("alcalde"))
    return ModeloPlantilla(code, name, TipoDocumental.ACUERDO, cuerpo)


def informe_secretaria(antecedentes: list[str], legislacion: list[str],
                       consideraciones: list[str], conclusion: str, *,
                       code: str = "informe-secretaria",
                       name: str = "Informe de Secretaría") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo("INFORME DE SECRETARÍA")
              + "<p>En cumplimiento de lo ordenado por la Alcaldía mediante Providencia, y de "
                f"conformidad con el artículo 3.3.a) del {RD128}, emito el siguiente</p>"
              + '<p class="centrado"><strong>INFORME</strong></p>'
              + "<p><strong>PRIMERO. Antecedentes.</strong></p>" + parrafos(*antecedentes)
              + "<p><strong>SEGUNDO. Legislación aplicable.</strong></p>" + lista(*legislacion)
              + "<p><strong>TERCERO. Consideraciones jurídicas.</strong></p>"
              + parrafos(*consideraciones)
              + f"<p><strong>CUARTO. Conclusión.</strong></p><p>{conclusion}</p>"
              + FECHA_FIRMA + firma("secretario"))
    return ModeloPlantilla(code, name, TipoDocumental.INFORME, cuerpo)


def informe_intervencion(objeto: str, comprobaciones: list[str], conclusion: str, *,
                         code: str = "informe-intervencion",
                         name: str = "Informe de Intervención") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo("INFORME DE INTERVENCIÓN")
              + "<p>En ejercicio de las funciones de control interno atribuidas por los "
                f"artículos 213 y 214 del {TRLRHL}, y de conformidad con el {RD424}, en "
                f"relación con {objeto}, emito el siguiente</p>"
              + '<p class="centrado"><strong>INFORME</strong></p>'
              + "<p><strong>PRIMERO. Extremos comprobados.</strong></p>"
              + lista(*comprobaciones)
              + f"<p><strong>SEGUNDO. Resultado.</strong></p><p>{conclusion}</p>"
              + FECHA_FIRMA + firma("interventor"))
    return ModeloPlantilla(code, name, TipoDocumental.INFORME, cuerpo)


def informe_tecnico(objeto: str, puntos_informe: list[str], conclusion: str, *,
                    code: str = "informe-tecnico",
                    name: str = "Informe técnico") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo(name.upper())
              + f"<p>En relación con {objeto}, el técnico que suscribe informa:</p>"
              + puntos(*puntos_informe)
              + f"<p><strong>CONCLUSIÓN.</strong> {conclusion}</p>"
              + FECHA_FIRMA + FIRMA_TECNICO)
    return ModeloPlantilla(code, name, TipoDocumental.INFORME, cuerpo)


def propuesta(antecedentes: list[str], acuerdos: list[str], *, organo: str = "la Alcaldía",
              code: str = "propuesta", name: str = "Propuesta de resolución",
              firma_bloque: str = FIRMA_INSTRUCTOR) -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo(name.upper()) + parrafos(*antecedentes)
              + f"<p>Por todo lo expuesto, se propone a {organo} la adopción de la "
                "siguiente resolución:</p>" + puntos(*acuerdos)
              + FECHA_FIRMA + firma_bloque)
    return ModeloPlantilla(code, name, TipoDocumental.OTROS, cuerpo)


def resolucion(antecedentes: list[str], fundamentos: list[str], resuelvo: list[str], *,
               competencia: str = "el artículo 21.1 de la " + LBRL,
               code: str = "resolucion", name: str = "Resolución de Alcaldía"
               ) -> ModeloPlantilla:
    """A decree of the Alcaldía: numbered in the libro de resoluciones once signed by the
    alcalde and the secretario (who attests it, art. 3.2.e RD 128/2018)."""
    cuerpo = (CABECERA + titulo("DECRETO DE ALCALDÍA")
              + "<p><strong>Antecedentes de hecho.</strong></p>" + parrafos(*antecedentes)
              + "<p><strong>Fundamentos de derecho.</strong></p>" + parrafos(*fundamentos)
              + f"<p>En uso de las atribuciones que me confiere {competencia},</p>"
              + '<p class="centrado resuelvo"><strong>RESUELVO</strong></p>'
              + puntos(*resuelvo)
              + f"<p>Lo decreta y firma {ALCALDE_FIRMA}, en {{{{ entidad.municipio }}}}, en la "
                "fecha de la firma electrónica; de lo que, como "
                "{{ firmantes.secretario.cargo }}, tomo razón a los solos efectos de "
                "garantizar la integridad y autenticidad de la resolución y su transcripción "
                "en el Libro de Resoluciones.</p>"
              + firma("alcalde") + firma("secretario"))
    return ModeloPlantilla(code, name, TipoDocumental.RESOLUCION, cuerpo, is_resolucion=True)


def notificacion(acto: str, *, recursos: str = RECURSOS, code: str = "notificacion",
                 name: str = "Notificación") -> ModeloPlantilla:
    cuerpo = (titulo("NOTIFICACIÓN")
              + "<p><strong>Destinatario:</strong> {{ interesado.nombre_completo }}"
                "{% if interesado.documento %} ({{ interesado.documento }}){% endif %}<br>"
                "{{ interesado.direccion }}</p>"
              + "<p><strong>Expediente n.º:</strong> {{ expediente.codigo }} · "
                "{{ procedimiento.nombre }}</p>"
              + f"<p>Por medio de la presente se le notifica que, en el expediente de "
                f"referencia, se ha dictado {acto}, cuyo texto íntegro es el siguiente:</p>"
              + "<blockquote><p>[Transcripción íntegra del acto]</p></blockquote>"
              + recursos + FECHA_FIRMA + firma("secretario"))
    return ModeloPlantilla(code, name, TipoDocumental.NOTIFICACION, cuerpo)


def diligencia(texto: str, *, code: str = "diligencia",
               name: str = "Diligencia") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo("DILIGENCIA")
              + f"<p>Para hacer constar que, con fecha {{{{ hoy|fecha_letras }}}}, {texto}</p>"
              + "<p>Doy fe.</p>" + FECHA_FIRMA + firma("secretario"))
    return ModeloPlantilla(code, name, TipoDocumental.DILIGENCIA, cuerpo)


def dictamen_comision(comision: str, acuerdos: list[str], *, code: str = "dictamen",
                      name: str = "Dictamen de la Comisión Informativa") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo(f"DICTAMEN DE LA {comision.upper()}")
              + f"<p>La {comision}, en sesión [ordinaria/extraordinaria] celebrada el día "
                "[fecha], examinada la propuesta de la Alcaldía y los informes que constan "
                "en el expediente, con el voto favorable de [unanimidad / los miembros que "
                "se indican], dictamina favorablemente y propone al Pleno la adopción del "
                f"siguiente acuerdo (artículos 123 a 126 del {ROF}):</p>"
              + puntos(*acuerdos) + FECHA_FIRMA
              + '<p class="firma">El Presidente de la Comisión<br>[Nombre y apellidos]</p>'
              + '<p class="firma">{{ firmantes.secretario.antefirma }} de la Comisión<br>'
                "{{ firmantes.secretario.nombre }}</p>")
    return ModeloPlantilla(code, name, TipoDocumental.OTROS, cuerpo)


def acuerdo_pleno(acuerdos: list[str], *, mayoria: str = "la mayoría simple",
                  code: str = "acuerdo-pleno", name: str = "Acuerdo del Pleno"
                  ) -> ModeloPlantilla:
    """The certificate of the Pleno's agreement (issued by the Secretaría with the visto
    bueno of the Alcaldía, arts. 204-206 ROF)."""
    cuerpo = (CABECERA + titulo("CERTIFICADO DE ACUERDO DEL PLENO")
              + "<p>{{ firmantes.secretario.nombre }}, {{ firmantes.secretario.cargo }} "
                "{{ entidad.nombre_tras_de }},</p>"
              + "<p><strong>CERTIFICO:</strong> Que el Pleno de la Corporación, en sesión "
                "[ordinaria/extraordinaria] celebrada el día [fecha], con el voto favorable "
                f"de {mayoria} de sus miembros, adoptó el siguiente acuerdo:</p>"
              + puntos(*acuerdos)
              + "<p>Y para que así conste y surta los efectos oportunos, expido la presente "
                "certificación de orden y con el visto bueno de la Alcaldía, con la salvedad "
                f"del artículo 206 del {ROF}, a reserva de los términos que resulten de la "
                "aprobación del acta.</p>"
              + FECHA_FIRMA + '<p class="firma">Visto bueno<br>'
                "{{ firmantes.alcalde.antefirma }}<br>{{ firmantes.alcalde.nombre }}</p>"
              + firma("secretario"))
    return ModeloPlantilla(code, name, TipoDocumental.ACUERDO, cuerpo)


def requerimiento(objeto: str, *, plazo_dias: int = 10, code: str = "requerimiento",
                  name: str = "Requerimiento de subsanación") -> ModeloPlantilla:
    cuerpo = (CABECERA + titulo("REQUERIMIENTO DE SUBSANACIÓN")
              + f"<p>Examinada {objeto}, se ha comprobado que no reúne los requisitos "
                "exigidos o no se acompaña de los documentos preceptivos siguientes:</p>"
              + lista("[Documento o requisito que falta]")
              + f"<p>De conformidad con el artículo 68.1 de la {LPAC}, se le requiere para "
                f"que, en el plazo de {plazo_dias} días hábiles a contar desde el día "
                "siguiente al de la recepción de este requerimiento, subsane la falta o "
                "acompañe los documentos preceptivos, con indicación de que, si así no lo "
                "hiciera, se le tendrá por desistido de su petición, previa resolución que "
                "deberá ser dictada en los términos previstos en el artículo 21 de la misma "
                "ley.</p>"
              + "<p>Conforme al artículo 22.1.a) de la citada ley, el transcurso del plazo "
                "máximo para resolver queda suspendido durante el tiempo que medie entre la "
                "notificación de este requerimiento y su efectivo cumplimiento o, en su "
                "defecto, el transcurso del plazo concedido.</p>"
              + TRAMITE + FECHA_FIRMA + firma("alcalde"))
    return ModeloPlantilla(code, name, TipoDocumental.NOTIFICACION, cuerpo)
