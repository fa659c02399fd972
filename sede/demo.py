"""Demo data of the sede, called by the demo loader inside each entity's schema:
a procedures catalogue and a tablón with two current and two archived edictos.
Idempotent: running it again changes nothing."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from sede.choices import NivelIdentificacion, SentidoSilencio, TipoFormulario
from sede.models import Edicto, Presentacion, Procedimiento

E, D, NA = SentidoSilencio.ESTIMATORIO, SentidoSilencio.DESESTIMATORIO, SentidoSilencio.NO_APLICA

PROCEDIMIENTOS = [
    ("INSTANCIA", "Instancia general",
     "Cualquier solicitud, escrito o comunicación dirigida al ayuntamiento que no tenga "
     "un procedimiento específico.", "", "3 meses", D, "", "Alcaldía", None),
    ("VOLANTE", "Volante de empadronamiento",
     "Documento informativo de la inscripción en el padrón municipal. Desde su carpeta "
     "puede obtener el suyo al momento.", "Estar inscrito/a en el padrón.", "Inmediato",
     NA, "", "Alcaldía", None),
    ("VADO", "Licencia de vado permanente",
     "Autorización para reservar la entrada y salida de vehículos a través de la acera.",
     "Plano de situación.\nFotografía de la entrada.\nJustificante de pago de la tasa.",
     "3 meses", E, "45,00 € anuales (Ordenanza fiscal n.º 7)", "Junta de Gobierno Local",
     [{"name": "matricula", "label": "Matrícula del vehículo", "required": True},
      {"name": "situacion", "label": "Dirección del vado", "required": True}]),
    ("OBRAMENOR", "Comunicación previa de obra menor",
     "Obras de escasa entidad que no afectan a la estructura ni a la fachada del edificio.",
     "Descripción y presupuesto de la obra.", "15 días", E,
     "Impuesto sobre construcciones: 3,2 % del presupuesto", "Alcaldía",
     [{"name": "emplazamiento", "label": "Emplazamiento de la obra", "required": True},
      {"name": "presupuesto", "label": "Presupuesto (euros)", "required": True}]),
    ("OVP", "Ocupación de la vía pública con terrazas",
     "Autorización para instalar mesas y sillas en la vía pública.",
     "Croquis de la ocupación.\nSeguro de responsabilidad civil.", "1 mes", D,
     "Según metros cuadrados (Ordenanza fiscal n.º 12)", "Alcaldía", None),
    ("RESPPAT", "Reclamación de responsabilidad patrimonial",
     "Indemnización por daños causados por el funcionamiento de los servicios públicos "
     "(arts. 32 y siguientes de la Ley 40/2015).",
     "Descripción de los hechos, evaluación económica del daño y pruebas.", "6 meses", D,
     "", "Pleno", None),
    ("AYUDAEMERG", "Ayudas de emergencia social",
     "Ayudas económicas para necesidades básicas de personas en situación de vulnerabilidad.",
     "Informe de los servicios sociales.\nJustificantes de ingresos.", "3 meses", D, "",
     "Alcaldía", None),
    ("PROTDATOS", "Ejercicio de derechos de protección de datos",
     "Acceso, rectificación, supresión, oposición, limitación del tratamiento y "
     "portabilidad de sus datos personales (arts. 15 a 22 del Reglamento (UE) 2016/679 y "
     "arts. 12 a 18 de la Ley Orgánica 3/2018).",
     "Indique el derecho que ejerce y los datos o tratamientos a que se refiere.",
     "1 mes", NA, "", "Alcaldía",
     [{"name": "derecho", "label": "Derecho que ejerce (acceso, rectificación, supresión…)",
       "required": True}]),
    ("QUEJA", "Quejas y sugerencias",
     "Comunique una queja o una propuesta de mejora de los servicios municipales.", "",
     "1 mes", NA, "", "Secretaría", None),
]

# Procedures whose applicant must identify at more than `bajo`: who asks for their own
# personal data must be who they say (art. 12.6 RGPD), so not with a self-declared
# identity. Set when the procedure is created; a later run leaves it as the entity has it.
NIVEL_MINIMO = {"PROTDATOS": NivelIdentificacion.SUSTANCIAL}


def populate(entity) -> None:
    """Fill the current schema (the entity's) with the demo catalogue and tablón."""
    for code, name, description, requisitos, plazo, silencio, tasa, organo, campos in \
            PROCEDIMIENTOS:
        Procedimiento.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "requisitos": requisitos,
            "plazo_resolucion": plazo, "sentido_silencio": silencio, "tasa": tasa,
            "organo": organo, "campos": campos or [],
            "nivel_minimo": NIVEL_MINIMO.get(code, NivelIdentificacion.BAJO),
            "tipo_formulario": TipoFormulario.ESPECIFICO if campos
            else TipoFormulario.INSTANCIA_GENERAL})
    link_registro_submissions()
    if Edicto.objects.exists():
        return
    now = timezone.now()
    day = datetime.timedelta(days=1)
    edictos = [
        ("Aprobación inicial del presupuesto municipal", "Pleno", -10, 10,
         "El Pleno aprobó inicialmente el presupuesto general. Durante quince días hábiles "
         "los interesados pueden examinarlo y presentar reclamaciones (art. 169 TRLRHL)."),
        ("Exposición pública del padrón de la tasa de basuras", "Alcaldía", -3, 27,
         "Queda expuesto al público el padrón de la tasa de recogida de residuos. Los "
         "interesados pueden presentar recurso de reposición en el plazo de un mes."),
        (f"Lista definitiva de admitidos: auxiliar administrativo de {entity.name}",
         "Alcaldía", -60, -30,
         "Se publica la lista definitiva de personas admitidas y excluidas en el proceso "
         "selectivo."),
        ("Convocatoria de subvenciones a asociaciones culturales", "Junta de Gobierno Local",
         -90, -45, "Bases de la convocatoria de subvenciones en régimen de concurrencia "
         "competitiva para asociaciones culturales del municipio."),
    ]
    Edicto.objects.bulk_create([
        Edicto(title=title, organo=organo, body=body, publish_from=now + start * day,
               publish_until=now + end * day)
        for title, organo, start, end, body in edictos])


