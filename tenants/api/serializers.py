from __future__ import annotations

from rest_framework import serializers

from provincial.models import Job
from tenants.models import Adhesion, Entity, Membership


class AdhesionSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = Adhesion
        fields = ["service", "service_name", "state", "approved_at", "is_exception"]


class EntitySerializer(serializers.ModelSerializer):
    population = serializers.SerializerMethodField()
    adhesions = AdhesionSerializer(many=True, read_only=True)

    class Meta:
        model = Entity
        fields = ["id", "name", "slug", "kind", "ine_code", "dir3_code", "cif", "province",
                  "comarca", "email", "phone", "website", "population", "adhesions"]

    def get_population(self, entity: Entity) -> int | None:
        return entity.population()


class MembershipSerializer(serializers.ModelSerializer):
    entity = serializers.CharField(source="entity.name")
    entity_id = serializers.IntegerField(source="entity.pk")

    class Meta:
        model = Membership
        fields = ["entity_id", "entity", "role", "applications", "job_title"]


class JobSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "label", "state", "progress", "progress_message", "attempts",
                  "error", "result", "created_at", "started_at", "finished_at"]
