"""Forms of the padrón back office: they validate input and delegate to padron.actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padron.choices import Causa, NivelEstudios, PrecisionFecha, Sexo, TipoDocumento
from padron.models import Via
from padron.models.territorio import Vigencia


def _country_choices():
    from padron import codelists

    return codelists.country_choices()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonaForm(forms.Form):
    nombre = forms.CharField(label=_("Nombre"), max_length=20)
    particula1 = forms.CharField(label=_("Partícula"), max_length=6, required=False)
    apellido1 = forms.CharField(label=_("Primer apellido"), max_length=25)
    particula2 = forms.CharField(label=_("Partícula"), max_length=6, required=False)
    apellido2 = forms.CharField(label=_("Segundo apellido"), max_length=25, required=False)
    sexo = forms.ChoiceField(label=_("Sexo"), choices=[("", _("Elija…")), *Sexo.choices])
    fecha_nacimiento = forms.DateField(label=_("Fecha de nacimiento"), widget=DateInput())
    fecha_nacimiento_precision = forms.ChoiceField(
        label=_("Precisión de la fecha"), choices=PrecisionFecha.choices, required=False,
        help_text=_("Si el documento no da el día, o el día y el mes, indíquelo: se "
                    "comunicará al INE con 00."))
    pais_nacimiento = forms.ChoiceField(label=_("País de nacimiento"), initial="108")
    provincia_nacimiento = forms.CharField(label=_("Provincia de nacimiento (código INE)"),
                                           max_length=2, required=False)
    municipio_nacimiento = forms.CharField(label=_("Municipio de nacimiento (código INE)"),
                                           max_length=3, required=False)
    nacionalidad = forms.ChoiceField(label=_("Nacionalidad"), initial="108")
    tipo_documento = forms.ChoiceField(label=_("Documento"), choices=TipoDocumento.choices,
                                       initial=TipoDocumento.DNI)
    documento = forms.CharField(label=_("Número de documento"), max_length=20, required=False)
    nivel_estudios = forms.ChoiceField(label=_("Nivel de estudios"),
                                       choices=[("", _("Elija…")), *NivelEstudios.choices])
    telefono = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = _country_choices()
        self.fields["pais_nacimiento"].choices = countries
        self.fields["nacionalidad"].choices = countries

    def clean(self):
        data = super().clean()
        if data.get("pais_nacimiento") == "108" and not (data.get("provincia_nacimiento")
                                                          and data.get("municipio_nacimiento")):
            self.add_error("municipio_nacimiento",
                           _("Quien nació en España necesita provincia y municipio de nacimiento."))
        for field in ("provincia_nacimiento", "municipio_nacimiento"):
            if data.get(field) and not data[field].isdigit():
                self.add_error(field, _("Escriba el código numérico del INE."))
        return data


class DomicilioForm(forms.Form):
    via = forms.ModelChoiceField(label=_("Vía"), queryset=Via.objects.none(),
                                 empty_label=_("Elija la vía"))
    number = forms.IntegerField(label=_("Número"), min_value=0, max_value=9999, required=False,
                                help_text=_("Vacío si la vía no tiene numeración."))
    qualifier = forms.CharField(label=_("Calificador (bis…)"), max_length=1, required=False)
    bloque = forms.CharField(label=_("Bloque"), max_length=2, required=False)
    portal = forms.CharField(label=_("Portal"), max_length=2, required=False)
    escalera = forms.CharField(label=_("Escalera"), max_length=2, required=False)
    planta = forms.CharField(label=_("Planta"), max_length=3, required=False)
    puerta = forms.CharField(label=_("Puerta"), max_length=4, required=False)
    referencia_catastral = forms.CharField(label=_("Referencia catastral"), max_length=20,
                                           required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        vias = Via.objects.filter(Vigencia.valid_on(today)).prefetch_related("names__tipo")
        self.fields["via"].queryset = vias
        self.fields["via"].label_from_instance = lambda via: str(via.name_on(today) or via.code)

    def domicilio_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"via": data["via"], "number": data["number"], "qualifier": data["qualifier"] or "",
                "bloque": data["bloque"], "portal": data["portal"], "escalera": data["escalera"],
                "planta": data["planta"], "puerta": data["puerta"],
                "referencia_catastral": data["referencia_catastral"]}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MovimientoForm(forms.Form):
    fecha = forms.DateField(label=_("Fecha de la variación"), widget=DateInput(),
                            initial=timezone.localdate)
    documentos = forms.CharField(label=_("Documentación aportada"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    adjuntos = MultipleFileField(label=_("Documentos escaneados"), required=False,
                                 help_text=_("PDF, JPEG o PNG; hasta 10 MB cada uno."))
    observaciones = forms.CharField(label=_("Observaciones"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AltaForm(MovimientoForm):
    causa = forms.ChoiceField(label=_("Causa del alta"), choices=[("", _("Elija…")), *Causa.altas()])
    procedencia = forms.CharField(label=_("Procedencia (municipio INE o país)"), max_length=5,
                                  required=False)
    consulado = forms.CharField(
        label=_("Consulado de procedencia (PERE)"), max_length=3, required=False,
        help_text=_("Código INE del consulado, para españoles que llegan del extranjero "
                    "inscritos en un consulado."))
    residencia_permanente = forms.BooleanField(
        label=_("Tiene autorización de residencia permanente"), required=False,
        help_text=_("Los extranjeros no comunitarios sin ella renuevan cada dos años (ENCSARP)."))
    field_order = ["causa", "fecha", "procedencia", "consulado", "residencia_permanente",
                   "documentos",
                   "observaciones"]


class BajaForm(MovimientoForm):
    causa = forms.ChoiceField(label=_("Causa de la baja"), choices=[("", _("Elija…")), *Causa.bajas()])
    destino = forms.CharField(label=_("Destino (municipio INE o país)"), max_length=5,
                              required=False)
    consulado = forms.CharField(
        label=_("Consulado de destino (PERE)"), max_length=3, required=False,
        help_text=_("Código INE del consulado en el que se inscribirá, si se va al extranjero."))
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["causa", "fecha", "destino", "consulado", "documentos", "observaciones"]


class ModificacionForm(PersonaForm, MovimientoForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CambioDomicilioForm(DomicilioForm, MovimientoForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class BusquedaForm(forms.Form):
    q = forms.CharField(label=_("Nombre, documento o NIA"), required=False)
    seccion = forms.CharField(label=_("Sección"), required=False)
    nacionalidad = forms.ChoiceField(label=_("Nacionalidad"), required=False)
    edad_min = forms.IntegerField(label=_("Edad desde"), min_value=0, max_value=130, required=False)
    edad_max = forms.IntegerField(label=_("Edad hasta"), min_value=0, max_value=130, required=False)
    estado = forms.ChoiceField(label=_("Estado"), required=False, choices=[
        ("", _("Inscritos")), ("baja", _("De baja")), ("todos", _("Todos"))])
    via = forms.CharField(label=_("Domicilio (vía)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nacionalidad"].choices = [("", _("Todas"))] + _country_choices()
