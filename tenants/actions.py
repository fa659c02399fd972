"""Every change of state of entities, adhesions, users and the distribution list.

Each action runs in one transaction, writes the audit record and schedules side effects
on commit. Views, the admin, the API and management commands all call these.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import audit, jobs, page_cache
from provincial.uploads import check_upload
from tenants import provisioning
from tenants.choices import AdhesionState, Application, EntityKind, MembershipRole, Office, Wording
from tenants.models import (
    Adhesion,
    Communication,
    Delivery,
    DistributionAddress,
    Domain,
    Entity,
    EntityPopulation,
    LoginHandoff,
    Membership,
    OfficeHolder,
    Service,
    User,
)

_RESERVED_SCHEMAS = {"public", "information_schema"}


# --- entities ---------------------------------------------------------------------------


@dataclass
class ProvisionResult:
    entity: Entity
    method: str  # 'spare', 'clone' or 'migrate'
    seconds: float


def schema_name_for(slug: str) -> str:
    schema = slug.replace("-", "_")
    if (schema in _RESERVED_SCHEMAS or schema.startswith(("pg_", "_"))
            or not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", schema)):
        raise ValidationError({"slug": _("«%(slug)s» no sirve como identificador de entidad.")
                                       % {"slug": slug}})
    return schema


def provision_entity(*, name: str, slug: str, kind: str, dir3_code: str, cif: str,
                     province: str, domains: Iterable[str], acting_user: User | None,
                     ine_code: str = "", population: int | None = None,
                     population_year: int | None = None, **extra) -> ProvisionResult:
    """Register an adhered entity, create its schema and its domains.

    The schema comes from the spare pool when one is ready (a rename), otherwise from a
    clone of the template schema; see tenants.provisioning.
    """
    import time

    started = time.perf_counter()
    members = extra.pop("members", None)
    entity = Entity(name=name, slug=slug, kind=kind, ine_code=ine_code, dir3_code=dir3_code,
                    cif=cif.upper(), province=province, schema_name=schema_name_for(slug),
                    **extra)
    entity.full_clean()
    domain_objects = [Domain(domain=host.strip().lower(), tenant=entity, is_primary=index == 0)
                      for index, host in enumerate(domains)]
    if not domain_objects:
        raise ValidationError({"domains": _("Indique al menos un dominio para la entidad.")})
    for domain in domain_objects:
        domain.clean()
        if Domain.objects.filter(domain=domain.domain).exists():
            raise ValidationError({"domains": _("El dominio %(domain)s ya pertenece a otra entidad.")
                                              % {"domain": domain.domain}})
    try:
        with transaction.atomic():
            entity.save()
            for domain in domain_objects:
                domain.tenant = entity
                domain.save()
            method = _finish_provisioning(entity, members, population, population_year,
                                          acting_user, domain_objects)
    except IntegrityError as exc:
        # Lost a race with another provisioning of the same slug, CIF or domain.
        raise ValidationError(_("Otra entidad con el mismo identificador, CIF o dominio se "
                                "acaba de dar de alta.")) from exc
    return ProvisionResult(entity=entity, method=method, seconds=time.perf_counter() - started)


def _finish_provisioning(entity: Entity, members, population: int | None,
                         population_year: int | None, acting_user: User | None,
                         domain_objects: list[Domain]) -> str:
    """The rest of provision_entity, inside its transaction; returns how the schema was made."""
    if members:
        entity.members.set(members)
    if population is not None:
        EntityPopulation.objects.create(
            entity=entity, year=population_year or timezone.localdate().year,
            population=population)
    method = provisioning.create_entity_schema(entity.schema_name)
    audit.record("tenants.entity.provision", user=acting_user, entity=entity, obj=entity,
                 detail={"method": method, "domains": [d.domain for d in domain_objects]})
    transaction.on_commit(_schedule_spare_refill)
    return method


def _schedule_spare_refill() -> None:
    from django.conf import settings

    if settings.TENANT_SPARE_SCHEMAS and len(provisioning.spare_schemas()) < settings.TENANT_SPARE_SCHEMAS:
        jobs.enqueue("tenants.refill_spares")
        # enqueue() defers dispatch to on_commit; outside a transaction that is immediate.


def add_domain(entity: Entity, host: str, *, acting_user: User, is_primary: bool = False) -> Domain:
    domain = Domain(domain=host.strip().lower(), tenant=entity, is_primary=is_primary)
    domain.clean()
    try:
        with transaction.atomic():
            domain.save()
            audit.record("tenants.domain.add", user=acting_user, entity=entity, obj=domain)
    except IntegrityError as exc:
        raise ValidationError({"domain": _("El dominio %(domain)s ya pertenece a otra entidad.")
                                         % {"domain": domain.domain}}) from exc
    return domain


def record_population(entity: Entity, *, year: int, population: int, acting_user: User) -> None:
    with transaction.atomic():
        EntityPopulation.objects.update_or_create(entity=entity, year=year,
                                                  defaults={"population": population})
        audit.record("tenants.population.record", user=acting_user, entity=entity, obj=entity,
                     detail={"year": year, "population": population})


# --- adhesions --------------------------------------------------------------------------

def _check_acceptance_document(document: UploadedFile) -> str:
    from django.conf import settings

    try:
        check_upload(document, allowed=("pdf",), max_bytes=settings.ADHESION_DOCUMENT_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"acceptance_document": exc.messages}) from exc
    digest = hashlib.sha256()
    document.seek(0)
    for chunk in document.chunks():
        digest.update(chunk)
    document.seek(0)
    return digest.hexdigest()


def request_adhesion(entity: Entity, service: Service, *, acting_user: User,
                     acceptance_document: UploadedFile | None = None, signed_on=None,
                     exception_justification: str = "", notes: str = "") -> Adhesion:
    """Request an entity's adhesion to a service, applying the catalogue's thresholds.

    Outside the thresholds only a provincial admin may record an exception, with a
    justification.
    """
    if not service.is_active:
        raise ValidationError(_("El servicio «%(service)s» no está en el catálogo.")
                              % {"service": service.name})
    exception_justification = (exception_justification or "").strip()
    problem = service.eligibility_problem(entity)
    if problem and not exception_justification:
        raise ValidationError(problem + " " + _(
            "Solo un administrador provincial puede registrar una excepción justificada."))
    if exception_justification and not acting_user.is_provincial_admin:
        raise PermissionDenied(_("Solo un administrador provincial puede registrar excepciones."))
    adhesion = Adhesion(entity=entity, service=service, requested_by=acting_user, notes=notes,
                        acceptance_signed_on=signed_on)
    if problem:
        adhesion.is_exception = True
        adhesion.exception_justification = exception_justification
        adhesion.exception_by = acting_user
    if acceptance_document is not None:
        adhesion.acceptance_sha256 = _check_acceptance_document(acceptance_document)
    try:
        with transaction.atomic():
            if acceptance_document is not None:
                adhesion.acceptance_document.save(acceptance_document.name, acceptance_document,
                                                  save=False)
            adhesion.save()
            audit.record("tenants.adhesion.request", user=acting_user, entity=entity, obj=adhesion,
                         detail={"service": service.code, "exception": adhesion.is_exception})
    except IntegrityError as exc:
        raise ValidationError(_("%(entity)s ya tiene una adhesión en curso a «%(service)s».")
                              % {"entity": entity.name, "service": service.name}) from exc
    return adhesion


def approve_adhesion(adhesion: Adhesion, *, acting_user: User) -> Adhesion:
    if not acting_user.is_provincial_admin:
        raise PermissionDenied(_("Solo un administrador provincial aprueba adhesiones."))
    if adhesion.service.requires_acceptance_document and not adhesion.acceptance_document:
        raise ValidationError(_("Falta la aceptación firmada por la alcaldía."))
    with transaction.atomic():
        updated = Adhesion.objects.filter(pk=adhesion.pk, state=AdhesionState.REQUESTED).update(
            state=AdhesionState.APPROVED, approved_at=timezone.now(), approved_by=acting_user)
        if not updated:
            raise ValidationError(_("Solo se aprueba una adhesión solicitada."))
        adhesion.refresh_from_db()
        audit.record("tenants.adhesion.approve", user=acting_user, entity=adhesion.entity,
                     obj=adhesion)
        # An update() sends no post_save: the entity's public pages list its services.
        page_cache.invalidate(adhesion.entity.schema_name)
    return adhesion


def end_adhesion(adhesion: Adhesion, *, acting_user: User, reason: str) -> Adhesion:
    """Refuse a requested adhesion or withdraw an approved one."""
    if not acting_user.is_provincial_admin:
        raise PermissionDenied(_("Solo un administrador provincial da de baja adhesiones."))
    if not (reason or "").strip():
        raise ValidationError({"end_reason": _("Indique el motivo.")})
    target = {AdhesionState.REQUESTED: AdhesionState.REFUSED,
              AdhesionState.APPROVED: AdhesionState.WITHDRAWN}.get(adhesion.state)
    if target is None:
        raise ValidationError(_("La adhesión ya estaba cerrada."))
    with transaction.atomic():
        updated = Adhesion.objects.filter(pk=adhesion.pk, state=adhesion.state).update(
            state=target, ended_at=timezone.now(), end_reason=reason.strip())
        if not updated:
            raise ValidationError(_("La adhesión cambió mientras tanto; vuelva a cargarla."))
        adhesion.refresh_from_db()
        audit.record(f"tenants.adhesion.{'refuse' if target == AdhesionState.REFUSED else 'withdraw'}",
                     user=acting_user, entity=adhesion.entity, obj=adhesion,
                     detail={"reason": reason.strip()})
        page_cache.invalidate(adhesion.entity.schema_name)
    return adhesion


def entity_applications(entity: Entity) -> set[str]:
    """Applications unlocked by the entity's approved adhesions."""
    codes: set[str] = set()
    for apps in Adhesion.objects.filter(entity=entity, state=AdhesionState.APPROVED) \
            .values_list("service__applications", flat=True):
        codes.update(apps)
    return codes


