"""Back-office pages of the SIR exchange: send an asiento, download its fichero, and the
bandeja of received files (upload, accept, reject, poll the transport's inbox)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provincial import audit, jobs
from registro import bandeja, sicres
from registro.access import get_asiento_for, get_recibido_for
from registro.forms import BandejaFiltroForm, EnviarSIRForm, RechazarForm, SubirSICRESForm
from registro.models import IntercambioRecibido
from registro.services import RegistroError
from registro.tasks import RECIBIR_SIR


def _xml(data: bytes, nombre: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{nombre}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def enviar(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = get_asiento_for(request, pk)
    form = EnviarSIRForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("gestion:registro:detalle", asiento.pk)
    data = form.cleaned_data
    try:
        asiento = sicres.enviar(asiento, destino_codigo=data["destino_dir3"],
                                destino_nombre=data["destino_nombre"],
                                unidad_destino_codigo=data["unidad_destino_dir3"],
                                acting_user=request.user)
    except RegistroError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Enviado por SIR a %(d)s con el identificador %(i)s.")
                         % {"d": asiento.destino_sir_dir3,
                            "i": asiento.identificador_intercambio})
    return redirect("gestion:registro:detalle", asiento.pk)


def descargar(request: HttpRequest, pk: int) -> HttpResponse:
    """The SICRES fichero of an asiento: the one we send, or the one we received."""
    asiento = get_asiento_for(request, pk)
    recibido = asiento.recibidos_sir.filter(tipo=IntercambioRecibido.Tipo.FICHERO).first()
    if asiento.destino_sir_dir3:
        try:
            data = sicres.fichero_enviado(asiento)
        except RegistroError as exc:
            messages.error(request, exc.message)
            return redirect("gestion:registro:detalle", asiento.pk)
    elif recibido is not None:
        with recibido.fichero.open("rb") as handle:
            data = handle.read()
    else:
        messages.error(request, _("Este asiento no tiene intercambio SIR."))
        return redirect("gestion:registro:detalle", asiento.pk)
    audit.record("registro.sir.descarga", user=request.user, entity=request.tenant,
                 obj=asiento, detail={"identificador": asiento.identificador_intercambio})
    return _xml(data, f"{asiento.identificador_intercambio or asiento.pk}.xml")


def lista(request: HttpRequest) -> HttpResponse:
    form = SubirSICRESForm()
    if request.method == "POST":
        form = SubirSICRESForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["fichero"]
            if upload.size > bandeja.sicres_max_bytes():
                form.add_error("fichero", _("El fichero ocupa más de %(max)s MB.")
                               % {"max": bandeja.sicres_max_bytes() // (1024 * 1024)})
            else:
                try:
                    recepcion = bandeja.recibir(upload.name, upload.read(),
                                                acting_user=request.user)
                except RegistroError as exc:
                    form.add_error("fichero", exc.message)
                else:
                    fila = recepcion.recibido
                    if not recepcion.nuevo:
                        messages.warning(request, _("Este fichero ya se había recibido el "
                                                    "%(f)s: no se registra dos veces.")
                                         % {"f": fila.created_at.strftime("%d/%m/%Y")})
                    elif fila.tipo == IntercambioRecibido.Tipo.MENSAJE:
                        messages.success(request, _("Mensaje aplicado al asiento %(n)s.")
                                         % {"n": fila.asiento})
                    else:
                        messages.success(request, _("Fichero recibido: revíselo y acéptelo "
                                                    "o recházelo."))
                    return redirect("gestion:registro:recibido", fila.pk)
    filtro = BandejaFiltroForm(request.GET or None)
    recibidos = IntercambioRecibido.objects.select_related("asiento")
    if filtro.is_valid():
        if filtro.cleaned_data["estado"]:
            recibidos = recibidos.filter(estado=filtro.cleaned_data["estado"])
        if texto := filtro.cleaned_data["texto"].strip():
            recibidos = recibidos.filter(
                Q(identificador_intercambio__icontains=texto) | Q(origen_dir3__iexact=texto)
                | Q(origen_nombre__icontains=texto) | Q(resumen__icontains=texto))
    page = Paginator(recibidos, 25).get_page(request.GET.get("page"))
    return render(request, "registro/bandeja.html", {
        "form": form, "filtro": filtro, "page": page,
        "pendientes": IntercambioRecibido.objects.filter(
            estado=IntercambioRecibido.Estado.PENDIENTE).count()})


@require_POST
def consultar_buzon(request: HttpRequest) -> HttpResponse:
    job = jobs.enqueue(RECIBIR_SIR, entity=request.tenant, created_by=request.user)
    messages.success(request, _("Consultando el buzón SIR; la bandeja se actualiza al "
                                "terminar."))
    return redirect("gestion:trabajos:detail", job.pk)


def recibido(request: HttpRequest, pk: int) -> HttpResponse:
    fila = get_recibido_for(request, pk)
    contenido = None
    if fila.tipo == IntercambioRecibido.Tipo.FICHERO:
        with fila.fichero.open("rb") as handle:
            root = sicres.leer_fichero(handle.read())
        contenido = {
            "interesados": [
                {k: (seg.findtext(f"{k}_Interesado") or "") for k in (
                    "Documento_Identificacion", "Razon_Social", "Nombre", "Primer_Apellido",
                    "Segundo_Apellido")} for seg in root.findall("De_Interesado")],
            "anexos": [(seg.findtext("Nombre_Fichero_Anexado"), seg.findtext("Tipo_MIME"))
                       for seg in root.findall("De_Anexo")],
            "expone": root.findtext("De_Formulario_Generico/Expone") or "",
            "solicita": root.findtext("De_Formulario_Generico/Solicita") or "",
            "fecha": root.findtext("De_Origen_o_Remitente/Fecha_Hora_Entrada") or ""}
    audit.record("registro.sir.consulta", user=request.user, entity=request.tenant, obj=fila)
    return render(request, "registro/recibido.html", {
        "r": fila, "contenido": contenido, "rechazar_form": RechazarForm()})


def recibido_fichero(request: HttpRequest, pk: int) -> HttpResponse:
    fila = get_recibido_for(request, pk)
    with fila.fichero.open("rb") as handle:
        data = handle.read()
    return _xml(data, fila.nombre_fichero)


@require_POST
def aceptar(request: HttpRequest, pk: int) -> HttpResponse:
    fila = get_recibido_for(request, pk)
    try:
        fila = bandeja.aceptar(fila, acting_user=request.user)
    except RegistroError as exc:
        messages.error(request, exc.message)
        return redirect("gestion:registro:recibido", fila.pk)
    messages.success(request, _("Aceptado: registrado con el número %(n)s.")
                     % {"n": fila.asiento.numero_registro})
    return redirect("gestion:registro:detalle", fila.asiento_id)


@require_POST
def rechazar(request: HttpRequest, pk: int) -> HttpResponse:
    fila = get_recibido_for(request, pk)
    form = RechazarForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indique el motivo del rechazo."))
    else:
        try:
            bandeja.rechazar(fila, motivo=form.cleaned_data["motivo"],
                             acting_user=request.user)
            messages.success(request, _("Rechazado: el fichero se devuelve al origen."))
        except RegistroError as exc:
            messages.error(request, exc.message)
    return redirect("gestion:registro:recibido", fila.pk)
