"""Serializers of the incidents API: what a member of the entity may read, and filing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from soporte.choices import Estado, Prioridad
from soporte.models import Adjunto, Categoria, Incidencia, Mensaje
from tenants.models import Service


class AdjuntoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adjunto
        fields = ["id", "name", "kind", "size", "sha256", "created_at"]


class MensajeSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AdjuntoSerializer(source="public_files", many=True, read_only=True)

    class Meta:
        model = Mensaje
        fields = ["id", "author", "via", "body", "created_at", "attachments"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, mensaje: Mensaje) -> str | None:
        if mensaje.author is None:
            return None
        return mensaje.author.get_full_name() or mensaje.author.username


class IncidenciaSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.name", read_only=True)
    reporter = serializers.SerializerMethodField()
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True, default=None)
    categoria = serializers.CharField(source="categoria.name", read_only=True, default=None)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    priority_display = serializers.CharField(source="get_priority_display", read_only=True)

    class Meta:
        model = Incidencia
        fields = ["reference", "entity", "reporter", "service", "service_name", "categoria",
                  "priority", "priority_display", "subject", "state", "state_display", "via",
                  "created_at", "updated_at", "first_response_due_at", "resolution_due_at",
                  "resolved_at", "closed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_reporter(self, incidencia: Incidencia) -> str:
        return incidencia.reporter.get_full_name() or incidencia.reporter.username


class IncidenciaDetailSerializer(IncidenciaSerializer):
    """One incident with its public conversation (internal notes never leave the desk)."""

    messages = MensajeSerializer(source="public_messages", many=True, read_only=True)
    attachments = AdjuntoSerializer(source="loose_files", many=True, read_only=True)

    class Meta(IncidenciaSerializer.Meta):
        fields = [*IncidenciaSerializer.Meta.fields, "description", "attachments", "messages"]
        read_only_fields = fields


class NuevaIncidenciaSerializer(serializers.Serializer):
    """Filing an incident for the host's entity. The service must be one the entity adhered
    to (the action says so in Spanish); none means a general question."""

    subject = serializers.CharField(label=_("asunto"), max_length=200)
    description = serializers.CharField(label=_("descripción"))
    service = serializers.SlugRelatedField(
        label=_("servicio"), slug_field="code", queryset=Service.objects.all(), required=False,
        allow_null=True, error_messages={"does_not_exist": _("No existe el servicio «{value}».")})
    categoria = serializers.PrimaryKeyRelatedField(
        label=_("categoría"), queryset=Categoria.objects.filter(is_active=True), required=False,
        allow_null=True)
    priority = serializers.ChoiceField(label=_("prioridad"), choices=Prioridad.choices,
                                       default=Prioridad.NORMAL)


class IncidenciaFilterSerializer(serializers.Serializer):
    """Query parameters of the list."""

    OPEN = "abiertas"

    state = serializers.ChoiceField(
        choices=[(OPEN, _("Abiertas")), *Estado.choices], required=False,
        help_text=_("Un estado, o «abiertas» (nueva, asignada, en curso, pendiente). "
                    "Sin él: todas."))
    priority = serializers.ChoiceField(choices=Prioridad.choices, required=False)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200,
                              help_text=_("Texto (búsqueda en español) o referencia INC-AAAA-NNNNNN."))