# --- users and memberships --------------------------------------------------------------


def _require_user_admin(acting_user: User, entity: Entity) -> None:
    if acting_user.is_provincial_admin:
        return
    allowed = Membership.objects.filter(user=acting_user, entity=entity, is_active=True,
                                        role=MembershipRole.USER_ADMIN).exists()
    if not allowed:
        raise PermissionDenied(_("Solo el administrador de usuarios %(de_entity)s puede hacerlo.")
                               % {"de_entity": entity.name_after_de})


def _check_applications(entity: Entity, applications: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(applications))
    unknown = [code for code in wanted if code not in Application.values]
    if unknown:
        raise ValidationError({"applications": _("Aplicación desconocida: %(codes)s")
                                               % {"codes": ", ".join(unknown)}})
    available = entity_applications(entity)
    missing = [Application(code).label for code in wanted if code not in available]
    if missing:
        raise ValidationError({"applications": _(
            "%(entity)s no está adherida a ningún servicio que incluya: %(apps)s.")
            % {"entity": entity.name, "apps": ", ".join(str(m) for m in missing)}})
    return wanted


def roles_for(entity: Entity) -> list[str]:
    """The roles a member of `entity` may have: the TIC operator only in a mancomunidad
    (its staff work for the member municipalities: soporte.access)."""
    return [role for role in MembershipRole.values
            if role != MembershipRole.TIC or entity.kind == EntityKind.MANCOMUNIDAD]


