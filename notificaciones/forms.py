"""Forms of the clerk's notificaciones pages. They validate shape (and the identity
documents, for a clear message beside the field); notificaciones.actions judges meaning
and its NotificacionError is shown."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.es import cif, dni, nie
from stdnum.exceptions import ValidationError as StdnumError

from notificaciones.choices import MotivoCanal, ResultadoPapel
from registro.forms import DateInput

ORDEN = [("recientes", _("Más recientes primero")), ("antiguas", _("Más antiguas primero"))]

# What the clerk may state for a natural person (a legal person is obliged anyway).
MOTIVOS_ELEGIBLES = [
    ("", _("Ninguno: en papel")),
    (MotivoCanal.ELECCION, _("Ha elegido la notificación electrónica (art. 14.1)")),
    (MotivoCanal.PROFESIONAL, MotivoCanal.PROFESIONAL.label),
    (MotivoCanal.REPRESENTANTE, MotivoCanal.REPRESENTANTE.label),
    (MotivoCanal.EMPLEADO_PUBLICO, MotivoCanal.EMPLEADO_PUBLICO.label),
    (MotivoCanal.ENTIDAD_SIN_PERSONALIDAD, MotivoCanal.ENTIDAD_SIN_PERSONALIDAD.label),
]
# Roles pre-checked as destinatarios of a new notification.
ROLES_PREMARCADOS = {"solicitante", "interesado", "titular", "notificado"}

TIPOS_DOCUMENTO = [("NIF", _("NIF / DNI")), ("NIE", _("NIE")), ("CIF", _("CIF"))]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


def es_persona_juridica(documento: str) -> bool:
    """A valid CIF: a legal person or an entity, obliged to electronic means (art. 14.2)."""
    compact = "".join(ch for ch in (documento or "").upper() if ch.isalnum())
    if not compact or not compact[0].isalpha() or compact[0] in "XYZKLM":
        return False
    return cif.is_valid(compact)


def validar_documento(tipo: str, documento: str) -> str:
    """The compact document number; forms.ValidationError (Spanish) if not valid."""
    numero = "".join(ch for ch in (documento or "").upper() if ch.isalnum())
    module, message = {
        "NIF": (dni, _("El DNI/NIF «%(doc)s» no es válido (compruebe la letra).")),
        "NIE": (nie, _("El NIE «%(doc)s» no es válido (compruebe la letra).")),
        "CIF": (cif, _("El CIF «%(doc)s» no es válido (compruebe el dígito de control).")),
    }[tipo]
    try:
        return module.validate(numero)
    except StdnumError as exc:
        raise forms.ValidationError(message, params={"doc": documento.strip()}) from exc


class BusquedaForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("referencia, NIF, nombre, concepto o expediente")}))
    estado = forms.ChoiceField(label=_("Estado"), required=False, widget=forms.HiddenInput,
                               choices=[])
    orden = forms.ChoiceField(label=_("Orden"), required=False, choices=ORDEN)
    remesa = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        from notificaciones.queries import TAB_SLUGS

        super().__init__(*args, **kwargs)
        self.fields["estado"].choices = [("", ""), *[(slug, slug) for slug in TAB_SLUGS]]


class NuevaNotificacionForm(forms.Form):
    """A remesa from a signed document: the concept, an optional expiry, and for each
    interesado whether to notify them and the ground of the channel.

    `origen` says where the interesados come from: "expediente" (InteresadoExpediente:
    the roles of ROLES_PREMARCADOS are pre-checked) or "asiento" (the registro.Interesado
    of a salida, representatives left out by the view: all pre-checked, as the salida was
    addressed to them)."""

    concepto = forms.CharField(label=_("Concepto"), max_length=250,
                               help_text=_("Lo verá el interesado antes de acceder; no "
                                           "incluya datos del contenido."))
    caduca_at = forms.DateTimeField(
        label=_("Caducidad (opcional)"), required=False, widget=DateTimeInput(),
        help_text=_("Solo si el procedimiento lo prevé: las pendientes expiran en ese "
                    "momento."), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                                                "%d/%m/%Y %H:%M"])

    def __init__(self, *args, interesados, origen: str = "expediente", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.interesados = list(interesados)
        self.origen = origen
        for interesado in self.interesados:
            key = interesado.pk
            premarcado = (origen == "asiento"
                          or getattr(interesado, "rol", "") in ROLES_PREMARCADOS)
            self.fields[f"sel_{key}"] = forms.BooleanField(
                label=_("Notificar a %(n)s") % {"n": interesado.nombre_completo},
                required=False, initial=premarcado)
            if not es_persona_juridica(interesado.documento):
                self.fields[f"motivo_{key}"] = forms.ChoiceField(
                    label=_("Medio para %(n)s") % {"n": interesado.nombre_completo},
                    required=False, choices=MOTIVOS_ELEGIBLES)

    def filas(self) -> list[dict]:
        """For the template: each interesado with its fields and the channel foreseen."""
        rows = []
        for interesado in self.interesados:
            motivo = self[f"motivo_{interesado.pk}"] if f"motivo_{interesado.pk}" in \
                self.fields else None
            rows.append({"i": interesado, "sel": self[f"sel_{interesado.pk}"], "motivo": motivo,
                         "juridica": motivo is None})
        return rows

    def clean_caduca_at(self) -> datetime.datetime | None:
        value = self.cleaned_data.get("caduca_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("La caducidad ha de ser una fecha y hora futura."))
        return value

    def clean(self):
        data = super().clean()
        elegidos = [i for i in self.interesados if data.get(f"sel_{i.pk}")]
        if not self.interesados:
            raise forms.ValidationError(
                _("El asiento no tiene interesados a quienes notificar.")
                if self.origen == "asiento" else
                _("El expediente no tiene interesados a quienes notificar: añádalos antes "
                  "en el expediente."))
        if not elegidos:
            raise forms.ValidationError(_("Elija al menos un destinatario."))
        documentos = [i.documento.upper() for i in elegidos]
        if len(set(documentos)) != len(documentos):
            raise forms.ValidationError(_("Ha elegido dos veces a la misma persona: marque "
                                          "solo una de sus filas."))
        for interesado in elegidos:
            motivo = data.get(f"motivo_{interesado.pk}", "")
            if not motivo and not es_persona_juridica(interesado.documento) \
                    and not interesado.direccion:
                self.add_error(f"sel_{interesado.pk}", (_(
                    "%(n)s se notificará en papel y no consta su dirección postal en el "
                    "asiento: indique el motivo de la notificación electrónica.")
                    if self.origen == "asiento" else _(
                    "%(n)s se notificará en papel y no consta su dirección postal: añádala "
                    "en el expediente o indique el motivo de la notificación electrónica."))
                    % {"n": interesado.nombre_completo})
        data["elegidos"] = elegidos
        return data


class MotivoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), max_length=250,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Indique el motivo.")})

    def clean_motivo(self) -> str:
        value = self.cleaned_data["motivo"].strip()
        if not value:
            raise forms.ValidationError(_("Indique el motivo."))
        return value


class ConfirmarForm(forms.Form):
    confirmar = forms.BooleanField(label=_("Confirmo que quiero hacerlo"),
                                   error_messages={"required": _(
                                       "Marque la casilla para confirmar.")})


class EntregaPapelForm(forms.Form):
    """What the notifier recorded (art. 42)."""

    resultado = forms.ChoiceField(label=_("Resultado"), choices=[("", _("Elija…")),
                                                                 *ResultadoPapel.choices])
    at = forms.DateTimeField(label=_("Fecha y hora de la entrega o del intento"),
                             widget=DateTimeInput(attrs={"step": "1"},
                                                  format="%Y-%m-%dT%H:%M:%S"),
                             input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                                            "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
    receptor_nombre = forms.CharField(label=_("Nombre de quien recibe o rehúsa"),
                                      max_length=250, required=False)
    receptor_documento = forms.CharField(label=_("Documento de quien recibe"), max_length=20,
                                         required=False)

    def clean_at(self) -> datetime.datetime:
        value = self.cleaned_data["at"]
        if value > timezone.now():
            raise forms.ValidationError(_("La fecha y hora no puede ser futura."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("resultado") in (ResultadoPapel.ENTREGADA, ResultadoPapel.REHUSADA) \
                and not (data.get("receptor_nombre") or "").strip():
            self.add_error("receptor_nombre", _("Indique quién recibió o rehusó la "
                                                "notificación."))
        return data


class ApoderamientoBusquedaForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search",
                            "placeholder": _("documento o nombre del poderdante o apoderado")}))
    estado = forms.ChoiceField(label=_("Estado"), required=False, choices=[
        ("", _("Todos")), ("vigentes", _("Vigentes")), ("revocados", _("Revocados"))])


def procedimientos_de_la_entidad() -> list[tuple[str, str]]:
    """The entity's procedures that have expedientes (code, name), for the choice."""
    from expedientes.models import Expediente

    rows = (Expediente.objects.order_by("procedimiento__name")
            .values_list("procedimiento__code", "procedimiento__name").distinct())
    return [(code, f"{name} ({code})") for code, name in rows if code]


