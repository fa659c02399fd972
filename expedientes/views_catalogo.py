"""Back-office pages of the procedures catalogue: the entity's procedures (list, detail,
create and edit with their documents and phases), their templates (edit with a live
preview), and the provincial model catalogue (adopt, update to a newer version).

Under /gestion/expedientes/, application 'expedientes' (checked by the back-office
middleware for the section). Objects come through the scoped lookups below: the schema is
the request's entity, so another entity's rows are a 404 like missing ones.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expedientes import plantillas
from expedientes.catalogo import actions, modelos
from expedientes.choices import Familia, UnidadPlazo
from expedientes.forms_catalogo import (
    BusquedaProcedimientoForm,
    DocumentosFormSet,
    FasesFormSet,
    PlantillaForm,
    PreviaForm,
    ProcedimientoForm,
    documentos_initial,
    fases_initial,
)
from expedientes.models import Expediente, Plantilla, Procedimiento
from sede.choices import SentidoSilencio


def get_procedimiento_for(request: HttpRequest, pk: int) -> Procedimiento:
    return get_object_or_404(Procedimiento.objects.all(), pk=pk)


def get_plantilla_for(request: HttpRequest, procedimiento_pk: int, pk: int) -> Plantilla:
    return get_object_or_404(Plantilla.objects.select_related("procedimiento"), pk=pk,
                             procedimiento_id=procedimiento_pk)


# --- the entity's catalogue --------------------------------------------------------------


def procedimientos(request: HttpRequest) -> HttpResponse:
    form = BusquedaProcedimientoForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = Procedimiento.objects.annotate(
        n_plantillas=Count("plantillas", filter=Q(plantillas__is_active=True), distinct=True),
        n_expedientes=Count("expedientes", distinct=True))
    estado = data.get("estado") or BusquedaProcedimientoForm.ACTIVOS
    if estado == BusquedaProcedimientoForm.ACTIVOS:
        rows = rows.filter(is_active=True)
    elif estado == BusquedaProcedimientoForm.INACTIVOS:
        rows = rows.filter(is_active=False)
    if data.get("familia"):
        rows = rows.filter(familia=data["familia"])
    if data.get("q"):
        q = data["q"].strip()
        rows = rows.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(sia_code=q)
                           | Q(description__icontains=q))
    page = Paginator(rows.order_by("familia", "name", "pk"), 25).get_page(request.GET.get("page"))
    for procedimiento in page:
        procedimiento.version_nueva = actions.version_nueva(procedimiento)
    return render(request, "expedientes/catalogo/lista.html", {
        "form": form, "page": page,
        "sin_adoptar": len(modelos.TODOS) - Procedimiento.objects.exclude(modelo_codigo="")
        .filter(modelo_codigo__in=list(modelos.POR_CODIGO)).count()})


def procedimiento(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_procedimiento_for(request, pk)
    rows = list(item.plantillas.order_by("orden", "name"))
    for plantilla in rows:
        plantilla.adaptada = actions.es_adaptada(plantilla)
    return render(request, "expedientes/catalogo/detalle.html", {
        "p": item, "plantillas": rows, "version_nueva": actions.version_nueva(item),
        "modelo": modelos.get(item.modelo_codigo) if item.modelo_codigo else None,
        "n_expedientes": item.expedientes.count()})


def _procedimiento_form(request: HttpRequest, instance: Procedimiento | None) -> HttpResponse:
    form = ProcedimientoForm(request.POST or None, instance=instance)
    # Bound formsets take only what was posted: initial values would make unchanged rows
    # look empty (Django skips unchanged extra forms).
    if request.method == "POST":
        documentos = DocumentosFormSet(request.POST, prefix="doc")
        fases = FasesFormSet(request.POST, prefix="fase")
    else:
        documentos = DocumentosFormSet(prefix="doc", initial=documentos_initial(instance))
        fases = FasesFormSet(prefix="fase", initial=fases_initial(instance))
    if request.method == "POST" and form.is_valid() and documentos.is_valid() \
            and fases.is_valid():
        item = form.save(commit=False)
        item.documentos_requeridos = documentos.valores()
        item.fases = fases.valores()
        try:
            item = actions.guardar_procedimiento(item, acting_user=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Procedimiento «%(name)s» guardado.")
                             % {"name": item.name})
            return redirect("gestion:expedientes:procedimiento", item.pk)
    return render(request, "expedientes/catalogo/form.html", {
        "form": form, "documentos": documentos, "fases": fases, "p": instance},
        status=400 if request.method == "POST" else 200)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def procedimiento_nuevo(request: HttpRequest) -> HttpResponse:
    return _procedimiento_form(request, None)


def procedimiento_editar(request: HttpRequest, pk: int) -> HttpResponse:
    return _procedimiento_form(request, get_procedimiento_for(request, pk))


@require_POST
def procedimiento_actualizar(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_procedimiento_for(request, pk)
    try:
        resultado = actions.actualizar_desde_modelo(item, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Actualizado a la versión %(v)s del modelo: %(s)s "
                                    "plantillas sustituidas y %(a)s añadidas.")
                         % {"v": resultado.version, "s": len(resultado.sustituidas),
                            "a": len(resultado.anadidas)})
        if resultado.conservadas:
            messages.warning(request, _("Se han conservado sus versiones adaptadas de: "
                                        "%(names)s. Revíselas con el modelo.")
                             % {"names": ", ".join(resultado.conservadas)})
    return redirect("gestion:expedientes:procedimiento", item.pk)


# --- templates ---------------------------------------------------------------------------


def _previa(cuerpo: str, procedimiento: Procedimiento | None,
            expediente: Expediente | None) -> dict:
    """The preview of `cuerpo` merged with `expediente` or sample data: its HTML, or the
    error (with its line)."""
    contexto = plantillas.contexto(expediente) if expediente is not None \
        else plantillas.contexto_ejemplo(procedimiento)
    try:
        html = plantillas.render(cuerpo, contexto)
    except plantillas.PlantillaError as exc:
        return {"error": exc.message, "line": exc.line}
    return {"html": html, "desconocidos": plantillas.campos_desconocidos(html),
            "expediente": expediente}


def _plantilla_form(request: HttpRequest, procedimiento: Procedimiento,
                    instance: Plantilla | None) -> HttpResponse:
    form = PlantillaForm(request.POST or None, instance=instance,
                         initial=None if instance else {"orden": procedimiento.plantillas.count()})
    previa_form = PreviaForm(request.POST or request.GET or None, procedimiento=procedimiento)
    previa = None
    status = 200
    if request.method == "POST" and "previa" in request.POST:
        # «Vista previa» without JavaScript: the same page, nothing saved.
        expediente = previa_form.expediente_elegido() if previa_form.is_valid() else None
        previa = _previa(request.POST.get("cuerpo", ""), procedimiento, expediente)
    elif request.method == "POST":
        if form.is_valid():
            plantilla = form.save(commit=False)
            plantilla.procedimiento = procedimiento
            try:
                plantilla = actions.guardar_plantilla(plantilla, acting_user=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Plantilla «%(name)s» guardada.")
                                 % {"name": plantilla.name})
                return redirect("gestion:expedientes:plantilla", procedimiento.pk, plantilla.pk)
        status = 400
    else:
        cuerpo = instance.cuerpo if instance else ""
        expediente = previa_form.expediente_elegido() if previa_form.is_valid() else None
        previa = _previa(cuerpo, procedimiento, expediente) if cuerpo else None
    modelo = modelos.get(procedimiento.modelo_codigo) if procedimiento.modelo_codigo else None
    return render(request, "expedientes/catalogo/plantilla.html", {
        "p": procedimiento, "plantilla": instance, "form": form, "previa_form": previa_form,
        "previa": previa, "campos": plantillas.CAMPOS,
        "filtros": sorted(plantillas.OWN_FILTERS),
        "modelo_plantilla": modelo.plantilla(instance.code) if modelo and instance else None,
        "adaptada": actions.es_adaptada(instance) if instance else False}, status=status)


def plantilla_nueva(request: HttpRequest, pk: int) -> HttpResponse:
    return _plantilla_form(request, get_procedimiento_for(request, pk), None)


def plantilla(request: HttpRequest, pk: int, plantilla_pk: int) -> HttpResponse:
    instance = get_plantilla_for(request, pk, plantilla_pk)
    return _plantilla_form(request, instance.procedimiento, instance)


@require_POST
def plantilla_previa(request: HttpRequest, pk: int) -> HttpResponse:
    """The live preview: the editor's body merged with the chosen expediente (of this
    procedure) or sample data, as an HTML fragment."""
    procedimiento = get_procedimiento_for(request, pk)
    form = PreviaForm(request.POST, procedimiento=procedimiento)
    if not form.is_valid():
        return render(request, "expedientes/catalogo/_previa.html", {
            "previa": {"error": " ".join(e for errors in form.errors.values()
                                         for e in errors)}}, status=400)
    previa = _previa(form.cleaned_data["cuerpo"], procedimiento, form.expediente_elegido())
    return render(request, "expedientes/catalogo/_previa.html", {"previa": previa})


# --- the provincial model catalogue ------------------------------------------------------


def catalogo_provincial(request: HttpRequest) -> HttpResponse:
    propios = {p.modelo_codigo: p for p in Procedimiento.objects.exclude(modelo_codigo="")}
    familia = request.GET.get("familia", "")
    filas = [{"modelo": m, "propio": propios.get(m.codigo), **_etiquetas(m),
              "version_nueva": propios.get(m.codigo) is not None
              and m.version > (propios[m.codigo].modelo_version or 0)}
             for m in modelos.TODOS if not familia or m.familia == familia]
    return render(request, "expedientes/catalogo/provincial.html", {
        "filas": filas, "familia": familia,
        "familias": sorted(((f, _familia_label(f)) for f in {m.familia for m in modelos.TODOS}),
                           key=lambda pair: pair[1]),
        "pendientes": sum(1 for f in filas if f["propio"] is None)})


def _familia_label(value: str) -> str:
    return str(Familia(value).label) if value in Familia.values else value


def _etiquetas(item) -> dict[str, str]:
    """How a model's time limit and silence read («1 mes», «Desestimatorio»)."""
    unidad = str(UnidadPlazo(item.plazo_unidad).label)
    if item.plazo_cantidad == 1:
        unidad = {"meses": _("mes"), "dias_habiles": _("día hábil"),
                  "dias_naturales": _("día natural")}.get(item.plazo_unidad, unidad)
    return {"plazo": f"{item.plazo_cantidad} {unidad}",
            "silencio": str(SentidoSilencio(item.sentido_silencio).label)}


