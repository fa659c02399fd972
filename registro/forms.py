"""Forms of the clerk's registro pages. They validate shape; `services` validates meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from provincial.collation import SpanishOrder
from registro.choices import (
    Canal,
    EstadoAsiento,
    Libro,
    TipoDocumento,
    TipoPersona,
)
from registro.models import Festivo, IntercambioRecibido, UnidadOrganica, dir3_validator

# Units in Spanish alphabetical order ("Área de Urbanismo" among the A's).
UNIDAD_ORDER = (SpanishOrder("nombre"), "nombre", "pk")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BusquedaForm(forms.Form):
    numero = forms.CharField(label=_("Número"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": "2026/E/000123"}))
    libro = forms.ChoiceField(label=_("Libro"), required=False,
                              choices=[("", _("Entrada y salida")), *Libro.choices])
    desde = forms.DateField(label=_("Desde"), required=False, widget=DateInput())
    hasta = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())
    interesado = forms.CharField(label=_("Interesado (documento o nombre)"), required=False,
                                 max_length=100)
    texto = forms.CharField(label=_("Texto"), required=False, max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("asunto, resumen…")}))
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos")), *EstadoAsiento.choices])
    canal = forms.ChoiceField(label=_("Canal"), required=False,
                              choices=[("", _("Todos")), *Canal.choices])
    unidad = forms.ModelChoiceField(label=_("Unidad de destino"), required=False,
                                    queryset=UnidadOrganica.objects.none(),
                                    empty_label=_("Todas"))
    solo_facturas = forms.BooleanField(label=_("Solo facturas (registro de facturas)"),
                                       required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unidad"].queryset = UnidadOrganica.objects.order_by(*UNIDAD_ORDER)

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            self.add_error("hasta", _("La fecha final es anterior a la inicial."))
        return data


def _unidades():
    return UnidadOrganica.objects.filter(activa=True).order_by(*UNIDAD_ORDER)


class AsientoForm(forms.Form):
    canal = forms.ChoiceField(label=_("Canal"), choices=[
        (Canal.PRESENCIAL, Canal.PRESENCIAL.label), (Canal.CORREO, Canal.CORREO.label)])
    asunto = forms.CharField(label=_("Asunto"), max_length=240)
    resumen = forms.CharField(label=_("Resumen"), max_length=240,
                              widget=forms.Textarea(attrs={"rows": 2}))
    expone = forms.CharField(label=_("Expone"), required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    solicita = forms.CharField(label=_("Solicita"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    unidad = forms.ModelChoiceField(label=_("Unidad"), queryset=UnidadOrganica.objects.none(),
                                    required=False, empty_label=_("— Sin asignar —"))
    organismo_externo = forms.CharField(label=_("Organismo o persona destinataria"),
                                        required=False, max_length=200)
    procedimiento = forms.CharField(label=_("Código de procedimiento"), required=False,
                                    max_length=80)
    es_factura = forms.BooleanField(label=_("Es una factura (registro de facturas)"),
                                    required=False)
    anexos = MultipleFileField(label=_("Documentos escaneados o aportados"), required=False,
                               help_text=_("PDF, XML, ODT, ODS, DOCX, XLSX, JPEG, PNG, TIFF, "
                                           "RTF o TXT; hasta 10 MB cada uno y 15 MB en total."))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, libro: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unidad"].queryset = _unidades()
        if libro == Libro.ENTRADA:
            self.fields["unidad"].label = _("Unidad de destino")
            del self.fields["organismo_externo"]
        else:
            self.fields["unidad"].label = _("Unidad de origen")
            del self.fields["es_factura"]


class InteresadoForm(forms.Form):
    tipo = forms.ChoiceField(label=_("Tipo de persona"), choices=TipoPersona.choices,
                             initial=TipoPersona.FISICA)
    tipo_documento = forms.ChoiceField(label=_("Documento"), choices=TipoDocumento.choices)
    documento = forms.CharField(label=_("Número de documento"), max_length=20)
    nombre = forms.CharField(label=_("Nombre"), max_length=80, required=False)
    apellido1 = forms.CharField(label=_("Primer apellido"), max_length=80, required=False)
    apellido2 = forms.CharField(label=_("Segundo apellido"), max_length=80, required=False)
    razon_social = forms.CharField(label=_("Razón social"), max_length=200, required=False)
    email = forms.CharField(label=_("Correo electrónico"), max_length=160, required=False)
    telefono = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    direccion = forms.CharField(label=_("Dirección"), max_length=160, required=False)


class ConsultaPadronForm(forms.Form):
    """A document to look up in the padrón: a DNI or NIE with its check letter (a NIE
    typed as NIF is read as a NIE), or a passport number."""

    tipo_documento = forms.ChoiceField(label=_("Documento"), choices=[
        (TipoDocumento.NIF, TipoDocumento.NIF.label), (TipoDocumento.NIE, TipoDocumento.NIE.label),
        (TipoDocumento.PASAPORTE, TipoDocumento.PASAPORTE.label)],
        error_messages={"invalid_choice": _("En el padrón se busca por DNI, NIE o pasaporte.")})
    documento = forms.CharField(label=_("Número de documento"), max_length=20,
                                error_messages={"required": _("Escriba el número de documento "
                                                              "para buscarlo en el padrón.")})

    def clean(self):
        from django.core.exceptions import ValidationError

        from padron.actions import normalize_document
        from padron.choices import TipoDocumento as TipoPadron

        data = super().clean()
        tipo, documento = data.get("tipo_documento"), data.get("documento")
        if not (tipo and documento):
            return data
        compact = "".join(ch for ch in documento.upper() if ch.isalnum())
        padron_tipo = {TipoDocumento.NIE: TipoPadron.TARJETA_EXTRANJERO,
                       TipoDocumento.PASAPORTE: TipoPadron.PASAPORTE}.get(tipo, TipoPadron.DNI)
        if tipo == TipoDocumento.NIF and compact[:1] in ("X", "Y", "Z"):
            padron_tipo = TipoPadron.TARJETA_EXTRANJERO
        try:
            data["documento"] = normalize_document(padron_tipo, documento)
        except ValidationError as exc:
            self.add_error("documento", exc.message_dict["documento"])
            return data
        data["tipo_padron"] = padron_tipo
        return data


class RepresentanteForm(InteresadoForm):
    """Optional: left empty when the interesado acts on their own behalf."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    @property
    def is_filled(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("documento"))


class AnularForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo de la anulación"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class DistribuirForm(forms.Form):
    unidad = forms.ModelChoiceField(label=_("Unidad"), queryset=UnidadOrganica.objects.none(),
                                    empty_label=_("Elija…"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unidad"].queryset = _unidades()


class UnidadForm(forms.ModelForm):
    class Meta:
        model = UnidadOrganica
        fields = ["nombre", "codigo_dir3", "padre", "activa"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        padres = UnidadOrganica.objects.order_by(*UNIDAD_ORDER)
        if self.instance.pk:
            padres = padres.exclude(pk=self.instance.pk)
        self.fields["padre"].queryset = padres

    def clean_codigo_dir3(self) -> str:
        return self.cleaned_data["codigo_dir3"].strip().upper()

    def clean_padre(self):
        padre = self.cleaned_data.get("padre")
        node = padre
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("Una unidad no puede depender de sí misma."))
            node = node.padre
        return padre


class FestivoForm(forms.ModelForm):
    class Meta:
        model = Festivo
        fields = ["fecha", "descripcion", "ambito"]
        widgets = {"fecha": DateInput()}
        error_messages = {"fecha": {"unique": _("Esa fecha ya está en el calendario.")}}


class LibroForm(forms.Form):
    libro = forms.ChoiceField(label=_("Libro"), choices=Libro.choices)
    desde = forms.DateField(label=_("Desde"), widget=DateInput())
    hasta = forms.DateField(label=_("Hasta"), widget=DateInput())
    formato = forms.ChoiceField(label=_("Formato"), choices=[("pdf", "PDF"), ("xlsx", "Excel")])

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta"):
            if data["desde"] > data["hasta"]:
                self.add_error("hasta", _("La fecha final es anterior a la inicial."))
            elif (data["hasta"] - data["desde"]).days > 366:
                self.add_error("hasta", _("El periodo no puede pasar de un año."))
        return data


class EnviarSIRForm(forms.Form):
    destino_dir3 = forms.CharField(
        label=_("Código DIR3 de la oficina de destino"), max_length=21,
        help_text=_("Oficina de registro de la otra administración (p. ej. O00001234 o "
                    "L01030535)."), widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                                                  "spellcheck": "false"}))
    destino_nombre = forms.CharField(label=_("Nombre del destino"), max_length=80,
                                     required=False)
    unidad_destino_dir3 = forms.CharField(label=_("Unidad de tramitación de destino (DIR3)"),
                                          max_length=21, required=False)

    def clean_destino_dir3(self) -> str:
        value = self.cleaned_data["destino_dir3"].strip().upper()
        dir3_validator(value)
        return value

    def clean_unidad_destino_dir3(self) -> str:
        value = self.cleaned_data["unidad_destino_dir3"].strip().upper()
        if value:
            dir3_validator(value)
        return value


class SubirSICRESForm(forms.Form):
    fichero = forms.FileField(
        label=_("Fichero SICRES 3.0"),
        help_text=_("Fichero de intercambio (Fichero_Intercambio_SICRES_3) o mensaje "
                    "(De_Mensaje) en XML."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}))


class RechazarForm(forms.Form):
    motivo = forms.CharField(
        label=_("Motivo del rechazo"), max_length=2000,
        help_text=_("Llega al origen en sus primeros 80 caracteres (límite de SICRES 3.0); "
                    "el texto completo queda aquí."),
        widget=forms.Textarea(attrs={"rows": 3}))


class BandejaFiltroForm(forms.Form):
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos")),
                                        *IntercambioRecibido.Estado.choices])
    texto = forms.CharField(label=_("Texto"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={
                                "placeholder": _("identificador, origen…")}))
