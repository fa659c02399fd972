"""Forms of the sede's back office: the procedures catalogue and the tablón de anuncios."""

from __future__ import annotations

import datetime
import hashlib
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provincial import uploads
from sede import conf
from sede.choices import NivelIdentificacion, TipoFormulario
from sede.models import Edicto, Procedimiento

CAMPO_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
REQUIRED_WORDS = frozenset({"obligatorio", "sí", "si", "s"})


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class GestionSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Buscar"), max_length=100, required=False)


class ProcedimientoSearchForm(GestionSearchForm):
    estado = forms.ChoiceField(label=gettext_lazy("Estado"), required=False, choices=[
        ("", gettext_lazy("Todos")), ("activos", gettext_lazy("Activos")),
        ("inactivos", gettext_lazy("Inactivos"))])


def campos_to_text(campos: list[dict]) -> str:
    return "\n".join(f"{c['name']} | {c['label']}{' | obligatorio' if c.get('required') else ''}"
                     for c in campos)


class ProcedimientoForm(forms.ModelForm):
    """Every field of a procedure of the catalogue. The specific form's questions are
    written one per line as `name | Etiqueta | obligatorio`."""

    campos_text = forms.CharField(
        label=gettext_lazy("Campos del formulario específico"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Uno por línea: «nombre_interno | Etiqueta | obligatorio» "
                               "(la tercera parte es opcional). Ejemplo: "
                               "«matricula | Matrícula del vehículo | obligatorio»."))

    class Meta:
        model = Procedimiento
        fields = ["code", "name", "description", "requisitos", "plazo_resolucion",
                  "sentido_silencio", "tasa", "organo", "tipo_formulario", "nivel_minimo",
                  "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "requisitos": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": gettext_lazy("Letras, números y guiones; forma la dirección "
                                           "pública del procedimiento."),
                      "is_active": gettext_lazy("Solo los procedimientos activos se muestran "
                                                "en la sede.")}

    def __init__(self, *args, code_locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([*self.Meta.fields[:-1], "campos_text", "is_active"])
        # A form posted without it (an older page, an API client) keeps the level.
        self.fields["nivel_minimo"].required = False
        if self.instance.pk:
            self.fields["campos_text"].initial = campos_to_text(self.instance.campos)
        if code_locked:
            # Asientos already filed quote the code: it cannot change under them.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("No se puede cambiar: hay presentaciones "
                                              "registradas con este código.")

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", code):
            raise ValidationError(_("El código solo admite letras sin tilde, números, "
                                    "guiones y guiones bajos."))
        return code

    def clean_nivel_minimo(self) -> str:
        return (self.cleaned_data.get("nivel_minimo") or self.instance.nivel_minimo
                or NivelIdentificacion.BAJO)

    def clean_campos_text(self) -> list[dict]:
        campos, seen = [], set()
        for number, line in enumerate(self.cleaned_data["campos_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
                raise ValidationError(_("Línea %(n)s: escriba «nombre_interno | Etiqueta» y, "
                                        "si se exige, «| obligatorio».") % {"n": number})
            name = parts[0].lower()
            if not CAMPO_NAME.match(name):
                raise ValidationError(_("Línea %(n)s: el nombre interno «%(name)s» solo admite "
                                        "minúsculas sin tilde, números y guiones bajos, y "
                                        "empieza por una letra.") % {"n": number, "name": name})
            if name in seen:
                raise ValidationError(_("Línea %(n)s: el nombre interno «%(name)s» está "
                                        "repetido.") % {"n": number, "name": name})
            if len(parts) == 3 and parts[2].lower() not in REQUIRED_WORDS:
                raise ValidationError(_("Línea %(n)s: la tercera parte solo puede ser "
                                        "«obligatorio».") % {"n": number})
            seen.add(name)
            campos.append({"name": name, "label": parts[1][:200],
                           "required": len(parts) == 3})
        return campos

    def clean(self) -> dict:
        data = super().clean()
        campos = data.get("campos_text")
        if data.get("tipo_formulario") == TipoFormulario.ESPECIFICO and campos == []:
            self.add_error("campos_text", _("Un formulario específico necesita al menos un "
                                            "campo propio."))
        if data.get("tipo_formulario") == TipoFormulario.INSTANCIA_GENERAL and campos:
            self.add_error("campos_text", _("Los campos propios solo se usan con un "
                                            "formulario específico."))
        if campos is not None:
            self.instance.campos = campos
        return data


def _start_of_today() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


class EdictoForm(forms.ModelForm):
    """An edicto before it is published: text, PDF and the period of exposure."""

    upload = forms.FileField(label=gettext_lazy("Documento del anuncio (PDF)"), required=False)

    class Meta:
        model = Edicto
        fields = ["title", "organo", "body", "publish_from", "publish_until"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}),
                   "publish_from": DateTimeLocalInput(), "publish_until": DateTimeLocalInput()}
        help_texts = {"publish_from": gettext_lazy("Desde hoy en adelante; antes de esa hora "
                                                   "el anuncio no es público."),
                      "publish_until": gettext_lazy("Excluido: deja de mostrarse a esa hora.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _(
            "Solo PDF (se comprueba su contenido); hasta %(size)s MB.%(current)s") % {
            "size": conf.attachment_max_bytes() // (1024 * 1024),
            "current": _(" Si no elige otro, se mantiene el actual.")
            if self.instance.document else ""}
        self.document_content: bytes | None = None

    def clean_upload(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        uploads.check_upload(upload, allowed=("pdf",), max_bytes=conf.attachment_max_bytes())
        upload.seek(0)
        self.document_content = upload.read()
        return upload

    def clean_publish_from(self) -> datetime.datetime:
        value = self.cleaned_data["publish_from"]
        if value < _start_of_today():
            raise ValidationError(_("El inicio de la publicación no puede ser anterior a hoy."))
        return value

    def clean(self) -> dict:
        # The end after the start is the model's own rule (Edicto.clean, run afterwards).
        data = super().clean()
        start, end = data.get("publish_from"), data.get("publish_until")
        if start and end and start < end <= timezone.now():
            self.add_error("publish_until", _("El final de la publicación ya ha pasado."))
        return data

    @property
    def document_sha256(self) -> str:
        return hashlib.sha256(self.document_content).hexdigest() if self.document_content else ""


class RetirarForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivo de la retirada"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=gettext_lazy(
                                 "Consta en el expediente y en la diligencia de exposición."))

    def clean_reason(self) -> str:
        value = " ".join(self.cleaned_data["reason"].split())
        if len(value) < 10:
            raise ValidationError(_("Explique el motivo de la retirada (al menos 10 "
                                    "caracteres)."))
        return value
