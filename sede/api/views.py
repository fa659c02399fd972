"""The sede's back-office API (/api/v1/sede/…, application 'sede'): read the procedures
catalogue (active or not) and the tablón de anuncios (current, scheduled and ended
edictos), for the entity's members and its service accounts."""

from __future__ import annotations

import re

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from sede import access
from sede.api.serializers import (
    EdictoSerializer,
    ProcedimientoFiltroSerializer,
    ProcedimientoSerializer,
    TablonFiltroSerializer,
)
from sede.models import Edicto, Procedimiento


class SedeAPI:
    required_application = "sede"
    service_account_access = True
    renderer_classes = [JSONRenderer]


@extend_schema_view(
    list=extend_schema(summary="Catálogo de procedimientos",
                       parameters=[ProcedimientoFiltroSerializer]),
    retrieve=extend_schema(summary="Un procedimiento, por su código", parameters=[
        OpenApiParameter("code", str, OpenApiParameter.PATH,
                         description="Código del procedimiento.")]),
)
class ProcedimientoViewSet(SedeAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """The procedures catalogue of this entity's sede."""

    serializer_class = ProcedimientoSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    queryset = Procedimiento.objects.none()  # for the schema

    def list(self, request: Request) -> Response:
        params = ProcedimientoFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = Procedimiento.objects.all()
        if params.validated_data.get("activo") is not None:
            rows = rows.filter(is_active=params.validated_data["activo"])
        page = self.paginate_queryset(rows.order_by("name", "pk"))
        return self.get_paginated_response(ProcedimientoSerializer(page, many=True).data)

    def retrieve(self, request: Request, code: str) -> Response:
        return Response(ProcedimientoSerializer(
            access.get_procedimiento_by_code_for_gestion(code)).data)


@extend_schema_view(
    list=extend_schema(summary="Edictos del tablón de anuncios",
                       parameters=[TablonFiltroSerializer]),
    retrieve=extend_schema(summary="Un edicto"),
)
class EdictoViewSet(SedeAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):
    """The tablón de anuncios of this entity's sede, with what is scheduled and what ended."""

    serializer_class = EdictoSerializer
    lookup_value_regex = "[^/]+"
    queryset = Edicto.objects.none()  # for the schema

    def list(self, request: Request) -> Response:
        params = TablonFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        now = timezone.now()
        rows = {"vigentes": Edicto.objects.published(now).order_by("publish_until", "pk"),
                "programados": Edicto.objects.scheduled(now).order_by("publish_from", "pk"),
                "finalizados": Edicto.objects.archived(now).order_by("-publish_until", "-pk"),
                "todos": Edicto.objects.order_by("-publish_from", "-pk"),
                }[params.validated_data["estado"]]
        page = self.paginate_queryset(rows.select_related("diligencia"))
        return self.get_paginated_response(
            EdictoSerializer(page, many=True, context={"now": now}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise Http404
        return Response(EdictoSerializer(access.get_edicto_for_gestion(int(pk))).data)
