"""What the citizen confirms at the sede: access to the content (comparecencia) and the
express rejection, each a deliberate step; and the list's filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

PENDIENTES = "pendientes"
TODAS = "todas"


class FiltroForm(forms.Form):
    """`?ver=pendientes|todas` on the list; anything else is the default (todas)."""

    ver = forms.ChoiceField(choices=[(PENDIENTES, _("Pendientes")), (TODAS, _("Todas"))],
                            required=False)

    def value(self) -> str:
        if self.is_valid() and self.cleaned_data["ver"]:
            return self.cleaned_data["ver"]
        return TODAS


class AccederForm(forms.Form):
    confirmo = forms.BooleanField(
        label=_("He leído lo anterior y entiendo que, al acceder al contenido, la "
                "notificación se entenderá practicada a todos los efectos."),
        error_messages={"required": _("Para acceder al contenido, marque la casilla que "
                                      "confirma que ha leído sus efectos.")})


class RechazarForm(forms.Form):
    confirmo = forms.BooleanField(
        label=_("He leído lo anterior y quiero rechazar la notificación, sabiendo que se "
                "tendrá por efectuado el trámite y el procedimiento seguirá."),
        error_messages={"required": _("Para rechazar la notificación, marque la casilla "
                                      "que confirma que conoce sus consecuencias.")})
