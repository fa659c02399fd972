"""Demo data of the registro, for one entity (called inside its schema by the loader)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from registro import services
from registro.calendario import MADRID
from registro.choices import AmbitoFestivo
from registro.models import Asiento, Festivo, UnidadOrganica
from registro.services import AnexoData, InteresadoData

# 2026: national holidays (BOE), those of the Comunitat Valenciana, and two local ones
# (each town sets its own two; these are placeholders for the demo).
FESTIVOS_2026 = [
    ("2026-01-01", "Año Nuevo", AmbitoFestivo.NACIONAL),
    ("2026-01-06", "Epifanía del Señor", AmbitoFestivo.NACIONAL),
    ("2026-03-19", "San José", AmbitoFestivo.AUTONOMICO),
    ("2026-04-03", "Viernes Santo", AmbitoFestivo.NACIONAL),
    ("2026-04-06", "Lunes de Pascua", AmbitoFestivo.AUTONOMICO),
    ("2026-05-01", "Fiesta del Trabajo", AmbitoFestivo.NACIONAL),
    ("2026-06-24", "San Juan", AmbitoFestivo.AUTONOMICO),
    ("2026-08-15", "Asunción de la Virgen", AmbitoFestivo.NACIONAL),
    ("2026-10-09", "Día de la Comunitat Valenciana", AmbitoFestivo.AUTONOMICO),
    ("2026-10-12", "Fiesta Nacional de España", AmbitoFestivo.NACIONAL),
    ("2026-12-08", "Inmaculada Concepción", AmbitoFestivo.NACIONAL),
    ("2026-12-25", "Natividad del Señor", AmbitoFestivo.NACIONAL),
    ("2026-07-27", "Fiestas patronales", AmbitoFestivo.LOCAL),
    ("2026-09-14", "Fiestas de Moros y Cristianos", AmbitoFestivo.LOCAL),
]

UNIDADES = [
    ("Alcaldía", "LA0000101", None),
    ("Secretaría General", "LA0000102", "Alcaldía"),
    ("Intervención y Tesorería", "LA0000103", "Alcaldía"),
    ("Urbanismo y Obras", "LA0000104", "Alcaldía"),
    ("Servicios Sociales", "LA0000105", "Alcaldía"),
    ("Padrón y Estadística", "LA0000106", "Secretaría General"),
]

PERSONAS = [
    ("12345678Z", "Lucía", "Pérez", "Sanz"), ("87654321X", "Joan", "Ferrer", "Bernabeu"),
    ("11111111H", "María José", "Navarro", "Pastor"), ("22222222J", "Vicent", "Mira", "Jover"),
    ("33333333P", "Carmen", "Sempere", "Ribera"), ("44444444A", "Pedro", "Gil", "Verdú"),
]
ASUNTOS = [
    ("Licencia de obra menor", "Reforma de baño y cocina en vivienda", "Urbanismo y Obras"),
    ("Solicitud de volante de empadronamiento", "Volante para trámite autonómico",
     "Padrón y Estadística"),
    ("Queja por ruidos", "Ruidos nocturnos en la vía pública", "Alcaldía"),
    ("Ayuda de emergencia social", "Solicitud de ayuda para suministros",
     "Servicios Sociales"),
    ("Factura de suministro eléctrico", "Factura del alumbrado público del mes",
     "Intervención y Tesorería"),
    ("Instancia general", "Solicitud de información sobre tasas", "Secretaría General"),
]
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def populate(entity, *, asientos: int = 40, seed: int = 2026) -> None:
    """Organigram, 2026 holidays and `asientos` entries/exits over the last six weeks.
    Idempotent: does nothing where asientos already exist."""
    for fecha, descripcion, ambito in FESTIVOS_2026:
        Festivo.objects.get_or_create(fecha=datetime.date.fromisoformat(fecha),
                                      defaults={"descripcion": descripcion, "ambito": ambito})
    unidades: dict[str, UnidadOrganica] = {}
    for nombre, codigo, padre in UNIDADES:
        unidades[nombre], _ = UnidadOrganica.objects.get_or_create(
            codigo_dir3=codigo, defaults={"nombre": nombre, "padre": unidades.get(padre)})
    if Asiento.objects.exists():
        return
    rng = random.Random(seed)
    now = timezone.now()
    moments = []
    for _ in range(asientos):
        moment = now - datetime.timedelta(minutes=rng.randint(30, 42 * 24 * 60))
        local = moment.astimezone(MADRID)
        if local.weekday() < 5:  # office hours on working days, as a desk would
            desk = local.replace(hour=rng.randint(8, 14), minute=rng.randint(0, 59))
            if desk < now:  # later today is still to come
                moment = desk
        moments.append(moment)
    # A register numbers what is presented in the order it is presented: the final times
    # are sorted before anything is registered.
    moments.sort()
    for index, moment in enumerate(moments):
        documento, nombre, ap1, ap2 = rng.choice(PERSONAS)
        asunto, resumen, unidad = rng.choice(ASUNTOS)
        libro = "S" if index % 5 == 4 else "E"
        asiento = services.registrar(
            libro=libro, canal=rng.choice(["presencial", "presencial", "sede", "correo"])
            if libro == "E" else "presencial",
            asunto=asunto if libro == "E" else f"Respuesta: {asunto.lower()}",
            resumen=resumen, expone=f"Que {resumen.lower()}.", solicita="Que se tramite.",
            interesados=[InteresadoData(tipo="fisica", tipo_documento="dni",
                                        documento=documento, nombre=nombre, apellido1=ap1,
                                        apellido2=ap2,
                                        email=f"{documento.lower()}@correo.example")],
            anexos=[AnexoData(nombre="escrito.pdf", contenido=PDF)] if index % 3 == 0 else [],
            unidad=unidades[unidad], es_factura=asunto.startswith("Factura"),
            presentado_en=moment)
        if libro == "E" and index % 4 == 1:
            services.distribuir(asiento, unidad=unidades[unidad], acting_user=None)
        if index == 7:
            services.anular(asiento, motivo="Presentado dos veces por error (duplicado).",
                            acting_user=None)


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders): organigram, holidays and asientos of each demo
    entity with the e-administración service."""
    import zlib

    from django_tenants.utils import schema_context

    from tenants.demo_loaders import with_service

    for entity in with_service(entities.values(), "eadmin", "eadmin-simplificada"):
        with schema_context(entity.schema_name):
            populate(entity, seed=zlib.crc32(entity.slug.encode()) % 10_000)
        say(f"  {entity.name}: registro de ejemplo\n")
