"""The incidents API on an entity's host (/api/v1/incidencias/): the same visibility rule
as the back office (`Incidencia.objects.visible_to`), the same filing action."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from soporte import actions
from soporte.api.serializers import (
    IncidenciaDetailSerializer,
    IncidenciaFilterSerializer,
    IncidenciaSerializer,
    NuevaIncidenciaSerializer,
)
from soporte.choices import Estado
from soporte.models import Adjunto, Incidencia, Mensaje
from soporte.queries import search


@extend_schema_view(
    list=extend_schema(summary="Incidencias que ve el usuario en esta entidad",
                       parameters=[IncidenciaFilterSerializer]),
    retrieve=extend_schema(summary="Una incidencia con su conversación pública"),
    create=extend_schema(summary="Comunicar una incidencia de esta entidad",
                         request=NuevaIncidenciaSerializer,
                         responses={201: IncidenciaDetailSerializer}),
)
class IncidenciaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    """Incidents of this entity (for a mancomunidad's TIC operator, also of its members)."""

    required_application = "soporte"
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z0-9-]+"
    queryset = Incidencia.objects.none()  # for the schema; get_queryset scopes every request

    def get_serializer_class(self):
        if self.action == "list":
            return IncidenciaSerializer
        if self.action == "create":
            return NuevaIncidenciaSerializer
        return IncidenciaDetailSerializer

    def get_queryset(self) -> QuerySet:
        rows = Incidencia.objects.visible_to(self.request.user, self.request.tenant).select_related(
            "entity", "reporter", "service", "categoria")
        if self.action == "list":
            return self._filtered(rows)
        public = Mensaje.objects.filter(is_internal=False).select_related("author").prefetch_related(
            Prefetch("adjuntos", queryset=Adjunto.objects.order_by("created_at", "pk"),
                     to_attr="public_files")).order_by("created_at", "pk")
        return rows.prefetch_related(
            Prefetch("mensajes", queryset=public, to_attr="public_messages"),
            Prefetch("adjuntos", queryset=Adjunto.objects.filter(mensaje__isnull=True),
                     to_attr="loose_files"))

    def _filtered(self, rows: QuerySet) -> QuerySet:
        params = IncidenciaFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        state = data.get("state")
        if state == IncidenciaFilterSerializer.OPEN:
            rows = rows.filter(state__in=Estado.open_states())
        elif state:
            rows = rows.filter(state=state)
        if data.get("priority"):
            rows = rows.filter(priority=data["priority"])
        return search(rows, data.get("q") or "")

    def create(self, request: Request, *args, **kwargs) -> Response:
        form = NuevaIncidenciaSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            incidencia = actions.crear_incidencia(
                request.tenant, actions.NuevaIncidencia.from_data(form.validated_data),
                reporter=request.user, acting_user=request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            ) from exc
        incidencia = self.get_queryset().get(pk=incidencia.pk)
        return Response(IncidenciaDetailSerializer(incidencia).data, status=status.HTTP_201_CREATED)
