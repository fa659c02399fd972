"""/api/v1/ is built from the route registry (tenants.api.routes) that each app fills in
its AppConfig.ready(): soporte's incidents come from soporte, and a route registered by a
new app is served, protected and described in the OpenAPI schema without editing tenants/."""

import importlib

import pytest
from django.urls import clear_url_caches
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from tenants.api import routes
from tests.conftest import HOST_A, HOST_B

pytestmark = pytest.mark.django_db


def test_the_registry_holds_the_foundations_routes_and_soportes():
    registered = [(prefix, viewset.__module__, basename)
                  for prefix, viewset, basename in routes.viewsets()]
    assert {("incidencias", "soporte.api.views", "incidencia"),
            ("trabajos", "tenants.api.views", "trabajo")} <= set(registered)
    assert registered == sorted(registered)
    assert {("entidad/", "entidad"), ("yo/", "yo")} <= {
        (route, name) for route, _view, name in routes.views()}


def _expected_paths() -> set[str]:
    return {f"/api/v1/{prefix}/" for prefix, _viewset, _basename in routes.viewsets()} | {
        f"/api/v1/{route}" for route, _view, _name in routes.views()}


def test_the_schema_lists_the_registered_paths_and_names_their_enums(province, client_for):
    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/?format=json").json()
    assert {"/api/v1/entidad/", "/api/v1/incidencias/", "/api/v1/incidencias/{reference}/",
            "/api/v1/trabajos/", "/api/v1/trabajos/{id}/", "/api/v1/yo/"} <= set(schema["paths"])
    assert _expected_paths() <= set(schema["paths"])
    components = schema["components"]["schemas"]
    assert components["JobStateEnum"]["enum"] == ["pending", "queued", "running", "succeeded",
                                                  "failed", "cancelled"]
    assert components["IncidenciaStateEnum"]["enum"][:2] == ["nueva", "asignada"]
    assert components["Job"]["properties"]["state"]["allOf"] == [
        {"$ref": "#/components/schemas/JobStateEnum"}]


def test_a_schema_generated_outside_the_view_names_the_same_enums():
    """`manage.py spectacular` and `check --deploy` generate the schema without the view:
    the registered names reach drf-spectacular's settings."""
    from django.conf import settings
    from drf_spectacular.generators import SchemaGenerator

    assert settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] == {
        **settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"],
        "JobStateEnum": "provincial.choices.JobState",
        "IncidenciaStateEnum": "soporte.choices.Estado"}
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["JobStateEnum"]["enum"][0] == "pending"
    assert components["IncidenciaStateEnum"]["enum"][0] == "nueva"
    assert not any(name.startswith("State") for name in components)


class _EcoSerializer(serializers.Serializer):
    mensaje = serializers.CharField()


class _EcoViewSet(viewsets.ViewSet):
    """A new app's endpoint (for this test only)."""

    serializer_class = _EcoSerializer
    required_application = "padron"

    def list(self, request):
        return Response([{"mensaje": f"eco de {request.tenant.slug}"}])


@pytest.fixture
def eco_route(monkeypatch):
    """Register a route as an app would in ready(), then load the URLconfs again."""
    import provincial.urls_tenant
    import tenants.api.urls

    monkeypatch.setattr(routes, "_viewsets", dict(routes._viewsets))
    routes.register_viewset("eco", _EcoViewSet, basename="eco")

    def reload():
        importlib.reload(tenants.api.urls)
        importlib.reload(provincial.urls_tenant)
        clear_url_caches()

    reload()
    yield
    monkeypatch.undo()
    reload()


def test_a_route_registered_by_an_app_is_served_protected_and_described(province, client_for,
                                                                        eco_route):
    assert client_for(province.clerk_a, HOST_A).get("/api/v1/eco/").json() == [
        {"mensaje": "eco de agost"}]
    # The default permission: members of this entity only; a clerk of B is refused.
    assert client_for(province.clerk_a, HOST_B).get("/api/v1/eco/").status_code == 403
    assert client_for(None, HOST_A).get("/api/v1/eco/").status_code in (401, 403)
    # required_application: a member without the padrón is refused.
    assert client_for(province.admin_a, HOST_A).get("/api/v1/eco/").status_code == 403
    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/?format=json").json()
    assert "/api/v1/eco/" in schema["paths"]


def test_a_prefix_is_not_registered_twice_by_two_apps(monkeypatch):
    monkeypatch.setattr(routes, "_viewsets", dict(routes._viewsets))
    with pytest.raises(ValueError, match="incidencias"):
        routes.register_viewset("incidencias", _EcoViewSet, basename="eco")
