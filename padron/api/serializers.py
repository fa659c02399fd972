"""Serializers of the padrón API: explicit fields, no internal ids (people by their NIA,
streets by their INE code), and the yes/no checks' questions and answers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from padron import actions
from padron.choices import PrecisionFecha, Sexo, TipoDocumento, TipoNumeracion
from padron.models import Domicilio, Habitante, Seccion, Tramo, Via

# TIDEN of the INE record, as Consul's census check also numbers them; "0 sin documento"
# cannot be looked up.
TIPOS_DOCUMENTO = [(choice.value, choice.label) for choice in TipoDocumento
                   if choice != TipoDocumento.SIN_DOCUMENTO]
ESTADOS = [("inscritos", _("Inscritos hoy")), ("bajas", _("Dados de baja")),
           ("todos", _("Todos"))]


def _not_future(value: datetime.date, message) -> datetime.date:
    if value > timezone.localdate():
        raise serializers.ValidationError(message)
    return value


class DocumentoSerializer(serializers.Serializer):
    """A person's identity document as the padrón records it."""

    tipo_documento = serializers.ChoiceField(
        choices=TIPOS_DOCUMENTO, help_text=_("Código del INE: 1 DNI, 2 pasaporte, 3 NIE."))
    documento = serializers.CharField(
        max_length=20, help_text=_("DNI o NIE con su letra, o número de pasaporte."))

    def validate(self, data: dict) -> dict:
        try:
            data["documento"] = actions.normalize_document(data["tipo_documento"],
                                                           data["documento"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return data


class ResidenciaConsultaSerializer(DocumentoSerializer):
    fecha_nacimiento = serializers.DateField(
        required=False, help_text=_("Si se da, también debe coincidir."))
    fecha = serializers.DateField(
        required=False, help_text=_("Fecha a la que se pregunta (AAAA-MM-DD); hoy si se omite."))

    def validate_fecha(self, value: datetime.date) -> datetime.date:
        return _not_future(value, _("La fecha de la consulta no puede ser futura."))


class ResidenciaRespuestaSerializer(serializers.Serializer):
    empadronado = serializers.BooleanField(
        help_text=_("Si la persona constaba inscrita en el padrón de este municipio en esa "
                    "fecha."))
    fecha = serializers.DateField()


class CensoConsultaSerializer(DocumentoSerializer):
    """Consul's census check: document type and number, and birth date."""

    fecha_nacimiento = serializers.DateField()


class CensoRespuestaSerializer(serializers.Serializer):
    empadronado = serializers.BooleanField(
        help_text=_("Si hoy consta inscrita una persona con ese documento y esa fecha de "
                    "nacimiento."))


class ConvivenciaConsultaSerializer(serializers.Serializer):
    persona1 = DocumentoSerializer()
    persona2 = DocumentoSerializer()
    fecha = serializers.DateField(
        required=False, help_text=_("Fecha a la que se pregunta (AAAA-MM-DD); hoy si se omite."))

    def validate_fecha(self, value: datetime.date) -> datetime.date:
        return _not_future(value, _("La fecha de la consulta no puede ser futura."))

    def validate(self, data: dict) -> dict:
        first, second = data["persona1"], data["persona2"]
        if (first["tipo_documento"], first["documento"]) == \
                (second["tipo_documento"], second["documento"]):
            raise serializers.ValidationError(
                {"persona2": [_("Indique dos personas distintas.")]})
        return data


class ConvivenciaRespuestaSerializer(serializers.Serializer):
    conviven = serializers.BooleanField(
        help_text=_("Si las dos personas constaban inscritas en la misma hoja padronal."))
    mismo_domicilio = serializers.BooleanField(
        help_text=_("Si las dos constaban inscritas en el mismo domicilio (aunque sea en "
                    "hojas distintas)."))
    fecha = serializers.DateField()


class HabitanteFiltroSerializer(serializers.Serializer):
    """Query parameters of the inhabitant search: a name or a document is required (the
    API does not list the padrón)."""

    q = serializers.CharField(
        required=False, max_length=100,
        help_text=_("Palabras del nombre y apellidos (cada una, comienzo de palabra; sin "
                    "acentos ni mayúsculas), o un documento o NIA."))
    tipo_documento = serializers.ChoiceField(choices=TIPOS_DOCUMENTO, required=False)
    documento = serializers.CharField(required=False, max_length=20,
                                      help_text=_("Con «tipo_documento»: búsqueda exacta."))
    estado = serializers.ChoiceField(choices=ESTADOS, required=False, default="inscritos")

    def validate(self, data: dict) -> dict:
        if data.get("documento"):
            if not data.get("tipo_documento"):
                raise serializers.ValidationError(
                    {"tipo_documento": [_("Indique el tipo del documento que busca.")]})
            try:
                data["documento"] = actions.normalize_document(data["tipo_documento"],
                                                               data["documento"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.message_dict) from exc
        elif not (data.get("q") or "").strip():
            raise serializers.ValidationError(
                {"q": [_("Indique un nombre o un documento para buscar.")]})
        return data


class HabitanteResumenSerializer(serializers.ModelSerializer):
    inscrito = serializers.BooleanField(source="is_registered")

    class Meta:
        model = Habitante
        fields = ["nia", "nombre", "particula1", "apellido1", "particula2", "apellido2",
                  "fecha_nacimiento", "fecha_nacimiento_precision", "inscrito"]
        read_only_fields = fields


class DomicilioSerializer(serializers.ModelSerializer):
    texto = serializers.SerializerMethodField()
    via = serializers.CharField(source="via.code", default=None, allow_null=True)
    pseudovia = serializers.CharField(source="pseudovia.code", default=None, allow_null=True)
    codigo_postal = serializers.CharField(source="tramo.postal_code")
    seccion = serializers.SerializerMethodField()

    class Meta:
        model = Domicilio
        fields = ["texto", "via", "pseudovia", "number", "qualifier", "km", "hm", "bloque",
                  "portal", "escalera", "planta", "puerta", "codigo_postal", "seccion"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_texto(self, domicilio: Domicilio) -> str:
        return domicilio.label(self.context.get("fecha"))

    @extend_schema_field(serializers.CharField(help_text=_("Distrito y sección: 01-001.")))
    def get_seccion(self, domicilio: Domicilio) -> str:
        seccion = domicilio.tramo.seccion
        return f"{seccion.distrito.code}-{seccion.code}{seccion.letter}"


class HabitanteSerializer(HabitanteResumenSerializer):
    """One inhabitant, read (and audited) by NIA. No telephone or e-mail: the padrón holds
    them for the municipality's own contact with the person."""

    sexo = serializers.ChoiceField(choices=Sexo.choices)
    fecha_nacimiento_precision = serializers.ChoiceField(choices=PrecisionFecha.choices)
    tipo_documento = serializers.ChoiceField(choices=TipoDocumento.choices)
    hoja = serializers.CharField(source="hoja.number", default=None, allow_null=True)
    domicilio = DomicilioSerializer(source="hoja.domicilio", default=None, allow_null=True)

    class Meta(HabitanteResumenSerializer.Meta):
        fields = [*HabitanteResumenSerializer.Meta.fields, "sexo", "provincia_nacimiento",
                  "municipio_nacimiento", "pais_nacimiento", "nacionalidad", "tipo_documento",
                  "documento", "fecha_alta", "fecha_baja", "hoja", "domicilio"]
        read_only_fields = fields


class FechaSerializer(serializers.Serializer):
    """The date the territory is read at."""

    fecha = serializers.DateField(
        required=False, help_text=_("Fecha de vigencia (AAAA-MM-DD); hoy si se omite."))


class ViaFiltroSerializer(FechaSerializer):
    q = serializers.CharField(required=False, max_length=50,
                              help_text=_("Parte del nombre de la vía."))


class TramoFiltroSerializer(FechaSerializer):
    via = serializers.CharField(required=False, max_length=5, help_text=_("Código de vía."))
    seccion = serializers.RegexField(
        r"^[0-9]{1,2}-[0-9]{1,3}$", required=False,
        help_text=_("Distrito y sección, como 01-001."),
        error_messages={"invalid": _("Escriba distrito y sección como 01-001.")})


class ViaNombreSerializer(serializers.Serializer):
    tipo = serializers.CharField(source="tipo.code", help_text=_("Tipo de vía (TVIA)."))
    tipo_descripcion = serializers.CharField(source="tipo.description")
    nombre = serializers.CharField(source="name")
    nombre_corto = serializers.CharField(source="short_name")
    vigente_desde = serializers.DateField(source="valid_from")
    vigente_hasta = serializers.DateField(source="valid_to", allow_null=True)


class ViaSerializer(serializers.ModelSerializer):
    codigo = serializers.CharField(source="code")
    nombre = serializers.SerializerMethodField()
    vigente_desde = serializers.DateField(source="valid_from")
    vigente_hasta = serializers.DateField(source="valid_to", allow_null=True)

    class Meta:
        model = Via
        fields = ["codigo", "nombre", "vigente_desde", "vigente_hasta"]
        read_only_fields = fields

    @extend_schema_field(ViaNombreSerializer(allow_null=True))
    def get_nombre(self, via: Via) -> dict | None:
        name = via.name_on(self.context["fecha"])
        return ViaNombreSerializer(name).data if name else None


class TramoSerializer(serializers.ModelSerializer):
    via = serializers.CharField(source="via.code", default=None, allow_null=True)
    pseudovia = serializers.CharField(source="pseudovia.code", default=None, allow_null=True)
    nucleo = serializers.CharField(source="nucleo.cun", help_text=_("CUN (CCSSDNN)."))
    seccion = serializers.SerializerMethodField()
    codigo_postal = serializers.CharField(source="postal_code")
    numeracion = serializers.ChoiceField(source="numbering", choices=TipoNumeracion.choices)
    vigente_desde = serializers.DateField(source="valid_from")
    vigente_hasta = serializers.DateField(source="valid_to", allow_null=True)

    class Meta:
        model = Tramo
        fields = ["via", "pseudovia", "nucleo", "seccion", "manzana", "codigo_postal",
                  "numeracion", "number_from", "qualifier_from", "number_to", "qualifier_to",
                  "vigente_desde", "vigente_hasta"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("Distrito y sección: 01-001.")))
    def get_seccion(self, tramo: Tramo) -> str:
        return f"{tramo.seccion.distrito.code}-{tramo.seccion.code}{tramo.seccion.letter}"


class ViaDetalleSerializer(ViaSerializer):
    nombres = ViaNombreSerializer(source="names", many=True,
                                  help_text=_("Todas sus denominaciones, de la más reciente a "
                                              "la más antigua."))
    tramos = serializers.SerializerMethodField()

    class Meta(ViaSerializer.Meta):
        fields = [*ViaSerializer.Meta.fields, "nombres", "tramos"]
        read_only_fields = fields

    @extend_schema_field(TramoSerializer(many=True))
    def get_tramos(self, via: Via) -> list:
        tramos = [tramo for tramo in via.tramos.all() if tramo.is_valid_on(self.context["fecha"])]
        return TramoSerializer(tramos, many=True).data


class SeccionSerializer(serializers.ModelSerializer):
    distrito = serializers.CharField(source="distrito.code")
    codigo = serializers.CharField(source="code")
    letra = serializers.CharField(source="letter")
    codigo_completo = serializers.SerializerMethodField()
    vigente_desde = serializers.DateField(source="valid_from")
    vigente_hasta = serializers.DateField(source="valid_to", allow_null=True)

    class Meta:
        model = Seccion
        fields = ["distrito", "codigo", "letra", "subseccion", "codigo_completo",
                  "vigente_desde", "vigente_hasta"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("Distrito y sección: 01-001.")))
    def get_codigo_completo(self, seccion: Seccion) -> str:
        return f"{seccion.distrito.code}-{seccion.code}{seccion.letter}"

