"""Back-office pages of an expediente's documents: choose templates and generate drafts
(one, or «Generar todos»), edit a draft with a live preview, see its PDF preview, download
a frozen document, upload a file, annul a draft, and make a document available to the
interesados.

All under /gestion/expedientes/<pk>/documentos/… (application 'expedientes', checked by
the back-office middleware). The expediente and the document come through the scoped
lookups of expedientes.access: another entity's or a missing one is the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expedientes import documentos, flujo, plantillas
from expedientes.access import get_documento_for, get_expediente_for
from expedientes.choices import EstadoDocumento
from expedientes.flujo import ExpedienteError
from expedientes.forms_documentos import (
    AnularDocumentoForm,
    EditarBorradorForm,
    GenerarForm,
    GenerarTodasForm,
    SubirForm,
    VisibilidadForm,
)
from expedientes.models import Documento, Expediente
from provincial import audit


def _lista(expediente: Expediente) -> HttpResponse:
    return redirect("gestion:expedientes:detalle_documentos", expediente.pk)


def _volver(request: HttpRequest, documento: Documento) -> HttpResponse:
    if request.POST.get("volver") == "lista":
        return _lista(documento.expediente)
    return redirect("gestion:expedientes:documento", documento.expediente_id, documento.pk)


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- generating from templates -----------------------------------------------------------


def generar(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the templates of the expediente (Gestiona's «Selección de plantilla»), with a
    preview of any of them merged with this expediente. POST: generate one draft."""
    expediente = get_expediente_for(request, pk)
    if request.method == "POST":
        form = GenerarForm(request.POST, expediente=expediente)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return _lista(expediente)
        try:
            documento = documentos.generar(expediente, form.cleaned_data["plantilla"],
                                           acting_user=request.user)
        except ExpedienteError as exc:
            messages.error(request, exc.message)
            return _lista(expediente)
        messages.success(request, _("Borrador «%(t)s» generado: revíselo y complételo.")
                         % {"t": documento.titulo})
        return redirect("gestion:expedientes:documento_editar", expediente.pk, documento.pk)
    disponibles = list(documentos.plantillas_de(expediente))
    hechas = set(expediente.documentos.exclude(estado=EstadoDocumento.ANULADO)
                 .exclude(plantilla__isnull=True).values_list("plantilla_id", flat=True))
    previa = None
    elegida = next((p for p in disponibles if str(p.pk) == request.GET.get("previa")), None)
    if elegida is not None:
        try:
            previa = {"html": plantillas.render(elegida.cuerpo, plantillas.contexto(expediente)),
                      "plantilla": elegida}
        except plantillas.PlantillaError as exc:
            previa = {"error": exc.message, "plantilla": elegida}
    return render(request, "expedientes/documentos/generar.html", {
        "expediente": expediente, "plantillas": disponibles, "hechas": hechas,
        "previa": previa, "puede": flujo.puede(expediente, flujo.DOCUMENTOS),
        "todas_form": GenerarTodasForm(expediente=expediente)})


