from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from provincial.models import Job
from tenants.access import entity_jobs
from tenants.api.serializers import EntitySerializer, JobSerializer, MembershipSerializer
from tenants.models import Entity, Membership


class CurrentEntityView(APIView):
    """The entity of this host, its population and adhesions."""

    @extend_schema(responses=EntitySerializer)
    def get(self, request):
        entity = Entity.objects.prefetch_related("adhesions__service").get(pk=request.tenant.pk)
        return Response(EntitySerializer(entity).data)


class MeView(APIView):
    """The authenticated user and the entities where they are a member."""

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request):
        memberships = Membership.objects.filter(user=request.user, is_active=True) \
            .select_related("entity")
        return Response({
            "username": request.user.username,
            "full_name": request.user.get_full_name(),
            "memberships": MembershipSerializer(memberships, many=True).data,
        })


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of this entity."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        return entity_jobs(self.request).order_by("-created_at")
