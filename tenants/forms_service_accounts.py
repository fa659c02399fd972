"""The form of a new service account (/gestion/cuentas-servicio/nueva/)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.choices import Application


class ServiceAccountForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre"), max_length=100,
        help_text=_("El programa que la usará, p. ej. «Gestión tributaria» o «Portal de "
                    "participación». Aparece en la auditoría junto a cada llamada."))
    applications = forms.MultipleChoiceField(
        label=_("Aplicaciones concedidas"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Conceda al menos una aplicación.")},
        help_text=_("Solo aparecen las aplicaciones con API de los servicios a los que la "
                    "entidad está adherida."))

    def __init__(self, *args, available_applications: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [
            (code, label) for code, label in Application.choices if code in available_applications]
