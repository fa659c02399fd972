"""Vía pública: autorización de ocupación de la vía pública, licencia de vado."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    LBRL,
    LPAC,
    RBEL,
    TRLRHL,
    diligencia,
    informe_tecnico,
    notificacion,
    propuesta,
    providencia,
    resolucion,
)
from expedientes.choices import Familia, UnidadPlazo
from sede.choices import SentidoSilencio

LPAP = "Ley 33/2003, de 3 de noviembre, del Patrimonio de las Administraciones Públicas"

OCUPACION = ModeloProcedimiento(
    codigo="VIA-OCUPACION", version=1, name="Autorización de ocupación de la vía pública",
    familia=Familia.VIA_PUBLICA,
    description="Uso común especial de la vía pública: mesas y sillas de terrazas, "
                "contenedores de obra, andamios, vallas, puestos o actos en la calle.",
    base_legal=f"Artículos 75.1.b) y 77 del {RBEL}. Artículos 84 y 92 de la {LPAP} "
               f"(preceptos básicos). Artículo 20.3 del {TRLRHL} (tasa por utilización "
               f"privativa o aprovechamiento especial). Artículo 24.1 de la {LPAC} (silencio "
               "desestimatorio en procedimientos que transfieren facultades relativas al "
               "dominio público). Ordenanza municipal de ocupación de la vía pública.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud con el emplazamiento, la superficie y el periodo de ocupación"),
        doc("Croquis acotado de la ocupación"),
        doc("Póliza de seguro de responsabilidad civil en vigor"),
        doc("Justificante del pago de la tasa"),
        doc("Licencia de obra o declaración responsable, si la ocupación es por obras",
            obligatorio=False),
    ),
    fases=("Iniciación", "Informes", "Resolución", "Notificación"),
    plantillas=(
        providencia(
            "Vista la solicitud de {{ interesado.nombre_completo }} para ocupar la vía "
            "pública con motivo de «{{ expediente.asunto }}»,",
            "Que la Policía Local y los servicios técnicos informen sobre la incidencia de "
            "la ocupación en el tránsito de peatones y vehículos y sobre su conformidad con "
            "la ordenanza.",
            "Que se practique la liquidación de la tasa correspondiente."),
        informe_tecnico(
            "la solicitud de ocupación de la vía pública en [emplazamiento]",
            ["La ocupación solicitada es de [superficie] m² con [elementos], durante "
             "[periodo].",
             "Queda libre un itinerario peatonal accesible de al menos [anchura] metros y no "
             "se afecta a pasos de peatones, vados ni salidas de emergencia.",
             "La ocupación es conforme con la ordenanza municipal."],
            "Se informa FAVORABLEMENTE la autorización, con las condiciones indicadas.",
            name="Informe técnico y de la Policía Local"),
        propuesta(
            ["Vista la solicitud de {{ interesado.nombre_completo }} y los informes "
             "favorables que constan en el expediente."],
            ["Autorizar a {{ interesado.nombre_completo }} la ocupación de [superficie] m² "
             "de la vía pública en [emplazamiento] con [elementos], del [fecha] al [fecha], "
             "en precario y sin perjuicio de tercero.",
             "Aprobar la liquidación de la tasa por importe de [importe] euros.",
             "Notificar la presente resolución al interesado y comunicarla a la Policía "
             "Local."]),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó autorización para ocupar la vía "
             "pública con motivo de «{{ expediente.asunto }}».",
             "Constan los informes favorables de los servicios municipales."],
            ["El uso común especial de los bienes de dominio público se sujeta a licencia, "
             "que se otorga en precario, con arreglo a la naturaleza del dominio y a los "
             "actos de afectación (artículos 75 y 77 del Reglamento de Bienes de las "
             "Entidades Locales).",
             "Es competente la Alcaldía conforme al artículo 21.1.s) de la Ley 7/1985, "
             "Reguladora de las Bases del Régimen Local."],
            ["Autorizar a {{ interesado.nombre_completo }} ({{ interesado.documento }}) la "
             "ocupación de [superficie] m² de la vía pública en [emplazamiento] con "
             "[elementos], del [fecha] al [fecha].",
             "La autorización se otorga en precario y puede revocarse por razones de "
             "interés público sin derecho a indemnización; el titular deberá mantener la "
             "zona limpia y retirar los elementos al terminar el periodo.",
             "Aprobar la liquidación de la tasa por importe de [importe] euros.",
             "Notificar la presente resolución al interesado y comunicarla a la Policía "
             "Local."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de ocupación de la vía "
                     "pública"),
    ),
)

VADO = ModeloProcedimiento(
    codigo="VIA-VADO", version=1, name="Licencia de vado (entrada de vehículos)",
    familia=Familia.VIA_PUBLICA,
    description="Reserva de la acera y de la calzada para la entrada y salida de vehículos "
                "a un inmueble, con placa oficial de vado.",
    base_legal=f"Artículos 75.1.b) y 77 del {RBEL}. Artículo 20.3.h) del {TRLRHL} (tasa por "
               "entradas de vehículos a través de las aceras y reservas de vía pública). "
               "Artículo 7.b) del Texto Refundido de la Ley sobre Tráfico, Circulación de "
               "Vehículos a Motor y Seguridad Vial, aprobado por Real Decreto Legislativo "
               f"6/2015, de 30 de octubre. Artículo 24.1 de la {LPAC}. Ordenanza municipal "
               "de vados.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.DESESTIMATORIO, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Solicitud normalizada"),
        doc("Plano o croquis de la entrada con la longitud de la reserva"),
        doc("Licencia de primera ocupación o de actividad del garaje, o documento que "
            "acredite su uso", obligatorio=False),
        doc("Fotografía de la fachada con el acceso"),
        doc("Justificante del pago de la tasa"),
    ),
    fases=("Iniciación", "Informes", "Resolución", "Entrega de placa"),
    plantillas=(
        providencia(
            "Vista la solicitud de licencia de vado presentada por "
            "{{ interesado.nombre_completo }} para «{{ expediente.asunto }}»,",
            "Que la Policía Local informe sobre la ubicación y la longitud de la reserva y "
            "su incidencia en el tráfico y el estacionamiento.",
            "Que se practique la liquidación de la tasa por entrada de vehículos."),
        informe_tecnico(
            "la solicitud de vado en [emplazamiento]",
            ["El acceso tiene una anchura de [anchura] metros y da servicio a un garaje con "
             "capacidad para [número] vehículos.",
             "La reserva de [longitud] metros no afecta a pasos de peatones, paradas de "
             "transporte ni otras reservas."],
            "Se informa FAVORABLEMENTE la concesión del vado.",
            name="Informe de la Policía Local"),
        propuesta(
            ["Vista la solicitud y el informe favorable de la Policía Local."],
            ["Conceder licencia de vado permanente en [emplazamiento] con una reserva de "
             "[longitud] metros y asignar la placa n.º [número].",
             "Dar de alta al titular en el padrón de la tasa por entrada de vehículos.",
             "Notificar la presente resolución al interesado."]),
        resolucion(
            ["{{ interesado.nombre_completo }} solicitó licencia de vado para "
             "«{{ expediente.asunto }}».",
             "Consta informe favorable de la Policía Local."],
            ["El paso de vehículos a través de la acera y la reserva de la vía pública "
             "constituyen un uso común especial sujeto a licencia (artículo 77 del "
             "Reglamento de Bienes de las Entidades Locales) y a la tasa del artículo "
             "20.3.h) del Texto Refundido de la Ley Reguladora de las Haciendas Locales.",
             f"Es competente la Alcaldía conforme al artículo 21.1.s) de la {LBRL}."],
            ["Conceder a {{ interesado.nombre_completo }} ({{ interesado.documento }}) "
             "licencia de vado permanente en [emplazamiento], con una reserva de [longitud] "
             "metros, y asignarle la placa oficial n.º [número].",
             "El titular deberá colocar la placa en lugar visible, pintar el bordillo y "
             "mantener la señalización; la licencia se otorga en precario.",
             "Dar de alta al titular en el padrón de la tasa por entrada de vehículos.",
             "Notificar la presente resolución al interesado y comunicarla a la Policía "
             "Local."]),
        notificacion("resolución de la Alcaldía sobre su solicitud de licencia de vado"),
        diligencia("se ha entregado al titular la placa oficial de vado n.º [número], "
                   "que firma su recepción."),
    ),
)

MODELOS = (OCUPACION, VADO)
