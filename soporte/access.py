"""Who sees and who works which incidents: the one rule, and the scoped lookups built on it.

- On the provincial host (entity None or the Diputación): support agents and provincial
  admins see every incident; nobody else sees any.
- Inside an entity's back office: a member granted the `soporte` application (with the
  entity adhered to soporte) sees that entity's incidents. A TIC operator of a
  mancomunidad (role `tic`) sees and works, from the mancomunidad's back office, the
  incidents of the mancomunidad and of its member entities.

A missing incident and someone else's incident give the same 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from tenants.choices import EntityKind, MembershipRole

SOPORTE = "soporte"


@dataclass(frozen=True)
class Scope:
    all_entities: bool = False
    entity_ids: tuple[int, ...] = field(default_factory=tuple)
    can_work: bool = False  # answer, write internal notes, change state, take
    is_agent: bool = False  # the provincial desk (groups, merge, bulk, statistics)

    @property
    def sees_internal(self) -> bool:
        return self.can_work


NOBODY = Scope()


def scope_for(user, entity=None) -> Scope:
    """The incidents `user` may see when working in `entity` (None = provincial host)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if entity is None or entity.is_diputacion:
        if user.is_support_agent or user.is_provincial_admin:
            return Scope(all_entities=True, can_work=True, is_agent=True)
        return NOBODY
    from tenants.actions import entity_applications
    from tenants.models import Membership

    membership = Membership.objects.filter(user=user, entity_id=entity.pk, is_active=True).first()
    if membership is None or SOPORTE not in membership.applications:
        return NOBODY
    if SOPORTE not in entity_applications(entity):
        return NOBODY
    if entity.kind == EntityKind.MANCOMUNIDAD and membership.role == MembershipRole.TIC:
        members = tuple(entity.members.filter(is_active=True).values_list("pk", flat=True))
        return Scope(entity_ids=(entity.pk, *members), can_work=True)
    return Scope(entity_ids=(entity.pk,))


def request_scope(request) -> Scope:
    """The scope of the request's user in the request's entity (memoised on the request)."""
    if not hasattr(request, "_soporte_scope"):
        tenant = getattr(request, "tenant", None)
        request._soporte_scope = scope_for(getattr(request, "user", None), tenant)
    return request._soporte_scope


def visible_incidencias(request):
    from soporte.models import Incidencia

    tenant = getattr(request, "tenant", None)
    return Incidencia.objects.visible_to(request.user, tenant)


def get_incidencia_for(request, reference: str):
    """The incident with that reference if the request's user may see it here; else 404."""
    from soporte.models import Incidencia

    try:
        return visible_incidencias(request).select_related(
            "entity", "reporter", "service", "categoria", "grupo", "assignee", "merged_into",
        ).get(reference=reference)
    except Incidencia.DoesNotExist as exc:
        raise Http404 from exc


def get_adjunto_for(request, reference: str, pk: int):
    """An attachment of an incident the user may see; internal-note attachments only for
    those who see internal notes."""
    from soporte.models import Adjunto

    incidencia = get_incidencia_for(request, reference)
    attachments = Adjunto.objects.filter(incidencia=incidencia)
    if not request_scope(request).sees_internal:
        attachments = attachments.exclude(mensaje__is_internal=True)
    try:
        return attachments.get(pk=pk)
    except Adjunto.DoesNotExist as exc:
        raise Http404 from exc


def may_file_for(user, entity) -> bool:
    """Whether `user` may file incidents for `entity` (a member with soporte, or an agent)."""
    if user.is_support_agent or user.is_provincial_admin:
        return True
    return entity.pk in scope_for(user, entity).entity_ids


def filing_services(entity):
    """Services `entity` may file about: those it has adhered to (approved)."""
    from tenants.choices import AdhesionState
    from tenants.models import Service

    return Service.objects.filter(adhesions__entity=entity,
                                  adhesions__state=AdhesionState.APPROVED).distinct().order_by(
        "order", "name")


def sender_may_write(user, incidencia) -> bool:
    """Whether `user` may still follow `incidencia` by e-mail (write into it, receive its
    notices): an agent or provincial admin, a member of the incident's entity with
    soporte, or a TIC operator of a mancomunidad the entity belongs to. Having reported or
    been assigned it is not enough: whoever lost access on the web (membership ended,
    application withdrawn) loses it by e-mail too."""
    if user is None or not user.is_active:
        return False
    if user.is_support_agent or user.is_provincial_admin:
        return True
    if incidencia.entity_id in scope_for(user, incidencia.entity).entity_ids:
        return True
    return any(incidencia.entity_id in scope_for(user, manc).entity_ids
               for manc in incidencia.entity.mancomunidades.all())
