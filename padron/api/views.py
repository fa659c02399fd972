"""The padrón's REST API (/api/v1/padron/…, application 'padron'), for the entity's
members and its service accounts.

- People: search (a name or a document is required: the API does not list the padrón)
  and read by NIA. Every person shown is an audit event filed under their document
  (`padron.habitante.busqueda` for each one in a page of results, `padron.habitante.view`
  for a read), so "who looked at my data" answers for the API too.
- Checks that answer yes or no without the data (padron.verificacion): residence on a
  date, cohabitation, Consul's census check. Each is audited under the documents asked
  about. POST, so that documents never sit in URLs or access logs.
- Territory: vías (with their names over time and tramos), tramos, secciones.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from padron import actions, verificacion
from padron.access import get_habitante_by_nia_for, get_via_for
from padron.api.serializers import (
    CensoConsultaSerializer,
    CensoRespuestaSerializer,
    ConvivenciaConsultaSerializer,
    ConvivenciaRespuestaSerializer,
    FechaSerializer,
    HabitanteFiltroSerializer,
    HabitanteResumenSerializer,
    HabitanteSerializer,
    ResidenciaConsultaSerializer,
    ResidenciaRespuestaSerializer,
    SeccionSerializer,
    TramoFiltroSerializer,
    TramoSerializer,
    ViaDetalleSerializer,
    ViaFiltroSerializer,
    ViaSerializer,
)
from padron.models import Habitante, Seccion, Tramo, Via, ViaNombre
from padron.models.territorio import Vigencia
from padron.queries import NAME_ORDER
from provincial import audit


class PadronAPI:
    """What every view of the padrón's API declares."""

    required_application = "padron"
    service_account_access = True
    renderer_classes = [JSONRenderer]


class PaginaHabitantes(PageNumberPagination):
    page_size = 25


def _fecha(request: Request) -> tuple[dict, object]:
    params = FechaSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data, params.validated_data.get("fecha") or timezone.localdate()


NIA = OpenApiParameter("nia", str, OpenApiParameter.PATH,
                       description="Número de identificación del habitante en el ayuntamiento.")
CODIGO_VIA = OpenApiParameter("code", str, OpenApiParameter.PATH,
                              description="Código de la vía (CVIA del INE).")


