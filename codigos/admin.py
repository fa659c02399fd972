from django.contrib import admin

from codigos.models import Codigo
from provincial.admin_audit import AuditedAdmin


@admin.register(Codigo)
class CodigoAdmin(AuditedAdmin):
    list_display = ["tabla", "codigo", "descripcion", "activo", "updated_at"]
    list_filter = ["tabla", "activo"]
    search_fields = ["codigo", "descripcion"]
    list_editable = ["descripcion", "activo"]
