"""Service accounts: programs of an entity that call its REST API with a token scoped to
the entity and to the applications granted; the token is shown once and stored hashed;
revocation; every call audited with the account; a rate limit per account; managed by the
entity's user administrator in /gestion/cuentas-servicio/ and by provincial admins in the
admin."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from provincial.models import AuditEvent
from tenants import service_accounts
from tenants.models import ServiceAccount
from tests.conftest import HOST_A, HOST_B, HOST_C, HOST_PROVINCIAL
from tests.service_accounts import service_client

pytestmark = pytest.mark.django_db

SEDE = "/api/v1/sede/procedimientos/"
INVALID = {"detail": "Token inválido."}


def _calls(account: ServiceAccount) -> list[tuple]:
    return [(e.entity_id, e.username, e.user_id, e.detail["method"], e.detail["path"],
             e.detail["status"], e.detail.get("refused"))
            for e in AuditEvent.objects.filter(action="tenants.service_account.call",
                                               object_id=str(account.pk)).order_by("pk")]


def test_the_token_is_returned_once_and_only_its_hash_is_stored(province):
    created = service_accounts.create_service_account(
        province.a, name="  Gestión   tributaria ", applications=["padron", "registro"],
        acting_user=province.admin_a)
    account = ServiceAccount.objects.get(pk=created.account.pk)
    assert re.fullmatch(r"sp_[A-Za-z0-9_-]{43}", created.token)
    assert account.name == "Gestión tributaria"
    assert account.applications == ["padron", "registro"]
    assert account.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
    assert account.token_prefix == created.token[:10]
    assert created.token not in repr(list(ServiceAccount.objects.filter(pk=account.pk).values()))
    assert account.created_by == province.admin_a
    event = AuditEvent.objects.get(action="tenants.service_account.create", entity=province.a)
    assert (event.entity, event.user, event.object_id, event.detail) == (
        province.a, province.admin_a, str(account.pk), {"applications": ["padron", "registro"]})


def test_creation_is_refused_to_clerks_and_beyond_the_entity_adhesions(province):
    with pytest.raises(PermissionDenied):
        service_accounts.create_service_account(province.a, name="X", applications=["padron"],
                                                acting_user=province.clerk_a)
    with pytest.raises(PermissionDenied):
        service_accounts.create_service_account(province.a, name="X", applications=["padron"],
                                                acting_user=province.admin_b)
    with pytest.raises(ValidationError) as refused:
        service_accounts.create_service_account(province.c, name="X", applications=["padron"],
                                                acting_user=province.provincial_admin)
    assert refused.value.message_dict["applications"] == [
        "Ajuntament d'Alcoi no está adherida a ningún servicio que incluya: Padrón de habitantes."]
    with pytest.raises(ValidationError) as refused:
        service_accounts.create_service_account(province.a, name="X", applications=[],
                                                acting_user=province.admin_a)
    assert "applications" in refused.value.message_dict
    service_accounts.create_service_account(province.a, name="X", applications=["sede"],
                                            acting_user=province.admin_a)
    with pytest.raises(ValidationError) as refused:
        service_accounts.create_service_account(province.a, name="X", applications=["sede"],
                                                acting_user=province.admin_a)
    assert refused.value.message_dict["name"] == [
        "Ya hay una cuenta de servicio activa con ese nombre."]
    assert ServiceAccount.objects.filter(entity=province.a).count() == 1


@pytest.mark.parametrize("keyword", ["Bearer", "Token"])
def test_a_token_opens_its_entitys_api_for_its_applications(province, keyword):
    api = service_client(province, province.a, HOST_A, ["sede"], keyword=keyword)
    response = api.get(SEDE)
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    api.account.refresh_from_db()
    assert api.account.last_used_at is not None


def test_another_entitys_token_is_refused_like_an_unknown_one_and_changes_nothing(province):
    from django_tenants.utils import schema_context

    from sede.models import Procedimiento

    of_b = service_client(province, province.b, HOST_A, ["sede", "registro"], name="De Castalla")
    unknown = Client(HTTP_HOST=HOST_A, HTTP_AUTHORIZATION="Bearer sp_" + "x" * 43)
    for client in (of_b, unknown):
        response = client.get(SEDE)
        assert (response.status_code, response.json()) == (401, INVALID)
        assert response["WWW-Authenticate"] == "Bearer"
    response = of_b.post("/api/v1/registro/asientos/", {"libro": "E", "asunto": "Intento"})
    assert (response.status_code, response.json()) == (401, INVALID)
    with schema_context(province.a.schema_name):
        from registro.models import Asiento

        assert Asiento.objects.count() == 0
        assert Procedimiento.objects.count() == 0
    # Filed under the account's own entity (B), so B's administrator sees the attempt.
    assert _calls(of_b.account) == [
        (province.b.pk, "Cuenta de servicio «De Castalla»", None, "GET", SEDE, 401,
         "other_host"),
        (province.b.pk, "Cuenta de servicio «De Castalla»", None, "POST",
         "/api/v1/registro/asientos/", 401, "other_host")]
    of_b.account.refresh_from_db()
    assert of_b.account.last_used_at is None


def test_a_revoked_token_stops_working_at_once(province):
    api = service_client(province, province.a, HOST_A, ["sede"])
    assert api.get(SEDE).status_code == 200
    service_accounts.revoke_service_account(api.account, acting_user=province.admin_a)
    response = api.get(SEDE)
    assert (response.status_code, response.json()) == (401, INVALID)
    assert [call[-2:] for call in _calls(api.account)] == [(200, None), (401, "revoked")]
    event = AuditEvent.objects.get(action="tenants.service_account.revoke", entity=province.a)
    assert (event.entity, event.user, event.object_id) == (province.a, province.admin_a,
                                                           str(api.account.pk))
    with pytest.raises(ValidationError):
        service_accounts.revoke_service_account(api.account, acting_user=province.admin_a)


def test_a_token_without_the_application_is_refused_and_changes_nothing(province):
    from django_tenants.utils import schema_context

    api = service_client(province, province.a, HOST_A, ["sede"])
    for path in ("/api/v1/padron/vias/", "/api/v1/registro/asientos/"):
        response = api.get(path)
        assert response.status_code == 403
    assert response.json() == {
        "detail": "Esta cuenta de servicio no tiene concedida la aplicación «Registro de "
                  "entrada y salida»."}
    response = api.post("/api/v1/registro/asientos/", {
        "libro": "E", "asunto": "Licencia", "resumen": "Licencia de obras",
        "interesado_tipo_documento": "N", "interesado_documento": "12345678Z",
        "interesado_nombre": "Lucía", "interesado_apellido1": "Pérez"})
    assert response.status_code == 403
    with schema_context(province.a.schema_name):
        from registro.models import Asiento, ContadorRegistro

        assert Asiento.objects.count() == 0
        assert ContadorRegistro.objects.count() == 0


def test_service_accounts_are_refused_where_only_people_may_go(province):
    api = service_client(province, province.a, HOST_A, ["sede", "soporte", "padron"])
    for path in ("/api/v1/yo/", "/api/v1/trabajos/", "/api/v1/incidencias/", "/api/v1/"):
        response = api.get(path)
        assert response.status_code == 403, path
    assert response.json() == {"detail": "Las cuentas de servicio no pueden usar esta operación."}
    assert api.get("/api/v1/entidad/").status_code == 403
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/padron/residencia/" in schema.json()["paths"]


def test_every_call_is_audited_with_the_account_without_the_query_string(province):
    api = service_client(province, province.a, HOST_A, ["sede"], name="Portal de participación")
    api.get(SEDE + "?activo=true")
    api.get("/api/v1/sede/procedimientos/NO-EXISTE/")
    api.get("/api/v1/yo/")
    assert _calls(api.account) == [
        (province.a.pk, "Cuenta de servicio «Portal de participación»", None, "GET", SEDE, 200,
         None),
        (province.a.pk, "Cuenta de servicio «Portal de participación»", None, "GET",
         "/api/v1/sede/procedimientos/NO-EXISTE/", 404, None),
        (province.a.pk, "Cuenta de servicio «Portal de participación»", None, "GET",
         "/api/v1/yo/", 403, None)]
    event = AuditEvent.objects.filter(action="tenants.service_account.call",
                                      object_id=str(api.account.pk)).first()
    assert event.detail["service_account"] == api.account.pk
    assert event.action_label == "Llamada a la API de una cuenta de servicio"


def test_people_keep_their_session_and_personal_tokens_unaudited_per_call(province, client_for):
    assert client_for(province.clerk_a, HOST_A).get(SEDE).status_code == 200
    assert not AuditEvent.objects.filter(action="tenants.service_account.call",
                                         entity=province.a).exists()
    anonymous = Client(HTTP_HOST=HOST_A).get(SEDE)
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Las credenciales de autenticación no se proveyeron."}


def test_the_rate_limit_is_per_account_and_answers_in_spanish(province, settings):
    settings.API_SERVICE_ACCOUNT_RATE = "2/min"
    first = service_client(province, province.a, HOST_A, ["sede"], name="Primera")
    second = service_client(province, province.a, HOST_A, ["sede"], name="Segunda")
    assert [first.get(SEDE).status_code for _ in range(2)] == [200, 200]
    refused = first.get(SEDE)
    assert refused.status_code == 429
    assert re.fullmatch(r"Demasiadas peticiones\. Vuelva a intentarlo dentro de \d+ segundos\.",
                        refused.json()["detail"])
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert second.get(SEDE).status_code == 200
    assert _calls(first.account)[-1][-2:] == (429, None)


def test_the_rate_limit_lets_calls_through_when_the_cache_fails(province, settings, monkeypatch):
    from tenants.api import throttling

    settings.API_SERVICE_ACCOUNT_RATE = "1/min"

    def broken(*args, **kwargs):
        raise ConnectionError("redis caído")

    monkeypatch.setattr(throttling.ServiceAccountThrottle, "cache",
                        type("Broken", (), {"get": broken, "set": broken})())
    api = service_client(province, province.a, HOST_A, ["sede"])
    assert [api.get(SEDE).status_code for _ in range(3)] == [200, 200, 200]


def test_unknown_api_paths_answer_a_json_404(province):
    api = service_client(province, province.a, HOST_A, ["sede"])
    response = api.get("/api/v1/no-existe/")
    assert (response.status_code, response.json()) == (404, {"detail": "No encontrado."})


# --- the back office: /gestion/cuentas-servicio/ ------------------------------------------


def test_the_user_administrator_creates_sees_the_token_once_and_revokes(province, client_for):
    admin = client_for(province.admin_a, HOST_A)
    form = admin.get("/gestion/cuentas-servicio/nueva/")
    assert form.status_code == 200
    offered = re.findall(r'name="applications" value="(\w+)"', form.content.decode())
    # What A adheres to and has an API.
    assert offered == ["padron", "registro", "expedientes", "sede"]
    created = admin.post("/gestion/cuentas-servicio/nueva/", {
        "name": "Gestión tributaria", "applications": ["padron", "registro"]})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    token = re.search(r'<code class="secret" id="token">(sp_[^<]+)</code>',
                      created.content.decode()).group(1)
    account = ServiceAccount.objects.get(entity=province.a)
    assert account.token_hash == hashlib.sha256(token.encode()).hexdigest()
    listing = admin.get("/gestion/cuentas-servicio/").content.decode()
    assert "Gestión tributaria" in listing
    assert f"{token[:10]}…" in listing
    assert token not in listing
    api = Client(HTTP_HOST=HOST_A, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/padron/secciones/").status_code == 200
    revoked = admin.post(f"/gestion/cuentas-servicio/{account.pk}/revocar/", follow=True)
    assert "Cuenta «Gestión tributaria» revocada: su token ya no sirve." in revoked.content.decode()
    assert api.get("/api/v1/padron/secciones/").status_code == 401
    assert list(AuditEvent.objects.filter(action__startswith="tenants.service_account.",
                                         entity=province.a)
                .exclude(action="tenants.service_account.call")
                .order_by("pk").values_list("action", "user__username")) == [
        ("tenants.service_account.create", "admin_a"),
        ("tenants.service_account.revoke", "admin_a")]


def test_the_form_refuses_in_spanish_and_creates_nothing(province, client_for):
    admin = client_for(province.admin_a, HOST_A)
    response = admin.post("/gestion/cuentas-servicio/nueva/", {"name": "", "applications": []})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Conceda al menos una aplicación." in body
    response = admin.post("/gestion/cuentas-servicio/nueva/", {
        "name": "Intento", "applications": ["contabilidad"]})
    assert "Escoja una opción válida" in response.content.decode()
    assert not ServiceAccount.objects.filter(entity=province.a).exists()


def test_clerks_and_other_entities_cannot_manage_the_accounts(province, client_for):
    api = service_client(province, province.a, HOST_A, ["sede"], name="De Agost")
    clerk = client_for(province.clerk_a, HOST_A)
    assert clerk.get("/gestion/cuentas-servicio/").status_code == 403
    assert clerk.post(f"/gestion/cuentas-servicio/{api.account.pk}/revocar/").status_code == 403
    admin_b = client_for(province.admin_b, HOST_B)
    assert "De Agost" not in admin_b.get("/gestion/cuentas-servicio/").content.decode()
    assert admin_b.post(f"/gestion/cuentas-servicio/{api.account.pk}/revocar/").status_code == 404
    api.account.refresh_from_db()
    assert api.account.revoked_at is None
    assert client_for(province.admin_a, HOST_C).get("/gestion/cuentas-servicio/").status_code \
        == 404


def test_provincial_admins_create_and_revoke_in_the_admin(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    response = admin.post("/admin/tenants/serviceaccount/add/", {
        "entity": province.b.pk, "name": "Sede de Castalla", "applications": ["sede"]})
    assert response.status_code == 200
    token = re.search(r'<code id="token">(sp_[^<]+)</code>', response.content.decode()).group(1)
    account = ServiceAccount.objects.get(entity=province.b)
    assert account.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert Client(HTTP_HOST=HOST_B, HTTP_AUTHORIZATION=f"Bearer {token}").get(SEDE).status_code \
        == 200
    assert token not in admin.get(f"/admin/tenants/serviceaccount/{account.pk}/change/") \
        .content.decode()
    admin.post("/admin/tenants/serviceaccount/", {
        "action": "revoke_selected", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.revoked_by == province.provincial_admin
    refused = admin.post("/admin/tenants/serviceaccount/add/", {
        "entity": province.c.pk, "name": "Padrón de Alcoi", "applications": ["padron"]})
    assert "no está adherida a ningún servicio que incluya" in refused.content.decode()
    assert not ServiceAccount.objects.filter(entity=province.c).exists()


def test_the_schema_describes_the_service_api_its_errors_and_the_token(province):
    from tenants.api import routes

    assert routes.service_account_applications() == {"padron", "registro", "expedientes",
                                                     "sede"}
    api = service_client(province, province.a, HOST_A, ["sede"])
    schema = api.get("/api/schema/?format=json").json()
    assert {"/api/v1/padron/habitantes/{nia}/", "/api/v1/padron/residencia/",
            "/api/v1/padron/convivencia/", "/api/v1/padron/censo/", "/api/v1/padron/vias/{code}/",
            "/api/v1/padron/tramos/", "/api/v1/padron/secciones/",
            "/api/v1/registro/asientos/{referencia}/justificante/",
            "/api/v1/sede/procedimientos/{code}/", "/api/v1/sede/tablon/{id}/"} <= set(
        schema["paths"])
    operations = [operation for path in schema["paths"].values()
                  for operation in path.values()]
    assert all({"400", "401", "403", "404", "429"} <= set(operation["responses"])
               for operation in operations)
    assert schema["components"]["securitySchemes"]["cuentaDeServicio"]["scheme"] == "bearer"
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    justificante = schema["paths"]["/api/v1/registro/asientos/{referencia}/justificante/"]
    assert list(justificante["get"]["responses"]["200"]["content"]) == ["application/pdf"]
    asientos = schema["paths"]["/api/v1/registro/asientos/"]["post"]
    assert list(asientos["requestBody"]["content"]) == ["multipart/form-data"]
    assert set(asientos["responses"]) >= {"200", "201"}


def _service_operations(schema: dict) -> list[tuple[str, str, str]]:
    """(method, path with its parameters filled, application) of every operation a service
    account may call, read from the schema: what is added later is tried too."""
    from django.urls import resolve

    found = []
    for template, operations in schema["paths"].items():
        path = re.sub(r"\{[^}]+\}", "2026-E-000001", template)
        view = resolve(path).func
        view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
        if not getattr(view_class, "service_account_access", False):
            continue
        application = view_class.required_application
        found += [(method.upper(), path, application) for method in operations]
    return found


def test_every_service_operation_refuses_other_entities_revoked_and_ungranted_tokens(
        province, client_for):
    from django_tenants.utils import schema_context

    from registro.models import Asiento

    schema = client_for(province.clerk_a, HOST_A).get("/api/schema/?format=json").json()
    operations = _service_operations(schema)
    assert {application for _method, _path, application in operations} == {
        "padron", "registro", "expedientes", "sede"}
    assert len(operations) >= 17
    of_b = service_client(province, province.b, HOST_A, ["padron", "registro", "sede"],
                          name="De Castalla")
    revoked = service_client(province, province.a, HOST_A, ["padron", "registro", "sede"],
                             name="Revocada")
    service_accounts.revoke_service_account(revoked.account, acting_user=province.admin_a)
    only = {app: service_client(province, province.a, HOST_A, [app], name=f"Solo {app}")
            for app in ("padron", "sede")}
    before = AuditEvent.objects.filter(entity=province.a).exclude(
        action="tenants.service_account.call").count()
    for method, path, application in operations:
        ungranted = only["sede"] if application != "sede" else only["padron"]
        for client, status in ((of_b, 401), (revoked, 401), (ungranted, 403)):
            response = client.generic(method, path, "{}", content_type="application/json")
            assert response.status_code == status, (method, path, client.account.name)
    with schema_context(province.a.schema_name):
        assert Asiento.objects.count() == 0
    # Nothing was read or changed: the only new events are the calls themselves.
    assert AuditEvent.objects.filter(entity=province.a).exclude(
        action="tenants.service_account.call").count() == before
