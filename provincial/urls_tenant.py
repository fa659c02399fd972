"""URLs of an entity's host: / portal, /gestion/ back office, /api/ REST, /cuentas/ login,
and what each app mounts (provincial.url_includes): its back-office pages under /gestion/
and its public pages at the root (the sede at /sede/)."""

from django.urls import include, path

from provincial import url_includes, views_audit
from provincial import views as core_views
from tenants import views

gestion_patterns = [
    path("", views.dashboard, name="dashboard"),
    *url_includes.patterns(url_includes.BACKOFFICE),
    path("cambiar/<int:entity_id>/", views.switch_entity, name="switch"),
    path("cargos/", include("tenants.urls_offices")),
    path("cuentas-servicio/", include("tenants.urls_service_accounts")),
    path("usuarios/", include(([
        path("", views.member_list, name="list"),
        path("nuevo/", views.member_add, name="add"),
        path("<int:pk>/", views.member_edit, name="edit"),
    ], "usuarios"))),
    path("auditoria/", include(([
        path("", views_audit.audit_list, name="list"),
    ], "auditoria"))),
    path("trabajos/", include(([
        path("", core_views.job_list, name="list"),
        path("<int:pk>/", core_views.job_detail, name="detail"),
        path("<int:pk>/estado/", core_views.job_status, name="status"),
    ], "trabajos"))),
]

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("cuentas/", include("provincial.accounts")),
    path("gestion/", include((gestion_patterns, "gestion"))),
    path("api/", include("tenants.api.urls")),
    *url_includes.patterns(url_includes.ENTITY),
]

# A malformed query or form value (provincial.params.InvalidParameter): 400 with its message.
handler400 = "provincial.params.bad_request"
