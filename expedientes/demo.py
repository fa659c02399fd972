"""Demo data of the expedientes, for each demo entity with the application: the provincial
catalogue adopted, a dozen expedientes (some opened from the registro's entries, some
overdue or about to be, one suspended, some resolved, closed or archived) with tasks, and
the application granted to the demo clerks who hold the registro. Idempotent: an entity
that has expedientes is left as it is."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from expedientes import actions
from expedientes.actions import ExpedienteError, InteresadoData
from expedientes.choices import Familia, UnidadPlazo
from expedientes.models import Expediente, Procedimiento
from sede.choices import SentidoSilencio

logger = logging.getLogger(__name__)

# The registro's demo people (registro.demo.PERSONAS): the same citizens find their
# expedientes in the sede's carpeta (development identification with these documents).
PERSONAS = [
    ("12345678Z", "Lucía", "Pérez", "Sanz"), ("87654321X", "Joan", "Ferrer", "Bernabeu"),
    ("11111111H", "María José", "Navarro", "Pastor"), ("22222222J", "Vicent", "Mira", "Jover"),
    ("33333333P", "Carmen", "Sempere", "Ribera"), ("44444444A", "Pedro", "Gil", "Verdú"),
]

# De oficio: (words to find the procedure, asunto, days ago, person index or None, fate).
# fate: "" in tramitación; resuelto, cerrado, archivado, suspendido, ampliado.
DE_OFICIO = [
    (("obra menor",), "Reforma de cocina y baño en C/ Major, 12", 62, 0, ""),
    (("vía pública", "via publica", "ocupación"), "Terrazas de verano en la Plaça de "
     "l'Església", 27, 1, ""),
    (("subvenci",), "Subvención a la Associació Musical para el certamen de bandas", 45, 2,
     "suspendido"),
    (("responsabilidad",), "Caída en la acera de l'Avinguda de la Constitució", 20, 3,
     "ampliado"),
    (("contrato menor", "contrat"), "Suministro de mobiliario para la biblioteca municipal",
     80, None, "resuelto"),
    (("reconocimiento extrajudicial", "crédito"), "Facturas de alumbrado de diciembre "
     "pendientes de aplicar", 95, None, "cerrado"),
    (("declaración responsable", "declaracion responsable"), "Cambio de carpintería "
     "exterior en C/ Sant Josep, 4", 120, 4, "archivado"),
    (("actividad", "apertura"), "Apertura de cafetería en la Plaça Major, 3", 5, 5, ""),
]

TAREAS = [
    ("Informe técnico de conformidad urbanística", 7),
    ("Comprobar el pago de la tasa y del ICIO", 3),
    ("Redactar la propuesta de resolución", 12),
]

FALLBACK = [
    ("DEMO-OBRA-MENOR", "Licencia de obra menor", Familia.URBANISMO, 1, UnidadPlazo.MESES),
    ("DEMO-OVP", "Ocupación de la vía pública con terrazas", Familia.VIA_PUBLICA, 30,
     UnidadPlazo.DIAS_HABILES),
    ("DEMO-SUBVENCION", "Subvención nominativa", Familia.SUBVENCIONES, 3, UnidadPlazo.MESES),
]


def _adoptar(acting_user) -> None:
    """The provincial catalogue, where its adoption action exists; a few procedures of our
    own otherwise (and where it adopted none)."""
    adoptar_todos = None
    try:
        from expedientes.catalogo import adoptar_todos
    except ImportError:
        try:
            from expedientes.catalogo.actions import adoptar_todos
        except ImportError:
            adoptar_todos = None
    if adoptar_todos is not None and not Procedimiento.objects.exists():
        adoptar_todos(acting_user=acting_user)
    if not Procedimiento.objects.filter(is_active=True).exists():
        for code, name, familia, cantidad, unidad in FALLBACK:
            Procedimiento.objects.get_or_create(code=code, defaults={
                "name": name, "familia": familia, "plazo_cantidad": cantidad,
                "plazo_unidad": unidad, "sentido_silencio": SentidoSilencio.ESTIMATORIO,
                "organo_resolutorio": "Alcaldía",
                "fases": ["Iniciación", "Instrucción", "Resolución", "Notificación"]})


def _procedimiento(words: tuple[str, ...]) -> Procedimiento:
    activos = Procedimiento.objects.filter(is_active=True).order_by("pk")
    for word in words:
        found = activos.filter(name__icontains=word).first()
        if found is not None:
            return found
    return activos.first()


def _persona(index: int | None, rol: str = "solicitante") -> list[InteresadoData]:
    if index is None:
        return []
    documento, nombre, ap1, ap2 = PERSONAS[index]
    return [InteresadoData(tipo_documento="dni", documento=documento, nombre=nombre,
                           apellido1=ap1, apellido2=ap2, rol=rol,
                           email=f"{documento.lower()}@correo.example")]


def _grant(entity, admin) -> list:
    """The entity's members with the registro get the expedientes too; returns the users
    who hold it."""
    from tenants import actions as tenant_actions
    from tenants.models import Membership

    if "expedientes" not in tenant_actions.entity_applications(entity):
        return []
    users = []
    for membership in Membership.objects.filter(entity=entity, is_active=True) \
            .select_related("user").order_by("pk"):
        if "registro" in membership.applications and \
                "expedientes" not in membership.applications:
            membership = tenant_actions.grant_application(membership, "expedientes",
                                                          acting_user=admin)
        if "expedientes" in membership.applications:
            users.append(membership.user)
    return users


def _fate(expediente: Expediente, fate: str, user) -> None:
    if fate == "suspendido":
        actions.suspender_plazo(
            expediente, acting_user=user,
            fecha=timezone.localdate() - datetime.timedelta(days=6),
            motivo="Requerimiento de subsanación: falta la memoria de la actividad (art. 68 "
                   "de la Ley 39/2015).")
    elif fate == "ampliado":
        actions.ampliar_plazo(expediente, dias=10, acting_user=user,
                              motivo="Acuerdo de ampliación por la acumulación de "
                                     "reclamaciones pendientes de informe pericial.")
    elif fate in ("resuelto", "cerrado", "archivado"):
        actions.resolver(expediente, acting_user=user,
                         motivo="Resolución de Alcaldía favorable, notificada al interesado.")
        if fate in ("cerrado", "archivado"):
            actions.cerrar(expediente, acting_user=user,
                           motivo="Resolución notificada y firme; nada pendiente.")
        if fate == "archivado":
            actions.archivar(expediente, acting_user=user,
                             motivo="Transferido al archivo municipal.")


def populate(entity, users: list) -> int:
    """Open the demo expedientes of one entity (inside its schema); their count."""
    from registro.models import Asiento

    user = users[0] if users else None
    _adoptar(user)
    if Expediente.objects.exists() or not Procedimiento.objects.filter(is_active=True).exists():
        return 0
    hoy = timezone.localdate()
    opened = 0
    # From the registro: the entries that ask for something a procedure handles.
    entradas = Asiento.objects.filter(libro="E").exclude(estado="anulado").order_by(
        "fecha_presentacion")
    for keyword in ("obra menor", "ayuda", "ruidos", "instancia"):
        asiento = entradas.filter(asunto__icontains=keyword).first()
        if asiento is None:
            continue
        words = {"obra menor": ("obra menor",), "ayuda": ("ayuda", "emergencia", "subvenci"),
                 "ruidos": ("queja", "reclamación", "denuncia", "actividad"),
                 "instancia": ("instancia", "información", "general")}[keyword]
        try:
            expediente = actions.abrir_desde_asiento(
                asiento, _procedimiento(words), acting_user=user,
                responsable=users[opened % len(users)] if users else None)
        except ExpedienteError as exc:
            logger.info("demo: asiento %s not opened: %s", asiento, exc)
            continue
        opened += 1
        if opened == 1:
            for titulo, days in TAREAS:
                actions.crear_tarea(expediente, titulo=titulo, acting_user=user,
                                    asignada_a=user, due_date=hoy + datetime.timedelta(days))
    for index, (words, asunto, days_ago, person, fate) in enumerate(DE_OFICIO):
        expediente = actions.abrir(
            _procedimiento(words), asunto=asunto, interesados=_persona(person),
            acting_user=user, responsable=users[index % len(users)] if users else None,
            fecha_inicio=hoy - datetime.timedelta(days=days_ago))
        opened += 1
        if fate:
            try:
                _fate(expediente, fate, user)
            except ExpedienteError as exc:  # a catalogue whose plazo does not allow it
                logger.info("demo: %s left in tramitación: %s", expediente, exc)
        elif index % 2 == 0:
            actions.crear_tarea(expediente, titulo="Revisar la documentación aportada",
                                acting_user=user, asignada_a=user,
                                due_date=hoy + datetime.timedelta(days=2 + index))
    return opened


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders): the expedientes of each demo entity with the
    e-administración service."""
    from django_tenants.utils import schema_context

    from expedientes import demo_portafirmas
    from tenants.demo_loaders import with_service
    from tenants.models import User

    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    for entity in with_service(entities.values(), "eadmin", "eadmin-simplificada"):
        users = _grant(entity, admin)
        with schema_context(entity.schema_name):
            opened = populate(entity, users)
        if opened:
            say(f"  {entity.name}: {opened} expedientes de ejemplo\n")
        signers = demo_portafirmas.load_demo(entity, operator=admin, say=say)
        if signers:
            with schema_context(entity.schema_name):
                sent = _en_firma(signers)
            if sent:
                say(f"  {entity.name}: {sent} documentos en el portafirmas\n")


