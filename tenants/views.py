"""Pages of an entity's host: portal entry, back-office dashboard, users, entity switching."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device

from provincial import audit, page_cache, params
from tenants import actions, portal, sections
from tenants.access import (
    adhered_applications,
    current_membership,
    entity_jobs,
    get_membership_for,
    usable_applications,
    user_entities,
)
from tenants.choices import AdhesionState, Application, MembershipRole
from tenants.forms import HandoffIssueForm, HandoffStartForm, MembershipForm, NewMemberForm
from tenants.models import Adhesion, Entity, Membership


def form_errors_to(form, error: ValidationError) -> None:
    """Attach an action's ValidationError to the form, next to the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def entity_url(request: HttpRequest, entity: Entity, path: str) -> str:
    """Absolute URL of `path` on the entity's primary host, keeping scheme and port."""
    host = next((d.domain for d in entity.domains.all() if d.is_primary), None) \
        or entity.primary_domain()
    port = request.get_port()
    default_port = "443" if request.is_secure() else "80"
    netloc = host if port in (default_port, "", None) else f"{host}:{port}"
    return f"{request.scheme}://{netloc}{path}"


@page_cache.cached_public_page
def portal_home(request: HttpRequest) -> HttpResponse:
    """The entity's public entry page (the CMS portal replaces it when it lands), with the
    cards the apps registered for the services the entity adheres to (tenants.portal)."""
    tenant = request.tenant
    services = Adhesion.objects.filter(entity=tenant, state=AdhesionState.APPROVED) \
        .select_related("service").order_by("service__order")
    cards = [render_to_string(card.template, {"entity": tenant}, request)
             for card in portal.cards_for(adhesion.service.code for adhesion in services)]
    return render(request, "tenants/portal_home.html", {"entity": tenant, "services": services,
                                                        "cards": cards})


