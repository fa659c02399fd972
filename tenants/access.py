"""Scoped lookups: objects reach views only through these, scoped to the request's entity.

A missing object and another entity's object give the same 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from provincial.collation import SpanishOrder
from provincial.jobs import registry
from provincial.models import Job
from tenants.actions import entity_applications
from tenants.models import Entity, Membership, OfficeHolder, ServiceAccount


def current_membership(request: HttpRequest) -> Membership | None:
    """The user's active membership in the request's entity (memoised on the request)."""
    if not hasattr(request, "_membership"):
        membership = None
        user = getattr(request, "user", None)
        tenant = getattr(request, "tenant", None)
        # A service account (tenants.service_accounts.ServicePrincipal) is nobody's member.
        if (user is not None and user.is_authenticated and tenant is not None
                and getattr(user, "service_account", None) is None):
            membership = Membership.objects.filter(user=user, entity_id=tenant.pk,
                                                   is_active=True).first()
        request._membership = membership
    return request._membership


def adhered_applications(request: HttpRequest) -> set[str]:
    if not hasattr(request, "_adhered_applications"):
        request._adhered_applications = entity_applications(request.tenant)
    return request._adhered_applications


def usable_applications(request: HttpRequest) -> set[str]:
    """Granted to the user and unlocked by an approved adhesion of the entity."""
    membership = current_membership(request)
    if membership is None:
        return set()
    return set(membership.applications) & adhered_applications(request)


def user_entities(user) -> list[Entity]:
    """Entities where the user has an active membership, with their domains prefetched."""
    if not user.is_authenticated:
        return []
    return list(Entity.objects.filter(memberships__user=user, memberships__is_active=True,
                                      is_active=True).prefetch_related("domains")
                .order_by(SpanishOrder("name"), "name"))


def get_membership_for(request: HttpRequest, pk: int) -> Membership:
    try:
        return Membership.objects.select_related("user", "entity").get(pk=pk,
                                                                       entity_id=request.tenant.pk)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def entity_jobs(request: HttpRequest) -> QuerySet[Job]:
    """The jobs of the request's entity this member may see.

    A job belongs to the application its kind names (`jobs.registry.register(...,
    application=)`): members see the jobs of the applications usable to them. User
    administrators also see the entity's administrative jobs (kinds with no application,
    such as backups) and jobs of kinds no longer registered, but, like everyone, not the
    jobs of an application they do not hold: managing users grants no access to the
    padrón's exports. Non-members see nothing.
    """
    membership = current_membership(request)
    jobs = Job.objects.for_entity(request.tenant)
    if membership is None:
        return jobs.none()
    usable = usable_applications(request)
    kinds = registry.all()
    if membership.is_user_admin:
        return jobs.exclude(kind__in=[kind.code for kind in kinds
                                      if kind.application and kind.application not in usable])
    return jobs.filter(kind__in=[kind.code for kind in kinds if kind.application in usable])


def get_job_for(request: HttpRequest, pk: int) -> Job:
    """A job of the request's entity, or (on the provincial host) a provincial job the user
    may see: their own, or any for provincial admins."""
    if not request.user.is_authenticated:
        raise Http404
    if request.tenant.is_diputacion:
        jobs = Job.objects.provincial()
        if not request.user.is_provincial_admin:
            jobs = jobs.filter(created_by=request.user)
    else:
        jobs = entity_jobs(request)
    try:
        return jobs.get(pk=pk)
    except Job.DoesNotExist as exc:
        raise Http404 from exc


def get_office_holder_for(request: HttpRequest, pk: int) -> OfficeHolder:
    """An office holder of the request's entity; 404 for another entity's or a missing one."""
    try:
        return OfficeHolder.objects.for_entity(request.tenant).select_related("entity").get(pk=pk)
    except OfficeHolder.DoesNotExist as exc:
        raise Http404 from exc


def get_service_account_for(request: HttpRequest, pk: int) -> ServiceAccount:
    """A service account of the request's entity; 404 for another entity's or a missing one."""
    try:
        return ServiceAccount.objects.for_entity(request.tenant).select_related(
            "entity", "created_by", "revoked_by").get(pk=pk)
    except ServiceAccount.DoesNotExist as exc:
        raise Http404 from exc