def _check_role(entity: Entity, role: str, current: str | None = None) -> None:
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Perfil desconocido.")})
    if role not in roles_for(entity) and role != current:
        raise ValidationError({"role": _("El perfil «%(role)s» solo existe en las "
                                         "mancomunidades.") % {"role": MembershipRole(role).label}})


def add_member(entity: Entity, *, acting_user: User, email: str, first_name: str = "",
               last_name: str = "", nif: str = "", password: str | None = None,
               role: str = MembershipRole.CLERK, applications: Iterable[str] = (),
               job_title: str = "") -> Membership:
    """Give a person access to an entity; an existing account (a shared official) is reused."""
    _require_user_admin(acting_user, entity)
    _check_role(entity, role)
    granted = _check_applications(entity, applications)
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not password:
                raise ValidationError({"password": _("Indique una contraseña inicial para la persona nueva.")})
            user = User(username=email, email=email, first_name=first_name, last_name=last_name,
                        nif=nif.upper())
            user.set_password(password)
            user.save()
            audit.record("tenants.user.create", user=acting_user, entity=entity, obj=user)
        membership, created = Membership.objects.get_or_create(
            user=user, entity=entity,
            defaults={"role": role, "applications": granted, "job_title": job_title})
        if not created:
            if membership.is_active:
                raise ValidationError({"email": _("%(email)s ya tiene acceso %(a_entity)s.")
                                                % {"email": email, "a_entity": entity.name_after_a}})
            membership.is_active = True
            membership.role = role
            membership.applications = granted
            membership.job_title = job_title
            membership.save(update_fields=["is_active", "role", "applications", "job_title",
                                           "updated_at"])
        audit.record("tenants.membership.add", user=acting_user, entity=entity, obj=membership,
                     detail={"role": role, "applications": granted})
    return membership


