"""Back-office pages of the registro (under /gestion/registro/, application 'registro')."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provincial import audit, params
from provincial.documents import services as documents
from provincial.documents.views import shows_signing_failure
from registro import calendario, libro, queries, services
from registro.access import get_anexo_for, get_asiento_for, get_festivo_for, get_unidad_for
from registro.choices import EstadoIntercambio, Libro
from registro.forms import (
    UNIDAD_ORDER,
    AnularForm,
    AsientoForm,
    BusquedaForm,
    DistribuirForm,
    EnviarSIRForm,
    FestivoForm,
    InteresadoForm,
    LibroForm,
    RepresentanteForm,
    UnidadForm,
)
from registro.models import Asiento, Festivo, UnidadOrganica
from registro.services import AnexoData, InteresadoData, RegistroError

# Exchange states from which the clerk may send (or send again) through SIR.
ENVIABLES = frozenset({EstadoIntercambio.NINGUNO, EstadoIntercambio.PENDIENTE_ENVIO,
                       EstadoIntercambio.ERROR, EstadoIntercambio.RECHAZADO,
                       EstadoIntercambio.DEVUELTO})


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start_today = datetime.datetime.combine(today, datetime.time(0), tzinfo=calendario.MADRID)
    start_month = start_today.replace(day=1)
    counts = Asiento.objects.filter(fecha_presentacion__gte=start_month).aggregate(
        entradas_hoy=Count("pk", filter=Q(libro="E", fecha_presentacion__gte=start_today)),
        salidas_hoy=Count("pk", filter=Q(libro="S", fecha_presentacion__gte=start_today)),
        entradas_mes=Count("pk", filter=Q(libro="E")),
        salidas_mes=Count("pk", filter=Q(libro="S")))
    pendientes = Asiento.objects.filter(libro="E", estado="registrado").count()
    return render(request, "registro/home.html", {
        "today": today, "counts": counts, "pendientes": pendientes,
        "es_habil": calendario.es_habil(today),
        "recent": Asiento.objects.select_related("unidad").prefetch_related("interesados")
        .order_by("-fecha_presentacion")[:10]})


def lista(request: HttpRequest) -> HttpResponse:
    form = BusquedaForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.buscar(params), 25).get_page(request.GET.get("page"))
    return render(request, "registro/lista.html", {"form": form, "page": page})


def nuevo(request: HttpRequest, libro_code: str) -> HttpResponse:
    if libro_code not in ("entrada", "salida"):
        raise Http404
    libro_code = Libro.ENTRADA if libro_code == "entrada" else Libro.SALIDA
    from registro import views_padron
    from registro.access import may_consult_padron

    if request.method == "POST" and "buscar_padron" in request.POST:
        # "Buscar en el padrón" without JavaScript: the same page, the person filled in.
        form, interesado, representante = views_padron.forms_filled_from_padron(request,
                                                                                libro_code)
    elif request.method == "POST":
        form = AsientoForm(request.POST, request.FILES, libro=libro_code)
        interesado = InteresadoForm(request.POST, prefix="int")
        representante = RepresentanteForm(request.POST, prefix="rep")
        if form.is_valid() and interesado.is_valid() and representante.is_valid():
            data = form.cleaned_data
            personas = [InteresadoData(**interesado.cleaned_data)]
            if representante.is_filled:
                personas.append(InteresadoData(**representante.cleaned_data,
                                               es_representante=True))
            try:
                asiento = services.registrar(
                    libro=libro_code, canal=data["canal"], asunto=data["asunto"],
                    resumen=data["resumen"], expone=data["expone"], solicita=data["solicita"],
                    interesados=personas, unidad=data["unidad"],
                    anexos=[AnexoData(nombre=f.name, contenido=f.read())
                            for f in data["anexos"]],
                    procedimiento=data["procedimiento"],
                    es_factura=data.get("es_factura", False), acting_user=request.user,
                    idempotency_key=data["idempotency_key"] or None,
                    organismo_externo=data.get("organismo_externo", ""))
            except RegistroError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Registrado con el número %(numero)s.")
                                 % {"numero": asiento.numero_registro})
                return redirect("gestion:registro:detalle", asiento.pk)
    else:
        form = AsientoForm(libro=libro_code, initial={"idempotency_key": uuid.uuid4().hex})
        interesado = InteresadoForm(prefix="int")
        representante = RepresentanteForm(prefix="rep")
    return render(request, "registro/nuevo.html", {
        "form": form, "interesado": interesado, "representante": representante,
        "libro": libro_code, "libro_label": Libro(libro_code).label,
        "puede_consultar_padron": may_consult_padron(request)})


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = get_asiento_for(request, pk)
    principal = asiento.interesado_principal
    audit.record("registro.asiento.consulta", user=request.user, entity=request.tenant,
                 obj=asiento, subject=principal.documento if principal else "")
    from provincial.documents.models import IssuedDocument

    return render(request, "registro/detalle.html", {
        "a": asiento, "interesados": asiento.interesados.all(), "anexos": asiento.anexos.all(),
        "distribuciones": asiento.distribuciones.select_related("unidad"),
        "justificante": IssuedDocument.objects.filter(
            kind=services.JUSTIFICANTE_KIND, object_type=Asiento._meta.label,
            object_id=str(asiento.pk)).first(),
        "anular_form": AnularForm(), "distribuir_form": DistribuirForm(),
        "historial_sir": asiento.historial_sir.all(),
        "puede_enviar": not asiento.is_anulado and asiento.estado_intercambio in ENVIABLES,
        "enviar_form": EnviarSIRForm(initial={
            "destino_dir3": asiento.destino_sir_dir3,
            "destino_nombre": asiento.destino_sir_nombre,
            "unidad_destino_dir3": asiento.unidad_destino_sir_dir3}),
        "recibido_sir": asiento.recibidos_sir.first()})


def anexo(request: HttpRequest, pk: int, anexo_pk: int) -> FileResponse:
    item = get_anexo_for(request, pk, anexo_pk)
    audit.record("registro.anexo.descarga", user=request.user, entity=request.tenant,
                 obj=item.asiento, detail={"anexo": item.pk, "sha256": item.sha256})
    response = FileResponse(item.fichero.open("rb"), content_type=item.mime,
                            as_attachment=True, filename=item.nombre)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@shows_signing_failure
def justificante(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = get_asiento_for(request, pk)
    document = services.justificante(asiento)
    return redirect("gestion:registro:documento", document.pk)


@require_POST
def anular(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = get_asiento_for(request, pk)
    form = AnularForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indique el motivo de la anulación."))
    else:
        try:
            services.anular(asiento, motivo=form.cleaned_data["motivo"],
                            acting_user=request.user)
            messages.success(request, _("Asiento %(n)s anulado.") % {"n": asiento})
        except RegistroError as exc:
            messages.error(request, exc.message)
    return redirect("gestion:registro:detalle", asiento.pk)


@require_POST
def distribuir(request: HttpRequest, pk: int) -> HttpResponse:
    asiento = get_asiento_for(request, pk)
    form = DistribuirForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija una unidad activa del organigrama."))
    else:
        try:
            services.distribuir(asiento, unidad=form.cleaned_data["unidad"],
                                acting_user=request.user)
            messages.success(request, _("Distribuido a %(u)s.")
                             % {"u": form.cleaned_data["unidad"].nombre})
        except RegistroError as exc:
            messages.error(request, exc.message)
    return redirect("gestion:registro:detalle", asiento.pk)


def unidades(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_unidad_for(request, pk) if pk else None
    form = UnidadForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        unidad = form.save()
        audit.record("registro.unidad.guardar", user=request.user, entity=request.tenant,
                     obj=unidad)
        messages.success(request, _("Unidad «%(u)s» guardada.") % {"u": unidad.nombre})
        return redirect("gestion:registro:unidades")
    return render(request, "registro/unidades.html", {
        "form": form, "editing": instance,
        "unidades": UnidadOrganica.objects.select_related("padre")
        .annotate(n=Count("asientos")).order_by(*UNIDAD_ORDER)})


def festivos(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = min(max(params.get_int(request.GET, "year", default=today.year), 2000), 2100)
    form = FestivoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        festivo = form.save()
        audit.record("registro.festivo.alta", user=request.user, entity=request.tenant,
                     obj=festivo)
        messages.success(request, _("Festivo añadido: %(f)s.") % {"f": festivo})
        return redirect(f"{reverse('gestion:registro:festivos')}?year={festivo.fecha.year}")
    return render(request, "registro/festivos.html", {
        "form": form, "year": year, "years": [year - 1, year, year + 1],
        "festivos": Festivo.objects.filter(fecha__year=year),
        "habiles": len(calendario.dias_habiles(year))})


@require_POST
def festivo_borrar(request: HttpRequest, pk: int) -> HttpResponse:
    festivo = get_festivo_for(request, pk)
    audit.record("registro.festivo.baja", user=request.user, entity=request.tenant,
                 obj=festivo)
    year = festivo.fecha.year
    festivo.delete()
    messages.success(request, _("Festivo eliminado."))
    return redirect(f"{reverse('gestion:registro:festivos')}?year={year}")


@shows_signing_failure
def libro_periodo(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = LibroForm(request.GET or None, initial={
        "libro": "E", "desde": today.replace(day=1), "hasta": today, "formato": "pdf"})
    if request.GET and form.is_valid():
        data = form.cleaned_data
        asientos = queries.del_periodo(data["libro"], data["desde"], data["hasta"])
        audit.record("registro.libro.exportar", user=request.user, entity=request.tenant,
                     detail={"libro": data["libro"], "desde": str(data["desde"]),
                             "hasta": str(data["hasta"]), "formato": data["formato"]})
        name = f"libro-{data['libro']}-{data['desde']:%Y%m%d}-{data['hasta']:%Y%m%d}"
        if data["formato"] == "xlsx":
            response = HttpResponse(
                libro.xlsx(asientos), content_type="application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        else:
            document = libro.pdf(asientos, libro=data["libro"], desde=data["desde"],
                                 hasta=data["hasta"], acting_user=request.user)
            response = HttpResponse(documents.read_verified(document),
                                    content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "registro/libro.html", {"form": form})