def _en_firma(signers: dict) -> int:
    """Resolutions on their way through «Secretaría → Alcaldía (decretos)» (one signed by
    both and transcribed in the libro, one waiting for the Alcaldía, one for the
    Secretaría) and an informe waiting for the técnico. Once: nothing if any request
    exists."""
    from django.core.exceptions import ValidationError

    from expedientes import documentos, portafirmas
    from expedientes.models import CircuitoFirma, Firmante, PeticionFirma, Plantilla

    if PeticionFirma.objects.exists():
        return 0
    decretos = CircuitoFirma.objects.filter(name__startswith="Secretaría → Alcaldía").first()
    informes = CircuitoFirma.objects.filter(name__startswith="Técnico →").first()
    tecnico = signers["tecnico"]
    abiertos = [e for e in Expediente.objects.filter(estado="en_tramitacion").order_by("pk")
                if Plantilla.objects.filter(procedimiento=e.procedimiento_id, is_active=True,
                                            is_resolucion=True).exists()]
    sent = 0
    for index, expediente in enumerate(abiertos[:4]):
        resolucion = index < 3
        plantilla = Plantilla.objects.filter(
            procedimiento=expediente.procedimiento_id, is_active=True,
            is_resolucion=resolucion).order_by("orden").first()
        circuito = decretos if resolucion else informes
        if plantilla is None or circuito is None:
            continue
        try:
            documento = documentos.generar(expediente, plantilla, acting_user=tecnico)
            portafirmas.enviar_a_firma(documento, circuito, acting_user=tecnico)
            sent += 1
            # The first signed by both (numbered in the libro), the second by the Secretaría.
            for role in ("secretaria", "alcaldia")[:2 - index] if index < 2 else ():
                firmante = Firmante.objects.get(peticion__documento=documento,
                                                user_id=signers[role].pk)
                portafirmas.firmar(firmante, acting_user=signers[role])
        except (ExpedienteError, ValidationError) as exc:
            logger.info("demo: %s not sent to signature: %s", expediente, exc)
    return sent
