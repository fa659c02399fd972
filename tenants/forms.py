"""Forms of the back office and the provincial pages. They validate input and delegate."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.es import nif as stdnum_nif

from tenants import sections
from tenants.choices import Application, EntityKind, MembershipRole, Office, Wording
from tenants.models import Entity, Service


def _application_choices(available: set[str]) -> list[tuple[str, str]]:
    """The applications that can be granted; one without pages yet says so."""
    return [(code, label if sections.for_application(code) else
             format_lazy("{label} ({note})", label=label, note=_("en preparación")))
            for code, label in Application.choices if code in available]


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Perfil"), choices=MembershipRole.choices)
    job_title = forms.CharField(label=_("Puesto"), max_length=120, required=False)
    applications = forms.MultipleChoiceField(
        label=_("Aplicaciones concedidas"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo aparecen las aplicaciones de los servicios a los que la entidad está adherida."))
    is_active = forms.BooleanField(label=_("Acceso activo"), required=False, initial=True)

    def __init__(self, *args, available_applications: set[str], roles: list[str] | None = None,
                 is_own: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = _application_choices(available_applications)
        if roles is not None:
            self.fields["role"].choices = [(value, label) for value, label in
                                           MembershipRole.choices if value in roles]
        if is_own:
            # A user administrator keeps that role and access on their own page (the action
            # refuses it too): the fields show it and are not sent.
            for name in ("role", "is_active"):
                if name in self.fields:
                    self.fields[name].disabled = True
            self.fields["role"].help_text = _(
                "No puede quitarse a sí mismo la administración de usuarios: otro "
                "administrador de la entidad puede hacerlo.")


class NewMemberForm(MembershipForm):
    email = forms.EmailField(label=_("Correo electrónico"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("Si ya trabaja en otra entidad, se usa su misma cuenta."))
    first_name = forms.CharField(label=_("Nombre"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Apellidos"), max_length=150, required=False)
    nif = forms.CharField(label=_("NIF"), max_length=9, required=False)
    password = forms.CharField(label=_("Contraseña inicial"), required=False,
                               widget=forms.PasswordInput(render_value=False,
                                                          attrs={"autocomplete": "new-password"}),
                               help_text=_("Solo para personas sin cuenta. Mínimo 10 caracteres."))

    field_order = ["email", "first_name", "last_name", "nif", "password", "role", "job_title",
                   "applications"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]

    def clean_nif(self) -> str:
        value = self.cleaned_data["nif"].strip().upper()
        if value and not stdnum_nif.is_valid(value):
            raise ValidationError(_("El NIF %(value)s no es válido (compruebe la letra)."),
                                  params={"value": value})
        return value

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            validate_password(password)
        return password


class CommunicationForm(forms.Form):
    subject = forms.CharField(label=_("Asunto"), max_length=200)
    body = forms.CharField(label=_("Texto"), widget=forms.Textarea(attrs={"rows": 10}),
                           max_length=20000)
    kinds = forms.MultipleChoiceField(
        label=_("Tipos de entidad"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[c for c in EntityKind.choices if c[0] != EntityKind.DIPUTACION],
        help_text=_("Sin marcar, a todas."))
    comarcas = forms.MultipleChoiceField(label=_("Comarcas"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Sin marcar, todas."))
    mancomunidad = forms.ModelChoiceField(
        label=_("Miembros de la mancomunidad"), required=False, empty_label=_("Cualquiera"),
        queryset=Entity.objects.filter(kind=EntityKind.MANCOMUNIDAD, is_active=True))
    service = forms.ModelChoiceField(label=_("Adheridas al servicio"), required=False,
                                     empty_label=_("Cualquiera"),
                                     queryset=Service.objects.filter(is_active=True))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        comarcas = Entity.objects.adhered().exclude(comarca="").order_by("comarca") \
            .values_list("comarca", flat=True).distinct()
        self.fields["comarcas"].choices = [(c, c) for c in comarcas]


class HandoffStartForm(forms.Form):
    """The query of /cuentas/traspaso/ on the target host: the source entity and the
    source session's switch state, relayed back untouched."""

    origen = forms.IntegerField(min_value=1)
    estado = forms.RegexField(regex=r"^[A-Za-z0-9_-]{32,64}$")


class HandoffIssueForm(forms.Form):
    """The query of /cuentas/traspaso/emitir/ on the source host: the switch state and
    the hash of the target host's browser key."""

    estado = forms.RegexField(regex=r"^[A-Za-z0-9_-]{32,64}$")
    vinculo = forms.RegexField(regex=r"^[0-9a-f]{64}$")


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfficeHolderForm(forms.Form):
    """Who holds an office of the entity, and from when (tenants.actions checks overlaps)."""

    office = forms.ChoiceField(label=_("Cargo"), choices=Office.choices)
    name = forms.CharField(label=_("Nombre y apellidos"), max_length=200)
    nif = forms.CharField(label=_("NIF"), max_length=12, required=False,
                          help_text=_("Opcional. No se imprime en los documentos."))
    wording = forms.ChoiceField(
        label=_("Tratamiento en los documentos"), choices=Wording.choices,
        initial=Wording.NEUTRAL,
        help_text=_("Cómo se nombra el cargo bajo la firma y en los certificados."))
    title = forms.CharField(
        label=_("Título propio"), max_length=120, required=False,
        help_text=_("Solo si firma con otro título que el del cargo, con su artículo (p. ej. "
                    "«La Alcaldesa-Presidenta», «El Secretario accidental»)."))
    start_date = forms.DateField(label=_("Desde"), widget=_DateInput())
    end_date = forms.DateField(label=_("Hasta"), widget=_DateInput(), required=False,
                               help_text=_("Vacío mientras sigue en el cargo."))

    def __init__(self, *args, entity: Entity, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The office that gives the visto bueno depends on the kind of entity.
        hidden = Office.PRESIDENCIA if entity.kind == EntityKind.AYUNTAMIENTO \
            else Office.ALCALDIA
        self.fields["office"].choices = [(code, label) for code, label in Office.choices
                                         if code != hidden]


class EndOfficeForm(forms.Form):
    end_date = forms.DateField(label=_("Último día en el cargo"), widget=_DateInput())
