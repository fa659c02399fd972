"""The registro looks an interesado up in the padrón by document, to fill in their data.

Who may: a clerk with the registro (the section's rule) and the padrón application in the
entity (registro.access.may_consult_padron). Each lookup is audited there. With
JavaScript, the "Buscar en el padrón" button posts to `consulta_padron` (JSON; POST so the
document never travels in a URL) and static registro/consulta_padron.js fills the fields;
without it, the same button submits the whole form and `forms_filled_from_padron` shows it
again with the data filled in.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registro.access import habitante_en_padron_for, may_consult_padron
from registro.choices import TipoDocumento, TipoPersona
from registro.forms import AsientoForm, ConsultaPadronForm, InteresadoForm, RepresentanteForm

PREFIXES = ("int", "rep")


def _refused() -> str:
    return _("No tiene concedida la aplicación del padrón en esta entidad: no puede consultar "
             "el padrón desde el registro.")


def datos_interesado(habitante, entity) -> dict[str, str]:
    """An inhabitant as the fields of InteresadoForm."""
    from padron import codelists
    from padron.choices import TipoDocumento as TipoPadron

    tipo = {TipoPadron.TARJETA_EXTRANJERO: TipoDocumento.NIE,
            TipoPadron.PASAPORTE: TipoDocumento.PASAPORTE}.get(habitante.tipo_documento,
                                                               TipoDocumento.NIF)
    direccion = ""
    if habitante.hoja_id:
        domicilio = habitante.hoja.domicilio
        town = codelists.municipality_name(entity.ine_code[:2], entity.ine_code[2:5])
        direccion = ", ".join(part for part in (domicilio.label(timezone.localdate()),
                                                f"{domicilio.tramo.postal_code} {town}".strip())
                              if part)
    return {"tipo": TipoPersona.FISICA, "tipo_documento": tipo, "documento": habitante.documento,
            "nombre": habitante.nombre,
            "apellido1": " ".join(p for p in (habitante.particula1, habitante.apellido1) if p),
            "apellido2": " ".join(p for p in (habitante.particula2, habitante.apellido2) if p),
            "razon_social": "", "email": habitante.email, "telefono": habitante.telefono,
            "direccion": direccion[:160]}


def _found_message(habitante) -> str:
    return _("%(name)s figura en el padrón: se han copiado sus datos; revíselos antes de "
             "registrar.") % {"name": habitante.full_name}


def _not_found_message(entity) -> str:
    return _("Ese documento no figura inscrito en el padrón %(de_entity)s.") % {
        "de_entity": entity.name_after_de}


@require_POST
def consulta_padron(request: HttpRequest) -> JsonResponse:
    """JSON: {encontrado, mensaje, interesado} for the document posted."""
    if not may_consult_padron(request):
        return JsonResponse({"error": _refused()}, status=403)
    form = ConsultaPadronForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errors in form.errors.values()
                                               for e in errors)}, status=400)
    habitante = habitante_en_padron_for(request, tipo_documento=form.cleaned_data["tipo_padron"],
                                        documento=form.cleaned_data["documento"])
    if habitante is None:
        return JsonResponse({"encontrado": False, "mensaje": _not_found_message(request.tenant)})
    return JsonResponse({"encontrado": True, "mensaje": _found_message(habitante),
                         "interesado": datos_interesado(habitante, request.tenant)})


def forms_filled_from_padron(request: HttpRequest, libro: str):
    """Without JavaScript: the forms of `nuevo` as the clerk left them, with the person of
    the button's block (interesado or representante) filled in from the padrón."""
    post = request.POST
    prefix = post.get("buscar_padron") if post.get("buscar_padron") in PREFIXES else "int"
    form = AsientoForm(libro=libro, initial={
        name: post.get(name, "") for name in AsientoForm.base_fields if name != "anexos"})
    people = {p: {name: post.get(f"{p}-{name}", "") for name in InteresadoForm.base_fields}
              for p in PREFIXES}
    if not may_consult_padron(request):
        messages.error(request, _refused())
    else:
        consulta = ConsultaPadronForm({"tipo_documento": people[prefix]["tipo_documento"],
                                       "documento": people[prefix]["documento"]})
        if not consulta.is_valid():
            messages.error(request, " ".join(e for errors in consulta.errors.values()
                                             for e in errors))
        else:
            habitante = habitante_en_padron_for(
                request, tipo_documento=consulta.cleaned_data["tipo_padron"],
                documento=consulta.cleaned_data["documento"])
            if habitante is None:
                messages.warning(request, _not_found_message(request.tenant))
            else:
                people[prefix].update(datos_interesado(habitante, request.tenant))
                messages.success(request, _found_message(habitante))
    if request.FILES:
        messages.warning(request, _("Vuelva a adjuntar los documentos: no se conservan al "
                                    "buscar en el padrón sin JavaScript."))
    return (form, InteresadoForm(prefix="int", initial=people["int"]),
            RepresentanteForm(prefix="rep", initial=people["rep"]))
