"""Back-office pages of the expedientes (under /gestion/expedientes/, application
'expedientes'): the dashboard, the list, opening, and the expediente's tabs. The POST
endpoints of its actions are in views_acciones."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from expedientes import access, actions, flujo, plazos, queries
from expedientes.actions import ExpedienteError, InteresadoData
from expedientes.forms import (
    AmpliarForm,
    AsientoBusquedaForm,
    AsignarTareaForm,
    BusquedaForm,
    DatosForm,
    DesdeAsientoForm,
    EventoPlazoForm,
    ExpedienteForm,
    FaseForm,
    InteresadoForm,
    MotivoForm,
    OptionalInteresadoForm,
    TareaForm,
)
from expedientes.models import Expediente
from expedientes.views_informes import barras
from provincial import audit

DOCUMENTOS_TEMPLATE = "expedientes/documentos/_tabla.html"
REMISIONES_TEMPLATE = "expedientes/eni/_remisiones.html"

# The tabs of an expediente: (url name, label); each is expedientes/_tab_<slug>.html.
TABS = [
    ("detalle", gettext_lazy("Datos")),
    ("detalle_interesados", gettext_lazy("Interesados")),
    ("detalle_documentos", gettext_lazy("Documentos")),
    ("detalle_tareas", gettext_lazy("Tareas")),
    ("detalle_plazo", gettext_lazy("Plazo")),
    ("detalle_historial", gettext_lazy("Historial")),
    ("detalle_remisiones", gettext_lazy("Remisiones")),
]

# State changes offered on the datos tab, in this order: (action, button, form label).
CAMBIOS_DE_ESTADO = [
    (flujo.RESOLVER, gettext_lazy("Marcar como resuelto"),
     gettext_lazy("Resolución (número, fecha y sentido)")),
    (flujo.CERRAR, gettext_lazy("Cerrar"), gettext_lazy("Motivo del cierre")),
    (flujo.ARCHIVAR, gettext_lazy("Archivar"), gettext_lazy("Motivo del archivo")),
    (flujo.REABRIR, gettext_lazy("Reabrir"), gettext_lazy("Motivo de la reapertura")),
    (flujo.ANULAR, gettext_lazy("Anular"), gettext_lazy("Motivo de la anulación")),
]


def template_exists(name: str) -> bool:
    """Whether another part's partial is there yet (the tab shows a fallback until then)."""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def home(request: HttpRequest) -> HttpResponse:
    data = queries.resumen(request.user.pk)
    return render(request, "expedientes/home.html", {
        **data, "chart_procedimientos": barras(data["por_procedimiento"]),
        "total": sum(row["n"] for row in data["por_estado"])})


def lista(request: HttpRequest) -> HttpResponse:
    form = BusquedaForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    page = Paginator(queries.buscar(params, user_id=request.user.pk), 25).get_page(
        request.GET.get("page"))
    return render(request, "expedientes/lista.html", {"form": form, "page": page})


def _interesados(form: OptionalInteresadoForm) -> list[InteresadoData]:
    return [InteresadoData(**form.cleaned_data)] if form.is_filled else []


@require_http_methods(["GET", "POST"])
def nuevo(request: HttpRequest) -> HttpResponse:
    """A new expediente de oficio."""
    form = ExpedienteForm(request.POST or None)
    interesado = OptionalInteresadoForm(request.POST or None, prefix="int")
    if request.method == "POST" and form.is_valid() and interesado.is_valid():
        data = form.cleaned_data
        try:
            expediente = actions.abrir(
                data["procedimiento"], asunto=data["asunto"], interesados=_interesados(interesado),
                acting_user=request.user, responsable=data["responsable"],
                fecha_inicio=data["fecha_inicio"])
        except ExpedienteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Abierto el expediente %(c)s.") % {"c": expediente.codigo})
            return redirect("gestion:expedientes:detalle", expediente.pk)
    return render(request, "expedientes/nuevo.html", {"form": form, "interesado": interesado})


def nuevo_desde_registro(request: HttpRequest) -> HttpResponse:
    """Pick an entry of the registro not yet in an expediente."""
    from registro import queries as registro_queries

    form = AsientoBusquedaForm(request.GET or None)
    asientos = access.asientos_sin_expediente()
    term = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if term:
        by_number = registro_queries.buscar({"numero": term}).values("pk")
        by_text = registro_queries.buscar({"texto": term}).values("pk")
        by_person = registro_queries.buscar({"interesado": term}).values("pk")
        asientos = asientos.filter(Q(pk__in=by_number) | Q(pk__in=by_text)
                                   | Q(pk__in=by_person))
    page = Paginator(asientos.order_by("-fecha_presentacion", "-numero"), 20).get_page(
        request.GET.get("page"))
    return render(request, "expedientes/desde_registro.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
def nuevo_desde_asiento(request: HttpRequest, asiento_pk: int) -> HttpResponse:
    asiento = access.get_asiento_libre_for(request, asiento_pk)
    form = DesdeAsientoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expediente = actions.abrir_desde_asiento(
                asiento, data["procedimiento"], acting_user=request.user,
                asunto=data["asunto"], responsable=data["responsable"])
        except ExpedienteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Abierto el expediente %(c)s desde el asiento %(n)s.")
                             % {"c": expediente.codigo, "n": asiento.numero_registro})
            return redirect("gestion:expedientes:detalle", expediente.pk)
    return render(request, "expedientes/desde_asiento.html", {
        "form": form, "asiento": asiento, "interesados": asiento.interesados.all(),
        "anexos": asiento.anexos.all()})


