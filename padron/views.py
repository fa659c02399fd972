"""Back-office pages of the padrón (under /gestion/padron/, application 'padron')."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from padron import actions
from padron.access import get_habitante_for, get_hoja_for
from padron.choices import Sexo
from padron.forms import (
    AltaForm,
    BajaForm,
    BusquedaForm,
    CambioDomicilioForm,
    DomicilioForm,
    ModificacionForm,
    PersonaForm,
)
from padron.models import ErrorINE, Habitante, Movimiento, MovimientoAdjunto
from padron.queries import filter_habitantes
from provincial import audit, params
from tenants.views import form_errors_to


def _ctx(request, form) -> actions.Contexto:
    data = form.cleaned_data
    return actions.Contexto(acting_user=request.user, documentos=data.get("documentos", ""),
                            observaciones=data.get("observaciones", ""),
                            adjuntos=data.get("adjuntos") or [])


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    counts = Habitante.objects.aggregate(
        inscritos=Count("pk", filter=Q(is_registered=True)),
        hombres=Count("pk", filter=Q(is_registered=True, sexo="1")),
        mujeres=Count("pk", filter=Q(is_registered=True, sexo="6")))
    month = Movimiento.objects.filter(fecha__gte=first_of_month).aggregate(
        altas=Count("pk", filter=Q(tipo="A")), bajas=Count("pk", filter=Q(tipo="B")))
    return render(request, "padron/home.html", {
        "counts": counts, "month": month, "today": today,
        "renewals": actions.renewals_due().count(), "caducadas": actions.caducadas().count(),
        "errores": ErrorINE.objects.filter(processed_at__isnull=True).count(),
        "recent": Movimiento.objects.select_related("habitante").order_by("-created_at")[:8],
    })


def habitante_list(request: HttpRequest) -> HttpResponse:
    form = BusquedaForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = Paginator(filter_habitantes(params), 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "padron/habitante_list.html", {
        "form": form, "page": page, "today": today, "query_string": query.urlencode()})


def habitante_detail(request: HttpRequest, pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    audit.record("padron.habitante.view", user=request.user, entity=request.tenant,
                 obj=habitante, subject=habitante.documento)
    today = timezone.localdate()
    convivientes = actions.convivientes(habitante.hoja, today) if habitante.hoja_id else []
    return render(request, "padron/habitante_detail.html", {
        "h": habitante, "today": today, "convivientes": convivientes,
        "movimientos": habitante.movimientos.prefetch_related("adjuntos")
        .order_by("-fecha", "-created_at"),
        "periodos": _with_address_then(
            habitante.periodos.select_related("domicilio__via", "seccion__distrito")
            .prefetch_related("domicilio__via__names__tipo").order_by("-desde")),
        "errores": habitante.errores_ine.all(),
        "blocked": habitante.is_blocked,
    })


def _with_address_then(periods) -> list:
    """Each period with its address as the street was named when the period began."""
    periods = list(periods)
    for period in periods:
        period.address_then = period.domicilio.label(period.desde)
    return periods


def alta(request: HttpRequest) -> HttpResponse:
    hoja_pk = params.get_int(request.GET, "hoja")
    hoja = get_hoja_for(request, hoja_pk) if hoja_pk is not None else None
    post = request.POST or None
    persona, domicilio, movimiento = PersonaForm(post, prefix="p"), \
        DomicilioForm(post, prefix="d"), AltaForm(post, request.FILES or None, prefix="m")
    if hoja is not None:
        domicilio = None
    if request.method == "POST" and persona.is_valid() and movimiento.is_valid() and \
            (domicilio is None or domicilio.is_valid()):
        data = movimiento.cleaned_data
        try:
            # Every mistake at once: the address and the person are checked before saving.
            problems: dict[str, list] = {}
            address = hoja.domicilio if hoja else None
            if hoja is None:
                try:
                    address = actions.domicilio_for(date=data["fecha"],
                                                    **domicilio.domicilio_kwargs())
                except ValidationError as exc:
                    problems.update(exc.message_dict)
            try:
                actions.validate_persona(persona.cleaned_data, data["fecha"])
            except ValidationError as exc:
                problems.update(exc.message_dict)
            if problems:
                raise ValidationError(problems)
            habitante = actions.dar_de_alta(
                persona.cleaned_data, causa=data["causa"], fecha=data["fecha"], domicilio=address,
                hoja=hoja, ctx=_ctx(request, movimiento), procedencia=data["procedencia"],
                consulado=data["consulado"], residencia_permanente=data["residencia_permanente"])
        except actions.DuplicateHabitante as exc:
            form_errors_to(persona, exc)
            return render(request, "padron/alta.html", {
                "persona": persona, "domicilio": domicilio, "movimiento": movimiento,
                "hoja": hoja, "duplicate": exc.existing}, status=200)
        except ValidationError as exc:
            _spread_errors(exc, persona, domicilio, movimiento)
        else:
            # Spanish agrees with the person: "inscrita" for a woman.
            message = _("%(name)s inscrita con NIA %(nia)s.") if habitante.sexo == Sexo.MUJER \
                else _("%(name)s inscrito con NIA %(nia)s.")
            messages.success(request, message % {"name": habitante.full_name,
                                                 "nia": habitante.nia})
            return redirect("gestion:padron:detail", pk=habitante.pk)
    return render(request, "padron/alta.html", {"persona": persona, "domicilio": domicilio,
                                                "movimiento": movimiento, "hoja": hoja})


def _spread_errors(exc: ValidationError, *forms) -> None:
    """Put each error next to the field of whichever form has it."""
    forms = [f for f in forms if f is not None]
    if not hasattr(exc, "error_dict"):
        forms[-1].add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = next((f for f in forms if field in f.fields), forms[-1])
        target.add_error(field if field in target.fields else None, errors)


def baja(request: HttpRequest, pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    form = BajaForm(request.POST or None, request.FILES or None, initial={"version": habitante.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.dar_de_baja(habitante, causa=data["causa"], fecha=data["fecha"],
                                ctx=_ctx(request, form), destino=data["destino"],
                                consulado=data["consulado"], expected_version=data["version"])
        except ValidationError as exc:
            _spread_errors(exc, form)
        else:
            messages.success(request, _("Baja registrada."))
            return redirect("gestion:padron:detail", pk=habitante.pk)
    return render(request, "padron/operacion.html", {
        "h": habitante, "form": form, "title": _("Baja en el padrón")})


def modificar(request: HttpRequest, pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    initial = {field: getattr(habitante, field) for field in actions.PERSONAL_FIELDS}
    initial["version"] = habitante.version
    form = ModificacionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cambios = {k: v for k, v in data.items() if k in actions.PERSONAL_FIELDS}
        try:
            actions.modificar_datos(habitante, cambios, fecha=data["fecha"],
                                    ctx=_ctx(request, form), expected_version=data["version"])
        except ValidationError as exc:
            _spread_errors(exc, form)
        else:
            messages.success(request, _("Datos modificados."))
            return redirect("gestion:padron:detail", pk=habitante.pk)
    return render(request, "padron/operacion.html", {
        "h": habitante, "form": form, "title": _("Modificación de datos personales")})


def cambio_domicilio(request: HttpRequest, pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    form = CambioDomicilioForm(request.POST or None, request.FILES or None, initial={"version": habitante.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            address = actions.domicilio_for(date=data["fecha"], **form.domicilio_kwargs())
            actions.cambiar_domicilio(habitante, address, fecha=data["fecha"],
                                      ctx=_ctx(request, form), expected_version=data["version"])
        except ValidationError as exc:
            _spread_errors(exc, form)
        else:
            messages.success(request, _("Cambio de domicilio registrado."))
            return redirect("gestion:padron:detail", pk=habitante.pk)
    return render(request, "padron/operacion.html", {
        "h": habitante, "form": form, "title": _("Cambio de domicilio")})


@require_POST
def renovar(request: HttpRequest, pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    try:
        actions.renovar(habitante, fecha=timezone.localdate(),
                        ctx=actions.Contexto(acting_user=request.user),
                        expected_version=params.get_int(request.POST, "version",
                                                        default=habitante.version))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Inscripción renovada por dos años."))
    return redirect("gestion:padron:detail", pk=habitante.pk)


def adjunto(request: HttpRequest, pk: int, adjunto_pk: int) -> HttpResponse:
    """A supporting document of one of the inhabitant's operations."""
    from django.http import FileResponse, Http404

    habitante = get_habitante_for(request, pk)
    found = MovimientoAdjunto.objects.filter(pk=adjunto_pk, movimiento__habitante=habitante).first()
    if found is None:
        raise Http404
    audit.record("padron.adjunto.descarga", user=request.user, entity=request.tenant, obj=found,
                 subject=habitante.documento)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type,
                            filename=found.name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def tratar_error(request: HttpRequest, pk: int, error_pk: int) -> HttpResponse:
    habitante = get_habitante_for(request, pk)
    error = habitante.errores_ine.filter(pk=error_pk).first()
    if error is not None:
        try:
            actions.tratar_error_ine(error, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Error del INE marcado como tratado."))
    return redirect("gestion:padron:detail", pk=habitante.pk)


def hoja_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hoja = get_hoja_for(request, pk)
    date = params.get_date(request.GET, "fecha", default=timezone.localdate())
    return render(request, "padron/hoja_detail.html", {
        "hoja": hoja, "date": date, "convivientes": actions.convivientes(hoja, date),
        "historia": hoja.periodos.select_related("habitante").order_by("desde")})


def avisos(request: HttpRequest) -> HttpResponse:
    return render(request, "padron/avisos.html", {
        "renewals": actions.renewals_due().select_related("hoja__domicilio")[:500],
        "caducadas": actions.caducadas()[:500],
        "errores": ErrorINE.objects.filter(processed_at__isnull=True)
        .select_related("habitante")[:500],
        "today": timezone.localdate()})


def en_fecha(request: HttpRequest) -> HttpResponse:
    date = params.get_date(request.GET, "fecha", default=timezone.localdate())
    periods = actions.padron_en_fecha(date).select_related("domicilio__via", "seccion__distrito") \
        .prefetch_related("domicilio__via__names__tipo") \
        .order_by("hoja__number", "habitante__fecha_nacimiento")
    page = Paginator(periods, 50).get_page(request.GET.get("page"))
    for period in page:
        # The street as it was named on that date, not today.
        period.address_then = period.domicilio.label(date)
    return render(request, "padron/en_fecha.html", {"date": date, "page": page,
                                                    "total": page.paginator.count,
                                                    "query_string": f"fecha={date.isoformat()}"})


