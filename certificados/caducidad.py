"""Expiry: the daily task's work (mark what ended as caducado, warn 60, 30 and 7 days
before) and the provincial dashboard of what expires in a period.

A warning is sent once per certificate, threshold and expiry date (`AvisoCaducidad`,
unique): the row is written in the same transaction that sends the mail, under the
certificate's row lock, so two workers or a rerun never send it twice, and a mail server
that refuses leaves nothing recorded (tomorrow's run tries again). Only the current band
is sent: a certificate recorded with 20 days left gets the 30-day warning, not the 60-day
one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificados import actions, conf
from certificados.choices import Accion, Estado, Tipo
from certificados.models import AvisoCaducidad, Certificado, Evento
from provincial import audit
from provincial.collation import sort_key

MADRID = ZoneInfo("Europe/Madrid")


def days_between(now: datetime.datetime, not_after: datetime.datetime) -> int:
    """Whole calendar days (Madrid) from `now`'s day to the day `not_after` falls on."""
    return (not_after.astimezone(MADRID).date() - now.astimezone(MADRID).date()).days


def band(days_left: int, thresholds: list[int]) -> int | None:
    """The warning due at `days_left`: the smallest threshold not below it."""
    if days_left < 0:
        return None
    fitting = [days for days in thresholds if days_left <= days]
    return min(fitting) if fitting else None


def recipients(certificado: Certificado) -> list[str]:
    """The holder and the entity's active user administrators (each address once)."""
    from tenants.choices import MembershipRole
    from tenants.models import Membership

    addresses = [certificado.holder_email]
    addresses += list(Membership.objects.filter(
        entity_id=certificado.entity_id, is_active=True, role=MembershipRole.USER_ADMIN,
        user__is_active=True).exclude(user__email="").order_by("user__email")
        .values_list("user__email", flat=True))
    seen: set[str] = set()
    unique = []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def due_warnings(now: datetime.datetime) -> list[tuple[Certificado, int]]:
    thresholds = conf.warning_days()
    horizon = now + datetime.timedelta(days=max(thresholds) + 1)
    rows = list(Certificado.objects.filter(state__in=Estado.alive(), not_after__gt=now,
                                           not_after__lte=horizon)
                .select_related("entity").order_by("not_after", "pk"))
    sent = set(AvisoCaducidad.objects.filter(certificado__in=rows).values_list(
        "certificado_id", "days", "not_after"))
    due = []
    for row in rows:
        days = band(days_between(now, row.not_after), thresholds)
        if days is not None and (row.pk, days, row.not_after) not in sent:
            due.append((row, days))
    return due


def build_message(certificado: Certificado, days: int, to: list[str],
                  now: datetime.datetime) -> EmailMessage:
    entity = certificado.entity
    days_left = days_between(now, certificado.not_after)
    body = render_to_string("certificados/email/aviso_caducidad.txt", {
        "c": certificado, "entity": entity, "days_left": days_left, "threshold": days,
        "expires": certificado.not_after.astimezone(MADRID),
        "link": entity.public_url(f"/gestion/certificados/{certificado.pk}/")})
    subject = _("[%(ref)s] %(kind)s de %(title)s: caduca el %(date)s") % {
        "ref": certificado.reference, "kind": certificado.kind_short, "title": certificado.title,
        "date": certificado.not_after.astimezone(MADRID).strftime("%d/%m/%Y")}
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return EmailMessage(subject=" ".join(subject.split()), body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=to,
                        headers={"Message-ID": make_msgid(
                            idstring=f"{certificado.reference}.aviso{days}", domain=domain),
                            "Auto-Submitted": "auto-generated"})


def send_warning(certificado: Certificado, days: int, *, now: datetime.datetime,
                 connection=None) -> AvisoCaducidad | None:
    """Send one warning and record it; None when it was already sent (or another worker
    holds the certificate right now)."""
    with transaction.atomic():
        row = (Certificado.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("entity").filter(pk=certificado.pk).first())
        if row is None or row.state not in Estado.alive() or row.not_after is None:
            return None
        if AvisoCaducidad.objects.filter(certificado=row, days=days,
                                         not_after=row.not_after).exists():
            return None
        to = recipients(row)
        message = build_message(row, days, to, now)
        message.connection = connection
        message.send()
        aviso = AvisoCaducidad.objects.create(certificado=row, days=days,
                                              not_after=row.not_after, recipients=to,
                                              sent_at=now)
        Evento.objects.create(certificado=row, action=Accion.AVISO, created_at=now,
                              reason=_("Aviso a %(n)s días enviado a %(to)s.")
                              % {"n": days, "to": ", ".join(to)},
                              data={"days": days})
        audit.record("certificados.aviso.enviar", entity=row.entity, obj=row,
                     detail={"days": days, "recipients": len(to)})
    return aviso


