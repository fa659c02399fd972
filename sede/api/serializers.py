"""Serializers of the sede's back-office API: the procedures catalogue and the tablón."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sede.choices import SentidoSilencio, TipoFormulario
from sede.models import Edicto, Procedimiento

ESTADOS_TABLON = [("vigentes", _("Expuestos ahora")), ("programados", _("Programados")),
                  ("finalizados", _("Finalizados")), ("todos", _("Todos"))]
ESTADOS_EDICTO = ESTADOS_TABLON[:3]


class CampoSerializer(serializers.Serializer):
    """A question of a procedure's specific form."""

    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField(required=False)


class ProcedimientoSerializer(serializers.ModelSerializer):
    codigo = serializers.CharField(source="code")
    nombre = serializers.CharField(source="name")
    descripcion = serializers.CharField(source="description")
    sentido_silencio = serializers.ChoiceField(choices=SentidoSilencio.choices)
    tipo_formulario = serializers.ChoiceField(choices=TipoFormulario.choices)
    campos = serializers.SerializerMethodField()
    activo = serializers.BooleanField(source="is_active",
                                      help_text=_("Si se ofrece hoy en la sede."))

    class Meta:
        model = Procedimiento
        fields = ["codigo", "nombre", "descripcion", "requisitos", "plazo_resolucion",
                  "sentido_silencio", "tasa", "organo", "tipo_formulario", "campos", "activo",
                  "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(CampoSerializer(many=True))
    def get_campos(self, procedimiento: Procedimiento) -> list[dict]:
        campos = procedimiento.campos if isinstance(procedimiento.campos, list) else []
        return [{"name": str(c.get("name", "")), "label": str(c.get("label", "")),
                 "required": bool(c.get("required", False))}
                for c in campos if isinstance(c, dict)]


class ProcedimientoFiltroSerializer(serializers.Serializer):
    activo = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=_("Solo los que se ofrecen (true) o los "
                                                  "retirados (false); sin él, todos."))


class TablonFiltroSerializer(serializers.Serializer):
    estado = serializers.ChoiceField(choices=ESTADOS_TABLON, required=False,
                                     default="vigentes")


class EdictoSerializer(serializers.ModelSerializer):
    titulo = serializers.CharField(source="title")
    texto = serializers.CharField(source="body")
    publicado_desde = serializers.DateTimeField(source="publish_from")
    publicado_hasta = serializers.DateTimeField(
        source="publish_until", help_text=_("Excluido: deja de mostrarse entonces."))
    retirado_en = serializers.DateTimeField(source="withdrawn_at", allow_null=True)
    motivo_retirada = serializers.CharField(source="withdrawal_reason")
    fin_previsto = serializers.DateTimeField(source="planned_until", allow_null=True)
    estado = serializers.SerializerMethodField()
    documento_sha256 = serializers.CharField(source="document_sha256",
                                             help_text=_("Vacío si no tiene documento."))
    diligencia_csv = serializers.CharField(
        source="diligencia.csv", default=None, allow_null=True,
        help_text=_("Código seguro de verificación de la diligencia de exposición, una vez "
                    "terminado el periodo."))

    class Meta:
        model = Edicto
        fields = ["id", "titulo", "texto", "organo", "publicado_desde", "publicado_hasta",
                  "estado", "retirado_en", "motivo_retirada", "fin_previsto",
                  "documento_sha256", "diligencia_csv", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ESTADOS_EDICTO))
    def get_estado(self, edicto: Edicto) -> str:
        now = self.context.get("now") or timezone.now()
        if edicto.is_scheduled(now):
            return "programados"
        return "finalizados" if edicto.has_ended(now) else "vigentes"
