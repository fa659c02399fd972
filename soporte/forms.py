"""Forms of the incident desk: they validate input and hand it to soporte.actions."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soporte.access import filing_services
from soporte.choices import Estado, Prioridad
from soporte.models import ArticuloKB, Categoria, Grupo
from tenants.models import Entity, Service


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is content-checked by the action."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.zip,.docx,.xlsx,.odt"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


ATTACHMENTS_HELP = _("PDF, PNG, JPEG u Office/ZIP; hasta 10 ficheros. Se comprueba su contenido.")


class IncidenciaForm(forms.Form):
    """Filing form; the services are the entity's adhered ones plus «Consulta general»."""

    service = forms.ModelChoiceField(label=_("Servicio"), queryset=Service.objects.none(),
                                     required=False, empty_label=_("Consulta general"))
    categoria = forms.ModelChoiceField(label=_("Categoría"), queryset=Categoria.objects.filter(
        is_active=True), required=False, empty_label=_("Sin categoría"))
    priority = forms.TypedChoiceField(label=_("Prioridad"), choices=Prioridad.choices, coerce=int,
                                      initial=Prioridad.NORMAL)
    subject = forms.CharField(label=_("Asunto"), max_length=200)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("Qué ocurre, desde cuándo, qué pantalla y qué mensaje ve."))
    attachments = MultipleFileField(label=_("Adjuntos"), help_text=ATTACHMENTS_HELP)

    def __init__(self, *args, entity: Entity | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if entity is not None:
            self.fields["service"].queryset = filing_services(entity)


class DeskIncidenciaForm(IncidenciaForm):
    """An agent files on behalf of an entity (e.g. from a phone call)."""

    entity = forms.ModelChoiceField(label=_("Entidad"), queryset=Entity.objects.adhered().filter(
        is_active=True))
    reporter_email = forms.EmailField(label=_("Correo de quien comunica"), required=False,
                                      help_text=_("Un usuario de la entidad; vacío: usted."))
    field_order = ["entity", "reporter_email", "service", "categoria", "priority", "subject",
                   "description", "attachments"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        entity = data.get("entity")
        email = data.get("reporter_email")
        data["reporter"] = None
        if entity and email:
            reporter = get_user_model().objects.filter(
                email__iexact=email, memberships__entity=entity, memberships__is_active=True).first()
            if reporter is None:
                self.add_error("reporter_email", _("No hay ningún usuario %(de_entity)s con ese correo.")
                               % {"de_entity": entity.name_after_de})
            data["reporter"] = reporter
        return data


class LlamadaForm(forms.Form):
    reference = forms.CharField(label=_("Referencia de la incidencia"), required=False,
                                help_text=_("Vacía: se crea una incidencia nueva con los datos de abajo."))
    caller = forms.CharField(label=_("Quién llama"), max_length=120)
    phone = forms.CharField(label=_("Teléfono"), max_length=20, required=False)
    started_at = forms.DateTimeField(label=_("Cuándo"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    duration_minutes = forms.IntegerField(label=_("Duración (minutos)"), min_value=1, max_value=600)
    summary = forms.CharField(label=_("Resumen"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("started_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)


class NuevaDesdeLlamadaForm(DeskIncidenciaForm):
    """The new-incident part of the phone call form (used when no reference is given)."""

    prefix = "nueva"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["attachments"]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Mensaje"), widget=forms.Textarea(attrs={"rows": 5}))
    is_internal = forms.BooleanField(label=_("Nota interna (no la ve la entidad)"), required=False)
    attachments = MultipleFileField(label=_("Adjuntos"), help_text=ATTACHMENTS_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, internal_allowed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not internal_allowed:
            del self.fields["is_internal"]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StateForm(VersionedForm):
    state = forms.ChoiceField(label=_("Nuevo estado"), choices=Estado.choices)

    def __init__(self, *args, targets: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["state"].choices = [("", _("— Elija —")), *((t, Estado(t).label) for t in targets)]


def agents():
    return get_user_model().objects.filter(is_support_agent=True, is_active=True).order_by(
        "first_name", "last_name")


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class AssignForm(VersionedForm):
    grupo = forms.ModelChoiceField(label=_("Grupo"), queryset=Grupo.objects.all(), required=False,
                                   empty_label=_("Sin grupo"))
    assignee = AgentChoiceField(label=_("Agente"), queryset=agents(), required=False,
                                empty_label=_("Sin asignar"))


class PriorityForm(VersionedForm):
    priority = forms.TypedChoiceField(label=_("Prioridad"), choices=Prioridad.choices, coerce=int)


class IncidenciaReferenceForm(forms.Form):
    """An incident chosen by its reference (INC-2026-000123)."""

    reference = forms.RegexField(label=_("Referencia"),
                                 regex=re.compile(r"^\s*INC-\d{4}-\d{6}\s*$", re.IGNORECASE),
                                 error_messages={"invalid": _("Escriba una referencia como INC-2026-000123.")})

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()


class ReferenceForm(VersionedForm, IncidenciaReferenceForm):
    """Merge into / link with another incident (from the incident page)."""


class QueueFilterForm(forms.Form):
    VIEWS = [("", _("Todas")), ("mias", _("Mías")), ("grupo", _("De mis grupos")),
             ("sin_asignar", _("Sin asignar")), ("incumplidas", _("Fuera de plazo"))]
    STATES = [("", _("Abiertas")), ("todas", _("Todos los estados")), *Estado.choices]

    q = forms.CharField(label=_("Buscar"), required=False,
                        widget=forms.SearchInput(attrs={"placeholder": _("Texto o INC-2026-000123")}))
    vista = forms.ChoiceField(label=_("Vista"), choices=VIEWS, required=False)
    estado = forms.ChoiceField(label=_("Estado"), choices=STATES, required=False)
    entity = forms.ModelChoiceField(label=_("Entidad"), queryset=Entity.objects.adhered(),
                                    required=False, empty_label=_("Todas"))
    service = forms.ModelChoiceField(label=_("Servicio"), queryset=Service.objects.all(),
                                     required=False, empty_label=_("Todos"))
    priority = forms.TypedChoiceField(label=_("Prioridad"), choices=[("", _("Todas")),
                                                                     *Prioridad.choices],
                                      coerce=int, required=False, empty_value=None)


class EntityFilterForm(forms.Form):
    STATES = [("", _("Abiertas")), ("todas", _("Todas")), *Estado.choices]

    q = forms.CharField(label=_("Buscar"), required=False, widget=forms.SearchInput(
        attrs={"placeholder": _("Texto o referencia")}))
    estado = forms.ChoiceField(label=_("Estado"), choices=STATES, required=False)


class BulkForm(forms.Form):
    ACTIONS = [("take", _("Tomarlas")), ("assign", _("Asignar a…")), ("state", _("Cambiar estado a…")),
               ("priority", _("Cambiar prioridad a…"))]

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())  # filled with the page's ids
    action = forms.ChoiceField(label=_("Acción"), choices=ACTIONS)
    assignee = AgentChoiceField(label=_("Agente"), queryset=agents(), required=False)
    state = forms.ChoiceField(label=_("Estado"), choices=[("", "—"), *Estado.choices], required=False)
    priority = forms.TypedChoiceField(label=_("Prioridad"), choices=[("", "—"), *Prioridad.choices],
                                      coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        needed = {"assign": "assignee", "state": "state", "priority": "priority"}.get(action)
        if needed and not data.get(needed):
            self.add_error(needed, _("Elija el valor que se aplicará."))
        return data

    def value(self):
        action = self.cleaned_data["action"]
        return {"assign": self.cleaned_data.get("assignee"), "state": self.cleaned_data.get("state"),
                "priority": self.cleaned_data.get("priority")}.get(action)


class ArticuloForm(forms.ModelForm):
    class Meta:
        model = ArticuloKB
        fields = ["title", "service", "body", "is_published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class StatsForm(forms.Form):
    year = forms.IntegerField(label=_("Año"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The box shows the year the page shows ("Año 2026"), not an empty field.
        self.fields["year"].initial = timezone.localdate().year

    def selected_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year