def update_membership(membership: Membership, *, acting_user: User, role: str,
                      applications: Iterable[str], job_title: str = "",
                      is_active: bool = True) -> Membership:
    """Set a colleague's role and granted applications (user administrator of the entity)."""
    _require_user_admin(acting_user, membership.entity)
    granted = _check_applications(membership.entity, applications)
    _check_role(membership.entity, role, current=membership.role)
    stays_admin = role == MembershipRole.USER_ADMIN and is_active
    if membership.user_id == acting_user.pk and not stays_admin \
            and not acting_user.is_provincial_admin:
        raise ValidationError({"role": _("No puede quitarse a sí mismo la administración de usuarios.")})
    with transaction.atomic():
        # The entity's active user administrators, locked in one order (two of them demoting
        # each other at once must not leave none).
        admins = list(Membership.objects.select_for_update().filter(
            entity_id=membership.entity_id, role=MembershipRole.USER_ADMIN, is_active=True)
            .order_by("pk").values_list("pk", flat=True))
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if admins == [locked.pk] and not stays_admin:
            raise ValidationError({"role": _(
                "Es el único administrador de usuarios de la entidad: antes de quitarle ese "
                "perfil o el acceso, dé el perfil de administrador de usuarios a otra persona.")})
        before = {"role": locked.role, "applications": locked.applications,
                  "is_active": locked.is_active}
        locked.role = role
        locked.applications = granted
        locked.job_title = job_title
        locked.is_active = is_active
        locked.save(update_fields=["role", "applications", "job_title", "is_active", "updated_at"])
        audit.record("tenants.membership.update", user=acting_user, entity=locked.entity, obj=locked,
                     detail={"before": before, "after": {"role": role, "applications": granted,
                                                         "is_active": is_active}})
    return locked


def grant_application(membership: Membership, application: str, *, acting_user: User) -> Membership:
    return update_membership(membership, acting_user=acting_user, role=membership.role,
                             applications=[*membership.applications, application],
                             job_title=membership.job_title, is_active=membership.is_active)


def revoke_application(membership: Membership, application: str, *, acting_user: User) -> Membership:
    return update_membership(membership, acting_user=acting_user, role=membership.role,
                             applications=[a for a in membership.applications if a != application],
                             job_title=membership.job_title, is_active=membership.is_active)


# --- switching entity without logging in again ------------------------------------------
#
# Session cookies are per host and hosts are different sites (sede.alcoi.es, sede.elx.es),
# so a login is carried by a one-time ticket bound to the browser (docs/architecture.md,
# "Entity switching"). The target host sets a random browser key as its own cookie and
# sends only the key's hash, through the browser, to the source host; the source host,
# which knows the user, binds the ticket to that hash. Only the browser holding the key
# can spend the ticket, and the key never appears in a URL, a form or a log.

