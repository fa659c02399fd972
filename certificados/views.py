"""Certificados inside an entity's back office (/gestion/certificados/): the entity's
certificates and requests, requesting one, its page with history and documents, asking for
a suspension or revocation, the one download of a key the platform generated.

BackofficeAccessMiddleware already requires a user administrator granted the
`certificados` application (and the entity's adhesion); objects come from
certificados.access, scoped to the entity.
"""

from __future__ import annotations

import datetime

from cryptography.hazmat.primitives.serialization import Encoding
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificados import actions, forms
from certificados.access import entity_certificados, get_adjunto_for, get_certificado_for
from certificados.choices import Custodia, Estado, Tipo
from certificados.queries import filtered
from provincial import audit, params
from tenants.views import form_errors_to

PAGE_SIZE = 25
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def lista(request: HttpRequest) -> HttpResponse:
    """The entity's certificates and requests, with search, filters and what needs care."""
    form = forms.FiltroForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = entity_certificados(request)
    now = timezone.now()
    summary = rows.aggregate(
        alive=Count("pk", filter=Q(state=Estado.EMITIDO)),
        pending=Count("pk", filter=Q(state__in=Estado.pending())),
        expiring=Count("pk", filter=Q(state__in=Estado.alive(), not_after__gt=now,
                                      not_after__lte=now + datetime.timedelta(days=60))))
    rows = filtered(rows, data).select_related("entity")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.days_to_expiry = row.days_left(now)
    return render(request, "certificados/entidad_lista.html", {
        "form": form, "page": page, "summary": summary, "filtering": bool(data and any(data.values()))})


def nuevo(request: HttpRequest) -> HttpResponse:
    """Which kind of certificate: each explained in a line."""
    return render(request, "certificados/entidad_nuevo.html", {"kinds": Tipo})


def _renewal_of(request: HttpRequest):
    pk = params.get_int(request.GET, "renueva")
    return get_certificado_for(request, pk) if pk else None


def nuevo_tipo(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Tipo.values:
        raise Http404
    entity = request.tenant
    renews = _renewal_of(request)
    initial = {}
    if renews is not None and request.method != "POST":
        if renews.kind != kind:
            raise Http404
        initial = {name: getattr(renews, name) for name in (
            "holder_given_name", "holder_surnames", "holder_nif", "holder_email",
            "holder_position", "organo", "dir3_code", "sede_domain", "authority")}
    form = forms.SolicitudForm(request.POST or None, request.FILES or None, entity=entity,
                               kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            certificado = actions.solicitar(
                entity, form.solicitud(), operator=request.user, renews=renews,
                attachments=form.cleaned_data["attachments"],
                doc_type=form.cleaned_data["doc_type"])
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            messages.success(request, _("Solicitud %(ref)s registrada. La oficina de registro de "
                                        "la Diputación comprobará los datos y le avisará.")
                             % {"ref": certificado.reference})
            return redirect("gestion:certificados:detail", pk=certificado.pk)
    return render(request, "certificados/entidad_form.html", {
        "form": form, "kind": Tipo(kind), "renews": renews})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificado = get_certificado_for(request, pk)
    state = certificado.state
    context = {
        "c": certificado, "eventos": certificado.eventos.select_related("operator"),
        "adjuntos": certificado.adjuntos.all(), "now": timezone.now(),
        "days_left": certificado.days_left(),
        "adjuntar_form": forms.AdjuntarForm(auto_id="adj_%s") if state in Estado.pending() else None,
        "peticion_form": forms.PeticionForm(state=state, auto_id="pet_%s")
        if state in Estado.alive() else None,
        "anular_form": forms.AnularForm(auto_id="anu_%s")
        if state in (Estado.SOLICITADO, Estado.ACREDITADO) else None,
        "key_pending": certificado.key_custody == Custodia.PENDIENTE_ENTREGA
        and state == Estado.EMITIDO,
        "renewals": certificado.renewals.exclude(state__in=[Estado.RECHAZADO, Estado.ANULADO]),
    }
    return render(request, "certificados/entidad_detalle.html", context)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
def adjuntar(request: HttpRequest, pk: int) -> HttpResponse:
    certificado = get_certificado_for(request, pk)
    form = forms.AdjuntarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = actions.adjuntar(certificado, form.cleaned_data["attachments"],
                                     form.cleaned_data["doc_type"], operator=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Documentos añadidos: %(n)s.") % {"n": len(saved)})
    else:
        _form_errors(request, form)
    return redirect("gestion:certificados:detail", pk=certificado.pk)


def adjunto(request: HttpRequest, pk: int, adjunto_pk: int) -> FileResponse:
    return serve_adjunto(request, get_adjunto_for(request, pk, adjunto_pk))


def serve_adjunto(request: HttpRequest, adjunto) -> FileResponse:
    audit.record("certificados.adjunto.descargar", user=request.user,
                 entity=adjunto.certificado.entity, obj=adjunto.certificado,
                 detail={"adjunto": adjunto.pk, "name": adjunto.name})
    response = FileResponse(adjunto.file.open("rb"), as_attachment=True, filename=adjunto.name,
                            content_type=CONTENT_TYPES.get(adjunto.kind,
                                                           "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def peticion(request: HttpRequest, pk: int) -> HttpResponse:
    certificado = get_certificado_for(request, pk)
    form = forms.PeticionForm(request.POST, state=certificado.state)
    if form.is_valid():
        try:
            actions.pedir_operacion(certificado, form.cleaned_data["operacion"],
                                    form.cleaned_data["reason"], operator=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Petición enviada a la oficina de registro de la "
                                        "Diputación."))
    else:
        _form_errors(request, form)
    return redirect("gestion:certificados:detail", pk=certificado.pk)


@require_POST
def anular(request: HttpRequest, pk: int) -> HttpResponse:
    certificado = get_certificado_for(request, pk)
    form = forms.AnularForm(request.POST)
    if form.is_valid():
        try:
            actions.anular(certificado, form.cleaned_data["reason"], operator=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Solicitud anulada."))
    else:
        _form_errors(request, form)
    return redirect("gestion:certificados:detail", pk=certificado.pk)


def clave(request: HttpRequest, pk: int) -> HttpResponse:
    """The one download of a key the local CA generated: a PKCS#12 under a password the
    downloader chooses. The platform forgets the key once it is sent."""
    certificado = get_certificado_for(request, pk)
    if certificado.key_custody != Custodia.PENDIENTE_ENTREGA:
        messages.info(request, _("La clave de %(ref)s no está pendiente de entrega.")
                      % {"ref": certificado.reference})
        return redirect("gestion:certificados:detail", pk=certificado.pk)
    form = forms.ClaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bundle = actions.entregar_clave(certificado, form.cleaned_data["password1"],
                                            operator=request.user)
        except ValidationError as exc:
            form_errors_to(form, exc)
        else:
            response = HttpResponse(bundle, content_type="application/x-pkcs12")
            response["Content-Disposition"] = \
                f'attachment; filename="{certificado.reference}.p12"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "certificados/entidad_clave.html", {"c": certificado, "form": form})


def descargar(request: HttpRequest, pk: int) -> HttpResponse:
    return certificate_file(get_certificado_for(request, pk))


def certificate_file(certificado) -> HttpResponse:
    """The issued certificate (public), as a .cer (DER)."""
    certificate = certificado.certificate
    if certificate is None:
        raise Http404
    response = HttpResponse(certificate.public_bytes(Encoding.DER),
                            content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="{certificado.reference}.cer"'
    return response
