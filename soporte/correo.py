"""Replies by e-mail: an RFC 5322 message becomes a public message of the incident named
in its subject, if the sender may write in it. Anything else is kept for review
(`CorreoEntrante`), never attached to someone else's incident.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage as ParsedMessage
from email.utils import getaddresses

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from provincial import audit
from soporte import flujo
from soporte.access import sender_may_write
from soporte.choices import EstadoCorreo, Via
from soporte.models import CorreoEntrante, Incidencia, Mensaje
from soporte.tasks import REPLY_MARKER

REFERENCE = re.compile(r"\[?\b(INC-\d{4}-\d{6})\b\]?", re.IGNORECASE)
MAX_BYTES = 25 * 1024 * 1024
# Where quoted text starts in the usual clients (Spanish, Catalan/Valencian, English).
QUOTE_HEADERS = [
    re.compile(r"^\s*(El|On|L'|Le)\b.{0,200}\b(escribió|escrigué|va escriure|wrote|a écrit)\s*:\s*$",
               re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Mensaje original|Original Message|Missatge original)\s*-{2,}",
               re.IGNORECASE),
    re.compile(r"^\s*(De|From)\s*:\s.+$", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),
]


@dataclass
class Parsed:
    sender: str
    subject: str
    message_id: str
    body: str
    attachments: list[SimpleUploadedFile] = field(default_factory=list)
    reference: str | None = None


@dataclass
class Outcome:
    mensaje: Mensaje | None = None
    kept: CorreoEntrante | None = None
    duplicate: bool = False
    rejected_attachments: list[str] = field(default_factory=list)


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to our marker, a client's quote header or '>' lines;
    also drops a trailing signature ('-- ')."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if REPLY_MARKER in line or any(p.match(line) for p in QUOTE_HEADERS):
            break
        if line.startswith(">"):
            continue
        if line.rstrip() == "--":
            break
        kept.append(line)
    return "\n".join(kept).strip()


def parse(raw: bytes) -> Parsed:
    message: ParsedMessage = email.message_from_bytes(raw, policy=email.policy.default)
    addresses = getaddresses([str(message.get("From", ""))])
    sender = (addresses[0][1] if addresses else "").strip().lower()
    subject = str(message.get("Subject", "")).strip()
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        body = body_part.get_content()
        if body_part.get_content_type() == "text/html":
            body = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", body))
    attachments = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or "adjunto"
        attachments.append(SimpleUploadedFile(name, content,
                                              content_type=part.get_content_type()))
    match = REFERENCE.search(subject)
    return Parsed(sender=sender, subject=subject, message_id=str(message.get("Message-ID", "")).strip(),
                  body=strip_quoted(body), attachments=attachments,
                  reference=match.group(1).upper() if match else None)


def _keep(raw: bytes, parsed: Parsed | None, reason: str) -> CorreoEntrante:
    return CorreoEntrante.objects.create(
        received_at=timezone.now(), sender=(parsed.sender if parsed else "")[:250],
        subject=(parsed.subject if parsed else "")[:250],
        message_id=(parsed.message_id if parsed else "")[:250], reason=reason[:250], raw=raw)


def receive(raw: bytes) -> Outcome:
    """Attach an inbound message to its incident, or keep it for review with the reason."""
    if len(raw) > MAX_BYTES:
        return Outcome(kept=_keep(raw[:1024], None, _("Mensaje demasiado grande.")))
    try:
        parsed = parse(raw)
    except Exception:  # noqa: BLE001 - a malformed message is kept, whatever broke the parser
        return Outcome(kept=_keep(raw, None, _("No se pudo leer el mensaje.")))
    if parsed.message_id and Mensaje.objects.filter(message_id=parsed.message_id[:250]).exists():
        return Outcome(duplicate=True)  # the MTA delivered it twice
    if not parsed.reference:
        return Outcome(kept=_keep(raw, parsed, _("El asunto no lleva la referencia de una incidencia.")))
    incidencia = Incidencia.objects.select_related("entity", "reporter").filter(
        reference=parsed.reference).first()
    if incidencia is None:
        return Outcome(kept=_keep(raw, parsed, _("La referencia %(ref)s no existe.")
                                  % {"ref": parsed.reference}))
    author = _author(parsed, incidencia)
    if author is None:
        return Outcome(kept=_keep(raw, parsed, _("El remitente %(sender)s no participa en %(ref)s.")
                                  % {"sender": parsed.sender or "?", "ref": parsed.reference}))
    if not parsed.body and not parsed.attachments:
        return Outcome(kept=_keep(raw, parsed, _("El mensaje no tiene texto nuevo.")))
    body, accepted, rejected = _content(parsed)
    try:
        with transaction.atomic():
            mensaje = _add(incidencia, parsed, author, body=body, accepted=accepted)
    except ValidationError as exc:
        return Outcome(kept=_keep(raw, parsed, " ".join(exc.messages)))
    return Outcome(mensaje=mensaje, rejected_attachments=rejected)


def _author(parsed: Parsed, incidencia: Incidencia):
    """The active user with the sender's address who may write in `incidencia`, if any."""
    users = get_user_model().objects.filter(email__iexact=parsed.sender, is_active=True) \
        .order_by("pk") if parsed.sender else []
    return next((u for u in users if sender_may_write(u, incidencia)), None)