@extend_schema_view(
    list=extend_schema(summary="Buscar habitantes por nombre o documento",
                       parameters=[HabitanteFiltroSerializer]),
    retrieve=extend_schema(summary="Un habitante, por su NIA", parameters=[NIA]),
)
class HabitanteViewSet(PadronAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """Inhabitants of this municipality's padrón. Each person shown is audited."""

    lookup_field = "nia"
    lookup_value_regex = "[^/]+"
    pagination_class = PaginaHabitantes
    queryset = Habitante.objects.none()  # for the schema; the methods read the padrón

    def get_serializer_class(self):
        return HabitanteResumenSerializer if self.action == "list" else HabitanteSerializer

    def list(self, request: Request) -> Response:
        params = HabitanteFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rows = Habitante.objects.all()
        if data["estado"] == "inscritos":
            rows = rows.filter(is_registered=True)
        elif data["estado"] == "bajas":
            rows = rows.filter(is_registered=False)
        if data.get("documento"):
            rows = rows.filter(tipo_documento=data["tipo_documento"], documento=data["documento"])
        if (data.get("q") or "").strip():
            rows = actions.search(data["q"], rows)
        page = self.paginate_queryset(rows.order_by(*NAME_ORDER))
        audit.record_each("padron.habitante.busqueda",
                          [(habitante, habitante.documento) for habitante in page],
                          user=request.user, entity=request.tenant)
        return self.get_paginated_response(HabitanteResumenSerializer(page, many=True).data)

    def retrieve(self, request: Request, nia: str) -> Response:
        habitante = get_habitante_by_nia_for(request, nia)
        audit.record("padron.habitante.view", user=request.user, entity=request.tenant,
                     obj=habitante, subject=habitante.documento, detail={"via": "api"})
        return Response(HabitanteSerializer(habitante, context={"fecha": timezone.localdate()})
                        .data)


class _CheckView(PadronAPI, APIView):
    parser_classes = [JSONParser]


class ResidenciaView(_CheckView):
    """Was the holder of this document inscribed in this municipality on a date?"""

    @extend_schema(summary="¿Está empadronada esta persona (en una fecha)?",
                   request=ResidenciaConsultaSerializer,
                   responses={200: ResidenciaRespuestaSerializer})
    def post(self, request: Request) -> Response:
        question = ResidenciaConsultaSerializer(data=request.data)
        question.is_valid(raise_exception=True)
        data = question.validated_data
        fecha = data.get("fecha") or timezone.localdate()
        periodo = verificacion.periodo_en_fecha(
            tipo_documento=data["tipo_documento"], documento=data["documento"], fecha=fecha,
            fecha_nacimiento=data.get("fecha_nacimiento"))
        audit.record("padron.verificacion.residencia", user=request.user, entity=request.tenant,
                     subject=data["documento"],
                     detail={"fecha": fecha.isoformat(), "resultado": periodo is not None})
        return Response({"empadronado": periodo is not None, "fecha": fecha})


class CensoView(_CheckView):
    """Consul's census check: document type and number and birth date, today."""

    @extend_schema(summary="Verificación del censo (Consul): documento y fecha de nacimiento",
                   request=CensoConsultaSerializer, responses={200: CensoRespuestaSerializer})
    def post(self, request: Request) -> Response:
        question = CensoConsultaSerializer(data=request.data)
        question.is_valid(raise_exception=True)
        data = question.validated_data
        periodo = verificacion.periodo_en_fecha(
            tipo_documento=data["tipo_documento"], documento=data["documento"],
            fecha=timezone.localdate(), fecha_nacimiento=data["fecha_nacimiento"])
        audit.record("padron.verificacion.censo", user=request.user, entity=request.tenant,
                     subject=data["documento"], detail={"resultado": periodo is not None})
        return Response({"empadronado": periodo is not None})


class ConvivenciaView(_CheckView):
    """Did the holders of two documents live together (same hoja) on a date?"""

    @extend_schema(summary="¿Conviven estas dos personas (en una fecha)?",
                   request=ConvivenciaConsultaSerializer,
                   responses={200: ConvivenciaRespuestaSerializer})
    def post(self, request: Request) -> Response:
        question = ConvivenciaConsultaSerializer(data=request.data)
        question.is_valid(raise_exception=True)
        data = question.validated_data
        fecha = data.get("fecha") or timezone.localdate()
        periodos = [verificacion.periodo_en_fecha(
            tipo_documento=persona["tipo_documento"], documento=persona["documento"],
            fecha=fecha) for persona in (data["persona1"], data["persona2"])]
        misma_hoja, mismo_domicilio = verificacion.conviven(*periodos)
        for persona in (data["persona1"], data["persona2"]):
            audit.record("padron.verificacion.convivencia", user=request.user,
                         entity=request.tenant, subject=persona["documento"],
                         detail={"fecha": fecha.isoformat(), "resultado": misma_hoja})
        return Response({"conviven": misma_hoja, "mismo_domicilio": mismo_domicilio,
                         "fecha": fecha})


@extend_schema_view(
    list=extend_schema(summary="Vías del municipio en una fecha",
                       parameters=[ViaFiltroSerializer]),
    retrieve=extend_schema(summary="Una vía: sus denominaciones y sus tramos en una fecha",
                           parameters=[CODIGO_VIA, FechaSerializer]),
)
class ViaViewSet(PadronAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                 viewsets.GenericViewSet):
    """Streets of the municipality (callejero), valid on a date."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    queryset = Via.objects.none()  # for the schema

    def get_serializer_class(self):
        return ViaSerializer if self.action == "list" else ViaDetalleSerializer

    def list(self, request: Request) -> Response:
        params = ViaFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        fecha = params.validated_data.get("fecha") or timezone.localdate()
        names = ViaNombre.objects.filter(Vigencia.valid_on(fecha)).select_related("tipo")
        vias = Via.objects.filter(Vigencia.valid_on(fecha))
        if params.validated_data.get("q"):
            vias = vias.filter(pk__in=names.filter(
                name__icontains=params.validated_data["q"]).values("via_id"))
        page = self.paginate_queryset(
            vias.prefetch_related(Prefetch("names", queryset=names)).order_by("code"))
        return self.get_paginated_response(
            ViaSerializer(page, many=True, context={"fecha": fecha}).data)

    def retrieve(self, request: Request, code: str) -> Response:
        _params, fecha = _fecha(request)
        via = get_via_for(request, code)
        return Response(ViaDetalleSerializer(via, context={"fecha": fecha}).data)


class TramoListView(PadronAPI, ListAPIView):
    """Tramos (sección × núcleo × vía × postal code × number range) valid on a date."""

    serializer_class = TramoSerializer
    queryset = Tramo.objects.none()  # for the schema

    @extend_schema(summary="Tramos del callejero en una fecha",
                   parameters=[TramoFiltroSerializer])
    def get(self, request: Request) -> Response:
        params = TramoFiltroSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        tramos = Tramo.objects.filter(Vigencia.valid_on(data.get("fecha") or timezone.localdate()))
        if data.get("via"):
            tramos = tramos.filter(via__code=data["via"])
        if data.get("seccion"):
            distrito, seccion = data["seccion"].split("-")
            tramos = tramos.filter(seccion__distrito__code=distrito.zfill(2),
                                   seccion__code=seccion.zfill(3))
        page = self.paginate_queryset(tramos.select_related(
            "via", "pseudovia", "seccion__distrito", "nucleo__singular__colectiva")
            .order_by("via__code", "numbering", "number_from", "pk"))
        return self.get_paginated_response(TramoSerializer(page, many=True).data)


class SeccionListView(PadronAPI, ListAPIView):
    """Secciones censales valid on a date."""

    serializer_class = SeccionSerializer
    queryset = Seccion.objects.none()  # for the schema

    @extend_schema(summary="Secciones censales en una fecha", parameters=[FechaSerializer])
    def get(self, request: Request) -> Response:
        _params, fecha = _fecha(request)
        secciones = Seccion.objects.filter(Vigencia.valid_on(fecha)).select_related("distrito")
        page = self.paginate_queryset(secciones.order_by("distrito__code", "code", "letter",
                                                         "subseccion", "pk"))
        return self.get_paginated_response(SeccionSerializer(page, many=True).data)
