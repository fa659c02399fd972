"""URLs of an entity's host: / portal, /gestion/ back office, /api/ REST, /cuentas/ login."""

from django.urls import include, path

from provincial import views as core_views
from provincial import views_audit
from tenants import views

gestion_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("padron/", include("padron.urls")),
    path("registro/", include("registro.urls")),
    path("sede/", include("sede.urls_gestion")),
    path("soporte/", include("soporte.urls")),
    path("cambiar/<int:entity_id>/", views.switch_entity, name="switch"),
    path("cargos/", include("tenants.urls_offices")),
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
    path("sede/", include("sede.urls")),
    path("gestion/", include((gestion_patterns, "gestion"))),
    path("api/", include("tenants.api.urls")),
]

# A malformed query or form value (provincial.params.InvalidParameter): 400 with its message.
handler400 = "provincial.params.bad_request"
