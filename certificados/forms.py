"""Forms of the certificates' pages: they validate input and hand it to the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certificados import actions, conf
from certificados.choices import (
    Autoridad,
    Estado,
    MotivoRevocacion,
    Operacion,
    Tipo,
    TipoDocumento,
)
from certificados.models import LocalCA
from certificados.validators import clean_dir3, clean_person_nif, clean_sede_domain
from tenants.models import Entity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is content-checked by the action."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


ATTACHMENTS_HELP = _("PDF, PNG o JPEG, hasta %(n)s ficheros de %(mb)s MB. Se comprueba su "
                     "contenido, no su extensión.")

# Labels that change with the kind: the employee is the holder; a sello or a sede has a
# person responsible for it.
KIND_TEXT = {
    Tipo.EMPLEADO: {
        "person": _("Empleado público (titular del certificado)"),
        "holder_position": _("Cargo o puesto de trabajo"),
        "organo": _("Unidad u órgano donde trabaja"),
        "organo_help": _("Como figura en el organigrama (p. ej. Secretaría, Intervención)."),
        "dir3_help": _("El de la unidad (LA0…) o el de la entidad."),
    },
    Tipo.SEDE: {
        "person": _("Responsable de la sede"),
        "holder_position": _("Cargo del responsable"),
        "organo": _("Órgano titular de la sede"),
        "organo_help": _("Normalmente, la propia entidad."),
        "dir3_help": _("El de la entidad titular de la sede."),
    },
    Tipo.SELLO: {
        "person": _("Responsable del sello"),
        "holder_position": _("Cargo del responsable"),
        "organo": _("Órgano que usará el sello"),
        "organo_help": _("Aparece en el certificado: «SELLO ELECTRONICO DE …». Normalmente, "
                         "la propia entidad."),
        "dir3_help": _("El del órgano (LA0…) o el de la entidad."),
    },
}


def authority_choices() -> list[tuple[str, str]]:
    """FNMT and ACCV always; the platform's CA only where the Diputación runs one."""
    choices = [(Autoridad.FNMT.value, Autoridad.FNMT.label), (Autoridad.ACCV.value,
                                                                Autoridad.ACCV.label)]
    if LocalCA.objects.filter(is_active=True).exists():
        choices.append((Autoridad.LOCAL.value, Autoridad.LOCAL.label))
    return choices