def modelo(request: HttpRequest, codigo: str) -> HttpResponse:
    item = modelos.get(codigo)
    if item is None:
        raise Http404
    contexto = plantillas.contexto_ejemplo()
    rendered = []
    for modelo_plantilla in item.plantillas:
        try:
            html = plantillas.render(modelo_plantilla.cuerpo, contexto)
        except plantillas.PlantillaError as exc:  # pragma: no cover - tested for every model
            html = exc.message
        rendered.append({"plantilla": modelo_plantilla, "html": html})
    return render(request, "expedientes/catalogo/modelo.html", {
        "m": item, "familia": _familia_label(item.familia), "plantillas": rendered,
        **_etiquetas(item),
        "propio": actions.adoptado(item.codigo)})


@require_POST
def adoptar(request: HttpRequest, codigo: str) -> HttpResponse:
    if modelos.get(codigo) is None:
        raise Http404
    try:
        item = actions.adoptar(codigo, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("gestion:expedientes:modelo", codigo)
    messages.success(request, _("«%(name)s» adoptado con %(n)s plantillas. Adapte lo que "
                                "necesite.") % {"name": item.name,
                                               "n": item.plantillas.count()})
    return redirect("gestion:expedientes:procedimiento", item.pk)


@require_POST
def adoptar_todos(request: HttpRequest) -> HttpResponse:
    hechos = actions.adoptar_todos(acting_user=request.user)
    if hechos:
        messages.success(request, _("Adoptados %(n)s procedimientos del catálogo provincial.")
                         % {"n": len(hechos)})
    else:
        messages.info(request, _("Ya tenía adoptados todos los procedimientos del catálogo."))
    return redirect("gestion:expedientes:procedimientos")
