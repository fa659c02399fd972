"""The expedientes' REST API (/api/v1/expedientes/…, application 'expedientes'), for the
entity's members and its service accounts:

- search the expedientes and read one (audited as the clerk's read is);
- open one de oficio: the clerk's action (`actions.abrir`), with the same checks,
  numbering, history and audit;
- list an expediente's documents and download one's bytes.
"""

from __future__ import annotations

import re

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from expedientes import actions, queries
from expedientes.actions import ExpedienteError, InteresadoData
from expedientes.api.serializers import (
    DocumentoExpedienteSerializer,
    ExpedienteDetalleSerializer,
    ExpedienteFiltroSerializer,
    ExpedienteSerializer,
    NuevoExpedienteSerializer,
    referencia,
)
from expedientes.models import Documento, Expediente, Procedimiento
from provincial import audit

_REFERENCIA = re.compile(r"(?P<year>[0-9]{4})-(?P<numero>[0-9]{1,9})")

REFERENCIA = OpenApiParameter(
    "referencia", str, OpenApiParameter.PATH,
    description="Número del expediente con guion: 2026-339 (año y número).")
DOC_PK = OpenApiParameter("doc_pk", int, OpenApiParameter.PATH,
                          description="Identificador del documento.")


class JSONErrors(BaseContentNegotiation):
    """A download answers the file (a response of its own) or, when refused, a JSON error,
    whatever the client asked for."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def get_expediente_by_referencia(referencia_url: str) -> Expediente:
    """An expediente of this entity by its number; 404 for a malformed or unknown one (the
    schema is the request's entity: another entity's expediente is never found)."""
    found = _REFERENCIA.fullmatch(referencia_url)
    if found is None:
        raise Http404
    return get_object_or_404(
        Expediente.objects.select_related("procedimiento").prefetch_related("interesados"),
        year=int(found["year"]), numero=int(found["numero"]))


@extend_schema_view(
    list=extend_schema(summary="Buscar expedientes", parameters=[ExpedienteFiltroSerializer]),
    retrieve=extend_schema(summary="Un expediente, con sus interesados",
                           parameters=[REFERENCIA]),
    create=extend_schema(summary="Abrir un expediente de oficio",
                         request=NuevoExpedienteSerializer,
                         responses={201: ExpedienteDetalleSerializer}),
)
class ExpedienteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Expedientes of this entity."""

    required_application = "expedientes"
    service_account_access = True
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    lookup_field = "referencia"
    lookup_value_regex = "[^/]+"
    queryset = Expediente.objects.none()  # for the schema; the methods read the expedientes

    def get_serializer_class(self):
        if self.action == "list":
            return ExpedienteSerializer
        if self.action == "create":
            return NuevoExpedienteSerializer
        if self.action == "documentos":
            return DocumentoExpedienteSerializer
        return ExpedienteDetalleSerializer

    def list(self, request: Request) -> Response:
        params = ExpedienteFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        code = data.pop("procedimiento", "")
        rows = queries.buscar(data)
        if code:
            rows = rows.filter(procedimiento__code=code.strip())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ExpedienteSerializer(page, many=True).data)

    def retrieve(self, request: Request, referencia: str) -> Response:
        expediente = get_expediente_by_referencia(referencia)
        principal = expediente.interesados.order_by("pk").first()
        audit.record("expedientes.expediente.consulta", user=request.user,
                     entity=request.tenant, obj=expediente,
                     subject=principal.documento if principal else "", detail={"via": "api"})
        return Response(ExpedienteDetalleSerializer(expediente).data)

    def create(self, request: Request) -> Response:
        form = NuevoExpedienteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        procedimiento = Procedimiento.objects.filter(code=data["procedimiento"].strip(),
                                                     is_active=True).first()
        if procedimiento is None:
            raise serializers.ValidationError({"procedimiento": [
                _("No hay ningún procedimiento activo con el código «%(code)s».")
                % {"code": data["procedimiento"]}]})
        personas = [InteresadoData(**persona) for persona in data["interesados"]]
        for index, persona in enumerate(personas):
            try:
                actions.validar_interesado(persona)
            except ExpedienteError as exc:
                raise serializers.ValidationError(
                    {"interesados": {index: {exc.field or "non_field_errors": [exc.message]}}}
                ) from exc
        try:
            expediente = actions.abrir(procedimiento, asunto=data["asunto"],
                                       interesados=personas, acting_user=request.user,
                                       fecha_inicio=data.get("fecha_inicio"))
        except ExpedienteError as exc:
            field = exc.field if exc.field in form.fields else "non_field_errors"
            raise serializers.ValidationError({field: [exc.message]}) from exc
        expediente = get_expediente_by_referencia(referencia(expediente))
        response = Response(ExpedienteDetalleSerializer(expediente).data,
                            status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api:expedientes-expediente-detail", args=[referencia(expediente)]))
        return response

    @extend_schema(summary="Los documentos del expediente", parameters=[REFERENCIA],
                   responses={200: DocumentoExpedienteSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="documentos")
    def documentos(self, request: Request, referencia: str) -> Response:
        expediente = get_expediente_by_referencia(referencia)
        rows = expediente.documentos.select_related("expediente").order_by("orden", "pk")
        # Paginated like every list of the API (an expediente may hold hundreds).
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(DocumentoExpedienteSerializer(page, many=True).data)

    @extend_schema(summary="Los bytes de un documento del expediente",
                   parameters=[REFERENCIA, DOC_PK],
                   responses={(200, "*/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"documentos/(?P<doc_pk>[0-9]+)/contenido",
            url_name="contenido", content_negotiation_class=JSONErrors)
    def contenido(self, request: Request, referencia: str, doc_pk: str) -> FileResponse:
        expediente = get_expediente_by_referencia(referencia)
        documento = get_object_or_404(Documento, pk=int(doc_pk), expediente=expediente)
        if not documento.contenido:
            raise Http404
        audit.record("expedientes.documento.descarga", user=request.user,
                     entity=request.tenant, obj=expediente,
                     detail={"documento": documento.pk, "sha256": documento.sha256,
                             "via": "api"})
        response = FileResponse(documento.contenido.open("rb"),
                                content_type=documento.mime_type or "application/octet-stream",
                                as_attachment=True,
                                filename=documento.nombre_fichero or f"documento-{documento.pk}")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
