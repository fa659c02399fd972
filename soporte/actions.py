"""Every change of an incident: one transaction, one history row per change, e-mail
notifications scheduled after commit.

Concurrency: each change is a conditional `UPDATE ... WHERE version = <seen>`; when two
agents act on the same incident the second gets `Conflicto` (nothing is written) instead
of silently overwriting the first.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import audit
from provincial.jobs import enqueue
from provincial.uploads import check_upload
from soporte import flujo, sla
from soporte.access import filing_services, may_file_for
from soporte.choices import Estado, Prioridad, TipoEvento, Via
from soporte.models import (
    Adjunto,
    ArticuloKB,
    Categoria,
    Configuracion,
    Evento,
    Grupo,
    Incidencia,
    Llamada,
    Mensaje,
    ReglaAsignacion,
)

ALLOWED_KINDS = ("pdf", "png", "jpeg", "zip")
MAX_ATTACHMENTS = 10


class Conflicto(Exception):  # noqa: N818 - a Spanish legal-ish noun, like the others
    """Someone else changed the incident since the user loaded it."""

    def __init__(self, incidencia: Incidencia) -> None:
        super().__init__(_("Otra persona ha modificado la incidencia %(ref)s mientras usted la "
                           "tenía abierta; no se ha guardado su cambio. Revise la incidencia tal "
                           "como está ahora y vuelva a intentarlo.") % {"ref": incidencia.reference})


# --- helpers --------------------------------------------------------------------------------


def next_reference(year: int) -> str:
    """INC-<year>-<number>: gap-free per year and safe under parallel filings (one row lock
    taken by INSERT ... ON CONFLICT, released at commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO soporte_contador (year, last) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last = soporte_contador.last + 1 RETURNING last",
            [year])
        number = cursor.fetchone()[0]
    return f"INC-{year}-{number:06d}"


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Accepted uploads with their detected kind, or a ValidationError in Spanish."""
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(_("Adjunte como máximo %(n)s ficheros.") % {"n": MAX_ATTACHMENTS})
    max_bytes = Configuracion.current().max_attachment_mb * 1024 * 1024
    return [(f, check_upload(f, allowed=ALLOWED_KINDS, max_bytes=max_bytes)) for f in files]


def _save_attachments(incidencia: Incidencia, checked: Iterable[tuple[UploadedFile, str]], *,
                      user, mensaje: Mensaje | None, now: datetime.datetime) -> list[Adjunto]:
    saved = []
    for upload, kind in checked:
        upload.seek(0)
        content = upload.read()
        adjunto = Adjunto(incidencia=incidencia, mensaje=mensaje, name=upload.name[:200], kind=kind,
                          size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                          uploaded_by=user, created_at=now)
        adjunto.file.save(upload.name, ContentFile(content), save=True)
        saved.append(adjunto)
    return saved


def _event(incidencia: Incidencia, kind: str, actor, *, old: str = "", new: str = "",
           data: dict | None = None, now: datetime.datetime | None = None, notify: bool = True) -> Evento:
    evento = Evento.objects.create(incidencia=incidencia, actor=actor if actor and actor.pk else None,
                                   kind=kind, old_value=str(old)[:200], new_value=str(new)[:200],
                                   data=data or {}, created_at=now or timezone.now())
    if notify and kind in TipoEvento.public():
        enqueue("soporte.notificar", payload={"evento_id": evento.pk},
                created_by=actor if actor and actor.pk else None)
    return evento


def _update(incidencia: Incidencia, expected_version: int | None, now: datetime.datetime,
            **fields) -> None:
    """Apply `fields` if nobody changed the incident since `expected_version` was read."""
    if expected_version is None:
        expected_version = incidencia.version
    rows = Incidencia.objects.filter(pk=incidencia.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now, **fields)
    if rows != 1:
        raise Conflicto(incidencia)
    for name, value in fields.items():
        setattr(incidencia, name, value)
    incidencia.version = expected_version + 1
    incidencia.updated_at = now


def refresh_search(pks: Iterable[int] | None = None) -> int:
    """Recompute the full-text vector (reference, subject, description; Spanish stemming)."""
    vector = (SearchVector("reference", config="simple", weight="A")
              + SearchVector("subject", config="spanish", weight="A")
              + SearchVector("description", config="spanish", weight="B"))
    rows = Incidencia.objects.all() if pks is None else Incidencia.objects.filter(pk__in=list(pks))
    return rows.update(search=vector)


def refresh_kb_search(article: ArticuloKB) -> None:
    ArticuloKB.objects.filter(pk=article.pk).update(
        search=SearchVector("title", config="spanish", weight="A")
        + SearchVector("body", config="spanish", weight="B"))


# --- routing --------------------------------------------------------------------------------


def route(incidencia: Incidencia) -> tuple[Grupo | None, object | None]:
    """The group (and agent, for round-robin rules) for a new incident."""
    for regla in ReglaAsignacion.objects.select_related("grupo").order_by("order", "pk"):
        if regla.service_id not in (None, incidencia.service_id):
            continue
        if regla.categoria_id not in (None, incidencia.categoria_id):
            continue
        agent = None
        if regla.round_robin:
            # Lock the rule so two filings at once do not pick the same agent.
            regla = ReglaAsignacion.objects.select_for_update().get(pk=regla.pk)
            agents = list(regla.grupo.members.filter(is_active=True, is_support_agent=True)
                          .order_by("pk"))
            if agents:
                later = [a for a in agents if regla.last_assigned_id is None
                         or a.pk > regla.last_assigned_id]
                agent = (later or agents)[0]
                ReglaAsignacion.objects.filter(pk=regla.pk).update(last_assigned=agent)
        return regla.grupo, agent
    if incidencia.service_id:
        grupo = Grupo.objects.filter(services=incidencia.service_id).order_by("name").first()
        if grupo:
            return grupo, None
    return None, None


# --- filing ---------------------------------------------------------------------------------


@dataclass
class NuevaIncidencia:
    subject: str
    description: str
    service: object | None = None
    categoria: Categoria | None = None
    priority: int = Prioridad.NORMAL
    via: str = Via.WEB

    @classmethod
    def from_data(cls, data: dict) -> NuevaIncidencia:
        """From a form's or serializer's cleaned data (subject, description, optional
        service, categoria and priority)."""
        return cls(subject=data["subject"], description=data["description"],
                   service=data.get("service"), categoria=data.get("categoria"),
                   priority=int(data.get("priority") or Prioridad.NORMAL))


def crear_incidencia(entity, data: NuevaIncidencia, *, reporter, acting_user,
                     attachments: Sequence[UploadedFile] = (),
                     now: datetime.datetime | None = None) -> Incidencia:
    """File an incident for `entity`. The service must be one the entity adhered to (or
    none: a general question); the reporter must be able to file for the entity."""
    now = now or timezone.now()
    if not may_file_for(reporter, entity):
        raise ValidationError(_("%(user)s no puede comunicar incidencias %(de_entity)s.")
                              % {"user": reporter.get_full_name() or reporter.username,
                                 "de_entity": entity.name_after_de})
    if data.service is not None and not filing_services(entity).filter(pk=data.service.pk).exists():
        raise ValidationError({"service": _("%(entity)s no está adherida al servicio «%(service)s»; "
                                            "elija uno de sus servicios o «Consulta general».")
                               % {"entity": entity.name, "service": data.service.name}})
    if not data.subject.strip() or not data.description.strip():
        raise ValidationError(_("Indique el asunto y la descripción de la incidencia."))
    checked = check_attachments(attachments)
    with transaction.atomic():
        incidencia = Incidencia(
            reference=next_reference(timezone.localtime(now).year), entity=entity,
            reporter=reporter, service=data.service, categoria=data.categoria,
            # One line: the subject becomes the Subject header of every notice.
            priority=data.priority, subject=" ".join(data.subject.split()),
            description=data.description.strip(), via=data.via, created_at=now, updated_at=now)
        calendar = sla.load_calendar()
        sla.set_deadlines(incidencia, calendar)
        incidencia.save()
        refresh_search([incidencia.pk])
        _event(incidencia, TipoEvento.CREADA, acting_user, new=incidencia.subject, now=now,
               data={"via": data.via})
        if checked:
            _save_attachments(incidencia, checked, user=acting_user, mensaje=None, now=now)
        grupo, agent = route(incidencia)
        if grupo or agent:
            fields = {"grupo": grupo, "assignee": agent}
            if agent:
                fields["state"] = Estado.ASIGNADA
            _update(incidencia, incidencia.version, now, **fields)
            _event(incidencia, TipoEvento.ASIGNACION, None, new=_assignment_label(grupo, agent),
                   now=now, notify=agent is not None)
        audit.record("soporte.incidencia.create", user=acting_user, entity=entity, obj=incidencia)
    return incidencia


def _assignment_label(grupo, agent) -> str:
    parts = [str(grupo) if grupo else "", agent.get_full_name() or agent.username if agent else ""]
    return " · ".join(p for p in parts if p) or str(_("sin asignar"))


# --- state ----------------------------------------------------------------------------------


def _state_fields(incidencia: Incidencia, target: str, now: datetime.datetime,
                  calendar: sla.BusinessCalendar) -> dict:
    fields: dict = {"state": target}
    if incidencia.state == Estado.PENDIENTE:
        fields.update(sla.resume(incidencia, calendar, now))
    if target == Estado.PENDIENTE:
        fields.update(sla.pause(incidencia, now))
    if target == Estado.RESUELTA:
        fields["resolved_at"] = now
        due = fields.get("resolution_due_at", incidencia.resolution_due_at)
        fields["resolution_breached"] = bool(due and now > due)
        if incidencia.first_response_at is None:
            fields.update(_first_response_fields(incidencia, now, fields))
    if target == Estado.CERRADA:
        fields["closed_at"] = now
        if incidencia.resolved_at is None:
            fields["resolved_at"] = now
    if incidencia.state == Estado.RESUELTA and target != Estado.CERRADA:
        fields["resolved_at"] = None
    return fields


def _first_response_fields(incidencia: Incidencia, now: datetime.datetime, pending: dict) -> dict:
    due = pending.get("first_response_due_at", incidencia.first_response_due_at)
    return {"first_response_at": now, "first_response_breached": bool(due and now > due)}


def cambiar_estado(incidencia: Incidencia, target: str, *, acting_user, role: str,
                   expected_version: int | None = None, now: datetime.datetime | None = None) -> Incidencia:
    """Move the incident to `target` (see soporte.flujo for who may do what). A reporter
    reopens a resolved incident only within the configured period."""
    now = now or timezone.now()
    flujo.check_transition(incidencia.state, target, role)
    reopening = incidencia.state == Estado.RESUELTA and target == Estado.EN_CURSO
    if reopening and role == flujo.REPORTER:
        deadline = incidencia.reopen_deadline()
        if deadline is not None and now > deadline:
            raise ValidationError(_("El plazo para reabrir la incidencia terminó el %(date)s; "
                                    "comunique una nueva incidencia.")
                                  % {"date": timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")})
    with transaction.atomic():
        old = incidencia.state
        _update(incidencia, expected_version, now,
                **_state_fields(incidencia, target, now, sla.load_calendar()))
        _event(incidencia, TipoEvento.REAPERTURA if reopening else TipoEvento.ESTADO, acting_user,
               old=Estado(old).label, new=Estado(target).label, now=now,
               data={"from": old, "to": target})
    return incidencia


def reabrir(incidencia: Incidencia, *, acting_user, role: str, expected_version: int | None = None,
            now: datetime.datetime | None = None) -> Incidencia:
    return cambiar_estado(incidencia, Estado.EN_CURSO, acting_user=acting_user, role=role,
                          expected_version=expected_version, now=now)


def asignar(incidencia: Incidencia, *, grupo: Grupo | None, assignee, acting_user,
            expected_version: int | None = None, now: datetime.datetime | None = None) -> Incidencia:
    """Give the incident to a group and/or an agent (None: unassigned)."""
    now = now or timezone.now()
    if assignee is not None and not (assignee.is_active and assignee.is_support_agent):
        raise ValidationError(_("%(user)s no es agente de soporte.") % {"user": assignee})
    if incidencia.state in (Estado.RESUELTA, Estado.CERRADA):
        raise ValidationError(_("Una incidencia «%(state)s» no se reasigna; reábrala antes.")
                              % {"state": incidencia.get_state_display()})
    if grupo is None and assignee is not None:
        grupo = incidencia.grupo or assignee.grupos_soporte.order_by("name").first()
    fields: dict = {"grupo": grupo, "assignee": assignee}
    if assignee is not None and incidencia.state == Estado.NUEVA:
        fields["state"] = Estado.ASIGNADA
    if assignee is None and incidencia.state == Estado.ASIGNADA:
        fields["state"] = Estado.NUEVA
    old = _assignment_label(incidencia.grupo, incidencia.assignee)
    with transaction.atomic():
        _update(incidencia, expected_version, now, **fields)
        _event(incidencia, TipoEvento.ASIGNACION, acting_user, old=old,
               new=_assignment_label(grupo, assignee), now=now)
    return incidencia


def tomar(incidencia: Incidencia, *, acting_user, expected_version: int | None = None,
          now: datetime.datetime | None = None) -> Incidencia:
    """The acting agent takes the incident."""
    return asignar(incidencia, grupo=incidencia.grupo, assignee=acting_user, acting_user=acting_user,
                   expected_version=expected_version, now=now)


def cambiar_prioridad(incidencia: Incidencia, priority: int, *, acting_user,
                      expected_version: int | None = None,
                      now: datetime.datetime | None = None) -> Incidencia:
    """Change the priority; the deadlines are recomputed from the creation date."""
    now = now or timezone.now()
    if priority == incidencia.priority:
        raise ValidationError(_("La incidencia ya tiene esa prioridad."))
    old = incidencia.get_priority_display()
    probe = Incidencia(priority=priority, created_at=incidencia.created_at,
                       paused_minutes=incidencia.paused_minutes)
    sla.set_deadlines(probe, sla.load_calendar())
    fields = {"priority": priority, "resolution_due_at": probe.resolution_due_at}
    if incidencia.first_response_at is None:
        fields["first_response_due_at"] = probe.first_response_due_at
    with transaction.atomic():
        _update(incidencia, expected_version, now, **fields)
        _event(incidencia, TipoEvento.PRIORIDAD, acting_user, old=old,
               new=Prioridad(priority).label, now=now)
    return incidencia


# --- conversation ---------------------------------------------------------------------------


def responder(incidencia: Incidencia, *, author, body: str, role: str, is_internal: bool = False,
              via: str = Via.WEB, attachments: Sequence[UploadedFile] = (), message_id: str = "",
              event_note: str = "", event_data: dict | None = None,
              now: datetime.datetime | None = None) -> Mensaje:
    """Add a public reply or an internal note (agents only), with attachments.

    `event_note` and `event_data` add to the history row (e.g. who reviewed the e-mail).
    A public reply of the desk counts as first response and puts a new or assigned
    incident "en curso"; a reply of the reporter to a "pendiente del usuario" incident
    restarts the clocks ("en curso").
    """
    now = now or timezone.now()
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Escriba el texto del mensaje.")})
    if is_internal and role != flujo.AGENT:
        raise ValidationError(_("Solo el equipo de soporte escribe notas internas."))
    if incidencia.state == Estado.CERRADA:
        raise ValidationError(_("La incidencia %(ref)s está cerrada; comunique una nueva.")
                              % {"ref": incidencia.reference})
    checked = check_attachments(attachments)
    with transaction.atomic():
        # Lock the row: the state change a reply implies must not race another change.
        Incidencia.objects.select_for_update().filter(pk=incidencia.pk).exists()
        incidencia.refresh_from_db()
        mensaje = Mensaje.objects.create(incidencia=incidencia, author=author, is_internal=is_internal,
                                         via=via, body=body, message_id=message_id[:250],
                                         created_at=now)
        if checked:
            _save_attachments(incidencia, checked, user=author, mensaje=mensaje, now=now)
        _event(incidencia, TipoEvento.NOTA if is_internal else TipoEvento.RESPUESTA, author, now=now,
               new=event_note, data={**(event_data or {}), "mensaje_id": mensaje.pk, "via": via})
        if not is_internal:
            _after_public_reply(incidencia, role, author, now)
    return mensaje


def _after_public_reply(incidencia: Incidencia, role: str, author, now: datetime.datetime) -> None:
    fields: dict = {}
    target = None
    if role == flujo.AGENT:
        if incidencia.first_response_at is None:
            fields.update(_first_response_fields(incidencia, now, {}))
        if incidencia.state in (Estado.NUEVA, Estado.ASIGNADA):
            target = Estado.EN_CURSO
    elif incidencia.state == Estado.PENDIENTE:
        target = Estado.EN_CURSO
    if target:
        fields.update(_state_fields(incidencia, target, now, sla.load_calendar()))
    if fields:
        old = incidencia.state
        _update(incidencia, incidencia.version, now, **fields)
        if target:
            _event(incidencia, TipoEvento.ESTADO, author, old=Estado(old).label,
                   new=Estado(target).label, now=now, data={"from": old, "to": target},
                   notify=False)


# --- duplicates, related, calls -------------------------------------------------------------


def fusionar(incidencia: Incidencia, target: Incidencia, *, acting_user,
             expected_version: int | None = None, now: datetime.datetime | None = None) -> Incidencia:
    """Close `incidencia` as a duplicate of `target` (same entity)."""
    now = now or timezone.now()
    if target.pk == incidencia.pk:
        raise ValidationError(_("Una incidencia no se fusiona consigo misma."))
    if target.entity_id != incidencia.entity_id:
        raise ValidationError(_("Solo se fusionan incidencias de la misma entidad."))
    if target.merged_into_id or target.state == Estado.CERRADA:
        raise ValidationError(_("%(ref)s está cerrada; fusione en una incidencia abierta.")
                              % {"ref": target.reference})
    if incidencia.state == Estado.CERRADA:
        raise ValidationError(_("La incidencia ya está cerrada."))
    with transaction.atomic():
        _update(incidencia, expected_version, now, merged_into=target, state=Estado.CERRADA,
                closed_at=now, resolved_at=incidencia.resolved_at or now, paused_since=None)
        _event(incidencia, TipoEvento.FUSION, acting_user, new=target.reference, now=now)
        _event(target, TipoEvento.FUSION, acting_user, old=incidencia.reference, now=now,
               data={"duplicate": incidencia.reference}, notify=False)
    return incidencia


def relacionar(incidencia: Incidencia, other: Incidencia, *, acting_user,
               now: datetime.datetime | None = None) -> None:
    """Link two incidents as related (both histories record it)."""
    now = now or timezone.now()
    if other.pk == incidencia.pk:
        raise ValidationError(_("Una incidencia no se relaciona consigo misma."))
    if incidencia.related.filter(pk=other.pk).exists():
        raise ValidationError(_("Las incidencias ya están relacionadas."))
    with transaction.atomic():
        incidencia.related.add(other)
        _event(incidencia, TipoEvento.RELACION, acting_user, new=other.reference, now=now)
        _event(other, TipoEvento.RELACION, acting_user, new=incidencia.reference, now=now)


@dataclass
class DatosLlamada:
    caller: str
    phone: str
    started_at: datetime.datetime
    duration_minutes: int
    summary: str


def registrar_llamada(llamada: DatosLlamada, *, agent, incidencia: Incidencia | None = None,
                      entity=None, nueva: NuevaIncidencia | None = None, reporter=None,
                      now: datetime.datetime | None = None) -> Llamada:
    """Record a phone call on an existing incident, or file a new one for it in the same step
    (the Diputación only accepts a call when an incident exists for it)."""
    now = now or timezone.now()
    if llamada.started_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"started_at": _("La llamada no puede ser posterior a ahora.")})
    if not llamada.summary.strip():
        raise ValidationError({"summary": _("Resuma la llamada.")})
    with transaction.atomic():
        if incidencia is None:
            if entity is None or nueva is None:
                raise ValidationError(_("Indique la incidencia de la llamada o los datos de una nueva."))
            nueva.via = Via.TELEFONO
            incidencia = crear_incidencia(entity, nueva, reporter=reporter or agent,
                                          acting_user=agent, now=now)
        elif incidencia.state == Estado.CERRADA:
            raise ValidationError(_("La incidencia %(ref)s está cerrada; registre la llamada en una "
                                    "nueva.") % {"ref": incidencia.reference})
        call = Llamada.objects.create(incidencia=incidencia, agent=agent, caller=llamada.caller.strip(),
                                      phone=llamada.phone.strip(), started_at=llamada.started_at,
                                      duration_minutes=llamada.duration_minutes,
                                      summary=llamada.summary.strip())
        _event(incidencia, TipoEvento.LLAMADA, agent, new=call.caller, now=now,
               data={"llamada_id": call.pk, "minutes": call.duration_minutes})
    return call


# --- bulk -----------------------------------------------------------------------------------


BULK_ACTIONS = ("assign", "take", "state", "priority")


def en_bloque(incidencias: Iterable[Incidencia], action: str, value, *, acting_user) -> tuple[int, list[str]]:
    """Apply one action to several incidents; each in its own transaction. Returns the number
    done and the Spanish reason for each one refused."""
    done, errors = 0, []
    for incidencia in incidencias:
        try:
            if action == "take":
                tomar(incidencia, acting_user=acting_user)
            elif action == "assign":
                asignar(incidencia, grupo=incidencia.grupo, assignee=value, acting_user=acting_user)
            elif action == "state":
                cambiar_estado(incidencia, value, acting_user=acting_user, role=flujo.AGENT)
            elif action == "priority":
                cambiar_prioridad(incidencia, int(value), acting_user=acting_user)
            else:
                raise ValidationError(_("Acción desconocida."))
        except (ValidationError, Conflicto) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            errors.append(f"{incidencia.reference}: {text}")
        else:
            done += 1
    return done, errors
