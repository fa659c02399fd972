"""Serializers of the expedientes API. A new expediente (de oficio) is JSON with the
fields of the clerk's form; `expedientes.actions` judges what they mean, as for the clerk."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from expedientes.choices import EstadoExpediente, RolInteresado
from expedientes.forms import PLAZO_FILTRO
from expedientes.models import Documento, Expediente, InteresadoExpediente
from registro.choices import TipoDocumento


def referencia(expediente: Expediente) -> str:
    """The expediente's number as the API's URLs write it: 2026-339 (year, number)."""
    return f"{expediente.year}-{expediente.numero}"


class InteresadoExpedienteSerializer(serializers.ModelSerializer):
    class Meta:
        model = InteresadoExpediente
        fields = ["rol", "tipo_documento", "documento", "nombre", "apellido1", "apellido2",
                  "email", "telefono", "direccion"]
        read_only_fields = fields


class NuevoInteresadoExpedienteSerializer(serializers.Serializer):
    rol = serializers.ChoiceField(choices=RolInteresado.choices, required=False,
                                  default=RolInteresado.INTERESADO)
    tipo_documento = serializers.ChoiceField(
        choices=TipoDocumento.choices,
        help_text=_("SICRES: N NIF/DNI, E NIE, C CIF, P pasaporte, X otro."))
    documento = serializers.CharField(max_length=20)
    nombre = serializers.CharField(max_length=200, help_text=_("Nombre o razón social."))
    apellido1 = serializers.CharField(max_length=100, required=False, allow_blank=True)
    apellido2 = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    telefono = serializers.CharField(max_length=20, required=False, allow_blank=True)
    direccion = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NuevoExpedienteSerializer(serializers.Serializer):
    """A new expediente de oficio."""

    procedimiento = serializers.CharField(
        max_length=30, help_text=_("Código del procedimiento en el catálogo de la entidad."))
    asunto = serializers.CharField(max_length=500)
    fecha_inicio = serializers.DateField(
        required=False, allow_null=True,
        help_text=_("Fecha del acuerdo de inicio (hoy si se omite); desde ella corre el "
                    "plazo máximo para resolver."))
    interesados = NuevoInteresadoExpedienteSerializer(many=True, required=False, default=list)


class ExpedienteFiltroSerializer(serializers.Serializer):
    """Query parameters of the search (those of the clerk's search form)."""

    q = serializers.CharField(required=False, max_length=200,
                              help_text=_("Número (339/2026) o palabras del asunto."))
    interesado = serializers.CharField(required=False, max_length=100,
                                       help_text=_("Documento (o su comienzo) o nombre."))
    procedimiento = serializers.CharField(required=False, max_length=30,
                                          help_text=_("Código del procedimiento."))
    estado = serializers.ChoiceField(choices=EstadoExpediente.choices, required=False)
    plazo = serializers.ChoiceField(choices=[c for c in PLAZO_FILTRO if c[0]], required=False)


class ExpedienteSerializer(serializers.ModelSerializer):
    referencia = serializers.SerializerMethodField()
    codigo = serializers.CharField(read_only=True)
    procedimiento = serializers.CharField(source="procedimiento.code", read_only=True)
    procedimiento_nombre = serializers.CharField(source="procedimiento.name", read_only=True)
    responsable = serializers.CharField(source="responsable_name", read_only=True)
    situacion_plazo = serializers.CharField(
        read_only=True, help_text=_("«vencido», «por_vencer», «suspendido» o vacío."))

    class Meta:
        model = Expediente
        fields = ["referencia", "codigo", "year", "numero", "procedimiento",
                  "procedimiento_nombre", "asunto", "estado", "fase", "origen", "responsable",
                  "fecha_inicio", "fecha_vencimiento", "is_plazo_suspendido",
                  "situacion_plazo", "opened_at", "resolved_at", "closed_at", "archived_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("El número en las URL de la API: "
                                                           "2026-339.")))
    def get_referencia(self, expediente: Expediente) -> str:
        return referencia(expediente)


class ExpedienteDetalleSerializer(ExpedienteSerializer):
    interesados = InteresadoExpedienteSerializer(many=True, read_only=True)
    documentos = serializers.SerializerMethodField()

    class Meta(ExpedienteSerializer.Meta):
        fields = [*ExpedienteSerializer.Meta.fields, "created_by_name", "interesados",
                  "documentos"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text=_("Dirección de la lista de sus "
                                                           "documentos.")))
    def get_documentos(self, expediente: Expediente) -> str:
        return reverse("api:expedientes-expediente-documentos", args=[referencia(expediente)])


class DocumentoExpedienteSerializer(serializers.ModelSerializer):
    contenido = serializers.SerializerMethodField()

    class Meta:
        model = Documento
        fields = ["id", "titulo", "tipo_documental", "estado", "nombre_fichero", "mime_type",
                  "size", "sha256", "sha256_original", "csv", "origen", "estado_elaboracion",
                  "fecha_captura", "is_resolucion", "is_visible_ciudadano", "frozen_at",
                  "created_at", "contenido"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(
        allow_null=True, help_text=_("Dirección de sus bytes; null en un borrador sin "
                                     "fichero.")))
    def get_contenido(self, documento: Documento) -> str | None:
        if not documento.contenido:
            return None
        return reverse("api:expedientes-expediente-contenido",
                       args=[referencia(documento.expediente), documento.pk])
