"""Admin of the core: read-only views of jobs, the audit trail and schema migration states."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from provincial import (
    admin_permissions,  # noqa: F401 - Spanish permission labels
    admin_thirdparty,  # noqa: F401 - Spanish admins of axes and django-otp
)
from provincial.models import AuditEvent, Job, SchemaMigrationState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LabelledCodeFilter(admin.SimpleListFilter):
    """Filter on a code column (job kind, audit action) that offers the Spanish labels."""

    field: str

    def label_of(self, code: str) -> str:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        codes = (model_admin.get_queryset(request).order_by()
                 .values_list(self.field, flat=True).distinct())
        return sorted(((code, self.label_of(code)) for code in codes),
                      key=lambda pair: (pair[1].casefold(), pair[0]))

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class JobKindFilter(LabelledCodeFilter):
    title = _("tipo")
    parameter_name = field = "kind"

    def label_of(self, code: str) -> str:
        from provincial.jobs import registry

        return registry.label(code)


class JobQueueFilter(LabelledCodeFilter):
    title = _("cola")
    parameter_name = field = "queue"

    def label_of(self, code: str) -> str:
        from provincial.jobs import queue_label

        return queue_label(code)


class AuditActionFilter(LabelledCodeFilter):
    title = _("acción")
    parameter_name = field = "action"

    def label_of(self, code: str) -> str:
        from provincial.audit_labels import labels

        return labels.label(code)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind_label", "entity", "state", "progress", "attempts", "created_at",
                    "finished_at"]
    list_filter = ["state", JobKindFilter, JobQueueFilter]
    search_fields = ["kind", "entity__name", "error"]
    fields = ["kind_label", "entity", "queue_label", "state", "payload", "result", "attempts",
              "max_attempts", "progress", "progress_message", "log", "error", "created_by",
              "created_at", "dispatched_at", "started_at", "finished_at"]
    readonly_fields = ["kind_label", "queue_label", "created_at"]

    @admin.display(description=_("tipo"), ordering="kind")
    def kind_label(self, job: Job) -> str:
        return job.label

    @admin.display(description=_("cola"), ordering="queue")
    def queue_label(self, job: Job) -> str:
        return job.queue_label


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "username", "entity", "action_label", "object_repr",
                    "source_ip"]
    list_filter = [AuditActionFilter]
    search_fields = ["username", "object_repr", "object_id", "action"]
    date_hierarchy = "created_at"
    fields = ["created_at", "entity", "user", "username", "action_label", "object_type_label",
              "object_id", "object_repr", "detail", "subject_ref", "source_ip"]
    readonly_fields = ["created_at", "action_label", "object_type_label"]

    @admin.display(description=_("acción"), ordering="action")
    def action_label(self, event: AuditEvent) -> str:
        return event.action_label

    @admin.display(description=_("tipo de objeto"))
    def object_type_label(self, event: AuditEvent) -> str:
        return event.object_type_label


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
