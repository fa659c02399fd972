"""Forms of the procedures catalogue and its templates (Spanish messages)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from expedientes import plantillas
from expedientes.choices import Familia
from expedientes.models import CircuitoFirma, Expediente, Plantilla, Procedimiento

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")
PLANTILLA_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class BusquedaProcedimientoForm(forms.Form):
    ACTIVOS, INACTIVOS, TODOS = "activos", "inactivos", "todos"

    q = forms.CharField(label=_("Buscar"), required=False, max_length=100,
                        help_text=_("Nombre, código, código SIA o descripción."))
    familia = forms.ChoiceField(label=_("Familia"), required=False,
                                choices=[("", _("Todas"))] + list(Familia.choices))
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[(ACTIVOS, _("Activos")), (INACTIVOS, _("Inactivos")),
                                        (TODOS, _("Todos"))])


class ProcedimientoForm(forms.ModelForm):
    class Meta:
        model = Procedimiento
        fields = ["code", "sia_code", "name", "familia", "description", "base_legal",
                  "plazo_cantidad", "plazo_unidad", "sentido_silencio", "organo_resolutorio",
                  "circuito", "sede_procedimiento", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "base_legal": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "code": _("Letras mayúsculas, cifras y guiones (URB-OBRA-MENOR)."),
            "plazo_cantidad": _("Plazo máximo para resolver y notificar (art. 21 Ley "
                                "39/2015)."),
            "sede_procedimiento": _("Las solicitudes de este procedimiento en la sede abren "
                                    "un expediente de este."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["circuito"].queryset = CircuitoFirma.objects.filter(is_active=True)
        self.fields["plazo_cantidad"].min_value = 1
        self.fields["plazo_cantidad"].widget.attrs["min"] = 1

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not CODE_RE.match(code):
            raise ValidationError(_("Use solo letras mayúsculas sin tilde, cifras y guiones."))
        return code

    def clean_sia_code(self) -> str:
        sia = self.cleaned_data["sia_code"].strip()
        if sia and not sia.isdigit():
            raise ValidationError(_("El código SIA son solo cifras."))
        return sia

    def clean_plazo_cantidad(self) -> int:
        plazo = self.cleaned_data["plazo_cantidad"]
        if plazo is None or plazo < 1:
            raise ValidationError(_("El plazo ha de ser al menos 1."))
        return plazo


class DocumentoRequeridoForm(forms.Form):
    nombre = forms.CharField(label=_("Documento"), max_length=250, required=False)
    obligatorio = forms.BooleanField(label=_("Obligatorio"), required=False, initial=True)


class FaseForm(forms.Form):
    nombre = forms.CharField(label=_("Fase"), max_length=100, required=False)


class _ListaFormSet(forms.BaseFormSet):
    """Rows left blank are ignored; the same name twice is refused."""

    label = _("elemento")

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            nombre = " ".join((form.cleaned_data.get("nombre") or "").split())
            if not nombre:
                continue
            if nombre.casefold() in seen:
                raise ValidationError(_("«%(nombre)s» está repetido.") % {"nombre": nombre})
            seen.add(nombre.casefold())

    def valores(self) -> list:
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            nombre = " ".join((form.cleaned_data.get("nombre") or "").split())
            if nombre:
                rows.append(self.valor(form, nombre))
        return rows

    def valor(self, form, nombre: str):
        return nombre


class _DocumentosFormSet(_ListaFormSet):
    def valor(self, form, nombre: str) -> dict:
        return {"nombre": nombre, "obligatorio": bool(form.cleaned_data.get("obligatorio"))}


class _FasesFormSet(_ListaFormSet):
    pass


DocumentosFormSet = formset_factory(DocumentoRequeridoForm, formset=_DocumentosFormSet,
                                    extra=2, can_delete=True, max_num=60, validate_max=True)
FasesFormSet = formset_factory(FaseForm, formset=_FasesFormSet, extra=2, can_delete=True,
                               max_num=30, validate_max=True)


def documentos_initial(procedimiento: Procedimiento | None) -> list[dict]:
    if procedimiento is None:
        return []
    return [{"nombre": d.get("nombre", ""), "obligatorio": bool(d.get("obligatorio"))}
            for d in procedimiento.documentos_requeridos or [] if isinstance(d, dict)]


def fases_initial(procedimiento: Procedimiento | None) -> list[dict]:
    if procedimiento is None:
        return []
    return [{"nombre": f} for f in procedimiento.fases or [] if isinstance(f, str)]


class PlantillaForm(forms.ModelForm):
    class Meta:
        model = Plantilla
        fields = ["name", "code", "tipo_documental", "is_resolucion", "orden", "is_active",
                  "cuerpo"]
        widgets = {"cuerpo": forms.Textarea(attrs={"rows": 24, "class": "codigo",
                                                   "spellcheck": "true"})}
        help_texts = {
            "code": _("Minúsculas, cifras y guiones (informe-tecnico)."),
            "cuerpo": _("HTML con campos de combinación, p. ej. {{ expediente.codigo }} o "
                        "{{ hoy|fecha_letras }}. Los textos entre corchetes se completan en "
                        "el borrador."),
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().lower()
        if not PLANTILLA_CODE_RE.match(code):
            raise ValidationError(_("Use solo minúsculas sin tilde, cifras y guiones."))
        return code

    def clean_cuerpo(self) -> str:
        cuerpo = self.cleaned_data["cuerpo"]
        try:
            plantillas.comprobar(cuerpo)
        except plantillas.PlantillaError as exc:
            raise ValidationError(exc.message) from exc
        return cuerpo


class PreviaForm(forms.Form):
    """The body being edited and what to merge it with: an expediente of the procedure, or
    sample data."""

    cuerpo = forms.CharField(required=False, strip=False, widget=forms.Textarea,
                             max_length=plantillas.MAX_CUERPO)
    expediente = forms.TypedChoiceField(label=_("Combinar con"), required=False, coerce=int,
                                        empty_value=None)

    def __init__(self, *args, procedimiento: Procedimiento | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        recientes = Expediente.objects.none()
        if procedimiento is not None and procedimiento.pk:
            recientes = Expediente.objects.filter(procedimiento=procedimiento) \
                .order_by("-year", "-numero")[:30]
        self.fields["expediente"].choices = [("", _("Datos de ejemplo"))] + [
            (e.pk, f"{e.codigo} · {e.asunto[:60]}") for e in recientes]

    def expediente_elegido(self) -> Expediente | None:
        pk = self.cleaned_data.get("expediente")
        if not pk:
            return None
        return Expediente.objects.select_related("procedimiento", "asiento").filter(pk=pk) \
            .first()