def link_registro_submissions() -> None:
    """The registro's demo files some entries through the sede's channel: each gets the
    Presentacion a real submission leaves (its citizen, procedure and number), so the sede's
    figures, the citizen's folder and the registro agree. Idempotent."""
    from registro.choices import Canal
    from registro.models import Asiento

    linked = Presentacion.objects.filter(asiento_id__isnull=False).values("asiento_id")
    procedures = {p.name: p for p in Procedimiento.objects.all()}
    for asiento in Asiento.objects.filter(canal=Canal.SEDE).exclude(pk__in=linked) \
            .prefetch_related("interesados"):
        people = [i for i in asiento.interesados.all() if not i.es_representante] or \
            list(asiento.interesados.all())
        if not people:
            continue
        person = people[0]
        presentacion = Presentacion.objects.create(
            key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-sede:{asiento.numero_registro}"),
            documento=person.documento, nombre=person.nombre_completo,
            procedimiento=procedures.get(asiento.asunto),
            datos={"expone": asiento.expone, "solicita": asiento.solicita,
                   "email": person.email or "", "nombre_pila": person.nombre,
                   "apellido1": person.apellido1, "apellido2": person.apellido2,
                   "method": "certificado", "campos": []},
            asiento_id=asiento.pk, numero_registro=asiento.numero_registro,
            registered_at=asiento.fecha_presentacion)
        Presentacion.objects.filter(pk=presentacion.pk).update(
            created_at=asiento.fecha_presentacion)


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders): procedures and tablón of each demo entity with
    the e-administración service."""
    from django_tenants.utils import schema_context

    from tenants.demo_loaders import with_service

    for entity in with_service(entities.values(), "eadmin", "eadmin-simplificada"):
        with schema_context(entity.schema_name):
            populate(entity)
        say(f"  {entity.name}: sede electrónica de ejemplo\n")
