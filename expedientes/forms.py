"""Forms of the expediente pages. They validate shape; `expedientes.actions` judges
meaning (documents, the state matrix, the plazo rules) and its message is shown."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from expedientes.actions import miembros
from expedientes.choices import EstadoExpediente, RolInteresado
from expedientes.models import Procedimiento
from registro.choices import TipoDocumento
from registro.forms import DateInput, MultipleFileField

PLAZO_FILTRO = [("", _("Todos")), ("vencidos", _("Vencidos")),
                ("por_vencer", _("A punto de vencer")), ("suspendidos", _("Suspendidos"))]


def _procedimientos():
    return Procedimiento.objects.filter(is_active=True).order_by("name")


class MiembroField(forms.ChoiceField):
    """A member of the entity with the expedientes application; cleans to the User (or
    None when left empty)."""

    def __init__(self, *args, empty_label=None, **kwargs) -> None:
        empty_label = empty_label or _("— Nadie —")
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self._users = {}
        for membership in miembros():
            self._users[str(membership.user_id)] = membership.user
        self.choices = [("", empty_label), *[(key, user.display_name)
                                             for key, user in self._users.items()]]

    def clean(self, value):
        value = super().clean(value)
        return self._users.get(value) if value else None


class BusquedaForm(forms.Form):
    q = forms.CharField(label=_("Número o asunto"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"placeholder": "339/2026"}))
    interesado = forms.CharField(label=_("Interesado (documento o nombre)"), required=False,
                                 max_length=100)
    procedimiento = forms.ModelChoiceField(label=_("Procedimiento"), required=False,
                                           queryset=Procedimiento.objects.none(),
                                           empty_label=_("Todos"))
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos")), *EstadoExpediente.choices])
    responsable = forms.ChoiceField(label=_("Responsable"), required=False)
    plazo = forms.ChoiceField(label=_("Plazo"), required=False, choices=PLAZO_FILTRO)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedimiento"].queryset = Procedimiento.objects.order_by("name")
        self.fields["responsable"].choices = [
            ("", _("Cualquiera")), ("yo", _("Yo")), ("nadie", _("Sin responsable")),
            *[(str(m.user_id), m.user.display_name) for m in miembros()]]


class ExpedienteForm(forms.Form):
    """A new expediente de oficio."""

    procedimiento = forms.ModelChoiceField(label=_("Procedimiento"),
                                           queryset=Procedimiento.objects.none(),
                                           empty_label=_("Elija…"))
    asunto = forms.CharField(label=_("Asunto"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    fecha_inicio = forms.DateField(
        label=_("Fecha del acuerdo de inicio"), required=False, widget=DateInput(),
        help_text=_("Desde ella corre el plazo máximo para resolver (hoy si la deja vacía)."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedimiento"].queryset = _procedimientos()
        self.fields["responsable"] = MiembroField(label=_("Responsable"))


class DesdeAsientoForm(forms.Form):
    """A new expediente a instancia de parte, from an entry of the registro."""

    procedimiento = forms.ModelChoiceField(label=_("Procedimiento"),
                                           queryset=Procedimiento.objects.none(),
                                           empty_label=_("Elija…"))
    asunto = forms.CharField(label=_("Asunto"), max_length=500, required=False,
                             help_text=_("Vacío: el del asiento."),
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedimiento"].queryset = _procedimientos()
        self.fields["responsable"] = MiembroField(label=_("Responsable"))


class AsientoBusquedaForm(forms.Form):
    q = forms.CharField(label=_("Buscar una entrada sin expediente"), required=False,
                        max_length=100,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("número, asunto o documento del interesado")}))


class DatosForm(forms.Form):
    asunto = forms.CharField(label=_("Asunto"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsable"] = MiembroField(label=_("Responsable"))


class InteresadoForm(forms.Form):
    rol = forms.ChoiceField(label=_("Rol"), choices=RolInteresado.choices,
                            initial=RolInteresado.INTERESADO)
    tipo_documento = forms.ChoiceField(label=_("Documento"), choices=TipoDocumento.choices)
    documento = forms.CharField(label=_("Número de documento"), max_length=20)
    nombre = forms.CharField(label=_("Nombre o razón social"), max_length=200)
    apellido1 = forms.CharField(label=_("Primer apellido"), max_length=100, required=False)
    apellido2 = forms.CharField(label=_("Segundo apellido"), max_length=100, required=False)
    email = forms.CharField(label=_("Correo electrónico"), max_length=254, required=False)
    telefono = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    direccion = forms.CharField(label=_("Dirección"), max_length=300, required=False)


class OptionalInteresadoForm(InteresadoForm):
    """The first interesado of a new expediente de oficio: may be left empty."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["rol"].initial = RolInteresado.INTERESADO

    @property
    def is_filled(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("documento"))


class FaseForm(forms.Form):
    fase = forms.ChoiceField(label=_("Nueva fase"))

    def __init__(self, *args, fases: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fase"].choices = [(f, f) for f in fases]


class TareaForm(forms.Form):
    titulo = forms.CharField(label=_("Tarea"), max_length=250)
    descripcion = forms.CharField(label=_("Descripción"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Fecha límite"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asignada_a"] = MiembroField(label=_("Asignada a"))


class AsignarTareaForm(forms.Form):
    due_date = forms.DateField(label=_("Nueva fecha límite"), required=False,
                               widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asignada_a"] = MiembroField(label=_("Asignar a"))
        self.order_fields(["asignada_a", "due_date"])


class MotivoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class EventoPlazoForm(forms.Form):
    """A suspension or resumption of the plazo."""

    fecha = forms.DateField(label=_("Fecha"), required=False, widget=DateInput(),
                            help_text=_("Vacía: hoy."))
    motivo = forms.CharField(label=_("Motivo"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AmpliarForm(forms.Form):
    dias = forms.IntegerField(label=_("Días de ampliación"), min_value=1, max_value=3650)
    motivo = forms.CharField(label=_("Motivo (acuerdo de ampliación)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AportarForm(forms.Form):
    """A citizen's documents for their expediente."""

    texto = forms.CharField(label=_("Escrito (opcional)"), required=False, max_length=10_000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    anexos = MultipleFileField(
        label=_("Documentos"), help_text=_("PDF, XML, ODT, ODS, DOCX, XLSX, JPEG, PNG, TIFF, "
                                           "RTF o TXT; hasta 10 MB cada uno."))
    email = forms.EmailField(label=_("Correo electrónico para el acuse (opcional)"),
                             required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"key": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)


class InformeForm(forms.Form):
    desde = forms.DateField(label=_("Abiertos desde"), required=False, widget=DateInput())
    hasta = forms.DateField(label=_("hasta"), required=False, widget=DateInput())
    procedimiento = forms.ModelChoiceField(label=_("Procedimiento"), required=False,
                                           queryset=Procedimiento.objects.none(),
                                           empty_label=_("Todos"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedimiento"].queryset = Procedimiento.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            self.add_error("hasta", _("La fecha final es anterior a la inicial."))
        return data
