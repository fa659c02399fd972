"""Forms of the ENI remission pages. They check shape; `expedientes.remisiones` judges
meaning (the state, the sello, the documents) and its message is shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from expedientes.choices import EstadoRemision
from expedientes.eni import transporte as eni_transporte
from expedientes.remisiones import MAX_MOTIVO
from registro.forms import DateInput


class RemitirForm(forms.Form):
    destino_nombre = forms.CharField(
        label=_("Destino"), max_length=250,
        help_text=_("El órgano judicial o la administración que recibe el expediente, p. ej. "
                    "«Juzgado de lo Contencioso-Administrativo n.º 1 de Alicante»."),
        error_messages={"required": _("Indique a quién se remite el expediente.")})
    destino_codigo = forms.CharField(
        label=_("Código DIR3 del destino"), max_length=21, required=False,
        help_text=_("Si lo conoce (letras y cifras)."))
    transporte = forms.ChoiceField(label=_("Transporte"))
    motivo = forms.CharField(label=_("Motivo de la remisión"), required=False,
                             max_length=MAX_MOTIVO, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("P. ej. requerimiento del juzgado en el recurso "
                                         "n.º 123/2026."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transporte"].choices = [
            (codigo, cls.nombre) for codigo, cls in eni_transporte.disponibles().items()]

    def clean_destino_codigo(self) -> str:
        return self.cleaned_data["destino_codigo"].strip().upper()


class RemisionFiltroForm(forms.Form):
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos")), *EstadoRemision.choices])
    texto = forms.CharField(label=_("Texto"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={
                                "placeholder": _("expediente, destino, identificador…")}))
    desde = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    hasta = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            self.add_error("hasta", _("La fecha final es anterior a la inicial."))
        return data
