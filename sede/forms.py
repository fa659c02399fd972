"""Forms of the sede. They validate what citizens type and attach; the actions do the rest."""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.es import cif

from provincial.uploads import megabytes
from registro import formatos
from registro import services as registro
from sede import certificates, conf
from sede.models import Procedimiento

TEXT_MAX = 10_000
# The ENI formats (registro.formatos) a citizen may attach at the sede, judged by
# content; the name gets the format's extension when it has none.
ALLOWED_FORMATS = ("pdf", "xml", "odt", "ods", "docx", "xlsx", "jpeg", "png")
NAME_MAX = 200  # registro.Anexo.nombre


class DevelopmentIdentificationForm(forms.Form):
    documento = forms.CharField(label=gettext_lazy("DNI o NIE"), max_length=12)
    nombre = forms.CharField(label=gettext_lazy("Nombre"), max_length=80)
    apellido1 = forms.CharField(label=gettext_lazy("Primer apellido"), max_length=80)
    apellido2 = forms.CharField(label=gettext_lazy("Segundo apellido"), max_length=80,
                                required=False)

    def clean_documento(self) -> str:
        documento = certificates.valid_documento(self.cleaned_data["documento"])
        if documento is None:
            raise ValidationError(_("El DNI o NIE no es válido (revise la letra)."))
        return documento

    def clean(self) -> dict:
        data = super().clean()
        for name in ("nombre", "apellido1", "apellido2"):
            if name in data:
                data[name] = " ".join(data[name].split())
        return data


class VerificarForm(forms.Form):
    csv = forms.CharField(label=gettext_lazy("Código seguro de verificación (CSV)"),
                          max_length=60, help_text=gettext_lazy(
                              "Figura al pie del documento: CSV-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX."))


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Buscar"), max_length=100, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


@dataclass(frozen=True)
class Adjunto:
    nombre: str
    mime: str
    contenido: bytes
    sha256: str


def _name(upload: UploadedFile) -> str:
    # Browsers send a bare name, but some send a path (C:\fakepath\…): keep the last
    # part, without control characters, short enough for the registro with its extension.
    raw = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in raw if ch.isprintable()).strip() or _("anexo")
    if len(name) > NAME_MAX:
        stem, extension = posixpath.splitext(name)
        name = stem[:NAME_MAX - len(extension)] + extension if len(extension) <= 10 \
            else name[:NAME_MAX]
    return name


def check_attachment(upload: UploadedFile) -> Adjunto:
    """The attachment, by the registro's one rule (`registro.formatos.admitir`): size,
    content of an admitted format, and a name that says that format (added when the name
    has none). ValidationError in Spanish, so that confirming never refuses it later."""
    name = _name(upload)
    if upload.size > conf.attachment_max_bytes():
        raise ValidationError(_("«%(name)s» ocupa %(size)s MB; el máximo es %(max)s MB.")
                              % {"name": name, "size": megabytes(upload.size),
                                 "max": megabytes(conf.attachment_max_bytes())},
                              code="upload_too_large")
    upload.seek(0)
    content = upload.read()
    try:
        admitted = formatos.admitir(name, content, admitidos=ALLOWED_FORMATS,
                                    max_length=NAME_MAX)
    except formatos.FormatoNoAdmitido as exc:
        raise ValidationError(str(exc), code="upload_format") from exc
    return Adjunto(nombre=admitted.nombre, mime=admitted.formato.mime, contenido=content,
                   sha256=hashlib.sha256(content).hexdigest())


def _represented_input() -> forms.TextInput:
    # Shown only while "representa" is ticked (sede.js); without JavaScript every field is
    # shown, and clean() ignores them when the box is unticked.
    return forms.TextInput(attrs={"data-shown-with": "representa"})


