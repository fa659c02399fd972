"""The citizen's notificaciones in the carpeta ciudadana (/sede/carpeta/notificaciones/,
namespace `notificaciones_ciudadano`).

Who sends it, its reference and concept are shown to the identified destinatario (or
representative) before anything else, as Notific@ and the DEHú do; the document itself
only after a deliberate confirmation, which is the comparecencia (art. 43.1 Ley 39/2015)
and practises the notification. The express rejection (art. 41.5) has its own
confirmation. Both need the minimum level of identification (access.nivel_minimo), and
both are offered while actions.admite_comparecencia (pending, or a failed paper delivery,
art. 42.1). The content is served only where actions.puede_ver_contenido (accessed, or
delivered on paper), each download recorded as a consulta (actions.consultar).

A NotificacionError raised while acting (e.g. the representation revoked meanwhile) is
404 when the citizen no longer reaches the notification, otherwise 409 with its message;
a sello that cannot seal the acuse (SigningFailed) is 503 and nothing is recorded."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notificaciones import access, actions
from notificaciones.choices import EstadoNotificacion
from notificaciones.forms_ciudadano import PENDIENTES, AccederForm, FiltroForm, RechazarForm
from notificaciones.models import Notificacion
from provincial import audit
from provincial.documents.services import SigningFailed
from provincial.ratelimit import rate_limit
from sede.identificacion import ciudadano_required
from sede.views import page

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# Comparecencias, rejections and downloads per IP and minute: far above what a person
# does, low enough that a script cannot flood the evidence.
RATE_LIMIT, RATE_WINDOW = 30, 60


# --- helpers ----------------------------------------------------------------------------


def _actor(request: HttpRequest) -> actions.Actor:
    ciudadano = request.ciudadano
    return actions.Actor(documento=ciudadano.documento, nombre=ciudadano.nombre_completo,
                         metodo=ciudadano.method, nivel=ciudadano.level,
                         ip=audit.client_ip(request),
                         user_agent=request.META.get("HTTP_USER_AGENT", "")[:300])


def _ordered(queryset):
    """Pending first, the nearest deadline first; then the past ones, the latest first."""
    pendientes = EstadoNotificacion.pendientes()
    # The deadline orders only the pending group (the past ones keep theirs, now moot).
    return queryset.annotate(
        grupo=Case(When(estado__in=pendientes, then=Value(0)), default=Value(1),
                   output_field=IntegerField()),
        plazo=Case(When(estado__in=pendientes, then=F("vence_at")), default=None),
    ).order_by("grupo", F("plazo").asc(nulls_last=True),
               F("practicada_at").desc(nulls_last=True), "-created_at", "-pk")


def _identificar_url(request: HttpRequest, notificacion: Notificacion) -> str:
    target = reverse("notificaciones_ciudadano:detalle", args=[notificacion.pk])
    return f"{reverse('sede:identificacion')}?{urlencode({'next': target})}"


def _nivel_insuficiente(request: HttpRequest, notificacion: Notificacion) -> HttpResponse:
    """The page shown instead of acting when the session's level is below the minimum;
    nothing is recorded."""
    return page(request, "notificaciones/ciudadano/nivel.html", {
        "n": notificacion, "ciudadano": request.ciudadano,
        "nivel_minimo": access.nivel_minimo(),
        "identificar_url": _identificar_url(request, notificacion)}, status=403)


def _detalle(request: HttpRequest, notificacion: Notificacion, *,
             acceder_form: AccederForm | None = None, error: str = "",
             status: int = 200) -> HttpResponse:
    ciudadano = request.ciudadano
    return page(request, "notificaciones/ciudadano/detalle.html", {
        "n": notificacion, "ciudadano": ciudadano, "remesa": notificacion.remesa,
        "is_representante": access.is_representante(ciudadano, notificacion),
        "is_pendiente": notificacion.is_pendiente,
        "puede_comparecer": actions.admite_comparecencia(notificacion),
        "puede_ver_contenido": actions.puede_ver_contenido(notificacion),
        "is_rechazada": notificacion.estado in (EstadoNotificacion.RECHAZADA,
                                                EstadoNotificacion.RECHAZADA_PLAZO),
        "nivel_ok": access.nivel_suficiente(ciudadano.level),
        "nivel_minimo": access.nivel_minimo(),
        "identificar_url": _identificar_url(request, notificacion),
        "acceder_form": acceder_form or AccederForm(),
        "acuses": list(access.acuses_of(notificacion)),
        "error": error}, status=status)


# --- pages ------------------------------------------------------------------------------


@require_GET
@ciudadano_required
def lista(request: HttpRequest) -> HttpResponse:
    ciudadano = request.ciudadano
    filtro = FiltroForm(request.GET or None)
    ver = filtro.value()
    queryset = access.notificaciones_of(ciudadano)
    if ver == PENDIENTES:
        queryset = queryset.filter(estado__in=EstadoNotificacion.pendientes())
    results = Paginator(_ordered(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record("notificaciones.ciudadano.consulta", entity=request.tenant,
                 subject=ciudadano.documento)
    return page(request, "notificaciones/ciudadano/lista.html", {
        "ciudadano": ciudadano, "page": results, "ver": ver,
        "pendientes": access.pendientes_of(ciudadano).count()})


@require_GET
@ciudadano_required
def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    notificacion = access.get_notificacion_of(request.ciudadano, pk)
    audit.record("notificaciones.ciudadano.consulta", entity=request.tenant, obj=notificacion,
                 subject=notificacion.documento)
    return _detalle(request, notificacion)


@require_POST
@ciudadano_required
@rate_limit("sede-notificaciones", limit=RATE_LIMIT, seconds=RATE_WINDOW)
def acceder(request: HttpRequest, pk: int) -> HttpResponse:
    """The comparecencia: with the box ticked, the content is opened and the notification
    practised; then the detail offers the document and the acuse."""
    notificacion = access.get_notificacion_of(request.ciudadano, pk)
    if not actions.admite_comparecencia(notificacion):
        return redirect("notificaciones_ciudadano:detalle", pk=notificacion.pk)
    if not access.nivel_suficiente(request.ciudadano.level):
        return _nivel_insuficiente(request, notificacion)
    form = AccederForm(request.POST)
    if not form.is_valid():
        return _detalle(request, notificacion, acceder_form=form, status=400)
    try:
        notificacion = actions.acceder(notificacion, _actor(request))
    except actions.NotificacionError as exc:
        # Shown on the notification as it now is (perhaps just rejected by its deadline);
        # 404 if the citizen no longer reaches it.
        return _detalle(request, access.get_notificacion_of(request.ciudadano, pk),
                        error=exc.message, status=409)
    except SigningFailed as exc:
        logger.warning("notificaciones: access to %s not recorded: %s", notificacion.pk,
                       exc.message)
        return _detalle(request, notificacion, status=503, error=_(
            "No se ha registrado el acceso: no se ha podido sellar su acuse con el sello de "
            "órgano de la entidad. No se ha guardado nada y la notificación sigue como "
            "estaba. Inténtelo de nuevo más tarde."))
    except DatabaseError:
        logger.exception("notificaciones: access to %s not recorded", notificacion.pk)
        return _detalle(request, notificacion, status=503, error=_(
            "No se ha podido registrar el acceso por un problema técnico; no se ha guardado "
            "nada. Inténtelo de nuevo dentro de unos minutos."))
    if notificacion.estado != EstadoNotificacion.ACCEDIDA:
        # Practised meanwhile by another means (e.g. delivered on paper).
        messages.info(request, _("La notificación %(ref)s ya estaba practicada: %(e)s.")
                      % {"ref": notificacion.referencia,
                         "e": notificacion.get_estado_display()})
    else:
        messages.success(request, _("Ha accedido al contenido de la notificación "
                                    "%(ref)s: queda practicada con fecha y hora "
                                    "%(at)s.") % {
            "ref": notificacion.referencia,
            "at": _local(notificacion.practicada_at)})
    return redirect("notificaciones_ciudadano:detalle", pk=notificacion.pk)


@require_http_methods(["GET", "POST"])
@ciudadano_required
@rate_limit("sede-notificaciones", limit=RATE_LIMIT, seconds=RATE_WINDOW)
def rechazar(request: HttpRequest, pk: int) -> HttpResponse:
    """The express rejection (art. 41.5): its own page explains the consequence and asks
    for confirmation; only the confirmed POST rejects."""
    notificacion = access.get_notificacion_of(request.ciudadano, pk)
    if not actions.admite_comparecencia(notificacion):
        return redirect("notificaciones_ciudadano:detalle", pk=notificacion.pk)
    if not access.nivel_suficiente(request.ciudadano.level):
        return _nivel_insuficiente(request, notificacion)
    form, error, status = RechazarForm(), "", 200
    # The detail's button posts without "confirmar": it only opens this page.
    if request.method == "POST" and "confirmar" in request.POST:
        form = RechazarForm(request.POST)
        if form.is_valid():
            try:
                notificacion = actions.rechazar(notificacion, _actor(request))
            except actions.NotificacionError as exc:
                # 404 if the citizen no longer reaches it (e.g. representation revoked).
                notificacion = access.get_notificacion_of(request.ciudadano, pk)
                error, status = exc.message, 409
            except SigningFailed as exc:
                logger.warning("notificaciones: rejection of %s not recorded: %s",
                               notificacion.pk, exc.message)
                error, status = _("No se ha registrado el rechazo: no se ha podido sellar su "
                                  "acuse con el sello de órgano de la entidad. No se ha "
                                  "guardado nada y la notificación sigue pendiente. Inténtelo "
                                  "de nuevo más tarde."), 503
            except DatabaseError:
                logger.exception("notificaciones: rejection of %s not recorded",
                                 notificacion.pk)
                error, status = _("No se ha podido registrar el rechazo por un problema "
                                  "técnico; no se ha guardado nada. Inténtelo de nuevo "
                                  "dentro de unos minutos."), 503
            else:
                messages.success(request, _("Ha rechazado la notificación %(ref)s. Se tiene "
                                            "por efectuado el trámite.")
                                 % {"ref": notificacion.referencia})
                return redirect("notificaciones_ciudadano:detalle", pk=notificacion.pk)
        else:
            status = 400
    return page(request, "notificaciones/ciudadano/rechazar.html", {
        "n": notificacion, "ciudadano": request.ciudadano, "remesa": notificacion.remesa,
        "is_representante": access.is_representante(request.ciudadano, notificacion),
        "form": form, "error": error}, status=status)


@require_GET
@ciudadano_required
@rate_limit("sede-notificaciones", limit=RATE_LIMIT, seconds=RATE_WINDOW, methods=("GET",))
def contenido(request: HttpRequest, pk: int) -> HttpResponse:
    """The document notified, where actions.puede_ver_contenido (accessed, or delivered on
    paper); each download is recorded as a consulta. Before access it does not exist for
    the citizen (404), and after a rejection (express or by the passing of the ten days),
    an expiry or an annulment the sede does not deliver it as notified either."""
    notificacion = access.get_notificacion_of(request.ciudadano, pk)
    if not actions.puede_ver_contenido(notificacion):
        raise Http404
    if not access.nivel_suficiente(request.ciudadano.level):
        return _nivel_insuficiente(request, notificacion)
    try:
        # Read and checked against its hash before the consulta is recorded: a download
        # that cannot be served records nothing.
        nombre, mime, content = actions.consultar(notificacion, _actor(request))
    except actions.ContenidoAlterado as exc:
        # The stored file does not match its hash: the server's fault (logged).
        return _detalle(request, notificacion, error=exc.message, status=500)
    except actions.NotificacionError as exc:
        return _detalle(request, access.get_notificacion_of(request.ciudadano, pk),
                        error=exc.message, status=409)
    response = HttpResponse(content, content_type=mime or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        True, nombre or f"{notificacion.referencia}.pdf")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@ciudadano_required
def acuse(request: HttpRequest, pk: int, evento_pk: int) -> HttpResponse:
    from provincial.documents.services import read_verified

    evento = access.get_evento_con_acuse_of(request.ciudadano, pk, evento_pk)
    document = evento.acuse
    audit.record("notificaciones.acuse.descarga", entity=request.tenant, obj=document,
                 subject=evento.notificacion.documento)
    response = HttpResponse(read_verified(document), content_type=document.mime_type)
    response["Content-Disposition"] = content_disposition_header(True, document.download_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _local(moment) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "d/m/Y H:i:s") if moment else ""
