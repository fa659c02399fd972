"""Querying the audit trail: an entity's own page, the provincial page, CSV exports and
the answer to a citizen's right of access ("who looked at my data", RGPD art. 15)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial import audit, audit_labels, params
from provincial.collation import SpanishOrder
from provincial.models import AuditEvent
from provincial.spreadsheets import csv_writer
from tenants.models import Entity


def _scope(request: HttpRequest):
    """Events the requester may query: their entity's, or any for provincial admins."""
    if request.tenant.is_diputacion:
        if not request.user.is_provincial_admin:
            raise PermissionDenied
        events = AuditEvent.objects.all()
        entity_id = params.get_int(request.GET, "entidad")
        if entity_id is not None:
            events = events.filter(entity_id=entity_id)
        return events
    return AuditEvent.objects.filter(entity_id=request.tenant.pk)


def _filtered(request: HttpRequest):
    events = _scope(request)
    query = request.GET
    if username := params.get_text(query, "usuario"):
        events = events.filter(username__icontains=username)
    if action := params.get_text(query, "accion"):
        events = events.filter(action=action)
    if object_repr := params.get_text(query, "objeto"):
        events = events.filter(object_repr__icontains=object_repr)
    start, end = params.get_date(query, "desde"), params.get_date(query, "hasta")
    if start:
        events = events.filter(created_at__date__gte=start)
    if end:
        events = events.filter(created_at__date__lte=end)
    if document := params.get_text(query, "documento"):
        events = events.filter(subject_ref=audit.subject_ref(document))
    return events.order_by("-created_at")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    events = _filtered(request)
    if request.GET.get("formato") == "csv":
        return _csv(request, events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = _scope(request).order_by("action").values_list("action", flat=True).distinct()
    if request.GET.get("documento"):
        audit.record("provincial.audit.subject_query", user=request.user,
                     entity=None if request.tenant.is_diputacion else request.tenant,
                     subject=request.GET["documento"])
    return render(request, "provincial/audit_list.html", {
        "page": page, "actions": audit_labels.labels.choices(actions), "params": request.GET,
        "entities": (Entity.objects.order_by(SpanishOrder("name"), "name")
                     if request.tenant.is_diputacion else None),
        "query_string": _without_page(request),
    })


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()  # not `params`: that name is provincial.params here
    query.pop("page", None)
    query.pop("formato", None)
    return query.urlencode()


def _csv(request: HttpRequest, events) -> HttpResponse:
    rows = [[timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M:%S"),
             event.entity.name if event.entity_id and event.entity else "",
             event.username, event.action_label, event.object_repr, event.source_ip or ""]
            for event in events.select_related("entity")[:100_000]]
    # Recorded after reading, so the export does not list itself.
    audit.record("provincial.audit.export", user=request.user,
                 entity=None if request.tenant.is_diputacion else request.tenant,
                 detail={"rows": len(rows),
                         "filters": {k: v for k, v in request.GET.items() if k != "documento"}},
                 subject=request.GET.get("documento", ""))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="auditoria-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv_writer(response, delimiter=";")  # no cell runs as a formula
    writer.writerow([_("Fecha"), _("Entidad"), _("Usuario"), _("Acción"), _("Objeto"),
                     _("IP de origen")])
    writer.writerows(rows)
    return response
