"""Serializers of the registro API. A new asiento is a multipart form with the fields of
the clerk's form (registro.forms.AsientoForm, InteresadoForm, RepresentanteForm), the
people's fields prefixed `interesado_` and `representante_`; `registro.services` judges
what they mean, as it does for the clerk."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registro.choices import Canal, EstadoAsiento, Libro, TipoDocumento, TipoPersona
from registro.models import Anexo, Asiento, Interesado

# Channels of an asiento made by a person or a program of the entity (as the clerk's form):
# the sede and SIR make their own asientos.
CANALES = [(Canal.PRESENCIAL.value, Canal.PRESENCIAL.label),
           (Canal.CORREO.value, Canal.CORREO.label)]
PERSONA = ("interesado", "representante")


def referencia(asiento: Asiento) -> str:
    """The asiento's number as the API's URLs write it: 2026-E-000123."""
    return f"{asiento.year}-{asiento.libro}-{asiento.numero:06d}"


def _persona_fields(prefix: str, *, required: bool) -> dict[str, serializers.Field]:
    who = _("del interesado") if prefix == "interesado" else _("del representante")
    optional = {"required": False, "allow_blank": True}
    return {
        f"{prefix}_tipo": serializers.ChoiceField(
            choices=TipoPersona.choices, required=False, default=TipoPersona.FISICA),
        f"{prefix}_tipo_documento": serializers.ChoiceField(
            choices=TipoDocumento.choices, required=required,
            help_text=format_lazy(_("Tipo de documento {who} (SICRES: N NIF/DNI, E NIE, C CIF, "
                                    "P pasaporte, X otro)."), who=who)),
        f"{prefix}_documento": serializers.CharField(
            max_length=20, **({} if required else optional)),
        f"{prefix}_nombre": serializers.CharField(max_length=80, **optional),
        f"{prefix}_apellido1": serializers.CharField(max_length=80, **optional),
        f"{prefix}_apellido2": serializers.CharField(max_length=80, **optional),
        f"{prefix}_razon_social": serializers.CharField(max_length=200, **optional),
        f"{prefix}_email": serializers.CharField(max_length=160, **optional),
        f"{prefix}_telefono": serializers.CharField(max_length=20, **optional),
        f"{prefix}_direccion": serializers.CharField(max_length=160, **optional),
    }


class _NuevoAsiento(serializers.Serializer):
    libro = serializers.ChoiceField(choices=Libro.choices)
    canal = serializers.ChoiceField(choices=CANALES, required=False, default=Canal.PRESENCIAL)
    asunto = serializers.CharField(max_length=240)
    resumen = serializers.CharField(max_length=240)
    expone = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    solicita = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    unidad = serializers.CharField(
        required=False, allow_blank=True, max_length=9,
        help_text=_("Código DIR3 de la unidad de destino (entrada) u origen (salida)."))
    organismo_externo = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text=_("Solo en una salida: organismo o persona destinataria."))
    procedimiento = serializers.CharField(required=False, allow_blank=True, max_length=80)
    es_factura = serializers.BooleanField(required=False, default=False,
                                          help_text=_("Solo en una entrada."))
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, max_length=100,
        help_text=_("Una clave única por asiento: repetir la petición con la misma clave "
                    "devuelve el asiento ya registrado (200) en lugar de registrar otro."))
    anexos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list,
        help_text=_("Documentos aportados: PDF, XML, ODT, ODS, DOCX, XLSX, JPEG, PNG, TIFF, "
                    "RTF o TXT; el formato se comprueba por el contenido."))

    def validate(self, data: dict) -> dict:
        if data["libro"] == Libro.ENTRADA and data.get("organismo_externo"):
            raise serializers.ValidationError(
                {"organismo_externo": [_("Solo una salida tiene organismo destinatario.")]})
        if data["libro"] == Libro.SALIDA and data.get("es_factura"):
            raise serializers.ValidationError(
                {"es_factura": [_("Solo una entrada puede ser una factura.")]})
        return data


NuevoAsientoSerializer = type("NuevoAsientoSerializer", (_NuevoAsiento,), {
    "__doc__": "A new asiento, with its interesado, an optional representative and files.",
    "__module__": __name__,
    **_persona_fields("interesado", required=True),
    **_persona_fields("representante", required=False),
})


class AsientoFiltroSerializer(serializers.Serializer):
    """Query parameters of the search (those of the clerk's search form)."""

    numero = serializers.CharField(required=False, max_length=20,
                                   help_text=_("2026/E/000123, o solo el número."))
    libro = serializers.ChoiceField(choices=Libro.choices, required=False)
    desde = serializers.DateField(required=False)
    hasta = serializers.DateField(required=False)
    interesado = serializers.CharField(required=False, max_length=100,
                                       help_text=_("Documento (o su comienzo) o nombre."))
    texto = serializers.CharField(required=False, max_length=200,
                                  help_text=_("Palabras del asunto, resumen, expone o solicita."))
    estado = serializers.ChoiceField(choices=EstadoAsiento.choices, required=False)
    canal = serializers.ChoiceField(choices=Canal.choices, required=False)
    unidad = serializers.CharField(required=False, max_length=9,
                                   help_text=_("Código DIR3 de la unidad."))
    solo_facturas = serializers.BooleanField(required=False, default=False)

    def validate(self, data: dict) -> dict:
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            raise serializers.ValidationError(
                {"hasta": [_("La fecha final es anterior a la inicial.")]})
        return data


class InteresadoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interesado
        fields = ["es_representante", "tipo", "tipo_documento", "documento", "nombre",
                  "apellido1", "apellido2", "razon_social", "email", "telefono", "direccion"]
        read_only_fields = fields


class AnexoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Anexo
        fields = ["nombre", "mime", "tamano", "sha256", "tipo_documental", "validez"]
        read_only_fields = fields


class AsientoSerializer(serializers.ModelSerializer):
    referencia = serializers.SerializerMethodField()
    unidad = serializers.CharField(source="unidad.codigo_dir3", default=None, allow_null=True)
    unidad_nombre = serializers.CharField(source="unidad.nombre", default=None, allow_null=True)
    interesado = serializers.SerializerMethodField()

    class Meta:
        model = Asiento
        fields = ["numero_registro", "referencia", "libro", "fecha_presentacion",
                  "fecha_computo", "canal", "asunto", "resumen", "estado", "unidad",
                  "unidad_nombre", "interesado"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("El número en las URL de la API: "
                                                           "2026-E-000123.")))
    def get_referencia(self, asiento: Asiento) -> str:
        return referencia(asiento)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_interesado(self, asiento: Asiento) -> str | None:
        principal = asiento.interesado_principal
        return principal.nombre_completo if principal else None


class AsientoDetalleSerializer(AsientoSerializer):
    interesados = InteresadoSerializer(many=True)
    anexos = AnexoSerializer(many=True)
    justificante = serializers.SerializerMethodField()

    class Meta(AsientoSerializer.Meta):
        fields = [*AsientoSerializer.Meta.fields, "expone", "solicita", "organismo_externo",
                  "procedimiento", "es_factura", "motivo_anulacion", "anulado_en",
                  "created_by_name", "interesados", "anexos", "justificante"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("Dirección del justificante en PDF.")))
    def get_justificante(self, asiento: Asiento) -> str:
        return reverse("api:registro-asiento-justificante", args=[referencia(asiento)])