@require_POST
def generar_todas(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = get_expediente_for(request, pk)
    form = GenerarTodasForm(request.POST, expediente=expediente)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _lista(expediente)
    elegidas = [p.pk for p in form.cleaned_data["plantillas"]] or None
    try:
        resultado = documentos.generar_todas(expediente, acting_user=request.user,
                                             plantillas_ids=elegidas)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
        return _lista(expediente)
    if resultado.creados:
        messages.success(request, _("Generados %(n)s borradores: %(names)s.")
                         % {"n": len(resultado.creados),
                            "names": ", ".join(d.titulo for d in resultado.creados)})
    if resultado.omitidas:
        messages.info(request, _("Ya estaban generados, no se repiten: %(names)s.")
                      % {"names": ", ".join(resultado.omitidas)})
    return _lista(expediente)


# --- one document ------------------------------------------------------------------------


def documento(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    item = get_documento_for(request, pk, doc_pk)
    expediente = item.expediente
    return render(request, "expedientes/documentos/detalle.html", {
        "expediente": expediente, "d": item,
        "cuerpo": plantillas.limpiar_html(item.cuerpo) if item.cuerpo else "",
        "historial": item.historial.order_by("at", "pk"),
        "puede": flujo.puede(expediente, flujo.DOCUMENTOS),
        "anular_form": AnularDocumentoForm(),
        "publicable": item.estado in documentos.PUBLICABLES})


def documento_editar(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    item = get_documento_for(request, pk, doc_pk)
    if request.method != "POST" and not item.is_editable:
        messages.error(request, str(documentos.CONGELADO))
        return redirect("gestion:expedientes:documento", pk, item.pk)
    form = EditarBorradorForm(request.POST or None,
                              initial={"titulo": item.titulo, "cuerpo": item.cuerpo})
    if request.method == "POST" and form.is_valid():
        try:
            documentos.editar_borrador(item, form.cleaned_data["cuerpo"],
                                       titulo=form.cleaned_data["titulo"],
                                       acting_user=request.user)
        except ExpedienteError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Borrador guardado."))
            return redirect("gestion:expedientes:documento", pk, item.pk)
    return render(request, "expedientes/documentos/editar.html", {
        "expediente": item.expediente, "d": item, "form": form,
        "cuerpo": plantillas.limpiar_html(form["cuerpo"].value() or "")},
        status=400 if form.errors else 200)


def documento_previa(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """GET: the draft as a PDF marked BORRADOR (a frozen document: its stored PDF). POST:
    the editor's text, cleaned, as an HTML fragment (the live preview)."""
    item = get_documento_for(request, pk, doc_pk)
    if request.method == "POST":
        cuerpo = request.POST.get("cuerpo", "")[:plantillas.MAX_CUERPO]
        return render(request, "expedientes/catalogo/_previa.html",
                      {"previa": {"html": plantillas.limpiar_html(cuerpo)}})
    if item.is_frozen:
        return redirect("gestion:expedientes:documento_descargar", pk, item.pk)
    response = HttpResponse(documentos.pdf_borrador(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="borrador-{item.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def documento_descargar(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    item = get_documento_for(request, pk, doc_pk)
    if not item.is_frozen or not item.contenido:
        return redirect("gestion:expedientes:documento_previa", pk, item.pk)
    try:
        content = documentos.leer(item)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
        return redirect("gestion:expedientes:documento", pk, item.pk)
    audit.record("expedientes.documento.descarga", user=request.user, entity=request.tenant,
                 obj=item, detail={"expediente": item.expediente.codigo, "sha256": item.sha256})
    response = HttpResponse(content, content_type=item.mime_type or "application/octet-stream")
    disposition = "inline" if item.mime_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_ascii(item.nombre_fichero)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and ch not in '"\\' else "_" for ch in name) or "documento"


def documento_subir(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = get_expediente_for(request, pk)
    form = SubirForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fichero = data["fichero"]
        try:
            item = documentos.incorporar_fichero(
                expediente, fichero.name, fichero.read(),
                tipo_documental=data["tipo_documental"], acting_user=request.user,
                origen=data["origen"], titulo=data["titulo"],
                estado_elaboracion=data["estado_elaboracion"])
        except ExpedienteError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("«%(t)s» incorporado al expediente.")
                             % {"t": item.titulo})
            return _lista(expediente)
    return render(request, "expedientes/documentos/subir.html", {
        "expediente": expediente, "form": form,
        "puede": flujo.puede(expediente, flujo.DOCUMENTOS)},
        status=400 if form.errors else 200)


@require_POST
def documento_visibilidad(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    item = get_documento_for(request, pk, doc_pk)
    form = VisibilidadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indique si el documento ha de ser visible."))
        return _volver(request, item)
    visible = form.cleaned_data["visible"]
    try:
        documentos.cambiar_visibilidad(item, visible, acting_user=request.user)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        text = _("«%(t)s» está a disposición de los interesados.") if visible \
            else _("«%(t)s» ya no es visible para los interesados.")
        messages.success(request, text % {"t": item.titulo})
    return _volver(request, item)


@require_POST
def documento_anular(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    item = get_documento_for(request, pk, doc_pk)
    form = AnularDocumentoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _volver(request, item)
    try:
        documentos.anular_documento(item, motivo=form.cleaned_data["motivo"],
                                    acting_user=request.user)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Borrador «%(t)s» anulado.") % {"t": item.titulo})
    return _volver(request, item)
