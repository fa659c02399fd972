"""Back-office pages of the sede (under /gestion/sede/, application 'sede'): the procedures
catalogue and the tablón de anuncios. The submissions themselves are in the registro."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sede import access, actions_gestion
from sede import documents as sede_documents
from sede.actions_gestion import GestionError
from sede.forms_gestion import EdictoForm, ProcedimientoForm, ProcedimientoSearchForm, RetirarForm
from sede.models import Edicto, Presentacion, Procedimiento
from sede.views import _document_response, _search, edicto_pdf_response

PAGE_SIZE = 25
TABLON_STATES = {
    "vigentes": gettext_lazy("Expuestos"),
    "programados": gettext_lazy("Programados"),
    "finalizados": gettext_lazy("Finalizados"),
}


def _paginate(request: HttpRequest, queryset) -> object:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _with_presentaciones(queryset: QuerySet[Procedimiento]) -> QuerySet[Procedimiento]:
    counts = (Presentacion.objects.filter(procedimiento=OuterRef("pk"), asiento_id__isnull=False)
              .order_by().values("procedimiento").annotate(n=Count("pk")).values("n"))
    return queryset.annotate(presentaciones=Coalesce(
        Subquery(counts, output_field=IntegerField()), Value(0)))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    procedimientos = Procedimiento.objects.aggregate(
        activos=Count("pk", filter=Q(is_active=True)),
        inactivos=Count("pk", filter=Q(is_active=False)))
    recent = (Presentacion.objects.filter(asiento_id__isnull=False)
              .select_related("procedimiento").only(
                  "asiento_id", "numero_registro", "registered_at", "procedimiento__name",
                  "procedimiento__code").order_by("-registered_at")[:10])
    return render(request, "sede/gestion/home.html", {
        "procedimientos": procedimientos, "tablon": _tablon_counts(now), "recent": recent,
        "presentaciones_total": Presentacion.objects.filter(asiento_id__isnull=False).count()})


# --- procedures ---------------------------------------------------------------------------


@require_GET
def procedimiento_list(request: HttpRequest) -> HttpResponse:
    form = ProcedimientoSearchForm(request.GET or None)
    estado = form.cleaned_data["estado"] if form.is_valid() else ""
    queryset = _with_presentaciones(Procedimiento.objects.defer("description", "requisitos"))
    if estado:
        queryset = queryset.filter(is_active=estado == "activos")
    _form, q, queryset = _search(queryset, request, ("code", "name", "organo"))
    return render(request, "sede/gestion/procedimiento_list.html", {
        "form": form, "q": q, "page": _paginate(request, queryset.order_by("name", "pk"))})


@require_http_methods(["GET", "POST"])
def procedimiento_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    procedimiento = access.get_procedimiento_for_gestion(pk) if pk else Procedimiento()
    used = bool(pk) and actions_gestion.has_presentaciones(procedimiento)
    form = ProcedimientoForm(request.POST or None, instance=procedimiento, code_locked=used)
    if request.method == "POST" and form.is_valid():
        procedimiento = actions_gestion.save_procedimiento(form.instance,
                                                           acting_user=request.user)
        messages.success(request, _("Procedimiento «%(name)s» guardado.")
                         % {"name": procedimiento.name})
        return redirect("gestion:sede_gestion:procedimiento", procedimiento.pk)
    return render(request, "sede/gestion/procedimiento_form.html", {
        "form": form, "procedimiento": procedimiento if pk else None, "used": used})


@require_POST
def procedimiento_estado(request: HttpRequest, pk: int) -> HttpResponse:
    procedimiento = access.get_procedimiento_for_gestion(pk)
    activate = request.POST.get("activo") == "1"
    actions_gestion.set_procedimiento_active(procedimiento, activate, acting_user=request.user)
    messages.success(request, (_("El procedimiento «%(name)s» se ofrece de nuevo en la sede.")
                               if activate else
                               _("El procedimiento «%(name)s» ya no se ofrece en la sede."))
                     % {"name": procedimiento.name})
    return redirect("gestion:sede_gestion:procedimiento", procedimiento.pk)


@require_POST
def procedimiento_borrar(request: HttpRequest, pk: int) -> HttpResponse:
    procedimiento = access.get_procedimiento_for_gestion(pk)
    try:
        actions_gestion.delete_procedimiento(procedimiento, acting_user=request.user)
    except GestionError as exc:
        messages.error(request, str(exc))
        return redirect("gestion:sede_gestion:procedimiento", procedimiento.pk)
    messages.success(request, _("Procedimiento «%(name)s» borrado.")
                     % {"name": procedimiento.name})
    return redirect("gestion:sede_gestion:procedimientos")


# --- tablón de anuncios -------------------------------------------------------------------


def _tablon_counts(now) -> dict[str, int]:
    return Edicto.objects.aggregate(
        vigentes=Count("pk", filter=Q(publish_from__lte=now, publish_until__gt=now)),
        programados=Count("pk", filter=Q(publish_from__gt=now)),
        finalizados=Count("pk", filter=Q(publish_until__lte=now)))


@require_GET
def tablon(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    estado = request.GET.get("estado", "vigentes")
    if estado not in TABLON_STATES:
        estado = "vigentes"
    queryset = {"vigentes": Edicto.objects.published(now).order_by("publish_until", "pk"),
                "programados": Edicto.objects.scheduled(now).order_by("publish_from", "pk"),
                "finalizados": Edicto.objects.archived(now).order_by("-publish_until", "-pk"),
                }[estado].defer("body")
    form, q, queryset = _search(queryset, request, ("title", "body", "organo"))
    counts = _tablon_counts(now)
    tabs = [{"code": code, "label": label, "count": counts[code], "active": code == estado}
            for code, label in TABLON_STATES.items()]
    return render(request, "sede/gestion/tablon.html", {
        "form": form, "q": q, "estado": estado, "tabs": tabs, "now": now,
        "page": _paginate(request, queryset)})


def _save_edicto(request: HttpRequest, form: EdictoForm, *, creating: bool) -> HttpResponse:
    action = actions_gestion.create_edicto if creating else actions_gestion.update_edicto
    try:
        edicto = action(form.instance, content=form.document_content,
                        sha256=form.document_sha256, acting_user=request.user)
    except GestionError as exc:
        messages.error(request, str(exc))
        return redirect("gestion:sede_gestion:edicto", form.instance.pk)
    if edicto.is_published():
        messages.success(request, _("Edicto publicado: ya figura en el tablón de anuncios."))
    else:
        messages.success(request, _("Edicto guardado: se publicará el %(date)s.") % {
            "date": timezone.localtime(edicto.publish_from).strftime("%d/%m/%Y %H:%M")})
    return redirect("gestion:sede_gestion:edicto", edicto.pk)


@require_http_methods(["GET", "POST"])
def edicto_nuevo(request: HttpRequest) -> HttpResponse:
    form = EdictoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _save_edicto(request, form, creating=True)
    return render(request, "sede/gestion/edicto_form.html", {"form": form, "edicto": None})


@require_http_methods(["GET", "POST"])
def edicto_editar(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_edicto_for_gestion(pk)
    if not edicto.is_scheduled():
        messages.error(request, _("El edicto ya se ha publicado y no se puede modificar; "
                                  "puede retirarlo indicando el motivo."))
        return redirect("gestion:sede_gestion:edicto", edicto.pk)
    form = EdictoForm(request.POST or None, request.FILES or None, instance=edicto)
    if request.method == "POST" and form.is_valid():
        return _save_edicto(request, form, creating=False)
    return render(request, "sede/gestion/edicto_form.html", {"form": form, "edicto": edicto})


@require_GET
def edicto_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_edicto_for_gestion(pk)
    return render(request, "sede/gestion/edicto_detail.html", {
        "edicto": edicto, "retirar_form": RetirarForm(), "now": timezone.now()})


@require_POST
def edicto_retirar(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_edicto_for_gestion(pk)
    form = RetirarForm(request.POST)
    if not form.is_valid():
        return render(request, "sede/gestion/edicto_detail.html", {
            "edicto": edicto, "retirar_form": form, "now": timezone.now()}, status=400)
    try:
        actions_gestion.retirar_edicto(edicto, reason=form.cleaned_data["reason"],
                                       acting_user=request.user)
    except GestionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Edicto retirado del tablón de anuncios."))
    return redirect("gestion:sede_gestion:edicto", edicto.pk)


@require_POST
def edicto_borrar(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_edicto_for_gestion(pk)
    try:
        actions_gestion.delete_edicto(edicto, acting_user=request.user)
    except GestionError as exc:
        messages.error(request, str(exc))
        return redirect("gestion:sede_gestion:edicto", edicto.pk)
    messages.success(request, _("Edicto «%(title)s» borrado.") % {"title": edicto.title})
    return redirect(reverse("gestion:sede_gestion:tablon") + "?estado=programados")


@require_GET
def edicto_documento(request: HttpRequest, pk: int) -> HttpResponse:
    # Not yet public while scheduled: not to be kept by shared caches.
    response = edicto_pdf_response(access.get_edicto_for_gestion(pk))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def edicto_diligencia(request: HttpRequest, pk: int) -> HttpResponse:
    edicto = access.get_edicto_for_gestion(pk)
    if not edicto.has_ended():
        raise Http404
    return _document_response(sede_documents.diligencia(edicto), inline=False)
