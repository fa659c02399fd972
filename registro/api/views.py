"""The registro's REST API (/api/v1/registro/asientos/…, application 'registro'), for
the entity's members and its service accounts (other municipal programs register what
they send and receive):

- register an asiento with its files: the clerk's action (`services.registrar`), with
  the same checks, numbering and audit; an `idempotency_key` makes a retry safe;
- search the libro and read one asiento (audited as the clerk's read is);
- download its justificante (issued once, CSV-verifiable).
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from provincial import audit
from provincial.documents.views import document_response, shows_signing_failure
from registro import queries, services
from registro.api.serializers import (
    PERSONA,
    AsientoDetalleSerializer,
    AsientoFiltroSerializer,
    AsientoSerializer,
    NuevoAsientoSerializer,
    referencia,
)
from registro.choices import Libro
from registro.models import Asiento, UnidadOrganica
from registro.services import AnexoData, InteresadoData, RegistroError

_REFERENCIA = re.compile(r"(?P<year>[0-9]{4})-(?P<libro>[ES])-(?P<numero>[0-9]{1,6})")

REFERENCIA = OpenApiParameter(
    "referencia", str, OpenApiParameter.PATH,
    description="Número de registro con guiones: 2026-E-000123 (año, libro E o S, número).")


class JSONErrors(BaseContentNegotiation):
    """The justificante answers a PDF (a response of its own) or, when refused, a JSON
    error, whatever the client asked for (`Accept: application/pdf`, `?format=pdf`)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def get_asiento_by_referencia(referencia_url: str) -> Asiento:
    """An asiento of this entity's books by its number; 404 for a malformed or unknown one
    (the schema is the request's entity: another entity's asiento is never found)."""
    found = _REFERENCIA.fullmatch(referencia_url)
    if found is None:
        raise Http404
    return get_object_or_404(
        Asiento.objects.select_related("unidad").prefetch_related("interesados", "anexos"),
        year=int(found["year"]), libro=found["libro"], numero=int(found["numero"]))


def _persona(data: dict, prefix: str, *, representante: bool) -> InteresadoData:
    fields = ("tipo", "tipo_documento", "documento", "nombre", "apellido1", "apellido2",
              "razon_social", "email", "telefono", "direccion")
    return InteresadoData(**{field: data.get(f"{prefix}_{field}") or "" for field in fields},
                          es_representante=representante)


@extend_schema_view(
    list=extend_schema(summary="Buscar en el libro de registro",
                       parameters=[AsientoFiltroSerializer]),
    retrieve=extend_schema(summary="Un asiento, con sus interesados y anexos",
                           parameters=[REFERENCIA]),
    create=extend_schema(
        summary="Registrar un asiento (entrada o salida) con sus anexos",
        request={"multipart/form-data": NuevoAsientoSerializer},
        responses={201: AsientoDetalleSerializer,
                   200: OpenApiResponse(AsientoDetalleSerializer,
                                        description="Ya registrado con esa clave de "
                                                    "idempotencia: el mismo asiento.")}),
)
class AsientoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Asientos of this entity's libro de entrada and libro de salida."""

    required_application = "registro"
    service_account_access = True
    renderer_classes = [JSONRenderer]
    parser_classes = [MultiPartParser, FormParser]
    lookup_field = "referencia"
    lookup_value_regex = "[^/]+"
    queryset = Asiento.objects.none()  # for the schema; the methods read the books

    def get_serializer_class(self):
        if self.action == "list":
            return AsientoSerializer
        if self.action == "create":
            return NuevoAsientoSerializer
        return AsientoDetalleSerializer

    def list(self, request: Request) -> Response:
        params = AsientoFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        unidad = data.pop("unidad", "")
        rows = queries.buscar(data)
        if unidad:
            rows = rows.filter(unidad__codigo_dir3=unidad.strip().upper())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AsientoSerializer(page, many=True).data)

    def retrieve(self, request: Request, referencia: str) -> Response:
        asiento = get_asiento_by_referencia(referencia)
        principal = asiento.interesado_principal
        audit.record("registro.asiento.consulta", user=request.user, entity=request.tenant,
                     obj=asiento, subject=principal.documento if principal else "",
                     detail={"via": "api"})
        return Response(AsientoDetalleSerializer(asiento).data)

    def create(self, request: Request) -> Response:
        form = NuevoAsientoSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        unidad = None
        if data.get("unidad"):
            unidad = UnidadOrganica.objects.filter(
                codigo_dir3=data["unidad"].strip().upper(), activa=True).first()
            if unidad is None:
                raise serializers.ValidationError({"unidad": [
                    _("No hay ninguna unidad activa con el código DIR3 «%(code)s».")
                    % {"code": data["unidad"]}]})
        personas = [_persona(data, "interesado", representante=False)]
        if data.get("representante_documento"):
            personas.append(_persona(data, "representante", representante=True))
        for prefix, persona in zip(PERSONA, personas, strict=False):
            try:
                services.validar_interesado(persona)
            except RegistroError as exc:
                field = f"{prefix}_{exc.field}" if exc.field else prefix
                raise serializers.ValidationError({field: [exc.message]}) from exc
        key = (data.get("idempotency_key") or "").strip() or None
        replay = key is not None and Asiento.objects.filter(idempotency_key=key).exists()
        try:
            asiento = services.registrar(
                libro=data["libro"], canal=data["canal"], asunto=data["asunto"],
                resumen=data["resumen"], expone=data.get("expone", ""),
                solicita=data.get("solicita", ""), interesados=personas, unidad=unidad,
                anexos=[AnexoData(nombre=upload.name, contenido=upload.read())
                        for upload in data["anexos"]],
                procedimiento=data.get("procedimiento", ""),
                es_factura=data["libro"] == Libro.ENTRADA and data.get("es_factura", False),
                acting_user=request.user, idempotency_key=key,
                organismo_externo=data.get("organismo_externo", "")
                if data["libro"] == Libro.SALIDA else "")
        except RegistroError as exc:
            field = exc.field if exc.field in form.fields else "non_field_errors"
            raise serializers.ValidationError({field: [exc.message]}) from exc
        asiento = get_asiento_by_referencia(referencia(asiento))
        response = Response(AsientoDetalleSerializer(asiento).data,
                            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(
            reverse("api:registro-asiento-detail", args=[referencia(asiento)]))
        return response

    @extend_schema(summary="El justificante de registro del asiento (PDF con CSV)",
                   parameters=[REFERENCIA],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="justificante",
            content_negotiation_class=JSONErrors)
    @shows_signing_failure
    def justificante(self, request: Request, referencia: str) -> HttpResponse:
        asiento = get_asiento_by_referencia(referencia)
        document = services.justificante(asiento)
        response = document_response(document)
        audit.record("documentos.documento.descarga", user=request.user, entity=request.tenant,
                     obj=document, subject=document.subject_document, detail={"via": "api"})
        return response