class ApoderamientoForm(forms.Form):
    poderdante_tipo_documento = forms.ChoiceField(label=_("Documento del poderdante"),
                                                  choices=TIPOS_DOCUMENTO)
    poderdante_documento = forms.CharField(label=_("Número de documento del poderdante"),
                                           max_length=20)
    poderdante_nombre = forms.CharField(label=_("Nombre o razón social del poderdante"),
                                        max_length=250)
    apoderado_tipo_documento = forms.ChoiceField(label=_("Documento del apoderado"),
                                                 choices=TIPOS_DOCUMENTO[:2])
    apoderado_documento = forms.CharField(label=_("Número de documento del apoderado"),
                                          max_length=20)
    apoderado_nombre = forms.CharField(label=_("Nombre y apellidos del apoderado"),
                                       max_length=250)
    apoderado_email = forms.EmailField(label=_("Correo electrónico del apoderado"),
                                       required=False)
    apoderado_telefono = forms.CharField(label=_("Teléfono móvil del apoderado"),
                                         max_length=20, required=False)
    procedimiento_code = forms.ChoiceField(
        label=_("Procedimiento"), required=False,
        help_text=_("En blanco: todos los procedimientos de la entidad."))
    valido_desde = forms.DateField(label=_("Válido desde"), widget=DateInput())
    valido_hasta = forms.DateField(label=_("Válido hasta"), required=False, widget=DateInput(),
                                   help_text=_("En blanco: hasta que se revoque."))
    referencia = forms.CharField(label=_("Referencia del poder"), max_length=100,
                                 required=False,
                                 help_text=_("Escritura, apud acta o número del REA."))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"valido_desde": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["procedimiento_code"].choices = [
            ("", _("Todos los procedimientos")), *procedimientos_de_la_entidad()]

    def clean(self):
        data = super().clean()
        for who in ("poderdante", "apoderado"):
            tipo, numero = data.get(f"{who}_tipo_documento"), data.get(f"{who}_documento")
            if tipo and numero:
                try:
                    data[f"{who}_documento"] = validar_documento(tipo, numero)
                except forms.ValidationError as exc:
                    self.add_error(f"{who}_documento", exc)
        if data.get("poderdante_documento") and \
                data.get("poderdante_documento") == data.get("apoderado_documento"):
            self.add_error("apoderado_documento", _("El apoderado no puede ser el propio "
                                                    "poderdante."))
        desde, hasta = data.get("valido_desde"), data.get("valido_hasta")
        if desde and hasta and hasta < desde:
            self.add_error("valido_hasta", _("La fecha final es anterior a la inicial."))
        return data
