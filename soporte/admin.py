"""Provincial admin of the desk's settings and code lists (every change audited)."""

from django.contrib import admin

from provincial.admin_audit import AuditedAdmin
from soporte.models import (
    ArticuloKB,
    Calendario,
    Categoria,
    Configuracion,
    CorreoEntrante,
    Festivo,
    Grupo,
    HistoricoAnual,
    Horario,
    Incidencia,
    ObjetivoSLA,
    ReglaAsignacion,
)


@admin.register(Configuracion)
class ConfiguracionAdmin(AuditedAdmin):
    list_display = ["__str__", "reopen_days", "max_attachment_mb"]

    def has_add_permission(self, request) -> bool:
        return not Configuracion.objects.exists()


@admin.register(Categoria)
class CategoriaAdmin(AuditedAdmin):
    list_display = ["name", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(Grupo)
class GrupoAdmin(AuditedAdmin):
    list_display = ["name", "email"]
    filter_horizontal = ["members", "services"]


@admin.register(ReglaAsignacion)
class ReglaAsignacionAdmin(AuditedAdmin):
    list_display = ["order", "service", "categoria", "grupo", "round_robin"]
    list_editable = ["round_robin"]


class HorarioInline(admin.TabularInline):
    model = Horario
    extra = 0


class FestivoInline(admin.TabularInline):
    model = Festivo
    extra = 0


@admin.register(Calendario)
class CalendarioAdmin(AuditedAdmin):
    list_display = ["name", "is_default"]
    inlines = [HorarioInline, FestivoInline]


@admin.register(ObjetivoSLA)
class ObjetivoSLAAdmin(AuditedAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes"]


@admin.register(HistoricoAnual)
class HistoricoAnualAdmin(AuditedAdmin):
    list_display = ["year", "count", "source"]


@admin.register(ArticuloKB)
class ArticuloKBAdmin(AuditedAdmin):
    list_display = ["title", "service", "is_published", "updated_at"]
    list_filter = ["is_published", "service"]
    search_fields = ["title"]

    def save_model(self, request, obj, form, change) -> None:
        from soporte.actions import refresh_kb_search

        super().save_model(request, obj, form, change)
        refresh_kb_search(obj)


@admin.register(Incidencia)
class IncidenciaAdmin(admin.ModelAdmin):
    """Read-only: incidents change only through the desk (soporte.actions)."""

    list_display = ["reference", "entity", "subject", "state", "priority", "created_at"]
    list_filter = ["state", "priority"]
    search_fields = ["reference", "subject"]
    list_select_related = ["entity"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CorreoEntrante)
class CorreoEntranteAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "reason", "state"]
    list_filter = ["state"]
    exclude = ["raw"]

    def has_add_permission(self, request) -> bool:
        return False