def dashboard(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant
    membership = current_membership(request)
    adhesions = Adhesion.objects.filter(entity=tenant).select_related("service") \
        .order_by("service__order")
    usable = usable_applications(request)
    context = {
        "entity": tenant,
        "population": tenant.population(),
        "adhesions": adhesions,
        # Each with its entry page, or marked "en preparación" when it has no pages yet.
        "my_applications": sections.application_entries(usable),
        "recent_jobs": entity_jobs(request).order_by("-created_at")[:5],
        "member_count": Membership.objects.filter(entity=tenant, is_active=True).count()
        if membership.is_user_admin else None,
    }
    return render(request, "tenants/dashboard.html", context)


def member_list(request: HttpRequest) -> HttpResponse:
    query = params.get_text(request.GET, "q")
    members = Membership.objects.filter(entity=request.tenant).select_related("user") \
        .order_by("-is_active", "user__last_name", "user__first_name")
    if query:
        members = members.filter(Q(user__first_name__icontains=query)
                                 | Q(user__last_name__icontains=query)
                                 | Q(user__email__icontains=query)
                                 | Q(job_title__icontains=query))
    page = Paginator(members, 25).get_page(request.GET.get("page"))
    labels = dict(Application.choices)
    for member in page:
        member.application_labels = [labels[code] for code in member.applications if code in labels]
    return render(request, "tenants/member_list.html", {"page": page, "query": query})


def member_add(request: HttpRequest) -> HttpResponse:
    available = adhered_applications(request)
    form = NewMemberForm(request.POST or None, available_applications=available,
                         roles=actions.roles_for(request.tenant))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.add_member(
                request.tenant, acting_user=request.user, email=data["email"],
                first_name=data["first_name"], last_name=data["last_name"], nif=data["nif"],
                password=data["password"] or None, role=data["role"],
                applications=data["applications"], job_title=data["job_title"])
        except ValidationError as exc:
            form_errors_to(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("%(name)s ya tiene acceso %(a_entity)s.")
                             % {"name": membership.user.get_full_name() or membership.user.email,
                                "a_entity": request.tenant.name_after_a})
            return redirect("gestion:usuarios:list")
    return render(request, "tenants/member_form.html", {"form": form, "is_new": True})


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for(request, pk)
    if request.method == "GET":
        audit.record("tenants.membership.view", user=request.user, entity=request.tenant,
                     obj=membership, subject=membership.user.nif)
    available = adhered_applications(request) | set(membership.applications)
    initial = {"role": membership.role, "job_title": membership.job_title,
               "applications": membership.applications, "is_active": membership.is_active}
    roles = actions.roles_for(request.tenant)
    is_own = membership.user_id == request.user.pk and not request.user.is_provincial_admin \
        and membership.role == MembershipRole.USER_ADMIN and membership.is_active
    form = MembershipForm(request.POST or None, initial=initial, available_applications=available,
                          roles=[*roles, membership.role] if membership.role not in roles else roles,
                          is_own=is_own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_membership(membership, acting_user=request.user, role=data["role"],
                                      applications=data["applications"],
                                      job_title=data["job_title"], is_active=data["is_active"])
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, _("Permisos de %(name)s actualizados.")
                             % {"name": membership.user.get_full_name() or membership.user.email})
            return redirect("gestion:usuarios:list")
    return render(request, "tenants/member_form.html",
                  {"form": form, "membership": membership, "is_new": False})


# How long a switch may take from the click to the last redirect (three redirects that
# normally take milliseconds); the ticket itself lives LoginHandoff.HANDOFF_LIFETIME.
SWITCH_SECONDS = 60
_SWITCH_SESSION_KEY = "tenants.switch"


def _private(response: HttpResponse) -> HttpResponse:
    """The switch's responses carry values that must reach no other site and no cache."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _switch_failed(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("El enlace para cambiar de entidad ha caducado o ya se usó. "
                              "Inicie sesión de nuevo."))
    return _private(redirect("cuentas:login"))


@login_required
@require_POST
def switch_entity(request: HttpRequest, entity_id: int) -> HttpResponse:
    """Step 1, on the source host: carry the user's login to another entity where they
    are a member (docs/architecture.md, "Entity switching"). The session remembers the
    switch under a random state; the browser goes to the target host."""
    entity = next((e for e in user_entities(request.user) if e.pk == entity_id), None)
    if entity is None:
        raise Http404
    state = secrets.token_urlsafe(32)
    request.session[_SWITCH_SESSION_KEY] = {"state": state, "entity": entity.pk,
                                            "until": time.time() + SWITCH_SECONDS}
    query = urlencode({"origen": request.tenant.pk, "estado": state})
    return _private(redirect(entity_url(request, entity,
                                        f"{reverse('cuentas:handoff_start')}?{query}")))


def handoff_start(request: HttpRequest) -> HttpResponse:
    """Step 2, on the target host: give this browser a random key in a cookie of this host
    and send only its hash back to the source host, with the state untouched."""
    form = HandoffStartForm(request.GET)
    origin = None
    if form.is_valid():
        origin = Entity.objects.filter(pk=form.cleaned_data["origen"], is_active=True) \
            .prefetch_related("domains").first()
    if origin is None:
        return _switch_failed(request)
    key, key_hash = actions.new_browser_key()
    query = urlencode({"estado": form.cleaned_data["estado"], "vinculo": key_hash})
    response = redirect(entity_url(request, origin, f"{reverse('cuentas:handoff_issue')}?{query}"))
    response.set_cookie(actions.HANDOFF_KEY_COOKIE, key, max_age=SWITCH_SECONDS,
                        path=reverse("cuentas:handoff_start"),
                        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
    return _private(response)


def handoff_issue(request: HttpRequest) -> HttpResponse:
    """Step 3, on the source host: the logged-in user's pending switch (same state, not
    expired) gets its ticket, bound to the hash of the target host's browser key."""
    pending = request.session.pop(_SWITCH_SESSION_KEY, None)
    form = HandoffIssueForm(request.GET)
    if not request.user.is_authenticated or not isinstance(pending, dict) or not form.is_valid() \
            or not secrets.compare_digest(str(pending.get("state", "")), form.cleaned_data["estado"]) \
            or float(pending.get("until", 0)) < time.time():
        return _switch_failed(request)
    entity = next((e for e in user_entities(request.user) if e.pk == pending.get("entity")), None)
    if entity is None:
        return _switch_failed(request)
    otp_device = request.session.get(DEVICE_ID_SESSION_KEY, "") if request.user.is_verified() else ""
    try:
        actions.create_login_handoff(request.user, entity, otp_device=otp_device,
                                     browser_key_hash=form.cleaned_data["vinculo"])
    except (PermissionDenied, ValidationError):
        return _switch_failed(request)
    return _private(redirect(entity_url(request, entity, reverse("cuentas:handoff"))))


def handoff(request: HttpRequest) -> HttpResponse:
    """Step 4, on the target host: the browser that holds the key spends its ticket."""
    handoff_ticket = actions.consume_login_handoff(
        request.COOKIES.get(actions.HANDOFF_KEY_COOKIE, ""), request.tenant)
    if handoff_ticket is None:
        response = _switch_failed(request)
    else:
        user = handoff_ticket.user
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        device = Device.from_persistent_id(handoff_ticket.otp_device) \
            if handoff_ticket.otp_device else None
        if device is not None and device.user_id == user.pk and device.confirmed:
            otp_login(request, device)
        response = _private(redirect("gestion:dashboard" if not request.tenant.is_diputacion
                                     else "home"))
    response.delete_cookie(actions.HANDOFF_KEY_COOKIE, path=reverse("cuentas:handoff_start"),
                           samesite="Lax")
    return response


@login_required
def my_entities(request: HttpRequest) -> HttpResponse:
    """On the provincial host: the entities where the user works, to jump into."""
    return render(request, "tenants/my_entities.html", {"entities": user_entities(request.user)})
