"""The incident page and its actions, shared by the agents' desk (provincial host) and the
entity's back office: the same conversation, with what each audience may see and do."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provincial import audit
from soporte import actions, flujo, forms, sla
from soporte.access import get_adjunto_for, get_incidencia_for, request_scope
from soporte.choices import Estado
from soporte.models import Incidencia
from tenants.views import form_errors_to

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
                 "zip": "application/zip"}
PAGE_SIZE = 25


def page_with_clocks(request, rows) -> Page:
    """A page of incidents, each with its SLA clocks (the calendar loaded once per page)."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    calendar = sla.load_calendar()
    for incidencia in page:
        incidencia.clocks = sla.clocks(incidencia, calendar)
    return page


def file_from_form(form, entity, *, reporter, acting_user) -> Incidencia | None:
    """File the incident of a valid filing form; None, with the refusal on the form, when
    the action refuses it."""
    data = form.cleaned_data
    try:
        return actions.crear_incidencia(entity, actions.NuevaIncidencia.from_data(data),
                                        reporter=reporter, acting_user=acting_user,
                                        attachments=data["attachments"])
    except ValidationError as exc:
        form_errors_to(form, exc)
        return None


def error_messages(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def role_of(scope) -> str:
    return flujo.AGENT if scope.can_work else flujo.REPORTER


def _url_names(request) -> dict[str, str]:
    namespace = request.resolver_match.namespace
    return {"detail": f"{namespace}:detail", "action": f"{namespace}:action",
            "adjunto": f"{namespace}:adjunto"}


def detail_context(request, incidencia: Incidencia, **bound) -> dict:
    scope = request_scope(request)
    mensajes = list(incidencia.mensajes.select_related("author").order_by("created_at", "pk"))
    if not scope.sees_internal:
        mensajes = [m for m in mensajes if not m.is_internal]
    adjuntos = defaultdict(list)
    loose = []
    for adjunto in incidencia.adjuntos.all():
        if adjunto.mensaje_id:
            adjuntos[adjunto.mensaje_id].append(adjunto)
        else:
            loose.append(adjunto)
    for mensaje in mensajes:
        mensaje.files = adjuntos.get(mensaje.pk, [])
    role = role_of(scope)
    version = {"version": incidencia.version}
    targets = flujo.allowed_targets(incidencia.state, role)
    deadline = incidencia.reopen_deadline()
    context = {
        "incidencia": incidencia, "scope": scope, "mensajes": mensajes, "loose_files": loose,
        "eventos": incidencia.eventos.select_related("actor").order_by("created_at", "pk"),
        "llamadas": incidencia.llamadas.select_related("agent") if scope.can_work else [],
        "related": incidencia.related.all(), "duplicates": incidencia.duplicates.all(),
        "clocks": sla.clocks(incidencia, sla.load_calendar()),
        "reply_form": bound.get("reply_form") or forms.ReplyForm(
            initial=version, internal_allowed=scope.sees_internal),
        "state_form": forms.StateForm(initial=version, targets=targets) if targets else None,
        "reopen_deadline": deadline,
        "url_names": _url_names(request),
        "layout": "layouts/provincial.html" if scope.is_agent else "layouts/backoffice.html",
        "closed": incidencia.state == Estado.CERRADA,
    }
    if scope.is_agent:
        context.update({
            "assign_form": forms.AssignForm(initial={**version, "grupo": incidencia.grupo_id,
                                                     "assignee": incidencia.assignee_id}),
            "priority_form": forms.PriorityForm(initial={**version, "priority": incidencia.priority}),
            "merge_form": forms.ReferenceForm(initial=version, prefix="merge"),
            "link_form": forms.ReferenceForm(initial=version, prefix="link"),
        })
    return context


def detail(request, reference: str) -> HttpResponse:
    incidencia = get_incidencia_for(request, reference)
    return render(request, "soporte/detalle.html", detail_context(request, incidencia))


def other_incidencia(request, reference: str) -> Incidencia:
    """Another incident named in a form: one the user sees, or a ValidationError in Spanish."""
    try:
        return get_incidencia_for(request, reference)
    except Http404 as exc:
        raise ValidationError(_("No existe la incidencia %(ref)s.") % {"ref": reference}) from exc


@require_POST
def action(request, reference: str, name: str) -> HttpResponse:
    """One change from the incident page (reply, state, assign, take, priority, merge, link)."""
    incidencia = get_incidencia_for(request, reference)
    scope = request_scope(request)
    role = role_of(scope)
    agent_only = {"assign", "take", "priority", "merge", "link"}
    if name in agent_only and not scope.is_agent:
        raise Http404
    back = redirect(_url_names(request)["detail"], reference=incidencia.reference)
    try:
        if name == "reply":
            form = forms.ReplyForm(request.POST, request.FILES, internal_allowed=scope.sees_internal)
            if not form.is_valid():
                return render(request, "soporte/detalle.html",
                              detail_context(request, incidencia, reply_form=form), status=400)
            actions.responder(incidencia, author=request.user, body=form.cleaned_data["body"],
                              role=role, is_internal=form.cleaned_data.get("is_internal", False),
                              attachments=form.cleaned_data["attachments"])
            done = _("Nota interna guardada.") if form.cleaned_data.get("is_internal") \
                else _("Respuesta enviada.")
        elif name == "state":
            form = forms.StateForm(request.POST, targets=flujo.allowed_targets(incidencia.state, role))
            _require(form)
            actions.cambiar_estado(incidencia, form.cleaned_data["state"], acting_user=request.user,
                                   role=role, expected_version=form.cleaned_data["version"])
            done = _("La incidencia está ahora «%(state)s».") % {"state": incidencia.get_state_display()}
        elif name == "take":
            form = forms.VersionedForm(request.POST)
            _require(form)
            actions.tomar(incidencia, acting_user=request.user,
                          expected_version=form.cleaned_data["version"])
            done = _("Ha tomado la incidencia.")
        elif name == "assign":
            form = forms.AssignForm(request.POST)
            _require(form)
            actions.asignar(incidencia, grupo=form.cleaned_data["grupo"],
                            assignee=form.cleaned_data["assignee"], acting_user=request.user,
                            expected_version=form.cleaned_data["version"])
            done = _("Asignación guardada.")
        elif name == "priority":
            form = forms.PriorityForm(request.POST)
            _require(form)
            actions.cambiar_prioridad(incidencia, form.cleaned_data["priority"],
                                      acting_user=request.user,
                                      expected_version=form.cleaned_data["version"])
            done = _("Prioridad cambiada.")
        elif name in ("merge", "link"):
            form = forms.ReferenceForm(request.POST, prefix=name)
            _require(form)
            other = other_incidencia(request, form.cleaned_data["reference"])
            if name == "merge":
                actions.fusionar(incidencia, other, acting_user=request.user,
                                 expected_version=form.cleaned_data["version"])
                done = _("Fusionada en %(ref)s.") % {"ref": other.reference}
            else:
                actions.relacionar(incidencia, other, acting_user=request.user)
                done = _("Relacionada con %(ref)s.") % {"ref": other.reference}
        else:
            raise Http404
    except actions.Conflicto as exc:
        messages.error(request, str(exc))
        return back
    except ValidationError as exc:
        error_messages(request, exc)
        return back
    messages.success(request, done)
    return back


def _require(form) -> None:
    if not form.is_valid():
        texts = [f"{form.fields[f].label or ''}: {' '.join(e)}".lstrip(": ") if f != "__all__"
                 else " ".join(e) for f, e in form.errors.items()]
        if "version" in form.errors:
            texts = [_("Recargue la página e inténtelo de nuevo.")]
        raise ValidationError(texts)


def adjunto(request, reference: str, pk: int) -> FileResponse:
    """Download an attachment: only for those who see the incident (and its internal notes,
    for a note's attachment)."""
    file = get_adjunto_for(request, reference, pk)
    audit.record("soporte.adjunto.download", user=request.user, entity=file.incidencia.entity,
                 obj=file)
    response = FileResponse(file.file.open("rb"), as_attachment=True, filename=file.name,
                            content_type=CONTENT_TYPES.get(file.kind, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    return response

