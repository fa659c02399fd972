"""Demo data of the portafirmas for one entity (called by the expedientes demo):

- whoever holds the Alcaldía (or Presidencia) and the Secretaría (or Secretaría-
  Intervención) today gets a demo user if none has their NIF (`alcaldia.<slug>`,
  `secretaria.<slug>`; an existing demo user of the same name is reused), a NIF where the
  holder has none recorded (made up, valid), the expedientes application, and an
  empleado público certificate from the platform's local CA whose key the platform holds
  to sign (certificados.actions.issue_local_firma);
- a técnico (a member who uses the expedientes and holds no office, or `tecnico.<slug>`);
- two circuits: «Técnico → Secretaría → Alcaldía» and «Secretaría → Alcaldía (decretos)».

Idempotent: what exists is left as it is.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from stdnum.es import dni

from expedientes.choices import Cargo
from tenants import actions as tenant_actions
from tenants import offices
from tenants.choices import MembershipRole
from tenants.models import Entity, Membership, OfficeHolder, User

APPLICATION = "expedientes"
CIRCUITOS = [
    ("Técnico → Secretaría → Alcaldía",
     "Informes y propuestas: el técnico, la Secretaría y la Alcaldía, por este orden.",
     [(1, Cargo.TECNICO), (2, Cargo.SECRETARIA), (3, Cargo.ALCALDIA)]),
    ("Secretaría → Alcaldía (decretos)",
     "Resoluciones de la Alcaldía: al firmarlas, se transcriben al libro de resoluciones.",
     [(1, Cargo.SECRETARIA), (2, Cargo.ALCALDIA)]),
]


def _made_up_nif(seed: str) -> str:
    number = str(int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 90_000_000 + 10_000_000)
    return number + dni.calc_check_digit(number)


def _holder(entity: Entity, function: str) -> OfficeHolder | None:
    return offices.Signatories(entity, timezone.localdate()).holder(function)


def _member(entity: Entity, user: User, *, operator: User, job_title: str = "") -> None:
    membership = Membership.objects.filter(user=user, entity=entity).first()
    if membership is None:
        tenant_actions.add_member(entity, acting_user=operator, email=user.email,
                                  role=MembershipRole.CLERK, applications=[APPLICATION],
                                  job_title=job_title)
    elif APPLICATION not in membership.applications:
        tenant_actions.grant_application(membership, APPLICATION, acting_user=operator)


def _user_for_holder(entity: Entity, holder: OfficeHolder, prefix: str, *,
                     operator: User) -> User:
    """The user who signs as `holder`: the one with their NIF, else a demo user of their
    name (the holder and the user then get the same made-up NIF)."""
    from tenants.demo import DEMO_PASSWORD

    user = User.objects.filter(nif__iexact=holder.nif).first() if holder.nif else None
    if user is None:
        first, _space, last = holder.name.partition(" ")
        user = User.objects.filter(first_name=first, last_name=last).order_by("pk").first()
        if user is None:
            username = f"{prefix}.{entity.slug}"
            user = User.objects.filter(username=username).first() or User(
                username=username, email=f"{username}@demo.localhost", first_name=first,
                last_name=last)
            if user.pk is None:
                user.set_password(DEMO_PASSWORD)
                user.save()
        nif = holder.nif or user.nif or _made_up_nif(f"{entity.slug}:{holder.office}")
        if user.nif != nif:
            user.nif = nif
            user.save(update_fields=["nif"])
        if holder.nif != nif:
            tenant_actions.update_office_holder(holder, tenant_actions.OfficeHolderData(
                office=holder.office, name=holder.name, start_date=holder.start_date,
                end_date=holder.end_date, nif=nif, wording=holder.wording,
                title=holder.title), acting_user=operator)
    _member(entity, user, operator=operator, job_title=holder.get_office_display())
    return user


def _tecnico(entity: Entity, holders: list[User], *, operator: User) -> User:
    from tenants.demo import DEMO_PASSWORD

    found = (User.objects.filter(memberships__entity=entity, memberships__is_active=True,
                                 memberships__applications__contains=[APPLICATION],
                                 is_active=True).exclude(pk__in=[u.pk for u in holders])
             .order_by("pk").first())
    if found is not None:
        return found
    username = f"tecnico.{entity.slug}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=f"{username}@demo.localhost", first_name="Raquel",
                    last_name="Beneyto Sala")
        user.set_password(DEMO_PASSWORD)
        user.save()
    _member(entity, user, operator=operator, job_title="Técnica de administración general")
    return user


def _certificate(entity: Entity, user: User, holder: OfficeHolder, *, operator: User) -> bool:
    from certificados import actions as certificados
    from certificados import sellos

    if sellos.signer_for(user, entity) is not None:
        return False
    certificados.issue_local_firma(entity, user, operator=operator,
                                   position=offices.heading_title(holder),
                                   organo=holder.get_office_display())
    return True


def load_demo(entity: Entity, *, operator: User, say=None) -> dict[str, User]:
    """The portafirmas of `entity` ready to use (see the module's docstring). Returns the
    signers by role ("alcaldia", "secretaria", "tecnico"); an entity without the office
    holders or the expedientes application is left alone ({})."""
    from expedientes import portafirmas

    say = say or (lambda _message: None)
    visto_bueno = _holder(entity, offices.VISTO_BUENO)
    secretaria = _holder(entity, offices.SECRETARIA)
    if visto_bueno is None or secretaria is None:
        return {}
    try:
        with transaction.atomic():
            signers = {"alcaldia": _user_for_holder(entity, visto_bueno, "alcaldia",
                                                    operator=operator),
                       "secretaria": _user_for_holder(entity, secretaria, "secretaria",
                                                      operator=operator)}
            issued = sum(_certificate(entity, signers[role], holder, operator=operator)
                         for role, holder in (("alcaldia", visto_bueno),
                                              ("secretaria", secretaria)))
            signers["tecnico"] = _tecnico(entity, list(signers.values()), operator=operator)
    except ValidationError as exc:
        say(f"  Portafirmas de {entity.name}: no preparado ({' '.join(exc.messages)})\n")
        return {}
    made = 0
    with schema_context(entity.schema_name):
        from expedientes.models import CircuitoFirma

        for name, description, steps in CIRCUITOS:
            if CircuitoFirma.objects.filter(name=name).exists():
                continue
            portafirmas.guardar_circuito(None, name=name, description=description,
                                         pasos=[portafirmas.PasoData(
                                             orden=orden, cargo=cargo,
                                             user=signers["tecnico"] if cargo == Cargo.TECNICO
                                             else None) for orden, cargo in steps],
                                         acting_user=operator)
            made += 1
    say(f"  Portafirmas de {entity.name}: {issued} certificados de firma, {made} circuitos\n")
    return signers
