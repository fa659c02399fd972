"""Admin of the core: read-only views of jobs, the audit trail and schema migration states."""

from __future__ import annotations

from django.contrib import admin

from provincial.models import AuditEvent, Job, SchemaMigrationState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "entity", "state", "progress", "attempts", "created_at",
                    "finished_at"]
    list_filter = ["state", "kind", "queue"]
    search_fields = ["kind", "entity__name", "error"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "entity", "action", "object_repr", "source_ip"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr", "object_id", "action"]
    date_hierarchy = "created_at"


@admin.register(SchemaMigrationState)
class SchemaMigrationStateAdmin(ReadOnlyAdmin):
    list_display = ["schema_name", "is_up_to_date", "applied", "pending_count", "checked_at",
                    "migrated_at"]
    search_fields = ["schema_name"]

    @admin.display(boolean=True, description="Al día")
    def is_up_to_date(self, state: SchemaMigrationState) -> bool:
        return state.is_up_to_date

    @admin.display(description="Pendientes")
    def pending_count(self, state: SchemaMigrationState) -> int:
        return len(state.pending)
