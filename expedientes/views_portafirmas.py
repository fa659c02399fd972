"""Pages of the portafirmas: the signer's inbox (filters, sign one or a batch, reject
with a reason, see the PDF), sending a document to signature, the circuits and the
delegations. Thin: forms parse, `expedientes.portafirmas` acts, access helpers scope."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from expedientes import portafirmas
from expedientes.access import get_documento_for
from expedientes.access_portafirmas import (
    delegaciones_for,
    firmantes_for,
    get_circuito_for,
    get_delegacion_for,
    get_firmante_for,
    get_peticion_for,
)
from expedientes.choices import EstadoFirmante, EstadoPeticion
from expedientes.forms_portafirmas import (
    BandejaForm,
    CircuitoForm,
    DelegacionForm,
    EnviarFirmaForm,
    LoteForm,
    MotivoForm,
    PasoFormSet,
)
from expedientes.models import CircuitoFirma, Documento, Firmante
from provincial import audit

PAGE_SIZE = 25


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _is_actionable(firmante: Firmante) -> bool:
    return (firmante.estado == EstadoFirmante.PENDIENTE
            and firmante.peticion.estado == EstadoPeticion.EN_CURSO)


def _filtered(request: HttpRequest, form: BandejaForm):
    rows = firmantes_for(request)
    data = form.cleaned_data if form.is_valid() else {}
    vista = data.get("vista") or "pendientes"
    if vista == "pendientes":
        rows = rows.filter(estado=EstadoFirmante.PENDIENTE,
                           peticion__estado=EstadoPeticion.EN_CURSO)
    elif vista == "firmados":
        rows = rows.filter(estado=EstadoFirmante.FIRMADO)
    elif vista == "rechazados":
        rows = rows.filter(estado=EstadoFirmante.RECHAZADO)
    if data.get("expediente"):
        numero, year = data["expediente"]
        rows = rows.filter(peticion__documento__expediente__numero=numero)
        if year:
            rows = rows.filter(peticion__documento__expediente__year=year)
    if data.get("desde"):
        rows = rows.filter(peticion__created_at__date__gte=data["desde"])
    if data.get("hasta"):
        rows = rows.filter(peticion__created_at__date__lte=data["hasta"])
    order = ["peticion__created_at", "pk"] if vista == "pendientes" else ["-peticion__created_at",
                                                                         "-pk"]
    return rows.order_by(*order), vista


def bandeja(request: HttpRequest) -> HttpResponse:
    """The signer's inbox; a POST signs the ticked items as a batch."""
    if request.method == "POST":
        pending = list(portafirmas.pendientes(request.user).values_list("pk", flat=True))
        lote = LoteForm(request.POST, pendientes=pending)
        if lote.is_valid():
            chosen = list(portafirmas.pendientes(request.user)
                          .filter(pk__in=lote.cleaned_data["firmantes"]).order_by("pk"))
            results = portafirmas.firmar_lote(chosen, acting_user=request.user)
            signed = sum(1 for r in results if r.ok)
            if signed:
                messages.success(request, ngettext(
                    "Firmado %(signed)d documento de %(total)d.",
                    "Firmados %(signed)d documentos de %(total)d.", len(results))
                    % {"signed": signed, "total": len(results)})
            for result in results:
                if not result.ok:
                    messages.error(request, _("«%(titulo)s» no se ha firmado: %(error)s")
                                   % {"titulo": result.titulo, "error": result.mensaje})
        else:
            for message in lote.errors.get("firmantes", []):
                messages.error(request, message)
        return redirect(request.get_full_path())
    form = BandejaForm(request.GET or None)
    rows, vista = _filtered(request, form)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    delegantes = portafirmas.titulares_delegantes(request.user.pk, timezone.localdate())
    return render(request, "expedientes/portafirmas/bandeja.html", {
        "form": form, "page": page, "vista": vista,
        "actionable": {f.pk for f in page if _is_actionable(f)},
        "delega": bool(delegantes), "tabs": BandejaForm.VISTAS})


def firma(request: HttpRequest, pk: int) -> HttpResponse:
    """One item of the inbox: the document, its signatures so far, sign or reject."""
    firmante = get_firmante_for(request, pk)
    return _render_firma(request, firmante, MotivoForm())


def _render_firma(request: HttpRequest, firmante: Firmante, rechazo: MotivoForm,
                  status: int = 200) -> HttpResponse:
    documento = firmante.peticion.documento
    return render(request, "expedientes/portafirmas/firma.html", {
        "f": firmante, "documento": documento, "expediente": documento.expediente,
        "actionable": _is_actionable(firmante), "rechazo_form": rechazo,
        "por_delegacion": firmante.user_id != request.user.pk}, status=status)