HANDOFF_KEY_COOKIE = "traspaso"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_browser_key() -> tuple[str, str]:
    """A fresh browser key for the target host's cookie, and the hash that travels."""
    key = secrets.token_urlsafe(32)
    return key, _hash_token(key)


def create_login_handoff(user: User, entity: Entity, *, browser_key_hash: str,
                         otp_device: str = "") -> LoginHandoff:
    """A one-time ticket that logs `user` in on `entity`'s host, in the browser whose key
    hashes to `browser_key_hash`; requires a membership there.

    `otp_device` (the persistent id of the device verified in the current session) lets
    the target host consider the second factor verified too.
    """
    if not Membership.objects.filter(user=user, entity=entity, is_active=True).exists():
        raise PermissionDenied(_("No tiene acceso %(a_entity)s.")
                               % {"a_entity": entity.name_after_a})
    if not re.fullmatch(r"[0-9a-f]{64}", browser_key_hash or ""):
        raise ValidationError(_("El enlace para cambiar de entidad no es válido."))
    try:
        with transaction.atomic():
            handoff = LoginHandoff.objects.create(
                token_hash=browser_key_hash, user=user, entity=entity,
                expires_at=timezone.now() + LoginHandoff.HANDOFF_LIFETIME, otp_device=otp_device)
            audit.record("tenants.session.switch", user=user, entity=entity, obj=entity)
    except IntegrityError as exc:  # a key is used for one ticket only
        raise ValidationError(_("El enlace para cambiar de entidad no es válido.")) from exc
    return handoff


def consume_login_handoff(browser_key: str, entity: Entity) -> LoginHandoff | None:
    """The valid, unused, unexpired ticket of this browser key for this entity (its user
    still a member); the ticket is spent."""
    if not browser_key:
        return None
    now = timezone.now()
    with transaction.atomic():
        handoff = LoginHandoff.objects.select_for_update().filter(
            token_hash=_hash_token(browser_key), entity=entity, used_at__isnull=True,
            expires_at__gt=now).select_related("user").first()
        if handoff is None:
            return None
        handoff.used_at = now
        handoff.save(update_fields=["used_at"])
    user = handoff.user
    if not user.is_active or not Membership.objects.filter(user=user, entity=entity,
                                                           is_active=True).exists():
        return None
    return handoff


def logout_everywhere(user: User) -> None:
    """Invalidate every session of the user on every host (see User._get_session_auth_hash)."""
    from django.db.models import F

    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    audit.record("auth.logout_everywhere", user=user, obj=user)


# --- distribution list ------------------------------------------------------------------


def distribution_recipients(*, kinds: Iterable[str] = (), comarcas: Iterable[str] = (),
                            mancomunidad: Entity | None = None, service: Service | None = None):
    """Active addresses of active entities matching every given filter."""
    addresses = DistributionAddress.objects.filter(is_active=True, entity__is_active=True) \
        .exclude(entity__kind=EntityKind.DIPUTACION).select_related("entity")
    kinds, comarcas = list(kinds), list(comarcas)
    if kinds:
        addresses = addresses.filter(entity__kind__in=kinds)
    if comarcas:
        addresses = addresses.filter(entity__comarca__in=comarcas)
    if mancomunidad is not None:
        addresses = addresses.filter(Q(entity__mancomunidades=mancomunidad) | Q(entity=mancomunidad))
    if service is not None:
        addresses = addresses.filter(entity__adhesions__service=service,
                                     entity__adhesions__state=AdhesionState.APPROVED)
    return addresses.distinct().order_by("entity__name", "email")


