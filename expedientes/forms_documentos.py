"""Forms of the documents of an expediente (Spanish messages)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from expedientes import plantillas
from expedientes.choices import EstadoElaboracion, OrigenEni, TipoDocumental
from expedientes.documentos import MAX_TITULO, plantillas_de
from expedientes.models import Expediente, Plantilla


class GenerarForm(forms.Form):
    plantilla = forms.ModelChoiceField(
        label=_("Plantilla"), queryset=Plantilla.objects.none(),
        error_messages={"required": _("Elija la plantilla."),
                        "invalid_choice": _("Esa plantilla no es de este expediente.")})

    def __init__(self, *args, expediente: Expediente, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plantilla"].queryset = plantillas_de(expediente)


class GenerarTodasForm(forms.Form):
    plantillas = forms.ModelMultipleChoiceField(
        label=_("Plantillas"), required=False, queryset=Plantilla.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sin marcar ninguna, se generan todas."),
        error_messages={"invalid_choice": _("Alguna plantilla no es de este expediente.")})

    def __init__(self, *args, expediente: Expediente, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plantillas"].queryset = Plantilla.objects.filter(
            procedimiento_id=expediente.procedimiento_id, is_active=True).order_by("orden")


class EditarBorradorForm(forms.Form):
    titulo = forms.CharField(label=_("Título"), max_length=MAX_TITULO)
    cuerpo = forms.CharField(label=_("Texto"), strip=False, required=False,
                             max_length=plantillas.MAX_CUERPO,
                             widget=forms.Textarea(attrs={"rows": 26, "class": "codigo"}),
                             help_text=_("HTML sencillo: párrafos, negritas, listas y tablas. "
                                         "Lo demás se elimina al guardar."))


class SubirForm(forms.Form):
    fichero = forms.FileField(label=_("Fichero"),
                              error_messages={"required": _("Elija el fichero."),
                                              "empty": _("El fichero está vacío.")})
    titulo = forms.CharField(label=_("Título"), max_length=MAX_TITULO, required=False,
                             help_text=_("Vacío: el nombre del fichero."))
    tipo_documental = forms.ChoiceField(label=_("Tipo documental"),
                                        choices=TipoDocumental.choices,
                                        initial=TipoDocumental.INFORME)
    origen = forms.ChoiceField(label=_("Origen"), choices=OrigenEni.choices,
                               initial=OrigenEni.ADMINISTRACION)
    estado_elaboracion = forms.ChoiceField(label=_("Estado de elaboración"),
                                           choices=EstadoElaboracion.choices,
                                           initial=EstadoElaboracion.ORIGINAL)


class VisibilidadForm(forms.Form):
    visible = forms.TypedChoiceField(choices=[("1", _("Sí")), ("0", _("No"))],
                                     coerce=lambda value: value == "1")


class AnularDocumentoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Indique el motivo.")})