@require_POST
def firmar(request: HttpRequest, pk: int) -> HttpResponse:
    firmante = get_firmante_for(request, pk)
    try:
        portafirmas.firmar(firmante, acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("gestion:expedientes:firma", firmante.pk)
    messages.success(request, _("«%(titulo)s» firmado.")
                     % {"titulo": firmante.peticion.documento.titulo})
    return redirect("gestion:expedientes:bandeja")


@require_POST
def rechazar(request: HttpRequest, pk: int) -> HttpResponse:
    firmante = get_firmante_for(request, pk)
    form = MotivoForm(request.POST)
    if form.is_valid():
        try:
            portafirmas.rechazar(firmante, form.cleaned_data["motivo"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Firma de «%(titulo)s» rechazada.")
                             % {"titulo": firmante.peticion.documento.titulo})
            return redirect("gestion:expedientes:bandeja")
    return _render_firma(request, firmante, form, status=400)


def _pdf_response(request: HttpRequest, documento: Documento, *, via: str) -> HttpResponse:
    with documento.contenido.open("rb") as handle:
        content = handle.read()
    audit.record("expedientes.firma.documento", user=request.user, entity=request.tenant,
                 obj=documento, detail={"sha256": documento.sha256, "via": via})
    response = HttpResponse(content, content_type=documento.mime_type or "application/pdf")
    disposition = "attachment" if request.GET.get("descargar") else "inline"
    name = documento.nombre_fichero or f"documento-{documento.pk}.pdf"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def firma_documento(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of an inbox item, as it stands now (with the signatures made so far)."""
    firmante = get_firmante_for(request, pk)
    return _pdf_response(request, firmante.peticion.documento, via="bandeja")


# --- sending a document to signature ------------------------------------------------------


def enviar(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """A document's signature requests, and the form to send it through a circuit."""
    documento = get_documento_for(request, pk, doc_pk)
    # The template's circuit, else the procedure's, is offered first.
    plantilla = documento.plantilla
    suggested = (plantilla.circuito_id if plantilla is not None else None) \
        or documento.expediente.procedimiento.circuito_id
    form = EnviarFirmaForm(request.POST or None, initial={"circuito": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            portafirmas.enviar_a_firma(documento, form.cleaned_data["circuito"],
                                       acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("«%(titulo)s» enviado a firma.")
                             % {"titulo": documento.titulo})
            return redirect("gestion:expedientes:enviar_a_firma", pk, doc_pk)
    documento.refresh_from_db()
    en_curso = documento.peticiones.filter(estado=EstadoPeticion.EN_CURSO).first()
    return render(request, "expedientes/portafirmas/enviar.html", {
        "documento": documento, "expediente": documento.expediente, "form": form,
        "en_curso": en_curso, "retirar_form": MotivoForm(),
        "puede_retirar": en_curso is not None and portafirmas.puede_retirar(
            en_curso, request.user, request.tenant),
        "enviable": en_curso is None and documento.estado in portafirmas.ENVIABLES},
        status=400 if form.errors else 200)


@require_POST
def retirar(request: HttpRequest, pk: int) -> HttpResponse:
    peticion = get_peticion_for(request, pk)
    form = MotivoForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("motivo", []):
            messages.error(request, message)
    else:
        try:
            portafirmas.retirar(peticion, form.cleaned_data["motivo"], acting_user=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Documento retirado del portafirmas."))
    documento = peticion.documento
    return redirect("gestion:expedientes:enviar_a_firma", documento.expediente_id, documento.pk)


# --- circuits -----------------------------------------------------------------------------


def circuitos(request: HttpRequest) -> HttpResponse:
    rows = CircuitoFirma.objects.prefetch_related("pasos").order_by("-is_active", "name")
    return render(request, "expedientes/portafirmas/circuitos.html", {"circuitos": rows})


def circuito(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (pk None) or change a circuit and its steps."""
    instance = get_circuito_for(request, pk) if pk is not None else None
    entity = request.tenant
    if request.method == "POST":
        form = CircuitoForm(request.POST)
        pasos = PasoFormSet(request.POST, prefix="pasos", entity=entity)
        if form.is_valid() and pasos.is_valid():
            data = form.cleaned_data
            try:
                saved = portafirmas.guardar_circuito(
                    instance, name=data["name"], description=data["description"],
                    is_active=data["is_active"], pasos=pasos.pasos(), acting_user=request.user)
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "name" in exc.error_dict:
                    form.add_error("name", exc.error_dict["name"])
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Circuito «%(name)s» guardado.") % {"name": saved.name})
                return redirect("gestion:expedientes:circuitos")
    else:
        initial_pasos = [{"orden": p.orden, "cargo": p.cargo, "user": p.user_id}
                         for p in instance.pasos.all()] if instance else []
        form = CircuitoForm(initial={"name": instance.name, "description": instance.description,
                                     "is_active": instance.is_active} if instance else None)
        pasos = PasoFormSet(prefix="pasos", entity=entity, initial=initial_pasos)
    return render(request, "expedientes/portafirmas/circuito.html", {
        "form": form, "pasos": pasos, "circuito": instance},
        status=400 if request.method == "POST" else 200)


# --- delegations --------------------------------------------------------------------------


def delegaciones(request: HttpRequest) -> HttpResponse:
    entity = request.tenant
    admin = portafirmas.is_user_admin(request.user, entity)
    form = DelegacionForm(request.POST or None, entity=entity, user=request.user,
                          may_choose_titular=admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            portafirmas.crear_delegacion(
                titular=data["titular"], delegado=data["delegado"], desde=data["desde"],
                hasta=data["hasta"], motivo=data["motivo"], acting_user=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Delegación de firma registrada."))
            return redirect("gestion:expedientes:delegaciones")
    today = timezone.localdate()
    rows = delegaciones_for(request).order_by("-desde", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "expedientes/portafirmas/delegaciones.html", {
        "form": form, "page": page, "today": today},
        status=400 if form.errors else 200)


@require_POST
def delegacion_revocar(request: HttpRequest, pk: int) -> HttpResponse:
    delegacion = get_delegacion_for(request, pk)
    try:
        portafirmas.revocar_delegacion(delegacion, acting_user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Delegación revocada."))
    return redirect("gestion:expedientes:delegaciones")

