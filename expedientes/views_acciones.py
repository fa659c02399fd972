"""The POST endpoints of an expediente's actions (buttons and small forms of its tabs).
Each parses its form, calls the action and comes back to the tab with a message; a
refusal (ExpedienteError) is shown and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from expedientes import access, actions, flujo
from expedientes.actions import ExpedienteError
from expedientes.forms import (
    AmpliarForm,
    AsignarTareaForm,
    DatosForm,
    EventoPlazoForm,
    FaseForm,
    MotivoForm,
)
from expedientes.models import Expediente

ESTADOS: dict[str, tuple[Callable[..., Expediente], Promise]] = {
    flujo.RESOLVER: (actions.resolver, gettext_lazy("Expediente marcado como resuelto.")),
    flujo.CERRAR: (actions.cerrar, gettext_lazy("Expediente cerrado.")),
    flujo.ARCHIVAR: (actions.archivar, gettext_lazy("Expediente archivado.")),
    flujo.REABRIR: (actions.reabrir, gettext_lazy("Expediente reabierto.")),
    flujo.ANULAR: (actions.anular, gettext_lazy("Expediente anulado.")),
}


def _form_error(request: HttpRequest, form: Form) -> None:
    errors = [f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
              for name, field_errors in form.errors.items() for error in field_errors]
    messages.error(request, " ".join(errors) or _("Revise los datos del formulario."))


def _run(request: HttpRequest, form: Form, call: Callable[[dict], object],
         success: str) -> None:
    if not form.is_valid():
        _form_error(request, form)
        return
    try:
        call(form.cleaned_data)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@require_POST
def datos(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    _run(request, DatosForm(request.POST), lambda d: actions.editar(
        expediente, asunto=d["asunto"], responsable=d["responsable"], acting_user=request.user),
        _("Datos guardados."))
    return redirect("gestion:expedientes:detalle", expediente.pk)


@require_POST
def fase(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    form = FaseForm(request.POST, fases=expediente.procedimiento.fases or [])
    _run(request, form, lambda d: actions.cambiar_fase(expediente, d["fase"],
                                                       acting_user=request.user),
         _("Fase cambiada."))
    return redirect("gestion:expedientes:detalle", expediente.pk)


@require_POST
def estado(request: HttpRequest, pk: int, accion: str) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    if accion not in ESTADOS:
        raise Http404
    function, success = ESTADOS[accion]
    _run(request, MotivoForm(request.POST, prefix=accion),
         lambda d: function(expediente, motivo=d["motivo"], acting_user=request.user),
         str(success))
    return redirect("gestion:expedientes:detalle", expediente.pk)


@require_POST
def interesado_quitar(request: HttpRequest, pk: int, interesado_pk: int) -> HttpResponse:
    interesado = access.get_interesado_for(request, pk, interesado_pk)
    try:
        actions.quitar_interesado(interesado, acting_user=request.user)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s ya no figura en el expediente.")
                         % {"n": interesado.nombre_completo})
    return redirect("gestion:expedientes:detalle_interesados", pk)


@require_POST
def tarea_hecha(request: HttpRequest, pk: int, tarea_pk: int) -> HttpResponse:
    tarea = access.get_tarea_for(request, pk, tarea_pk)
    try:
        actions.completar_tarea(tarea, acting_user=request.user)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tarea «%(t)s» hecha.") % {"t": tarea.titulo})
    return redirect("gestion:expedientes:detalle_tareas", pk)


@require_POST
def tarea_cancelar(request: HttpRequest, pk: int, tarea_pk: int) -> HttpResponse:
    tarea = access.get_tarea_for(request, pk, tarea_pk)
    motivo = MotivoForm(request.POST)
    text = motivo.cleaned_data["motivo"] if motivo.is_valid() else ""
    try:
        actions.cancelar_tarea(tarea, motivo=text, acting_user=request.user)
    except ExpedienteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tarea «%(t)s» cancelada.") % {"t": tarea.titulo})
    return redirect("gestion:expedientes:detalle_tareas", pk)


@require_POST
def tarea_asignar(request: HttpRequest, pk: int, tarea_pk: int) -> HttpResponse:
    tarea = access.get_tarea_for(request, pk, tarea_pk)
    _run(request, AsignarTareaForm(request.POST), lambda d: actions.asignar_tarea(
        tarea, d["asignada_a"], due_date=d["due_date"], acting_user=request.user),
        _("Tarea asignada."))
    return redirect("gestion:expedientes:detalle_tareas", pk)


@require_POST
def plazo_suspender(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    _run(request, EventoPlazoForm(request.POST), lambda d: actions.suspender_plazo(
        expediente, fecha=d["fecha"], motivo=d["motivo"], acting_user=request.user),
        _("Plazo suspendido."))
    return redirect("gestion:expedientes:detalle_plazo", expediente.pk)


@require_POST
def plazo_reanudar(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    _run(request, EventoPlazoForm(request.POST), lambda d: actions.reanudar_plazo(
        expediente, fecha=d["fecha"], motivo=d["motivo"], acting_user=request.user),
        _("Plazo reanudado."))
    return redirect("gestion:expedientes:detalle_plazo", expediente.pk)


@require_POST
def plazo_ampliar(request: HttpRequest, pk: int) -> HttpResponse:
    expediente = access.get_expediente_for(request, pk)
    _run(request, AmpliarForm(request.POST), lambda d: actions.ampliar_plazo(
        expediente, dias=d["dias"], motivo=d["motivo"], acting_user=request.user),
        _("Plazo ampliado."))
    return redirect("gestion:expedientes:detalle_plazo", expediente.pk)
