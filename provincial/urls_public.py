"""URLs of the provincial host (public schema): admin, distribution list, provincial pages,
then what each app mounts here (provincial.url_includes: soporte's desk, the INE exchange…)."""

from django.contrib import admin
from django.urls import include, path

from provincial import url_includes, views_audit
from provincial import views as core_views
from tenants import views, views_provincial

admin.site.site_header = "Diputación Provincial · Administración"
admin.site.site_title = "Administración provincial"
admin.site.index_title = "Plataforma de servicios compartidos"

urlpatterns = [
    path("", core_views.provincial_home, name="home"),
    path("admin/", admin.site.urls),
    path("cuentas/", include("provincial.accounts")),
    path("mis-entidades/", views.my_entities, name="mis_entidades"),
    path("mis-entidades/<int:entity_id>/entrar/", views.switch_entity, name="entrar_entidad"),
    path("difusion/", include(([
        path("", views_provincial.communication_list, name="list"),
        path("nueva/", views_provincial.communication_new, name="new"),
        path("<int:pk>/", views_provincial.communication_detail, name="detail"),
    ], "difusion"))),
    path("auditoria/", views_audit.audit_list, name="auditoria"),
    path("trabajos/", include(([
        path("<int:pk>/", core_views.job_detail, name="detail"),
        path("<int:pk>/estado/", core_views.job_status, name="status"),
    ], "trabajos"))),
    *url_includes.patterns(url_includes.PROVINCIAL),
]

# A malformed query or form value (provincial.params.InvalidParameter): 400 with its message.
handler400 = "provincial.params.bad_request"