def _content(parsed: Parsed) -> tuple[str, list[SimpleUploadedFile], list[str]]:
    """The text to add (saying which attachments were refused and why) and the accepted files."""
    from soporte import actions

    accepted, rejected = [], []
    for upload in parsed.attachments:
        try:
            actions.check_attachments([upload])
        except ValidationError as exc:
            rejected.append(" ".join(exc.messages))
        else:
            accepted.append(upload)
    body = parsed.body or _("(Mensaje sin texto; ver adjuntos.)")
    if rejected:
        body += "\n\n" + _("Adjuntos no admitidos: %(list)s") % {"list": "; ".join(rejected)}
    return body, accepted, rejected


def _add(incidencia: Incidencia, parsed: Parsed, author, *, body: str, accepted, **extra) -> Mensaje:
    from soporte import actions

    role = flujo.AGENT if (author.is_support_agent or author.pk == incidencia.assignee_id) \
        else flujo.REPORTER
    return actions.responder(incidencia, author=author, body=body, role=role, via=Via.EMAIL,
                             attachments=accepted, message_id=parsed.message_id, **extra)


# --- review of kept messages (the desk's «Correo por revisar») ------------------------------


def pending(pk: int) -> CorreoEntrante:
    """A kept message still pending review, locked for the review (inside a transaction)."""
    correo = CorreoEntrante.objects.select_for_update().filter(pk=pk).first()
    if correo is None:
        raise ValidationError(_("Ese correo ya no existe."))
    if correo.state != EstadoCorreo.PENDIENTE:
        raise ValidationError(_("Ese correo ya se revisó (%(state)s).")
                              % {"state": correo.get_state_display()})
    return correo


def asociar(pk: int, incidencia: Incidencia, *, acting_user) -> Mensaje:
    """Attach a kept message to the incident the agent chose. It becomes a public message
    of its sender when the sender may write in that incident; otherwise an internal note of
    the agent saying who sent it (the entity never sees a stranger's text as if it were
    part of the conversation). The history records the review either way."""
    from soporte import actions

    with transaction.atomic():
        correo = pending(pk)
        try:
            parsed = parse(bytes(correo.raw))
        except Exception as exc:  # noqa: BLE001 - whatever broke the parser, say it plainly
            raise ValidationError(_("No se pudo leer el mensaje; descártelo.")) from exc
        if parsed.message_id and Mensaje.objects.filter(message_id=parsed.message_id[:250]).exists():
            raise ValidationError(_("Ese correo ya está en una incidencia; descártelo."))
        body, accepted, _rejected = _content(parsed)
        reviewer = acting_user.get_full_name() or acting_user.username
        review = {"event_note": _("correo de %(sender)s revisado por %(agent)s")
                  % {"sender": parsed.sender or "?", "agent": reviewer},
                  "event_data": {"correo_id": correo.pk, "reviewed_by": acting_user.pk}}
        author = _author(parsed, incidencia)
        if author is not None:
            mensaje = _add(incidencia, parsed, author, body=body, accepted=accepted, **review)
        else:
            note = _("Correo de %(sender)s (asunto «%(subject)s»), incorporado como nota interna: "
                     "el remitente no participa en esta incidencia.") % {
                "sender": parsed.sender or _("remitente desconocido"), "subject": parsed.subject}
            mensaje = actions.responder(incidencia, author=acting_user, body=f"{note}\n\n{body}",
                                        role=flujo.AGENT, is_internal=True, via=Via.EMAIL,
                                        attachments=accepted, message_id=parsed.message_id,
                                        **review)
        CorreoEntrante.objects.filter(pk=correo.pk).update(
            state=EstadoCorreo.ASOCIADO, incidencia=incidencia, reviewed_by=acting_user)
        audit.record("soporte.correo.asociar", user=acting_user, entity=incidencia.entity,
                     obj=incidencia, detail={"correo_id": correo.pk, "public": author is not None})
    return mensaje


def descartar(pk: int, *, acting_user) -> None:
    """Discard a kept message (it stays stored, marked as discarded, with who did it)."""
    with transaction.atomic():
        correo = pending(pk)
        CorreoEntrante.objects.filter(pk=correo.pk).update(state=EstadoCorreo.DESCARTADO,
                                                            reviewed_by=acting_user)
        audit.record("soporte.correo.descartar", user=acting_user, obj=correo)
