"""Every change made through the Django admin also goes to the audit trail."""

from __future__ import annotations

from django.contrib import admin

from provincial import audit
from provincial.admin_widgets import SafeAutocompleteMixin


def _entity_of(obj):
    from tenants.models import Entity

    if isinstance(obj, Entity):
        return obj
    entity = getattr(obj, "entity", None) or getattr(obj, "tenant", None)
    return entity if isinstance(entity, Entity) else None


class AuditedAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    """ModelAdmin whose additions, changes (inlines included) and deletions are audited."""

    def _audit(self, request, obj, verb: str, message="") -> None:
        audit.record(f"admin.{obj._meta.model_name}.{verb}", user=request.user,
                     entity=_entity_of(obj), obj=obj, detail={"message": str(message)[:2000]})

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete")
        return super().log_deletions(request, queryset)
