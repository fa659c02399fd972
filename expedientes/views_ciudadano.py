"""The citizen's expedientes in the sede's carpeta ciudadana (/sede/carpeta/expedientes/):
those where the identified person is an interesado, their phase and state, the documents
made available to them (and those they brought), and adding documents to an open one
(an entrada in the registro, linked to the expediente)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from expedientes import access, flujo
from expedientes.actions_sede import aportar as aportar_action
from expedientes.flujo import ExpedienteError
from expedientes.forms import AportarForm
from provincial import audit, jobs
from provincial.ratelimit import too_many
from registro.services import AnexoData, InteresadoData
from sede import conf
from sede.identificacion import ciudadano_required
from sede.views import page

logger = logging.getLogger(__name__)


@require_GET
@ciudadano_required
def lista(request: HttpRequest) -> HttpResponse:
    ciudadano = request.ciudadano
    results = Paginator(access.expedientes_of(ciudadano).order_by("-year", "-numero"), 20) \
        .get_page(request.GET.get("page"))
    audit.record("expedientes.ciudadano.consulta", entity=request.tenant,
                 subject=ciudadano.documento)
    return page(request, "expedientes/ciudadano_lista.html", {
        "ciudadano": ciudadano, "page": results})


def _detalle(request: HttpRequest, pk: int, form: AportarForm, *, status: int = 200
             ) -> HttpResponse:
    ciudadano = request.ciudadano
    expediente = access.get_expediente_of(ciudadano, pk)
    audit.record("expedientes.ciudadano.consulta", entity=request.tenant, obj=expediente,
                 subject=ciudadano.documento)
    return page(request, "expedientes/ciudadano_detalle.html", {
        "ciudadano": ciudadano, "e": expediente,
        "documentos": access.documentos_of(ciudadano, expediente),
        "puede_aportar": flujo.puede(expediente, flujo.APORTAR), "form": form,
        "roles": expediente.interesados.filter(documento=ciudadano.documento)}, status=status)


@require_GET
@ciudadano_required
def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    return _detalle(request, pk, AportarForm())


@require_GET
@ciudadano_required
def documento(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    item = access.get_documento_of(request.ciudadano, pk, doc_pk)
    audit.record("expedientes.documento.descarga", entity=request.tenant, obj=item.expediente,
                 subject=request.ciudadano.documento,
                 detail={"documento": item.pk, "sha256": item.sha256, "via": "sede"})
    response = FileResponse(item.contenido.open("rb"),
                            content_type=item.mime_type or "application/octet-stream",
                            as_attachment=True, filename=item.nombre_fichero or f"{item.pk}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["POST"])
@ciudadano_required
def aportar(request: HttpRequest, pk: int) -> HttpResponse:
    ciudadano = request.ciudadano
    expediente = access.get_expediente_of(ciudadano, pk)
    if too_many(request, "sede-presentacion", conf.submit_rate(), conf.SUBMIT_WINDOW_SECONDS):
        return page(request, "429.html", {"seconds": conf.SUBMIT_WINDOW_SECONDS}, status=429)
    form = AportarForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detalle(request, pk, form, status=400)
    data = form.cleaned_data
    persona = InteresadoData(
        tipo="fisica", tipo_documento="nie" if ciudadano.documento[:1] in "XYZ" else "dni",
        documento=ciudadano.documento, nombre=ciudadano.nombre, apellido1=ciudadano.apellido1,
        apellido2=ciudadano.apellido2, email=data["email"])
    try:
        asiento = aportar_action(
            expediente, presentado_por=persona, texto=data["texto"],
            anexos=[AnexoData(nombre=f.name, contenido=f.read()) for f in data["anexos"]],
            idempotency_key=data["key"] or None)
    except ExpedienteError as exc:
        form.add_error("anexos" if exc.field == "anexos" else None, exc.message)
        return _detalle(request, pk, form, status=400)
    except DatabaseError:
        logger.exception("expedientes: aportación to %s not registered", expediente.pk)
        form.add_error(None, _("No se han registrado sus documentos por un problema técnico; "
                               "no se ha guardado nada. Inténtelo de nuevo dentro de unos "
                               "minutos."))
        return _detalle(request, pk, form, status=503)
    if data["email"]:
        from sede.tasks import ACUSE_JOB

        jobs.enqueue(ACUSE_JOB, entity=request.tenant,
                     payload={"asiento": asiento.pk, "email": data["email"]})
    messages.success(request, _("Sus documentos han quedado registrados con el número "
                                "%(numero)s e incorporados al expediente %(codigo)s.")
                     % {"numero": asiento.numero_registro, "codigo": expediente.codigo})
    return redirect("sede_expedientes:detalle", pk=expediente.pk)
