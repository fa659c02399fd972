"""Demo data of the incident desk: groups and routing, the 2026 calendar, SLA targets, KB
articles and about sixty incidents across the demo entities in every state, with
conversation. Idempotent: does nothing to incidents once some exist."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from soporte import actions, flujo
from soporte.choices import Estado, Prioridad, Via
from soporte.models import (
    ArticuloKB,
    Calendario,
    Categoria,
    Festivo,
    Grupo,
    Incidencia,
    ReglaAsignacion,
)
from tenants.choices import EntityKind, MembershipRole
from tenants.models import Entity, Membership, Service, User

# Holidays of 2026 in Alicante: national, Comunitat Valenciana.
FESTIVOS_2026 = [
    (1, 1, "Año Nuevo"), (1, 6, "Epifanía del Señor"), (3, 19, "San José"),
    (4, 3, "Viernes Santo"), (4, 6, "Lunes de Pascua"), (5, 1, "Fiesta del Trabajo"),
    (6, 24, "San Juan"), (8, 15, "Asunción de la Virgen"), (10, 9, "Día de la Comunitat Valenciana"),
    (10, 12, "Fiesta Nacional de España"), (12, 8, "Inmaculada Concepción"), (12, 25, "Navidad"),
]
GROUPS = [
    ("Padrón y estadística", ["padron"], "padron@diputacion.localhost"),
    ("Administración electrónica", ["eadmin", "eadmin-simplificada", "certificados"],
     "eadmin@diputacion.localhost"),
    ("Sistemas y comunicaciones", ["correo", "nube", "portales"], "sistemas@diputacion.localhost"),
    ("Contabilidad", ["contabilidad"], "contabilidad@diputacion.localhost"),
]
AGENTS = [("soporte", "Lucía", "Ferrándiz Soler"), ("agente.padron", "Vicent", "Climent Rico"),
          ("agente.eadmin", "Noelia", "Pastor Ibáñez"), ("agente.sistemas", "Rubén", "Guardiola Sala")]
ARTICLES = [
    ("Cómo renovar el certificado de empleado público", "certificados",
     "Solicite la renovación desde la sede de la FNMT con el certificado aún vigente; si ya caducó, "
     "pida cita en la oficina de registro de la Diputación."),
    ("El volante de empadronamiento sale en blanco", "padron",
     "Compruebe que el navegador permite las ventanas emergentes del portal y que el habitante "
     "tiene domicilio en vigor en la fecha del volante."),
    ("Cambiar la contraseña del correo corporativo", "correo",
     "Entre en el correo web, menú Preferencias › Contraseña. Debe tener al menos 12 caracteres."),
    ("El escritorio virtual no arranca", "nube",
     "Cierre la sesión del cliente y vuelva a entrar; si sigue sin arrancar, comunique una "
     "incidencia indicando el nombre del equipo."),
    ("Qué hacer antes de comunicar una incidencia", None,
     "Anote la pantalla y el mensaje de error, la hora y el usuario. Adjunte una captura si puede."),
]
SUBJECTS = [
    ("padron", "No se genera el fichero de variaciones del INE"),
    ("padron", "Error al dar de alta a un menor"),
    ("padron", "El volante de convivencia sale sin firma"),
    ("eadmin", "No llega el justificante de registro"),
    ("eadmin", "El expediente no avanza al siguiente trámite"),
    ("correo", "Buzón lleno en alcaldía"),
    ("correo", "No recibimos correos de la AEAT"),
    ("portales", "Publicar el bando de fiestas en la web"),
    ("nube", "El escritorio virtual va muy lento"),
    ("certificados", "Caduca el certificado de sello de órgano"),
    ("contabilidad", "Descuadre en el cierre del trimestre"),
    (None, "Alta de una nueva usuaria en la plataforma"),
    (None, "Consulta sobre el calendario de formación"),
]
REPLIES = ["Gracias, lo revisamos y les decimos algo.", "¿Pueden adjuntar una captura del error?",
           "Ya está corregido; compruébenlo por favor.", "Adjuntamos la captura que pedían."]


def _agents() -> list[User]:
    people = []
    for username, first, last in AGENTS:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@diputacion.localhost",
            "is_support_agent": True})
        if created:
            from tenants.demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
            user.save()
        people.append(user)
    return people


def _setup(agents: list[User]) -> None:
    calendario = Calendario.objects.filter(is_default=True).first() or Calendario.objects.create(
        name="Calendario laboral de la Diputación", is_default=True)
    for month, day, name in FESTIVOS_2026:
        Festivo.objects.get_or_create(calendario=calendario, date=datetime.date(2026, month, day),
                                      defaults={"name": name})
    for index, (name, codes, email) in enumerate(GROUPS):
        grupo, _created = Grupo.objects.get_or_create(name=name, defaults={"email": email})
        grupo.services.set(Service.objects.filter(code__in=codes))
        grupo.members.add(agents[0], agents[min(index + 1, len(agents) - 1)])
        if not ReglaAsignacion.objects.filter(grupo=grupo).exists():
            for service in Service.objects.filter(code__in=codes):
                ReglaAsignacion.objects.create(order=index, service=service, grupo=grupo,
                                               round_robin=True)
    for title, code, body in ARTICLES:
        if not ArticuloKB.objects.filter(title=title).exists():
            article = ArticuloKB.objects.create(
                title=title, body=body, is_published=True,
                service=Service.objects.filter(code=code).first() if code else None)
            actions.refresh_kb_search(article)


def _tic_operator() -> None:
    """The demo's mancomunidad operator becomes its TIC operator."""
    Membership.objects.filter(user__username="tic.mancomunitat",
                              entity__kind=EntityKind.MANCOMUNIDAD).update(role=MembershipRole.TIC)


