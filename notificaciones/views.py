"""The clerk's pages of the notificaciones (under /gestion/notificaciones/, application
'expedientes', checked by the back-office middleware): the list by state, one
notification with its evidence and actions (resend the aviso, record a paper delivery,
annul), a new remesa from a signed document of an expediente or from a salida of the
registro with its anexo (this one also demands the application 'registro'), the registro
de apoderamientos, and the statistic of practice times.

Objects come through the scoped lookups of notificaciones.queries: a missing row and
another entity's row are the same 404. Every change goes through notificaciones.actions;
its NotificacionError is shown and changes nothing. Each action is a POST confirmed on a
page of its own (GET shows what will happen)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notificaciones import actions, queries
from notificaciones.actions import Destinatario, NotificacionError
from notificaciones.choices import Canal, EstadoNotificacion, MotivoCanal
from notificaciones.forms import (
    MOTIVOS_ELEGIBLES,
    ApoderamientoBusquedaForm,
    ApoderamientoForm,
    BusquedaForm,
    EntregaPapelForm,
    MotivoForm,
    NuevaNotificacionForm,
    es_persona_juridica,
)
from notificaciones.models import Apoderamiento, Notificacion
from provincial import audit
from provincial.documents.views import document_response, shows_signing_failure
from tenants.access import usable_applications

PAGE_SIZE = 25


# --- the list and one notification ----------------------------------------------------------


def lista(request: HttpRequest) -> HttpResponse:
    form = BusquedaForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    base = queries.buscar(params)
    tab = params.get("estado") or queries.DEFAULT_TAB
    page = Paginator(queries.por_pestana(base, tab), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.dias = queries.dias_restantes(item, now)
    remesa = None
    if params.get("remesa"):
        from notificaciones.models import Remesa

        remesa = Remesa.objects.select_related("expediente").filter(pk=params["remesa"]).first()
    return render(request, "notificaciones/gestion/lista.html", {
        "form": form, "page": page, "tab": tab, "tabs": queries.contar_pestanas(base),
        "remesa": remesa, "q": params.get("q", ""), "orden": params.get("orden") or "recientes"},
        status=200 if form.is_bound is False or form.is_valid() else 400)


def _flags(notificacion: Notificacion) -> dict:
    pendiente = notificacion.is_pendiente
    return {
        "puede_reenviar": notificacion.estado == EstadoNotificacion.PUESTA_DISPOSICION
        and notificacion.canal == Canal.SEDE,
        # A paper notice the citizen opened at the sede may still have been delivered
        # earlier: recorded, the first produced counts (art. 41.7).
        "puede_entrega": notificacion.estado == EstadoNotificacion.PENDIENTE_PAPEL or (
            notificacion.canal == Canal.PAPEL
            and notificacion.estado == EstadoNotificacion.ACCEDIDA),
        "puede_anular": pendiente,
    }


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = queries.get_notificacion_for(request, pk)
    return render(request, "notificaciones/gestion/detalle.html", {
        "n": notificacion, "dias": queries.dias_restantes(notificacion),
        "eventos": notificacion.eventos.select_related("acuse", "documento_expediente")
        .order_by("at", "pk"),
        "avisos": notificacion.avisos.order_by("created_at", "pk"), **_flags(notificacion)})


def acuse(request: HttpRequest, pk: int, evento_pk: int) -> HttpResponse:
    """The sealed acuse of one event, exactly as issued (checked against its hash)."""
    evento = queries.get_evento_con_acuse_for(request, pk, evento_pk)
    document = evento.acuse
    response = document_response(document)
    audit.record("documentos.documento.descarga", user=request.user, entity=request.tenant,
                 obj=document, subject=document.subject_document)
    return response


def _accion(request: HttpRequest, notificacion: Notificacion, *, accion: str, form=None,
            status: int = 200) -> HttpResponse:
    return render(request, "notificaciones/gestion/accion.html", {
        "n": notificacion, "accion": accion, "form": form, **_flags(notificacion)},
        status=status)


def _no_disponible(request: HttpRequest, notificacion: Notificacion, text: str) -> HttpResponse:
    messages.error(request, text)
    return redirect("gestion:notificaciones:detalle", notificacion.pk)


@require_http_methods(["GET", "POST"])
def reenviar(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = queries.get_notificacion_for(request, pk)
    if not _flags(notificacion)["puede_reenviar"]:
        return _no_disponible(request, notificacion, _(
            "Solo se reenvía el aviso de una notificación electrónica pendiente."))
    if request.method == "GET":
        return _accion(request, notificacion, accion="reenviar")
    try:
        avisos = actions.reenviar_aviso(notificacion, acting_user=request.user)
    except NotificacionError as exc:
        messages.error(request, exc.message)
    else:
        if avisos:
            messages.success(request, _("Aviso reenviado a %(destinos)s.")
                             % {"destinos": ", ".join(a.destino for a in avisos)})
        else:
            messages.warning(request, _("No consta ningún correo ni teléfono al que avisar."))
    return redirect("gestion:notificaciones:detalle", notificacion.pk)


@require_http_methods(["GET", "POST"])
@shows_signing_failure
def entrega(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = queries.get_notificacion_for(request, pk)
    if not _flags(notificacion)["puede_entrega"]:
        return _no_disponible(request, notificacion, _(
            "Solo se registra la entrega de una notificación en papel pendiente o accedida "
            "en la sede."))
    form = EntregaPapelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.registrar_entrega_papel(
                notificacion, resultado=data["resultado"], at=data["at"],
                receptor_nombre=data["receptor_nombre"].strip(),
                receptor_documento=data["receptor_documento"].strip(),
                acting_user=request.user)
        except NotificacionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Resultado de la entrega registrado."))
            return redirect("gestion:notificaciones:detalle", notificacion.pk)
    return _accion(request, notificacion, accion="entrega", form=form,
                   status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@shows_signing_failure
def anular(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = queries.get_notificacion_for(request, pk)
    if not _flags(notificacion)["puede_anular"]:
        return _no_disponible(request, notificacion, _(
            "Solo se anula una notificación pendiente."))
    form = MotivoForm(request.POST or None)
    form.fields["motivo"].label = _("Motivo de la anulación")
    if request.method == "POST" and form.is_valid():
        try:
            actions.anular(notificacion, motivo=form.cleaned_data["motivo"],
                           acting_user=request.user)
        except NotificacionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Notificación %(ref)s anulada.")
                             % {"ref": notificacion.referencia})
            return redirect("gestion:notificaciones:detalle", notificacion.pk)
    return _accion(request, notificacion, accion="anular", form=form,
                   status=400 if form.errors else 200)


# --- a new remesa ------------------------------------------------------------------------------


def _documentos_firmados(term: str):
    from expedientes.choices import EstadoDocumento
    from expedientes.models import Documento

    rows = (Documento.objects.filter(estado=EstadoDocumento.FIRMADO)
            .select_related("expediente", "expediente__procedimiento")
            .order_by("-frozen_at", "-pk"))
    term = term.strip()
    if term:
        condition = Q(titulo__icontains=term)
        if found := queries._CODIGO.fullmatch(term):
            condition |= Q(expediente__numero=int(found["numero"]),
                           expediente__year=int(found["year"]))
        rows = rows.filter(condition)
    return rows


def _destinatario(interesado, motivo: str) -> Destinatario:
    """What crear_remesa receives for one row of the «Notificar» page: an interesado of
    the expediente (InteresadoExpediente) or of the salida (registro.Interesado, whose
    legal persons carry their name in razon_social), with the ground chosen on its row."""
    from registro.choices import TipoPersona

    juridica = getattr(interesado, "tipo", "") == TipoPersona.JURIDICA
    return Destinatario(
        tipo_documento=interesado.tipo_documento, documento=interesado.documento,
        nombre=interesado.razon_social if juridica else interesado.nombre,
        apellido1=interesado.apellido1, apellido2=interesado.apellido2,
        email=interesado.email, telefono=interesado.telefono, direccion=interesado.direccion,
        obligado="" if motivo in ("", MotivoCanal.ELECCION) else motivo,
        eligio_electronica=motivo == MotivoCanal.ELECCION)


def _canal_previsto(interesado, motivo: str) -> tuple[str, str]:
    """The channel and its ground as crear_remesa will apply them (for the page): its own
    rule (actions.canal_y_motivo) on the Destinatario the form would send, so that the preview
    and the stored motivo_canal cannot disagree (a CIF starting with E, H, J or U is an
    entity without legal personality, art. 14.2.b). A ground not among the choices (a
    tampered form, refused on submit) previews as none."""
    from registro import services as registro

    if motivo not in {value for value, _label in MOTIVOS_ELEGIBLES}:
        motivo = ""
    destinatario = _destinatario(interesado, motivo)
    try:
        code, numero = registro.validar_documento(destinatario.tipo_documento,
                                                  destinatario.documento)
    except registro.RegistroError:
        # crear_remesa refuses it with its message; the ground decides the preview.
        code, numero = "", ""
    canal, motivo_canal = actions.canal_y_motivo(code, numero, destinatario)
    return Canal(canal).label, MotivoCanal(motivo_canal).label


def _sin_apoderamiento_url(interesado, procedimiento_code: str) -> str:
    """For a legal person without an apoderamiento in force for the procedure: the link
    to register one (prefilled). A legal person can only appear at the sede through a
    representative registered for it (identification carries natural persons' DNI/NIE
    only), so without one nobody can access it and it is rejected by the ten days.
    "" otherwise."""
    if not es_persona_juridica(interesado.documento):
        return ""
    if actions.apoderamiento_vigente(interesado.documento, procedimiento_code) is not None:
        return ""
    params = {"poderdante_tipo_documento": "CIF", "poderdante_documento": interesado.documento,
              "poderdante_nombre": interesado.nombre_completo,
              "procedimiento_code": procedimiento_code}
    return f"{reverse('gestion:notificaciones:apoderamiento_nuevo')}?{urlencode(params)}"


def _es_pk(raw: str) -> bool:
    """ASCII digits within a bigint: anything else ("²", 10**30) is the same 400."""
    return raw.isascii() and raw.isdigit() and len(raw) <= 18


def _crear(request: HttpRequest, form: NuevaNotificacionForm, **origen) -> HttpResponse | None:
    """On a valid POST: the remesa of `origen` (documento= or asiento_origen=) to the rows
    chosen, and the redirect to its notifications; None with the error on the form."""
    data = form.cleaned_data
    destinatarios = [_destinatario(interesado, data.get(f"motivo_{interesado.pk}", ""))
                     for interesado in data["elegidos"]]
    try:
        remesa = actions.crear_remesa(concepto=data["concepto"], destinatarios=destinatarios,
                                      acting_user=request.user, caduca_at=data["caduca_at"],
                                      **origen)
    except NotificacionError as exc:
        form.add_error(None, exc.message)
        return None
    count = len(destinatarios)
    messages.success(request, _("Remesa «%(c)s»: %(n)s notificaciones creadas.")
                     % {"c": remesa.concepto, "n": count} if count != 1 else
                     _("Remesa «%(c)s»: notificación creada.") % {"c": remesa.concepto})
    return redirect(f"{reverse('gestion:notificaciones:home')}"
                    f"?remesa={remesa.pk}&estado=todas")


def _filas(form: NuevaNotificacionForm, procedimiento_code: str) -> list[dict]:
    filas = form.filas()
    for fila in filas:
        motivo = fila["motivo"].value() if fila["motivo"] is not None else ""
        fila["canal"], fila["motivo_canal"] = _canal_previsto(fila["i"], motivo or "")
        fila["apoderamiento_url"] = _sin_apoderamiento_url(fila["i"], procedimiento_code)
    return filas


@require_http_methods(["GET", "POST"])
@shows_signing_failure
def nueva(request: HttpRequest) -> HttpResponse:
    """GET without a document: choose a signed one. With `?documento=<pk>`: the
    destinatarios among the expediente's interesados, the concept and the expiry. With
    `?asiento=<pk>`: the same from a salida of the registro, its first anexo notified
    (`_nueva_desde_asiento`)."""
    from expedientes.choices import EstadoDocumento

    if "asiento" in request.GET:
        return _nueva_desde_asiento(request, request.GET["asiento"].strip())
    raw = request.GET.get("documento", "").strip()
    if not raw:
        term = request.GET.get("q", "")[:100]
        page = Paginator(_documentos_firmados(term), PAGE_SIZE).get_page(
            request.GET.get("page"))
        return render(request, "notificaciones/gestion/elegir_documento.html",
                      {"page": page, "q": term})
    if not _es_pk(raw):
        return render(request, "notificaciones/gestion/elegir_documento.html", {
            "page": Paginator(_documentos_firmados(""), PAGE_SIZE).get_page(1), "q": "",
            "error": _("El documento indicado no es válido: elíjalo de la lista.")}, status=400)
    documento = queries.get_documento_notificable_for(request, int(raw))
    expediente = documento.expediente
    if documento.estado != EstadoDocumento.FIRMADO:
        return render(request, "notificaciones/gestion/nueva.html", {
            "documento": documento, "expediente": expediente,
            "error": _("Solo se notifican documentos firmados: «%(t)s» está «%(e)s».")
            % {"t": documento.titulo, "e": documento.get_estado_display()}}, status=400)
    interesados = expediente.interesados.order_by("pk")
    form = NuevaNotificacionForm(request.POST or None, interesados=interesados,
                                 initial={"concepto": documento.titulo[:250]})
    if request.method == "POST" and form.is_valid() and (
            response := _crear(request, form, documento=documento)) is not None:
        return response
    filas = _filas(form, (expediente.procedimiento.code or "")[:30])
    return render(request, "notificaciones/gestion/nueva.html", {
        "documento": documento, "expediente": expediente, "form": form, "filas": filas,
        "previas": queries.notificaciones_de_expediente(expediente)},
        status=400 if form.errors else 200)


def _nueva_desde_asiento(request: HttpRequest, raw: str) -> HttpResponse:
    """A remesa from a salida of the registro (libro S) whose first anexo is the content
    notified. Reading the asiento's interesados and anexo is the registro's business, so
    the user must hold the registro application too (the section itself demands the
    expedientes, as every page of the notificaciones): without it, 403 before any lookup.
    A malformed pk is 400; a missing one or another entity's, 404; an entrada, an annulled
    salida or one without anexos, 400 with the reason. The remesa has no expediente: its
    acuses are issued (CSV, verifiable) but not incorporated anywhere."""
    from registro.access import get_asiento_for
    from registro.choices import Libro

    if "registro" not in usable_applications(request):
        raise PermissionDenied(_("Para notificar desde el registro necesita también la "
                                 "aplicación del registro."))
    if not _es_pk(raw):
        return render(request, "notificaciones/gestion/nueva.html", {
            "origen": "asiento",
            "error": _("El asiento indicado no es válido: ábralo desde el registro y pulse "
                       "«Notificar».")}, status=400)
    asiento = get_asiento_for(request, int(raw))
    anexo = asiento.anexos.order_by("orden", "pk").first()
    error = ""
    if asiento.libro != Libro.SALIDA:
        error = _("El asiento %(n)s no es del libro de salida: solo se notifica desde una "
                  "salida con su documento anexo.") % {"n": asiento.numero_registro}
    elif asiento.is_anulado:
        error = _("El asiento %(n)s está anulado.") % {"n": asiento.numero_registro}
    elif anexo is None:
        error = _("El asiento %(n)s no tiene ningún documento anexo que notificar.") % {
            "n": asiento.numero_registro}
    if error:
        return render(request, "notificaciones/gestion/nueva.html", {
            "origen": "asiento", "asiento": asiento, "error": error}, status=400)
    interesados = asiento.interesados.filter(es_representante=False).order_by("orden", "pk")
    form = NuevaNotificacionForm(request.POST or None, interesados=interesados,
                                 origen="asiento", initial={"concepto": asiento.asunto[:250]})
    if request.method == "POST" and form.is_valid() and (
            response := _crear(request, form, asiento_origen=asiento)) is not None:
        return response
    filas = _filas(form, (asiento.procedimiento or "")[:30])
    previas = list(Notificacion.objects.filter(remesa__asiento_origen=asiento)
                   .select_related("remesa").order_by("-created_at", "-pk"))
    return render(request, "notificaciones/gestion/nueva.html", {
        "origen": "asiento", "asiento": asiento, "anexo": anexo, "form": form,
        "filas": filas, "previas": previas}, status=400 if form.errors else 200)


# --- apoderamientos ----------------------------------------------------------------------------


def _apoderamientos(params: dict):
    hoy = timezone.localdate()
    rows = Apoderamiento.objects.all()
    term = (params.get("q") or "").strip()
    if term:
        compact = "".join(ch for ch in term.upper() if ch.isalnum())
        condition = Q(poderdante_nombre__icontains=term) | Q(apoderado_nombre__icontains=term)
        if compact:
            condition |= Q(poderdante_documento__startswith=compact) | Q(
                apoderado_documento__startswith=compact)
        rows = rows.filter(condition)
    vigentes = Q(revocado_at__isnull=True, valido_desde__lte=hoy) & (
        Q(valido_hasta__isnull=True) | Q(valido_hasta__gte=hoy))
    if params.get("estado") == "vigentes":
        rows = rows.filter(vigentes)
    elif params.get("estado") == "revocados":
        rows = rows.filter(revocado_at__isnull=False)
    return rows.order_by("poderdante_nombre", "pk")


def apoderamientos(request: HttpRequest) -> HttpResponse:
    form = ApoderamientoBusquedaForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = Paginator(_apoderamientos(params), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notificaciones/gestion/apoderamientos.html", {
        "form": form, "page": page, "hoy": timezone.localdate()})


# What the link of the «Notificar» page may prefill in a new apoderamiento.
APODERAMIENTO_PREFILL = ("poderdante_tipo_documento", "poderdante_documento",
                         "poderdante_nombre", "procedimiento_code")


@require_http_methods(["GET", "POST"])
def apoderamiento_nuevo(request: HttpRequest) -> HttpResponse:
    initial = {"valido_desde": timezone.localdate(),
               **{name: request.GET[name][:250] for name in APODERAMIENTO_PREFILL
                  if request.GET.get(name)}}
    form = ApoderamientoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            apoderamiento = actions.registrar_apoderamiento(acting_user=request.user,
                                                            **form.cleaned_data)
        except NotificacionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Apoderamiento registrado: %(a)s puede comparecer por "
                                        "%(p)s.") % {"a": apoderamiento.apoderado_nombre,
                                                     "p": apoderamiento.poderdante_nombre})
            return redirect("gestion:notificaciones:apoderamiento", apoderamiento.pk)
    return render(request, "notificaciones/gestion/apoderamiento_nuevo.html", {"form": form},
                  status=400 if form.errors else 200)


def _apoderamiento_page(request: HttpRequest, apoderamiento: Apoderamiento, form,
                        status: int = 200) -> HttpResponse:
    return render(request, "notificaciones/gestion/apoderamiento.html", {
        "a": apoderamiento, "form": form, "hoy": timezone.localdate(),
        "notificaciones": apoderamiento.notificaciones.select_related("remesa")
        .order_by("-created_at")[:50]}, status=status)


def _motivo_revocacion(data=None) -> MotivoForm:
    form = MotivoForm(data)
    form.fields["motivo"].label = _("Motivo de la revocación")
    return form


def apoderamiento(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_apoderamiento_for(request, pk)
    return _apoderamiento_page(request, item, _motivo_revocacion())


@require_POST
def apoderamiento_revocar(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_apoderamiento_for(request, pk)
    form = _motivo_revocacion(request.POST)
    if form.is_valid():
        try:
            actions.revocar_apoderamiento(item, motivo=form.cleaned_data["motivo"],
                                          acting_user=request.user)
        except NotificacionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Apoderamiento revocado."))
            return redirect("gestion:notificaciones:apoderamiento", item.pk)
    return _apoderamiento_page(request, item, form, status=400)


# --- statistics --------------------------------------------------------------------------------


def estadisticas(request: HttpRequest) -> HttpResponse:
    data = queries.estadistica()
    return render(request, "notificaciones/gestion/estadisticas.html", {
        "e": data, "charts": queries.charts(data)})
