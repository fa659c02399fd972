"""The portafirmas inbox in the REST API (/api/v1/portafirmas/…, application
'expedientes'), for the signer's own session or token (a service account signs nothing):

- list what the caller has to sign (`?vista=firmados|rechazados|todos` for the rest);
- read one item, download its PDF as it stands;
- sign it (the same action as the inbox: the caller's certificate held by the platform,
  by delegation when the item is a titular's), or reject it with a reason.

Another user's item, another entity's, or a missing one: the same 404.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from expedientes import portafirmas
from expedientes.choices import EstadoFirmante, EstadoPeticion
from expedientes.models import Firmante
from expedientes.portafirmas import MAX_MOTIVO
from provincial import audit


class DocumentoBandejaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titulo = serializers.CharField()
    tipo_documental = serializers.CharField()
    is_resolucion = serializers.BooleanField()
    sha256 = serializers.CharField()


class ExpedienteBandejaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    codigo = serializers.CharField()
    asunto = serializers.CharField()


class FirmaBandejaSerializer(serializers.ModelSerializer):
    """One item of the inbox."""

    circuito = serializers.CharField(source="peticion.circuito_name", read_only=True)
    enviado = serializers.DateTimeField(source="peticion.created_at", read_only=True)
    enviado_por = serializers.CharField(source="peticion.created_by_name", read_only=True)
    titular = serializers.CharField(source="user_name", read_only=True)
    por_delegacion = serializers.SerializerMethodField()
    documento = DocumentoBandejaSerializer(source="peticion.documento", read_only=True)
    expediente = ExpedienteBandejaSerializer(source="peticion.documento.expediente",
                                           read_only=True)

    class Meta:
        model = Firmante
        fields = ["id", "orden", "cargo", "estado", "titular", "por_delegacion", "circuito",
                  "enviado", "enviado_por", "documento", "expediente", "signed_by_name",
                  "signed_at", "certificate_subject", "motivo_rechazo"]
        read_only_fields = fields

    def get_por_delegacion(self, obj: Firmante) -> bool:
        request = self.context.get("request")
        return request is not None and obj.user_id != request.user.pk


class RechazoFirmaSerializer(serializers.Serializer):
    motivo = serializers.CharField(max_length=MAX_MOTIVO, help_text="Por qué rechaza firmar.")


class FiltroBandejaSerializer(serializers.Serializer):
    vista = serializers.ChoiceField(
        choices=["pendientes", "firmados", "rechazados", "todos"], required=False,
        default="pendientes", help_text="Qué mostrar (por omisión, lo pendiente de firma).")


def _refused(exc: ValidationError) -> Response:
    return Response({"detail": " ".join(exc.messages), "code": getattr(exc, "code", None)},
                    status=status.HTTP_409_CONFLICT if getattr(exc, "code", None) in
                    ("closed", "waiting", "done") else status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="La bandeja de firma de quien llama",
                       parameters=[FiltroBandejaSerializer]),
    retrieve=extend_schema(summary="Un documento de la bandeja de firma"),
)
class FirmaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Signature items of the caller (their own, and their titular's by delegation)."""

    required_application = "expedientes"
    renderer_classes = [JSONRenderer]
    serializer_class = FirmaBandejaSerializer
    queryset = Firmante.objects.none()  # for the schema; the methods read the caller's inbox
    # Any segment reaches the view, which answers a JSON 404 for what is not an item (as the
    # other viewsets do), instead of falling through to the pages' URLs.
    lookup_value_regex = "[^/]+"

    def _item(self, pk: str) -> Firmante:
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise Http404
        return get_object_or_404(portafirmas.bandeja(self.request.user), pk=int(pk))

    def list(self, request: Request) -> Response:
        params = FiltroBandejaSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        vista = params.validated_data["vista"]
        rows = portafirmas.bandeja(request.user)
        if vista == "pendientes":
            rows = rows.filter(estado=EstadoFirmante.PENDIENTE,
                               peticion__estado=EstadoPeticion.EN_CURSO).order_by(
                "peticion__created_at", "pk")
        else:
            if vista == "firmados":
                rows = rows.filter(estado=EstadoFirmante.FIRMADO)
            elif vista == "rechazados":
                rows = rows.filter(estado=EstadoFirmante.RECHAZADO)
            rows = rows.order_by("-peticion__created_at", "-pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            FirmaBandejaSerializer(page, many=True, context={"request": request}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FirmaBandejaSerializer(self._item(pk), context={"request": request}).data)

    @extend_schema(summary="Firmar el documento (con el certificado del usuario custodiado "
                           "por la plataforma)", request=None,
                   responses={200: FirmaBandejaSerializer})
    @action(detail=True, methods=["post"])
    def firmar(self, request: Request, pk: str) -> Response:
        firmante = self._item(pk)
        try:
            portafirmas.firmar(firmante, acting_user=request.user)
        except ValidationError as exc:
            return _refused(exc)
        return Response(FirmaBandejaSerializer(self._item(pk), context={"request": request}).data)

    @extend_schema(summary="Rechazar la firma, con el motivo", request=RechazoFirmaSerializer,
                   responses={200: FirmaBandejaSerializer})
    @action(detail=True, methods=["post"])
    def rechazar(self, request: Request, pk: str) -> Response:
        firmante = self._item(pk)
        data = RechazoFirmaSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            portafirmas.rechazar(firmante, data.validated_data["motivo"],
                                 acting_user=request.user)
        except ValidationError as exc:
            return _refused(exc)
        return Response(FirmaBandejaSerializer(self._item(pk), context={"request": request}).data)

    @extend_schema(summary="El PDF del documento, con las firmas hechas hasta ahora",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def documento(self, request: Request, pk: str) -> HttpResponse:
        documento = self._item(pk).peticion.documento
        with documento.contenido.open("rb") as handle:
            content = handle.read()
        audit.record("expedientes.firma.documento", user=request.user, entity=request.tenant,
                     obj=documento, detail={"sha256": documento.sha256, "via": "api"})
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="documento-{documento.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
