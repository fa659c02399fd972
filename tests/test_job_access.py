"""Who sees which jobs of an entity: the jobs of the applications usable to the member;
user administrators also the entity's administrative jobs. The same 404 for the rest."""

import re

import pytest

from provincial.jobs import registry
from provincial.models import Job
from tenants import actions
from tenants.choices import MembershipRole
from tests.conftest import HOST_A, PASSWORD

pytestmark = pytest.mark.django_db

KINDS = ["padron.exportar", "padron.ine.generar", "padron.ine.cargar", "registro.sir.recibir",
         "sede.acuse", "soporte.notificar", "tenants.backup_entity", "provincial.diagnostic",
         "retirado.sin.registro"]


@pytest.fixture
def a_jobs(province) -> dict[str, Job]:
    """One job of every kind in entity A (oldest first), and a padrón job of B."""
    made = {kind: Job.objects.create(kind=kind, entity=province.a) for kind in KINDS}
    made["b"] = Job.objects.create(kind="padron.exportar", entity=province.b)
    return made


@pytest.fixture
def padron_clerk(province):
    """A clerk of A granted only the padrón."""
    membership = actions.add_member(province.a, acting_user=province.provincial_admin,
                                    email="solo_padron@pruebas.localhost", first_name="Solo",
                                    last_name="Padrón", password=PASSWORD,
                                    role=MembershipRole.CLERK, applications=["padron"])
    return membership.user


def _newest_first(a_jobs, *kinds) -> list[int]:
    return [a_jobs[kind].pk for kind in reversed(KINDS) if kind in kinds]


def _listed(client) -> list[int]:
    page = client.get("/gestion/trabajos/")
    assert page.status_code == 200
    return [int(pk) for pk in re.findall(r'href="/gestion/trabajos/(\d+)/"', page.content.decode())]


def _api(client) -> list[int]:
    return [row["id"] for row in client.get("/api/v1/trabajos/").json()["results"]]


def test_every_registered_kind_names_an_application_or_none():
    assert {kind.code: kind.application for kind in registry.all()} == {
        "provincial.diagnostic": None, "tenants.refill_spares": None,
        "tenants.backup_entity": None, "tenants.send_communication": None,
        "padron.exportar": "padron", "padron.ine.generar": "padron",
        "padron.ine.cargar": "padron", "registro.sir.recibir": "registro",
        "sede.acuse": "sede", "soporte.notificar": "soporte",
        "expedientes.eni.remitir": "expedientes", "notificaciones.aviso": "expedientes"}


def test_a_clerk_with_only_the_padron_sees_only_padron_jobs(province, client_for, a_jobs,
                                                            padron_clerk):
    client = client_for(padron_clerk, HOST_A)
    expected = _newest_first(a_jobs, "padron.exportar", "padron.ine.generar", "padron.ine.cargar")
    assert _listed(client) == expected
    assert _api(client) == expected
    dashboard = client.get("/gestion/").content.decode()
    assert re.findall(r'href="/gestion/trabajos/(\d+)/"', dashboard) == [str(pk) for pk in expected]


def test_a_clerk_sees_the_jobs_of_each_granted_application(province, client_for, a_jobs):
    client = client_for(province.clerk_a, HOST_A)  # padrón, registro, sede, soporte
    expected = _newest_first(a_jobs, "padron.exportar", "padron.ine.generar", "padron.ine.cargar",
                             "registro.sir.recibir", "sede.acuse", "soporte.notificar")
    assert _listed(client) == expected
    assert _api(client) == expected


def test_a_clerk_of_an_application_with_no_jobs_sees_none(province, client_for, a_jobs):
    client = client_for(province.shared_official, HOST_A)  # contabilidad in A
    assert _listed(client) == []
    assert _api(client) == []


def test_a_user_administrator_sees_the_administrative_jobs_not_other_applications(
        province, client_for, a_jobs):
    client = client_for(province.admin_a, HOST_A)  # user admin, no application granted
    expected = _newest_first(a_jobs, "tenants.backup_entity", "provincial.diagnostic",
                             "retirado.sin.registro")
    assert _listed(client) == expected
    assert _api(client) == expected
    membership = province.admin_a.memberships.get(entity=province.a)
    actions.grant_application(membership, "padron", acting_user=province.provincial_admin)
    assert _listed(client) == _newest_first(
        a_jobs, "padron.exportar", "padron.ine.generar", "padron.ine.cargar",
        "tenants.backup_entity", "provincial.diagnostic", "retirado.sin.registro")


def _without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


@pytest.mark.parametrize("kind", ["registro.sir.recibir", "sede.acuse", "soporte.notificar",
                                  "tenants.backup_entity", "provincial.diagnostic", "b"])
def test_a_job_of_an_application_not_granted_is_the_same_404_as_a_missing_one(
        province, client_for, a_jobs, padron_clerk, kind):
    client = client_for(padron_clerk, HOST_A)
    missing = Job.objects.order_by("-pk").first().pk + 1000
    job = a_jobs[kind]
    for suffix in ("", "estado/"):
        refused = client.get(f"/gestion/trabajos/{job.pk}/{suffix}")
        absent = client.get(f"/gestion/trabajos/{missing}/{suffix}")
        assert (refused.status_code, absent.status_code) == (404, 404)
        assert _without_csrf(refused.content) == _without_csrf(absent.content).replace(
            str(missing), str(job.pk))
    assert client.get(f"/api/v1/trabajos/{job.pk}/").status_code == 404
    # The job itself is untouched and still visible to whoever may see it.
    assert Job.objects.get(pk=job.pk).state == "pending"


def test_a_granted_job_opens(province, client_for, a_jobs, padron_clerk):
    client = client_for(padron_clerk, HOST_A)
    job = a_jobs["padron.ine.generar"]
    assert client.get(f"/gestion/trabajos/{job.pk}/").status_code == 200
    assert client.get(f"/gestion/trabajos/{job.pk}/estado/").json()["id"] == job.pk
    assert client.get(f"/api/v1/trabajos/{job.pk}/").json()["id"] == job.pk
