"""The sede's back-office REST API: the procedures catalogue (active and withdrawn) and the
tablón (current, scheduled and ended edictos), for the entity's service accounts with the
sede application only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from sede.models import Edicto, Procedimiento
from tenants import service_accounts
from tests.conftest import HOST_A, HOST_B
from tests.service_accounts import service_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def sede_a(province):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    with schema_context(province.a.schema_name):
        Procedimiento.objects.create(
            code="LIC-OBRA", name="Licencia de obra menor", description="Obras sin proyecto.",
            plazo_resolucion="1 mes", sentido_silencio="estimatorio", organo="Alcaldía",
            tipo_formulario="especifico",
            campos=[{"name": "referencia_catastral", "label": "Referencia catastral",
                     "required": True}])
        Procedimiento.objects.create(
            code="VADO", name="Vado permanente", description="Reserva de acera.",
            plazo_resolucion="3 meses", sentido_silencio="desestimatorio", organo="Alcaldía",
            is_active=False)
        return {
            "vigente": Edicto.objects.create(title="Bando de fiestas", body="Texto del bando",
                                             publish_from=now - day, publish_until=now + day),
            "programado": Edicto.objects.create(title="Convocatoria de pleno", body="Orden",
                                                publish_from=now + day,
                                                publish_until=now + 3 * day),
            "finalizado": Edicto.objects.create(title="Exposición del padrón", body="Lista",
                                                publish_from=now - 5 * day,
                                                publish_until=now - 2 * day),
        }


@pytest.fixture
def api(province, sede_a):
    return service_client(province, province.a, HOST_A, ["sede"], name="Portal web")


def test_the_catalogue_with_withdrawn_procedures_and_one_by_code(api):
    listing = api.get("/api/v1/sede/procedimientos/").json()
    assert [(p["codigo"], p["activo"]) for p in listing["results"]] == [
        ("LIC-OBRA", True), ("VADO", False)]
    assert [p["codigo"] for p in api.get("/api/v1/sede/procedimientos/",
                                         {"activo": "true"}).json()["results"]] == ["LIC-OBRA"]
    one = api.get("/api/v1/sede/procedimientos/LIC-OBRA/").json()
    assert {key: one[key] for key in ("nombre", "plazo_resolucion", "sentido_silencio",
                                      "tipo_formulario", "campos")} == {
        "nombre": "Licencia de obra menor", "plazo_resolucion": "1 mes",
        "sentido_silencio": "estimatorio", "tipo_formulario": "especifico",
        "campos": [{"name": "referencia_catastral", "label": "Referencia catastral",
                    "required": True}]}
    assert api.get("/api/v1/sede/procedimientos/NO-EXISTE/").status_code == 404
    assert api.get("/api/v1/sede/procedimientos/", {"activo": "quizá"}).status_code == 400


def test_the_tablon_by_state(api, sede_a):
    def titles(**params):
        return [(e["titulo"], e["estado"]) for e in
                api.get("/api/v1/sede/tablon/", params).json()["results"]]

    assert titles() == [("Bando de fiestas", "vigentes")]
    assert titles(estado="programados") == [("Convocatoria de pleno", "programados")]
    assert titles(estado="finalizados") == [("Exposición del padrón", "finalizados")]
    assert len(titles(estado="todos")) == 3
    assert api.get("/api/v1/sede/tablon/", {"estado": "borradores"}).status_code == 400
    one = api.get(f"/api/v1/sede/tablon/{sede_a['programado'].pk}/").json()
    assert (one["titulo"], one["texto"], one["diligencia_csv"]) == (
        "Convocatoria de pleno", "Orden", None)
    for missing in ("999999", "abc", "99999999999999999999999"):
        assert api.get(f"/api/v1/sede/tablon/{missing}/").status_code == 404


def test_refused_without_the_sede_to_another_entity_and_once_revoked(province, sede_a):
    of_b = service_client(province, province.b, HOST_A, ["sede"], name="De Castalla")
    sin_sede = service_client(province, province.a, HOST_A, ["padron"], name="Solo padrón")
    revocada = service_client(province, province.a, HOST_A, ["sede"], name="Revocada")
    service_accounts.revoke_service_account(revocada.account, acting_user=province.admin_a)
    for client, status in ((of_b, 401), (revocada, 401), (sin_sede, 403)):
        for path in ("/api/v1/sede/procedimientos/", "/api/v1/sede/procedimientos/LIC-OBRA/",
                     "/api/v1/sede/tablon/", f"/api/v1/sede/tablon/{sede_a['vigente'].pk}/"):
            response = client.get(path)
            assert response.status_code == status, path
            assert "Licencia de obra" not in response.content.decode()
    b_on_b = service_client(province, province.b, HOST_B, ["sede"], name="Castalla en casa")
    assert b_on_b.get("/api/v1/sede/procedimientos/").json()["count"] == 0
    assert b_on_b.get(f"/api/v1/sede/tablon/{sede_a['vigente'].pk}/").status_code == 404