class SolicitudForm(forms.Form):
    """A request of one kind; the fields speak of the employee, or of the person
    responsible for a sello or a sede."""

    authority = forms.ChoiceField(label=_("Autoridad de certificación"), choices=(),
                                  widget=forms.RadioSelect)
    holder_given_name = forms.CharField(label=_("Nombre"), max_length=100)
    holder_surnames = forms.CharField(label=_("Apellidos"), max_length=150)
    holder_nif = forms.CharField(label=_("NIF (DNI o NIE)"), max_length=12,
                                 widget=forms.TextInput(attrs={"autocomplete": "off",
                                                               "spellcheck": "false"}))
    holder_email = forms.EmailField(label=_("Correo electrónico"),
                                    help_text=_("Recibirá los avisos de caducidad."))
    holder_position = forms.CharField(label=_("Cargo o puesto"), max_length=150)
    organo = forms.CharField(label=_("Órgano"), max_length=200)
    dir3_code = forms.CharField(label=_("Código DIR3"), max_length=9,
                                widget=forms.TextInput(attrs={"spellcheck": "false"}))
    sede_domain = forms.CharField(label=_("Dirección de la sede"), max_length=253,
                                  help_text=_("Solo el nombre del servidor, sin https:// (p. ej. "
                                              "sede.agost.es)."),
                                  widget=forms.TextInput(attrs={"spellcheck": "false"}))
    notes = forms.CharField(label=_("Observaciones para la oficina de registro"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    doc_type = forms.ChoiceField(label=_("Los documentos que adjunta son"),
                                 choices=TipoDocumento.choices, initial=TipoDocumento.IDENTIDAD)
    attachments = MultipleFileField(label=_("Documentos acreditativos"))

    def __init__(self, *args, entity: Entity, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entity, self.kind = entity, kind
        text = KIND_TEXT[Tipo(kind)]
        self.fields["authority"].choices = authority_choices()
        self.fields["authority"].initial = Autoridad.FNMT
        self.fields["holder_position"].label = text["holder_position"]
        self.fields["organo"].label = text["organo"]
        self.fields["organo"].help_text = text["organo_help"]
        self.fields["dir3_code"].help_text = text["dir3_help"]
        self.fields["dir3_code"].initial = entity.dir3_code
        self.fields["attachments"].help_text = ATTACHMENTS_HELP % {
            "n": conf.ATTACHMENTS_MAX, "mb": conf.attachment_max_bytes() // (1024 * 1024)}
        if kind != Tipo.EMPLEADO:
            self.fields["organo"].initial = entity.name
        if kind != Tipo.SEDE:
            del self.fields["sede_domain"]
        self.person_legend = text["person"]

    @property
    def person_fields(self) -> list:
        return [self[name] for name in ("holder_given_name", "holder_surnames", "holder_nif",
                                        "holder_email", "holder_position")]

    @property
    def certificate_fields(self) -> list:
        names = ["authority", "organo", "dir3_code"]
        if "sede_domain" in self.fields:
            names.insert(1, "sede_domain")
        return [self[name] for name in names]

    @property
    def document_fields(self) -> list:
        return [self[name] for name in ("doc_type", "attachments", "notes")]

    def clean_holder_nif(self) -> str:
        return clean_person_nif(self.cleaned_data["holder_nif"])

    def clean_dir3_code(self) -> str:
        return clean_dir3(self.cleaned_data["dir3_code"], self.entity)

    def clean_sede_domain(self) -> str:
        return clean_sede_domain(self.cleaned_data["sede_domain"])

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        actions.check_attachments(files)
        return files

    def solicitud(self) -> actions.NuevaSolicitud:
        data = self.cleaned_data
        return actions.NuevaSolicitud(
            kind=self.kind, authority=data["authority"],
            holder_given_name=data["holder_given_name"], holder_surnames=data["holder_surnames"],
            holder_nif=data["holder_nif"], holder_email=data["holder_email"],
            holder_position=data["holder_position"], organo=data["organo"],
            dir3_code=data["dir3_code"], sede_domain=data.get("sede_domain", ""),
            notes=data.get("notes", ""))


class FiltroForm(forms.Form):
    """Search and filters of the entity's list."""

    q = forms.CharField(label=_("Buscar"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("Titular, NIF, órgano, sede o referencia")}))
    estado = forms.ChoiceField(label=_("Estado"), required=False,
                               choices=[("", _("Todos los estados")), *Estado.choices])
    tipo = forms.ChoiceField(label=_("Tipo"), required=False,
                             choices=[("", _("Todos los tipos")), *Tipo.choices])


QUEUE_VIEWS = [
    ("acreditar", _("Por acreditar")),
    ("emitir", _("Por enviar o emitir")),
    ("autoridad", _("En la autoridad")),
    ("peticiones", _("Peticiones de las entidades")),
    ("todos", _("Todos")),
]


class ColaForm(FiltroForm):
    """The queue's tab, search and filters (provincial host)."""

    vista = forms.ChoiceField(required=False, choices=QUEUE_VIEWS, widget=forms.HiddenInput)
    autoridad = forms.ChoiceField(label=_("Autoridad"), required=False,
                                  choices=[("", _("Todas las autoridades")), *Autoridad.choices])
    entidad = forms.ModelChoiceField(label=_("Entidad"), required=False,
                                     queryset=Entity.objects.adhered().order_by("name"),
                                     empty_label=_("Todas las entidades"))


class CaducidadForm(forms.Form):
    periodo = forms.ChoiceField(label=_("Periodo"), required=False,
                                choices=[("trimestre", _("Este trimestre")),
                                         ("90dias", _("Próximos 90 días")),
                                         ("siguiente", _("Próximo trimestre"))])
    tipo = forms.ChoiceField(label=_("Tipo"), required=False,
                             choices=[("", _("Todos los tipos")), *Tipo.choices])


class AdjuntarForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Documento"), choices=TipoDocumento.choices)
    attachments = MultipleFileField(label=_("Ficheros"), required=True)


def _reason(label, help_text=""):
    return forms.CharField(label=label, help_text=help_text, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PeticionForm(forms.Form):
    """The entity asks the office to suspend, lift or revoke."""

    operacion = forms.ChoiceField(label=_("Qué pide"), choices=Operacion.choices)
    reason = _reason(_("Motivo"), _("P. ej. «Pérdida del equipo donde estaba instalado» o "
                                    "«Cese del empleado el 30/06»."))

    def __init__(self, *args, state: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = {Estado.EMITIDO: [Operacion.SUSPENDER, Operacion.REVOCAR],
                   Estado.SUSPENDIDO: [Operacion.LEVANTAR, Operacion.REVOCAR]}.get(state, [])
        self.fields["operacion"].choices = [(o.value, o.label) for o in allowed]


class AnularForm(forms.Form):
    reason = _reason(_("Motivo de la anulación"))


class ClaveForm(forms.Form):
    password1 = forms.CharField(label=_("Contraseña para el fichero"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Al menos %(n)s caracteres. La necesitará para "
                                            "instalar el certificado; la plataforma no la "
                                            "guarda.") % {"n": actions.PKCS12_MIN_PASSWORD})
    password2 = forms.CharField(label=_("Repita la contraseña"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        first, second = data.get("password1") or "", data.get("password2") or ""
        if first and len(first) < actions.PKCS12_MIN_PASSWORD:
            self.add_error("password1", _("Ha de tener al menos %(n)s caracteres.")
                           % {"n": actions.PKCS12_MIN_PASSWORD})
        elif first and second and first != second:
            self.add_error("password2", _("Las dos contraseñas no coinciden."))
        return data


# --- the registration office's operations ----------------------------------------------------


class AcreditarForm(forms.Form):
    note = _reason(_("Qué ha comprobado"),
                   _("P. ej. «DNI original visto en persona; nombramiento de 12/01/2026»."))


class RechazarForm(forms.Form):
    reason = _reason(_("Motivo del rechazo"), _("Se comunica a la entidad."))


class EnviarForm(forms.Form):
    external_reference = forms.CharField(label=_("Código de solicitud en la autoridad"),
                                         max_length=80,
                                         help_text=_("El que le dio la aplicación de registro "
                                                     "de la FNMT o la ACCV."))
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EmitirForm(forms.Form):
    csr = forms.FileField(label=_("Petición de certificado del titular (opcional)"),
                          required=False,
                          help_text=_("Un .csr/.req (PKCS#10) que el titular generó: su clave "
                                      "no pasa por la plataforma. Sin él, la plataforma genera "
                                      "la clave y la entrega una sola vez, cifrada."))
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == Tipo.SELLO:
            del self.fields["csr"]

    def clean_csr(self):
        upload = self.cleaned_data.get("csr")
        if upload and upload.size > conf.UPLOAD_CERTIFICATE_MAX_BYTES:
            raise forms.ValidationError(_("El fichero ocupa demasiado para ser una petición."))
        return upload


class RegistrarForm(forms.Form):
    certificate = forms.FileField(label=_("Certificado emitido"),
                                  help_text=_("El .cer (DER) o .pem que descargó; para un sello "
                                              "que firmará la plataforma, el .p12/.pfx con su "
                                              "clave."))
    password = forms.CharField(label=_("Contraseña del .p12"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
                               help_text=_("Solo para un PKCS#12. No se guarda."))
    note = forms.CharField(label=_("Nota"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        if upload.size > conf.UPLOAD_CERTIFICATE_MAX_BYTES:
            raise forms.ValidationError(_("El fichero ocupa demasiado para ser un certificado."))
        return upload


class SuspenderForm(forms.Form):
    reason = _reason(_("Motivo de la suspensión"))


class LevantarForm(forms.Form):
    reason = _reason(_("Motivo del levantamiento"))


class RevocarForm(forms.Form):
    motivo = forms.ChoiceField(label=_("Motivo (RFC 5280)"), choices=MotivoRevocacion.choices)
    reason = _reason(_("Explicación"))


class DescartarForm(forms.Form):
    reason = _reason(_("Por qué no se atiende la petición"), _("Se comunica a la entidad."))
