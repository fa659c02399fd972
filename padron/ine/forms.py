"""Forms of the INE exchange pages: they validate what a clerk posts and hand it to
padron.ine.intercambio."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padron.forms import DateInput
from padron.ine import intercambio
from padron.models import TipoFicheroINE


def last_day_of_previous_month(today: datetime.date) -> datetime.date:
    return today.replace(day=1) - datetime.timedelta(days=1)


class GenerarFicheroForm(forms.Form):
    """Which file to generate and up to (or on) which date; never a future date."""

    kind = forms.ChoiceField(label=_("Tipo"))
    fecha = forms.DateField(label=_("Hasta / a fecha"), widget=DateInput(),
                            error_messages={"invalid": _("Escriba una fecha que exista.")})

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"fecha": last_day_of_previous_month(timezone.localdate())})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, TipoFicheroINE(key).label)
                                       for key in intercambio.GENERATORS]

    def clean_fecha(self) -> datetime.date:
        fecha = self.cleaned_data["fecha"]
        if fecha > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede ser futura."), code="future")
        return fecha


class EstadoFicheroForm(forms.Form):
    """A state button of a file: the new state and what the clerk wrote beside it."""

    estado = forms.ChoiceField(choices=[("enviado", "enviado"), ("aceptado", "aceptado"),
                                        ("rechazado", "rechazado")])
    referencia = forms.CharField(label=_("Referencia del envío"), max_length=100, required=False)
    motivo = forms.CharField(label=_("Motivo del rechazo"), max_length=2000, required=False)
