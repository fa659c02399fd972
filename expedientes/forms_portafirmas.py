"""Forms of the portafirmas and the libro de resoluciones: every query parameter and
posted value is parsed here, with Spanish messages."""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expedientes.choices import Cargo, EstadoResolucion
from expedientes.models import CircuitoFirma
from expedientes.portafirmas import APPLICATION, MAX_MOTIVO, PasoData
from tenants.models import Entity, User

_EXPEDIENTE = re.compile(r"\s*(?P<numero>\d{1,7})\s*(?:/\s*(?P<year>\d{4}))?\s*")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def miembros(entity: Entity):
    """The entity's active members who use the expedientes."""
    return (User.objects.filter(is_active=True, memberships__entity=entity,
                                memberships__is_active=True,
                                memberships__applications__contains=[APPLICATION])
            .order_by("last_name", "first_name", "username").distinct())


def _clean_period(form: forms.Form, data: dict) -> dict:
    if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
        form.add_error("hasta", _("La fecha final es anterior a la inicial."))
    return data


class BandejaForm(forms.Form):
    VISTAS = [("pendientes", _("Pendientes")), ("firmados", _("Firmados")),
              ("rechazados", _("Rechazados")), ("todos", _("Todos"))]

    vista = forms.ChoiceField(label=_("Mostrar"), choices=VISTAS, required=False)
    expediente = forms.CharField(label=_("Expediente"), required=False, max_length=20,
                                 widget=forms.TextInput(attrs={"placeholder": "12/2026"}))
    desde = forms.DateField(label=_("Enviados desde"), required=False, widget=DateInput())
    hasta = forms.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def clean_expediente(self) -> tuple[int, int | None] | None:
        value = self.cleaned_data["expediente"].strip()
        if not value:
            return None
        found = _EXPEDIENTE.fullmatch(value)
        if found is None:
            raise forms.ValidationError(_("Escriba el número del expediente: 12/2026 o 12."))
        return int(found["numero"]), int(found["year"]) if found["year"] else None

    def clean(self):
        return _clean_period(self, super().clean())


class LoteForm(forms.Form):
    """The items ticked in the inbox: only the user's pending ones are valid choices."""

    firmantes = forms.TypedMultipleChoiceField(
        label=_("Documentos"), coerce=int,
        error_messages={"required": _("Marque al menos un documento para firmar."),
                        "invalid_choice": _("Alguno de los documentos marcados ya no está "
                                            "pendiente de su firma: recargue la bandeja.")})

    def __init__(self, *args, pendientes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["firmantes"].choices = [(str(pk), str(pk)) for pk in pendientes]


class MotivoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), max_length=MAX_MOTIVO,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Escriba el motivo.")})


class EnviarFirmaForm(forms.Form):
    circuito = forms.ModelChoiceField(label=_("Circuito de firma"),
                                      queryset=CircuitoFirma.objects.none(),
                                      empty_label=_("Elija un circuito"),
                                      error_messages={"required": _("Elija un circuito."),
                                                      "invalid_choice": _("Elija un circuito "
                                                                          "de la lista.")})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["circuito"].queryset = CircuitoFirma.objects.filter(is_active=True)


class CircuitoForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    description = forms.CharField(label=_("Descripción"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("Activo (se puede elegir al enviar a firma)"),
                                   required=False, initial=True)


class PasoForm(forms.Form):
    orden = forms.IntegerField(label=_("Orden"), min_value=1, max_value=20,
                               help_text=_("Los pasos con el mismo orden firman en paralelo."))
    cargo = forms.ChoiceField(label=_("Cargo"), choices=[("", "—"), *Cargo.choices])
    user = UserChoiceField(label=_("Persona (si no, quien ocupe el cargo ese día)"),
                           queryset=User.objects.none(), required=False,
                           empty_label=_("Quien ocupe el cargo"))

    def __init__(self, *args, entity: Entity | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if entity is not None:
            self.fields["user"].queryset = miembros(entity)

    def clean(self):
        data = super().clean()
        if data.get("cargo") == Cargo.TECNICO and not data.get("user"):
            self.add_error("user", _("Elija la persona que firma este paso."))
        return data


BasePasoFormSet = formset_factory(PasoForm, extra=2, can_delete=True, max_num=20,
                                  validate_max=True)


class PasoFormSet(BasePasoFormSet):
    def __init__(self, *args, entity: Entity | None = None, **kwargs) -> None:
        self.entity = entity
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "entity": self.entity}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         entity=self.entity, renderer=self.renderer)
        self.add_fields(form, None)
        return form

    def pasos(self) -> list[PasoData]:
        return [PasoData(orden=form.cleaned_data["orden"], cargo=form.cleaned_data["cargo"],
                         user=form.cleaned_data.get("user"))
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class DelegacionForm(forms.Form):
    titular = UserChoiceField(label=_("Quien delega su firma"), queryset=User.objects.none())
    delegado = UserChoiceField(label=_("En quién delega"), queryset=User.objects.none(),
                               error_messages={"required": _("Elija en quién delega.")})
    desde = forms.DateField(label=_("Desde"), widget=DateInput())
    hasta = forms.DateField(label=_("Hasta (incluido)"), widget=DateInput())
    motivo = forms.CharField(label=_("Motivo"), required=False, max_length=250,
                             widget=forms.TextInput(attrs={"placeholder": _("vacaciones, "
                                                                            "baja, viaje…")}))

    def __init__(self, *args, entity: Entity, user: User, may_choose_titular: bool,
                 **kwargs) -> None:
        kwargs.setdefault("initial", {"titular": user.pk, "desde": timezone.localdate()})
        super().__init__(*args, **kwargs)
        people = miembros(entity)
        self.fields["delegado"].queryset = people
        if may_choose_titular:
            self.fields["titular"].queryset = people
        else:
            self.fields["titular"].queryset = User.objects.filter(pk=user.pk)
            self.fields["titular"].disabled = True
            self.fields["titular"].initial = user.pk

    def clean(self):
        return _clean_period(self, super().clean())


class LibroForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Año"), coerce=int, required=False)
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("número, extracto, "
                                                                       "expediente…")}))
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todas")), *EstadoResolucion.choices])

    def __init__(self, *args, years=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = timezone.localdate().year
        choices = sorted({current, *years}, reverse=True)
        self.fields["year"].choices = [(str(y), str(y)) for y in choices]
        self.fields["year"].initial = current


class EmitirLibroForm(forms.Form):
    desde = forms.DateField(label=_("Desde"), widget=DateInput())
    hasta = forms.DateField(label=_("Hasta"), widget=DateInput())

    def clean(self):
        data = _clean_period(self, super().clean())
        if data.get("desde") and data.get("hasta") and (data["hasta"] - data["desde"]).days > 366:
            self.add_error("hasta", _("El periodo no puede pasar de un año."))
        return data