# --- the expediente and its tabs ------------------------------------------------------------


def _render_tab(request: HttpRequest, expediente: Expediente, tab: str, context: dict,
                *, status: int = 200) -> HttpResponse:
    principal = expediente.interesados.order_by("pk").first()
    audit.record("expedientes.expediente.consulta", user=request.user, entity=request.tenant,
                 obj=expediente, subject=principal.documento if principal else "",
                 detail={"pestaña": tab})
    return render(request, "expedientes/detalle.html", {
        "e": expediente, "tab": tab, "tabs": TABS, "acciones": flujo.acciones(expediente),
        "tab_template": "expedientes/_tab_{}.html".format(
            "datos" if tab == "detalle" else tab.removeprefix("detalle_")),
        **context}, status=status)


def detalle(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    acciones = flujo.acciones(expediente)
    cambios = [{"accion": accion, "boton": boton,
                "form": MotivoForm(prefix=accion, initial={}),
                "label": label} for accion, boton, label in CAMBIOS_DE_ESTADO
               if accion in acciones]
    for cambio in cambios:
        cambio["form"].fields["motivo"].label = cambio["label"]
    return _render_tab(request, expediente, "detalle", {
        "datos_form": DatosForm(initial={"asunto": expediente.asunto,
                                         "responsable": str(expediente.responsable_id or "")}),
        "fase_form": FaseForm(fases=expediente.procedimiento.fases or [],
                              initial={"fase": expediente.fase})
        if expediente.procedimiento.fases else None,
        "cambios": cambios, "asiento": _asiento(expediente)})


def _asiento(expediente: Expediente):
    if not expediente.asiento_id:
        return None
    from registro.models import Asiento

    return Asiento.objects.filter(pk=expediente.asiento_id).first()


@require_http_methods(["GET", "POST"])
def detalle_interesados(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    form = InteresadoForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.anadir_interesado(expediente, InteresadoData(**form.cleaned_data),
                                          acting_user=request.user)
            except ExpedienteError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Interesado añadido."))
                return redirect("gestion:expedientes:detalle_interesados", expediente.pk)
        status = 400
    return _render_tab(request, expediente, "detalle_interesados", {
        "interesados": expediente.interesados.all(), "form": form}, status=status)


def detalle_documentos(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    return _render_tab(request, expediente, "detalle_documentos", {
        "documentos": expediente.documentos.all(),
        "documentos_template": DOCUMENTOS_TEMPLATE
        if template_exists(DOCUMENTOS_TEMPLATE) else ""})


@require_http_methods(["GET", "POST"])
def detalle_tareas(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    form = TareaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.crear_tarea(expediente, titulo=data["titulo"],
                                    descripcion=data["descripcion"],
                                    asignada_a=data["asignada_a"], due_date=data["due_date"],
                                    acting_user=request.user)
            except ExpedienteError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Tarea creada."))
                return redirect("gestion:expedientes:detalle_tareas", expediente.pk)
        status = 400
    return _render_tab(request, expediente, "detalle_tareas", {
        "tareas": expediente.tareas.all(), "form": form, "asignar_form": AsignarTareaForm(),
        "cancelar_form": MotivoForm()}, status=status)


def detalle_plazo(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    computo = plazos.computo_de(expediente)
    ampliar = AmpliarForm()
    ampliar.fields["dias"].max_value = computo.ampliacion_disponible or None
    ampliar.fields["dias"].help_text = _(
        "Quedan %(n)s %(unidad)s de ampliación posibles (la mitad del plazo en total).") % {
        "n": computo.ampliacion_disponible,
        "unidad": plazos.unidad_ampliacion(expediente.procedimiento.plazo_unidad).label}
    return _render_tab(request, expediente, "detalle_plazo", {
        "computo": computo, "eventos": expediente.eventos_plazo.all(),
        "evento_form": EventoPlazoForm(), "ampliar_form": ampliar,
        "procedimiento": expediente.procedimiento})


def detalle_historial(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    return _render_tab(request, expediente, "detalle_historial", {
        "historial": expediente.historial.select_related("documento")})


def detalle_remisiones(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    return _render_tab(request, expediente, "detalle_remisiones", {
        "remisiones_template": REMISIONES_TEMPLATE
        if template_exists(REMISIONES_TEMPLATE) else ""})
