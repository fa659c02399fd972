"""Contratación: contrato menor."""

from __future__ import annotations

from expedientes.catalogo.modelo import ModeloPlantilla, ModeloProcedimiento, doc
from expedientes.catalogo.redaccion import (
    CABECERA,
    FECHA_FIRMA,
    LCSP,
    TRLRHL,
    diligencia,
    firma,
    informe_intervencion,
    notificacion,
    resolucion,
    titulo,
)
from expedientes.choices import Familia, TipoDocumental, UnidadPlazo
from sede.choices import SentidoSilencio

INFORME_NECESIDAD = ModeloPlantilla(
    "informe-necesidad", "Informe de necesidad del contrato", TipoDocumental.INFORME,
    CABECERA + titulo("INFORME DE NECESIDAD DEL CONTRATO MENOR")
    + f"<p>De conformidad con el artículo 118.2 de la {LCSP}, el órgano de contratación "
      "motiva la necesidad del contrato en los términos siguientes:</p>"
    + "<p><strong>PRIMERO. Objeto.</strong> [Descripción de la obra, el servicio o el "
      "suministro].</p>"
    + "<p><strong>SEGUNDO. Necesidad e idoneidad.</strong> [Necesidad que se pretende "
      "satisfacer y por qué el contrato es el medio idóneo (artículo 28 LCSP)].</p>"
    + "<p><strong>TERCERO. Presupuesto.</strong> [Importe] euros, IVA excluido, más "
      "[importe] euros de IVA, con cargo a la aplicación presupuestaria [aplicación].</p>"
    + "<p><strong>CUARTO. Ofertas.</strong> Se han solicitado [tres] ofertas a empresas "
      "capacitadas, de las que resulta la más ventajosa la de [empresa], por [importe] "
      "euros.</p>"
    + "<p><strong>QUINTO. No fraccionamiento.</strong> No se está alterando el objeto del "
      "contrato para evitar la aplicación de las reglas generales de contratación, y el "
      "valor estimado no supera 40.000 euros en obras ni 15.000 euros en servicios y "
      "suministros (artículo 118.1 LCSP).</p>"
    + FECHA_FIRMA + firma("alcalde"))

CONTRATO_MENOR = ModeloProcedimiento(
    codigo="CON-MENOR", version=1, name="Contrato menor",
    familia=Familia.CONTRATACION,
    description="Contrato de obras de valor estimado inferior a 40.000 euros, o de "
                "servicios o suministros inferior a 15.000 euros, adjudicado directamente "
                "a un empresario con capacidad de obrar y habilitación profesional.",
    base_legal=f"Artículos 63.4, 118, 131.3 y 335 y disposición adicional segunda de la "
               f"{LCSP}. Artículo 219.1 del {TRLRHL}. Bases de ejecución del presupuesto.",
    plazo_cantidad=3, plazo_unidad=UnidadPlazo.MESES,
    sentido_silencio=SentidoSilencio.NO_APLICA, organo_resolutorio="Alcaldía",
    documentos_requeridos=(
        doc("Presupuestos u ofertas solicitados"),
        doc("Documento contable de retención de crédito (RC)"),
        doc("Factura conformada por el responsable del servicio"),
        doc("Proyecto o presupuesto de obras e informe de supervisión, si procede",
            obligatorio=False),
    ),
    fases=("Preparación", "Adjudicación", "Ejecución", "Pago", "Publicación"),
    plantillas=(
        INFORME_NECESIDAD,
        informe_intervencion(
            "el contrato menor del expediente {{ expediente.codigo }}",
            ["Existe crédito adecuado y suficiente en la aplicación presupuestaria "
             "[aplicación] (documento RC n.º [número]) por importe de [importe] euros.",
             "Los contratos menores no están sometidos a fiscalización previa (artículo "
             "219.1 del TRLRHL); se verifica la existencia de crédito y la competencia del "
             "órgano.",
             "El valor estimado del contrato no supera los límites del artículo 118.1 "
             "LCSP."],
            "Existe crédito; no se formulan objeciones.",
            name="Informe de Intervención (existencia de crédito)"),
        resolucion(
            ["Consta en el expediente el informe de necesidad del contrato de [objeto], "
             "las ofertas solicitadas y la retención de crédito."],
            ["En los contratos menores la tramitación del expediente exige el informe del "
             "órgano de contratación motivando la necesidad del contrato, la aprobación del "
             "gasto y la incorporación de la factura (artículo 118 de la Ley 9/2017, de "
             "Contratos del Sector Público).",
             "Es competente la Alcaldía conforme a la disposición adicional segunda de la "
             "Ley 9/2017."],
            ["Adjudicar el contrato menor de [objeto] a [empresa], con NIF [NIF], por "
             "[importe] euros, IVA excluido, más [importe] euros de IVA.",
             "Aprobar el gasto con cargo a la aplicación presupuestaria [aplicación] del "
             "presupuesto vigente.",
             "El plazo de ejecución será de [plazo], sin que la duración pueda exceder de un "
             "año ni ser objeto de prórroga (artículo 29.8 LCSP).",
             "Notificar la adjudicación al contratista e incluir el contrato en la "
             "información trimestral del perfil del contratante (artículo 63.4 LCSP)."],
            name="Resolución de adjudicación y aprobación del gasto"),
        notificacion("resolución de la Alcaldía por la que se le adjudica el contrato "
                     "menor de [objeto]", name="Notificación de la adjudicación"),
        diligencia("el contrato se ha incluido en la relación de contratos menores publicada "
                   "en el perfil del contratante del trimestre [trimestre] de "
                   "{{ expediente.anio }}, conforme al artículo 63.4 de la Ley 9/2017."),
    ),
)

MODELOS = (CONTRATO_MENOR,)
