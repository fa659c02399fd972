"""Isolation probes: every URL of every app, requested with another entity's ids and hosts
by the standard cast; nothing of the other entity may come back."""

import datetime

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from provincial.models import Job
from tenants.choices import Office
from tenants.models import Membership, OfficeHolder, ServiceAccount
from tests.conftest import HOST_A, HOST_B, HOST_PROVINCIAL
from tests.isolation.probe import app_probes, probe, routes

pytestmark = pytest.mark.django_db

REFUSED = {302, 401, 403, 404, 405}

# Pages that are public by design on any entity's host (the portal, health) and the
# user's own account pages (login, second factor, logout); everything else must refuse
# outsiders. The account pages are probed separately: they may answer, never with B's data.
PUBLIC_ON_ENTITY_HOST = {"home", "healthz", "cuentas:", "sede:"}


@pytest.fixture
def b_data(province):
    """Objects of entity B, with marker strings that must never appear outside B: the
    foundation's (a job, a membership, the entity) and every app's (tests/<app>/probes.py)."""
    secret = "SECRETO-DE-CASTALLA-7731"
    job = Job.objects.create(kind="provincial.diagnostic", entity=province.b,
                             payload={"nota": secret}, progress_message=secret, log=secret)
    membership = Membership.objects.get(user=province.clerk_b, entity=province.b)
    membership.job_title = secret
    membership.save()
    holder = OfficeHolder.objects.create(entity=province.b, office=Office.choices[0][0],
                                         name=f"Cargo {secret}", start_date=datetime.date(2024, 1, 1))
    account = ServiceAccount.objects.create(entity=province.b, name=f"Cuenta {secret}",
                                            applications=["padron"], token_hash="0" * 64,
                                            token_prefix="sp_probe")
    ids = [str(job.pk), str(membership.pk), str(province.b.pk), str(holder.pk), str(account.pk)]
    secrets = [secret, province.clerk_b.email]
    values = {"token": ["x" * 43], "str": ["x"]}
    base_ids = list(ids)
    ids_by_app = {}
    for label, isolation_probe in app_probes():
        made = isolation_probe(province, secret)
        ids += made.ids
        ids_by_app[label] = base_ids + made.ids
        secrets += made.secrets
        for name, candidates in made.values.items():
            values[name] = [*values.get(name, []), *candidates]
    for name in ("pk", "entity_id", "int"):
        values[name] = ids
    return {"secrets": secrets, "values": values, "ids_by_app": ids_by_app}


def test_every_app_with_objects_of_its_own_gives_them_to_the_probes():
    assert [label for label, _probe in app_probes()] == ["soporte", "certificados", "padron",
                                                          "registro", "sede", "expedientes",
                                                          "notificaciones"]


def test_the_probe_sees_every_backoffice_and_api_route():
    names = {route.name for route in routes("provincial.urls_tenant")}
    assert {"gestion:dashboard", "gestion:usuarios:edit", "gestion:trabajos:detail",
            "gestion:trabajos:status", "api:entidad", "api:trabajo-detail"} <= names


@pytest.mark.parametrize("who", ["clerk_a", "admin_a"])
def test_cast_of_a_gets_nothing_of_b_through_a_host(province, client_for, b_data, who):
    client = client_for(getattr(province, who), HOST_A)
    # The account pages are left out: posting to them logs the user out, and every route
    # after them would be probed anonymously. Logged in, an empty POST is a 400 or 415 (bad input,
    # no data of B: the secrets are still looked for in its body).
    leaks = probe(client, "provincial.urls_tenant", values=b_data["values"], ids_by_app=b_data["ids_by_app"],
                  secrets=b_data["secrets"], allowed_status=REFUSED | {200, 400, 415}, skip=["cuentas:"])
    assert leaks == []
    assert client.get("/gestion/").status_code == 200, "the probe ran logged in to the end"


# A's clerk is left out here (it is in the cast-of-A tests): on B's host A's clerk and A's
# user administrator are both users without a membership of B, refused by the same check,
# and each probe of B's host costs ~40 s of the suite's 20 minutes.
@pytest.mark.parametrize("who", ["admin_a", "provincial_admin", "support_agent", "anonymous"])
def test_outsiders_are_refused_everywhere_on_b_host(province, client_for, b_data, who):
    user = None if who == "anonymous" else getattr(province, who)
    client = client_for(user, HOST_B)
    leaks = probe(client, "provincial.urls_tenant", values=b_data["values"], ids_by_app=b_data["ids_by_app"],
                  secrets=b_data["secrets"], allowed_status=REFUSED,
                  skip=PUBLIC_ON_ENTITY_HOST)
    assert leaks == []
    account_leaks = probe(client, "provincial.urls_tenant", values=b_data["values"], ids_by_app=b_data["ids_by_app"],
                          secrets=b_data["secrets"], allowed_status=REFUSED | {200},
                          only="cuentas:")
    assert account_leaks == []


def test_provincial_host_shows_no_entity_data_to_clerks(province, client_for, b_data):
    leaks = probe(client_for(province.clerk_a, HOST_PROVINCIAL), "provincial.urls_public",
                  values=b_data["values"], ids_by_app=b_data["ids_by_app"], secrets=b_data["secrets"],
                  allowed_status=REFUSED | {200}, skip={"home"})
    assert leaks == []


def test_the_probe_catches_a_view_that_forgets_its_scoping(province, client_for, b_data,
                                                           settings):
    settings.ROOT_URLCONF = "tests.isolation.leaky_urls"
    # As for the cast of A: an empty POST may be refused as bad input (400/415), the
    # secrets are still looked for in the answer.
    leaks = probe(client_for(province.clerk_a, HOST_A), "tests.isolation.leaky_urls",
                  values=b_data["values"], ids_by_app=b_data["ids_by_app"], secrets=b_data["secrets"],
                  allowed_status=REFUSED | {200, 400, 415})
    assert [leak.route for leak in leaks]
    assert {leak.route for leak in leaks} == {"olvido:job"}
    assert all("SECRETO-DE-CASTALLA-7731" in leak.found for leak in leaks if leak.status == 200)


def test_cache_keys_carry_the_entity_schema(province):
    with schema_context(province.a.schema_name):
        cache.set("padron:estadisticas", "datos de Agost", 30)
    with schema_context(province.b.schema_name):
        assert cache.get("padron:estadisticas") is None
        cache.set("padron:estadisticas", "datos de Castalla", 30)
    with schema_context(province.a.schema_name):
        assert cache.get("padron:estadisticas") == "datos de Agost"
        cache.delete("padron:estadisticas")
    with schema_context(province.b.schema_name):
        cache.delete("padron:estadisticas")