def send_communication(*, sender: User, subject: str, body: str, kinds: Iterable[str] = (),
                       comarcas: Iterable[str] = (), mancomunidad: Entity | None = None,
                       service: Service | None = None) -> Communication:
    """Record a communication, its recipients, and queue the sending job."""
    if not (sender.is_active and sender.can_send_communications):
        raise PermissionDenied(_("No está autorizado para enviar comunicaciones a las entidades."))
    if not subject.strip() or not body.strip():
        raise ValidationError(_("El asunto y el texto son obligatorios."))
    recipients = list(distribution_recipients(kinds=kinds, comarcas=comarcas,
                                              mancomunidad=mancomunidad, service=service))
    if not recipients:
        raise ValidationError(_("Ninguna entidad de la lista cumple los filtros elegidos."))
    with transaction.atomic():
        communication = Communication.objects.create(
            subject=subject.strip(), body=body, sender=sender, kinds=list(kinds),
            comarcas=list(comarcas), mancomunidad=mancomunidad, service=service)
        Delivery.objects.bulk_create(
            [Delivery(communication=communication, entity=address.entity, email=address.email)
             for address in recipients], ignore_conflicts=True)
        communication.job = jobs.enqueue("tenants.send_communication", created_by=sender,
                                         payload={"communication_id": communication.pk})
        communication.save(update_fields=["job"])
        audit.record("tenants.communication.send", user=sender, obj=communication,
                     detail={"recipients": len(recipients)})
    return communication


def ensure_diputacion(*, name: str, dir3_code: str, cif: str, province: str,
                      domain: str) -> Entity:
    """The entity of the public schema (the Diputación) and its provincial host."""
    entity = Entity.objects.filter(schema_name="public").first()
    if entity is None:
        entity = Entity(schema_name="public", name=name, slug="diputacion",
                        kind=EntityKind.DIPUTACION, dir3_code=dir3_code, cif=cif,
                        province=province)
        entity.full_clean()
        entity.save()
    if not Domain.objects.filter(domain=domain).exists():
        Domain.objects.create(domain=domain, tenant=entity, is_primary=True)
    return entity


# --- office holders (alcaldía, secretaría…: who documents name) ----------------------------


@dataclass(frozen=True)
class OfficeHolderData:
    office: str
    name: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    nif: str = ""
    wording: str = Wording.NEUTRAL
    title: str = ""


def _clean_office_holder(entity: Entity, data: OfficeHolderData) -> dict:
    """The fields to store, or ValidationError naming the field (in Spanish)."""
    from stdnum.es import nif as stdnum_nif

    errors: dict[str, list[str]] = {}
    if data.office not in Office.values:
        errors.setdefault("office", []).append(_("Elija un cargo de la lista."))
    elif data.office == Office.ALCALDIA and entity.kind != EntityKind.AYUNTAMIENTO:
        errors.setdefault("office", []).append(
            _("Solo un ayuntamiento tiene Alcaldía: elija Presidencia."))
    elif data.office == Office.PRESIDENCIA and entity.kind == EntityKind.AYUNTAMIENTO:
        errors.setdefault("office", []).append(
            _("En un ayuntamiento el visto bueno lo da la Alcaldía: elija Alcaldía."))
    name = " ".join((data.name or "").split())
    if not name:
        errors.setdefault("name", []).append(_("Indique el nombre y los apellidos."))
    nif = re.sub(r"[\s.-]", "", data.nif or "").upper()
    if nif and not stdnum_nif.is_valid(nif):
        errors.setdefault("nif", []).append(_("El NIF no es válido (revise la letra)."))
    if data.wording not in Wording.values:
        errors.setdefault("wording", []).append(_("Elija un tratamiento de la lista."))
    if data.end_date is not None and data.end_date < data.start_date:
        errors.setdefault("end_date", []).append(
            _("La fecha de fin no puede ser anterior a la de inicio."))
    if errors:
        raise ValidationError(errors)
    return {"office": data.office, "name": name[:200], "nif": nif, "wording": data.wording,
            "title": " ".join((data.title or "").split())[:120],
            "start_date": data.start_date, "end_date": data.end_date}