def _reporters(entity: Entity, agents: list[User]) -> list[User]:
    users = [m.user for m in Membership.objects.filter(entity=entity, is_active=True).select_related("user")
             if "soporte" in m.applications]
    return users or agents[:1]


def soporte_entities(entities=None) -> list[Entity]:
    """The active entities adhered to soporte (among `entities`, when given)."""
    rows = Entity.objects.adhered().filter(
        is_active=True, adhesions__service__code="soporte",
        adhesions__state="approved").distinct()
    if entities is not None:
        rows = rows.filter(pk__in=[e.pk for e in entities])
    return list(rows)


@transaction.atomic
def populate_province(count: int = 60, seed: int = 2026, stdout=None, entities=None) -> int:
    """Groups, SLA calendar, KB and `count` incidents over the last months, spread over the
    entities adhered to soporte (or those of `entities` that are), if none of them has
    incidents yet."""
    say = stdout.write if stdout else (lambda _m: None)
    agents = _agents()
    _setup(agents)
    _tic_operator()
    entities = soporte_entities(entities)
    if not entities or Incidencia.objects.filter(entity__in=entities).exists():
        return 0
    rng = random.Random(seed)
    categorias = list(Categoria.objects.all())
    now = timezone.now()
    made = 0
    for index in range(count):
        entity = entities[index % len(entities)]
        services = set(actions.filing_services(entity).values_list("code", flat=True))
        options = [(code, subject) for code, subject in SUBJECTS if code is None or code in services]
        code, subject = rng.choice(options)
        created = now - datetime.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 6),
                                           minutes=rng.randint(0, 59))
        reporter = rng.choice(_reporters(entity, agents))
        incidencia = actions.crear_incidencia(
            entity, actions.NuevaIncidencia(
                subject=subject, description=f"{subject}. Nos ocurre desde esta semana en el "
                                             f"ayuntamiento; adjuntamos los detalles que tenemos.",
                service=Service.objects.get(code=code) if code else None,
                categoria=rng.choice(categorias), priority=rng.choice(list(Prioridad.values)),
                via=rng.choice([Via.WEB, Via.WEB, Via.EMAIL, Via.TELEFONO])),
            reporter=reporter, acting_user=reporter, now=created)
        _advance(incidencia, GOALS[index % len(GOALS)], rng, agents, reporter, created, now)
        made += 1
    # The demo's history is not news: no e-mail for it (jobs not yet handed to the broker).
    from provincial.choices import JobState
    from provincial.models import Job

    Job.objects.filter(kind="soporte.notificar", state=JobState.PENDING).update(
        state=JobState.CANCELLED)
    say(f"  Soporte: {made} incidencias de demostración\n")
    return made


GOALS = [Estado.NUEVA, Estado.ASIGNADA, Estado.EN_CURSO, Estado.PENDIENTE, Estado.RESUELTA,
         Estado.CERRADA, Estado.EN_CURSO, Estado.CERRADA]


def _advance(incidencia: Incidencia, goal: str, rng: random.Random, agents: list[User],
             reporter: User, created: datetime.datetime, now: datetime.datetime) -> None:
    """Move a demo incident some way along its life, with plausible timings."""
    if goal == Estado.NUEVA:
        if incidencia.assignee_id:  # routed by a rule: back to the group's unassigned pile
            actions.asignar(incidencia, grupo=incidencia.grupo, assignee=None,
                            acting_user=incidencia.assignee, now=created)
        return
    step = created
    agent = incidencia.assignee or rng.choice(agents)

    def later(minutes: int) -> datetime.datetime:
        nonlocal step
        step = min(step + datetime.timedelta(minutes=minutes), now)
        return step

    if incidencia.assignee is None:
        actions.asignar(incidencia, grupo=incidencia.grupo, assignee=agent, acting_user=agent,
                        now=later(rng.randint(5, 120)))
    if goal == Estado.ASIGNADA:
        return
    actions.responder(incidencia, author=agent, body=rng.choice(REPLIES[:2]), role=flujo.AGENT,
                      now=later(rng.randint(10, 600)))
    if goal == Estado.EN_CURSO:
        return
    actions.cambiar_estado(incidencia, Estado.PENDIENTE, acting_user=agent, role=flujo.AGENT,
                           now=later(rng.randint(5, 60)))
    if goal == Estado.PENDIENTE:
        return
    actions.responder(incidencia, author=reporter, body=REPLIES[3], role=flujo.REPORTER,
                      now=later(rng.randint(60, 2000)))
    actions.responder(incidencia, author=agent, body="Revisado el registro del servidor.",
                      role=flujo.AGENT, is_internal=True, now=later(rng.randint(5, 300)))
    actions.cambiar_estado(incidencia, Estado.RESUELTA, acting_user=agent, role=flujo.AGENT,
                           now=later(rng.randint(30, 3000)))
    if goal == Estado.CERRADA:
        actions.cambiar_estado(incidencia, Estado.CERRADA, acting_user=reporter, role=flujo.REPORTER,
                               now=later(rng.randint(60, 3000)))


def load_demo(entities: dict, say) -> None:
    """Demo loader (tenants.demo_loaders): the desk's groups, calendar and knowledge base,
    and example incidents of the entities adhered to soporte (once)."""
    created = populate_province()
    if created:
        say(f"  Soporte: {created} incidencias de ejemplo\n")