class InstanciaForm(forms.Form):
    """Instancia general (art. 66 Ley 39/2015), and the base of the procedures' forms."""

    representa = forms.BooleanField(
        label=gettext_lazy("Presento la solicitud en representación de otra persona"),
        required=False)
    representado_documento = forms.CharField(
        label=gettext_lazy("DNI, NIE o CIF de la persona representada"), max_length=12,
        required=False, widget=_represented_input())
    representado_nombre = forms.CharField(
        label=gettext_lazy("Nombre (o razón social) de la persona representada"),
        max_length=200, required=False, widget=_represented_input())
    representado_apellido1 = forms.CharField(
        label=gettext_lazy("Primer apellido de la persona representada"), max_length=80,
        required=False, widget=_represented_input())
    representado_apellido2 = forms.CharField(
        label=gettext_lazy("Segundo apellido de la persona representada"), max_length=80,
        required=False, widget=_represented_input())
    email = forms.EmailField(label=gettext_lazy("Correo electrónico para el acuse de recibo"),
                             max_length=254)
    telefono = forms.CharField(label=gettext_lazy("Teléfono"), max_length=20, required=False)
    expone = forms.CharField(label=gettext_lazy("Expone"), widget=forms.Textarea(
        attrs={"rows": 6}), max_length=TEXT_MAX, help_text=gettext_lazy(
        "Los hechos y razones de su solicitud (hasta 10.000 caracteres)."))
    solicita = forms.CharField(label=gettext_lazy("Solicita"), widget=forms.Textarea(
        attrs={"rows": 4}), max_length=TEXT_MAX, help_text=gettext_lazy(
        "Qué pide con claridad (hasta 10.000 caracteres)."))
    anexos = MultipleFileField(label=gettext_lazy("Documentos adjuntos"), required=False)

    def __init__(self, *args, procedimiento: Procedimiento | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.procedimiento = procedimiento
        self.fields["anexos"].help_text = _(
            "%(formats)s; hasta %(count)s ficheros de %(size)s MB como máximo cada uno y "
            "%(total)s MB en total.") % {
            "formats": formatos.etiquetas(ALLOWED_FORMATS), "count": conf.attachments_max(),
            "size": min(conf.attachment_max_bytes(), registro.max_bytes_anexo()) // 1048576,
            "total": registro.max_bytes_asiento() // 1048576}
        self.extra_fields: list[str] = []
        for campo in (procedimiento.campos if procedimiento and procedimiento.has_specific_form
                      else []):
            name = f"campo_{campo['name']}"
            self.fields[name] = forms.CharField(label=campo["label"], max_length=500,
                                                required=bool(campo.get("required")))
            self.extra_fields.append(name)
        # The procedure's own questions come before the free text.
        order = ["representa", "representado_documento", "representado_nombre",
                 "representado_apellido1", "representado_apellido2", "email",
                 "telefono", *self.extra_fields, "expone", "solicita", "anexos"]
        self.order_fields(order)

    def clean_expone(self) -> str:
        return self._text("expone")

    def clean_solicita(self) -> str:
        return self._text("solicita")

    def _text(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if not value:
            raise ValidationError(forms.Field.default_error_messages["required"],
                                  code="required")
        return value

    def clean_anexos(self) -> list[Adjunto]:
        files = self.cleaned_data.get("anexos") or []
        if len(files) > conf.attachments_max():
            raise ValidationError(_("Puede adjuntar como máximo %(count)s ficheros.")
                                  % {"count": conf.attachments_max()})
        accepted, errors = [], []
        for upload in files:
            try:
                accepted.append(check_attachment(upload))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        # Everything else the registro will ask at confirmation (sizes per file and in
        # total, names, safe XML), asked now.
        try:
            registro.validar_anexos([registro.AnexoData(nombre=a.nombre, contenido=a.contenido)
                                     for a in accepted])
        except registro.RegistroError as exc:
            raise ValidationError(exc.message, code="upload_registro") from exc
        return accepted

    def clean(self) -> dict:
        data = super().clean()
        names = ("representado_nombre", "representado_apellido1", "representado_apellido2")
        if not data.get("representa"):
            for name in ("representado_documento", *names):
                data[name] = ""
            data["representado_juridica"] = False
            return data
        for name in names:
            data[name] = " ".join((data.get(name) or "").split())
        raw = data.get("representado_documento", "")
        documento = certificates.valid_documento(raw)
        juridica = documento is None and cif.is_valid(raw)
        if juridica:
            documento = cif.compact(raw)
        if documento is None:
            self.add_error("representado_documento", _(
                "Indique el DNI, NIE o CIF de la persona representada, con su letra o dígito "
                "de control."))
        data["representado_documento"] = documento or ""
        data["representado_juridica"] = juridica
        if not data["representado_nombre"]:
            self.add_error("representado_nombre",
                           _("Indique el nombre o la razón social de la persona representada."))
        if not juridica and not data["representado_apellido1"]:
            self.add_error("representado_apellido1",
                           _("Indique el primer apellido de la persona representada."))
        return data

    def specific_answers(self) -> list[dict]:
        return [{"label": str(self.fields[name].label),
                 "value": self.cleaned_data.get(name, "")} for name in self.extra_fields]