def _refuse_overlaps(entity: Entity, fields: dict, *, exclude: int | None = None) -> None:
    """Two holders of offices that share a function (a Secretaría and a Secretaría-
    Intervención) never overlap by a single day. The caller holds the entity's row lock,
    so two requests cannot both pass this check."""
    from tenants import offices

    clash = OfficeHolder.objects.for_entity(entity).filter(
        office__in=offices.conflicting_offices(fields["office"])).overlapping(
        fields["start_date"], fields["end_date"]).exclude(pk=exclude).order_by("start_date").first()
    if clash is not None:
        values = {"name": clash.name, "office": clash.get_office_display(),
                  "start": clash.start_date.strftime("%d/%m/%Y"),
                  "end": clash.end_date.strftime("%d/%m/%Y") if clash.end_date else ""}
        message = _("Se solapa con %(name)s (%(office)s) del %(start)s al %(end)s: termine "
                    "antes ese periodo o cambie las fechas.") if clash.end_date else \
            _("Se solapa con %(name)s (%(office)s), en el cargo desde el %(start)s sin fecha "
              "de fin: termine antes ese periodo o cambie las fechas.")
        raise ValidationError({"start_date": [message % values]})


def _audit_detail(holder: OfficeHolder) -> dict:
    return {"office": holder.office, "name": holder.name,
            "start_date": holder.start_date.isoformat(),
            "end_date": holder.end_date.isoformat() if holder.end_date else None}


def add_office_holder(entity: Entity, data: OfficeHolderData, *, acting_user: User) -> OfficeHolder:
    """Record who holds one of the entity's offices from a date (user administrator)."""
    _require_user_admin(acting_user, entity)
    fields = _clean_office_holder(entity, data)
    try:
        with transaction.atomic():
            Entity.objects.select_for_update().filter(pk=entity.pk).first()
            _refuse_overlaps(entity, fields)
            holder = OfficeHolder.objects.create(entity=entity, **fields)
            audit.record("tenants.office_holder.add", user=acting_user, entity=entity, obj=holder,
                         subject=holder.nif, detail=_audit_detail(holder))
    except IntegrityError as exc:
        raise ValidationError({"start_date": [_("Ese cargo ya tiene a alguien sin fecha de fin.")]}) \
            from exc
    return holder


def update_office_holder(holder: OfficeHolder, data: OfficeHolderData, *,
                         acting_user: User) -> OfficeHolder:
    """Correct a holder's data or period."""
    entity = holder.entity
    _require_user_admin(acting_user, entity)
    fields = _clean_office_holder(entity, data)
    try:
        with transaction.atomic():
            Entity.objects.select_for_update().filter(pk=entity.pk).first()
            _refuse_overlaps(entity, fields, exclude=holder.pk)
            before = _audit_detail(holder)
            OfficeHolder.objects.filter(pk=holder.pk).update(**fields, updated_at=timezone.now())
            holder.refresh_from_db()
            audit.record("tenants.office_holder.update", user=acting_user, entity=entity,
                         obj=holder, subject=holder.nif,
                         detail={"before": before, "after": _audit_detail(holder)})
    except IntegrityError as exc:
        raise ValidationError({"start_date": [_("Ese cargo ya tiene a alguien sin fecha de fin.")]}) \
            from exc
    return holder


def end_office_holder(holder: OfficeHolder, end_date: datetime.date, *,
                      acting_user: User) -> OfficeHolder:
    """End a holder's period on `end_date` (the last day in office)."""
    entity = holder.entity
    _require_user_admin(acting_user, entity)
    if end_date < holder.start_date:
        raise ValidationError({"end_date": [
            _("La fecha de fin no puede ser anterior a la de inicio (%(start)s).")
            % {"start": holder.start_date.strftime("%d/%m/%Y")}]})
    with transaction.atomic():
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        _refuse_overlaps(entity, {"office": holder.office, "start_date": holder.start_date,
                                  "end_date": end_date}, exclude=holder.pk)
        OfficeHolder.objects.filter(pk=holder.pk).update(end_date=end_date,
                                                         updated_at=timezone.now())
        holder.refresh_from_db()
        audit.record("tenants.office_holder.end", user=acting_user, entity=entity, obj=holder,
                     subject=holder.nif, detail=_audit_detail(holder))
    return holder