@dataclass
class Revision:
    expired: int = 0
    warned: int = 0
    failed: list[str] = field(default_factory=list)


def revisar(now: datetime.datetime | None = None) -> Revision:
    """The daily pass: what ended becomes caducado; warnings due go out."""
    import smtplib

    now = now or timezone.now()
    result = Revision()
    ended = Certificado.objects.filter(state__in=Estado.alive(), not_after__lte=now) \
        .order_by("pk").values_list("pk", flat=True)
    for pk in list(ended):
        if actions.caducar(Certificado(pk=pk), now=now):
            result.expired += 1
    connection = get_connection(fail_silently=False)
    try:
        for certificado, days in due_warnings(now):
            try:
                if send_warning(certificado, days, now=now, connection=connection):
                    result.warned += 1
            except (OSError, smtplib.SMTPException) as exc:
                result.failed.append(f"{certificado.reference}: {exc}")
    finally:
        connection.close()
    return result


# --- the dashboard -------------------------------------------------------------------------------

PERIODS = {
    "trimestre": gettext_lazy("Este trimestre"),
    "90dias": gettext_lazy("Próximos 90 días"),
    "siguiente": gettext_lazy("Próximo trimestre"),
}


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    return datetime.date(day.year + index // 12, index % 12 + 1, 1)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=MADRID)


def period_bounds(name: str, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a period: a calendar quarter (Madrid) or the next 90 days."""
    today = now.astimezone(MADRID).date()
    if name == "90dias":
        return now, now + datetime.timedelta(days=90)
    start = _quarter_start(today)
    if name == "siguiente":
        start = _add_months(start, 3)
    return _midnight(start), _midnight(_add_months(start, 3))


@dataclass
class Dashboard:
    start: datetime.datetime
    end: datetime.datetime
    rows: list[Certificado]
    by_entity: list[dict]  # entity, total, one count per kind, percent of the largest
    totals: dict[str, int]
    total: int


def dashboard(period: str, *, kind: str = "", now: datetime.datetime | None = None) -> Dashboard:
    """What expires in the period (issued, suspended, or already caducado within it), by
    entity and kind, each with whether a renewal was requested."""
    now = now or timezone.now()
    start, end = period_bounds(period, now)
    live_renewal = Certificado.objects.filter(renews=OuterRef("pk")).exclude(
        state__in=[Estado.RECHAZADO, Estado.ANULADO])
    rows = (Certificado.objects.filter(state__in=[*Estado.alive(), Estado.CADUCADO],
                                       not_after__gte=start, not_after__lt=end)
            .select_related("entity").annotate(renewal_requested=Exists(live_renewal))
            .order_by("not_after", "pk"))
    if kind:
        rows = rows.filter(kind=kind)
    rows = list(rows)
    counts: dict[int, dict] = {}
    for row in rows:
        entry = counts.setdefault(row.entity_id, {"entity": row.entity, "total": 0,
                                                  **{k: 0 for k in Tipo.values}})
        entry[row.kind] += 1
        entry["total"] += 1
    by_entity = sorted(counts.values(), key=lambda e: (-e["total"], sort_key(e["entity"].name)))
    totals = defaultdict(int)
    for row in rows:
        totals[row.kind] += 1
    maximum = max((e["total"] for e in by_entity), default=0) or 1
    for entry in by_entity:
        entry["percent"] = round(100 * entry["total"] / maximum, 2)
    for row in rows:
        row.days_to_expiry = days_between(now, row.not_after)
    return Dashboard(start=start, end=end, rows=rows, by_entity=by_entity,
                     totals={k: totals.get(k, 0) for k in Tipo.values}, total=len(rows))
