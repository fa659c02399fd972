"""Forms of the padrón back office: they validate input and delegate to padron.actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padron.choices import Causa, NivelEstudios, PrecisionFecha, Sexo, TipoDocumento
from padron.choosers import ChooserSelect, CodeChoiceField, street_options
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
    pais_nacimiento = CodeChoiceField("paises", max_length=3, label=_("País de nacimiento"),
                                      initial="108",
                                      help_text=_("Escriba el nombre o el código INE."))
    # One chooser for the birthplace in Spain: the five-digit INE code (province and
    # municipality); clean() splits it into the model's provincia_ and municipio_nacimiento.
    municipio_nacimiento = CodeChoiceField(
        "municipios", max_length=5, label=_("Municipio de nacimiento"), required=False,
        help_text=_("Escriba el nombre del municipio o de su provincia, o el código INE de "
                    "cinco cifras."))
    nacionalidad = CodeChoiceField("paises", max_length=3, label=_("Nacionalidad"),
                                   initial="108")
    tipo_documento = forms.ChoiceField(label=_("Documento"), choices=TipoDocumento.choices,
                                       initial=TipoDocumento.DNI)
    documento = forms.CharField(label=_("Número de documento"), max_length=20, required=False)
    nivel_estudios = forms.ChoiceField(label=_("Nivel de estudios"),
                                       choices=[("", _("Elija…")), *NivelEstudios.choices])
    telefono = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        initial = self.initial
        province, town = initial.get("provincia_nacimiento"), initial.get("municipio_nacimiento")
        if province and town and len(str(town)) == 3:
            initial["municipio_nacimiento"] = f"{province}{town}"
        # What the person already has stays valid even if the list no longer has it.
        for name in ("pais_nacimiento", "municipio_nacimiento", "nacionalidad"):
            self.fields[name].keep = str(initial.get(name) or "")

    def clean(self):
        data = super().clean()
        place = data.get("municipio_nacimiento")
        if place is not None:
            data["provincia_nacimiento"], data["municipio_nacimiento"] = \
                (place[:2], place[2:]) if place else ("", "")
        country = data.get("pais_nacimiento")
        if country == "108" and not place and "municipio_nacimiento" not in self.errors:
            self.add_error("municipio_nacimiento",
                           _("Quien nació en España necesita el municipio de nacimiento."))
        elif country and country != "108" and place:
            self.add_error("municipio_nacimiento",
                           _("Quien nació fuera de España no lleva municipio de nacimiento: "
                             "déjelo vacío."))
        return data


class DomicilioForm(forms.Form):
    via = forms.ModelChoiceField(label=_("Vía"), queryset=Via.objects.none(),
                                 empty_label=_("Elija la vía"),
                                 widget=ChooserSelect("gestion:padron:chooser_vias"),
                                 help_text=_("Escriba parte del nombre o el código de la vía."))
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
        field = self.fields["via"]
        field.queryset = Via.objects.filter(Vigencia.valid_on(today))
        # Sorted by name in Spanish order (the database would sort by code, or byte order).
        field.choices = [("", field.empty_label),
                         *((o.code, o.label) for o in street_options(today))]

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
    procedencia = CodeChoiceField(
        "lugares", max_length=5, label=_("Procedencia (municipio o país)"), required=False,
        help_text=_("Escriba el nombre o el código INE (cinco cifras un municipio, tres un "
                    "país)."))
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
    destino = CodeChoiceField(
        "lugares", max_length=5, label=_("Destino (municipio o país)"), required=False,
        help_text=_("Escriba el nombre o el código INE (cinco cifras un municipio, tres un "
                    "país)."))
    consulado = forms.CharField(
        label=_("Consulado de destino (PERE)"), max_length=3, required=False,
        help_text=_("Código INE del consulado en el que se inscribirá, si se va al extranjero."))
    version = forms.IntegerField(widget=forms.HiddenInput)
    field_order = ["causa", "fecha", "destino", "consulado", "documentos", "observaciones"]


class ModificacionForm(PersonaForm, MovimientoForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CambioDomicilioForm(DomicilioForm, MovimientoForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CambioDomicilioHojaForm(DomicilioForm, MovimientoForm):
    """A household's move (padron.actions.cambiar_domicilio_hoja): who moves (everyone
    inscribed in the hoja, unless the clerk unticks someone), the new address and the
    operation; `estado` is the household as it was when the page was loaded."""

    habitantes = forms.TypedMultipleChoiceField(
        label=_("Personas que se trasladan"), coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("Cada persona tendrá su propio movimiento de cambio de domicilio."))
    estado = forms.CharField(widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, household: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["habitantes"]
        field.choices = [(h.pk, f"{h.full_name} ({h.fecha_nacimiento_texto})") for h in household]
        field.initial = [h.pk for h in household]
        self.fields["estado"].initial = ",".join(
            f"{h.pk}:{h.version}" for h in sorted(household, key=lambda h: h.pk))

    def clean_estado(self) -> dict[int, int]:
        versions: dict[int, int] = {}
        for pair in filter(None, self.cleaned_data["estado"].split(",")):
            pk, _sep, version = pair.partition(":")
            if not (pk.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("El formulario está incompleto: recargue la "
                                              "página."))
            versions[int(pk)] = int(version)
        return versions


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
