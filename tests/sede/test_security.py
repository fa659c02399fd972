"""Security review of the sede: limits on what an identified citizen can make it store
and register."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from registro.models import Asiento
from sede.models import Presentacion
from tests.sede.conftest import citizen
from tests.sede.test_presentacion import form

pytestmark = pytest.mark.django_db


def _drafts(province) -> int:
    with schema_context(province.a.schema_name):
        return Presentacion.objects.count()


def test_submissions_are_rate_limited_per_ip(province, settings):
    """Each instancia keeps up to 5 attachments of 10 MB as a draft: without a limit one
    identified citizen fills the database at will."""
    settings.SEDE_SUBMIT_RATE = 3
    client = citizen()
    statuses = [client.post("/sede/instancia-general/", form()).status_code
                for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert _drafts(province) == 3
    # Confirming a draft counts too, and is refused while over the limit.
    with schema_context(province.a.schema_name):
        key = Presentacion.objects.order_by("pk").first().key
    assert client.post(f"/sede/presentar/{key}/").status_code == 429
    with schema_context(province.a.schema_name):
        assert Asiento.objects.count() == 0
    # Reading the form is not counted.
    assert client.get("/sede/instancia-general/").status_code == 200


def test_the_limit_counts_fills_and_confirmations_together(province, settings):
    settings.SEDE_SUBMIT_RATE = 2
    client = citizen()
    first = client.post("/sede/instancia-general/", form())
    assert first.status_code == 302
    done = client.post(first["Location"])
    assert done.status_code == 302
    # A second click on a registered draft writes nothing: it just shows the asiento.
    assert client.post(first["Location"])["Location"] == done["Location"]
    assert client.post("/sede/instancia-general/", form()).status_code == 429
    with schema_context(province.a.schema_name):
        assert (Asiento.objects.count(), Presentacion.objects.count()) == (1, 1)


@pytest.mark.parametrize("target", ["https://malo.example/", "//malo.example/carpeta/",
                                    "/\\malo.example", "http://agost.localhost.malo.example/"])
def test_identification_never_redirects_off_the_host(province, target):
    from django.test import Client

    from tests.conftest import HOST_A

    response = Client(HTTP_HOST=HOST_A).post("/sede/identificarse/desarrollo/", {
        "documento": "12345678Z", "nombre": "María", "apellido1": "García",
        "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/sede/carpeta/"


def test_identification_gives_a_new_session_key(province):
    """Session fixation: a key planted before identification is worthless after it."""
    from django.test import Client

    from tests.conftest import HOST_A

    client = Client(HTTP_HOST=HOST_A)
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    client.post("/sede/identificarse/desarrollo/", {
        "documento": "12345678Z", "nombre": "María", "apellido1": "García"})
    assert client.session.session_key != before
    planted = Client(HTTP_HOST=HOST_A)
    planted.cookies["sessionid"] = before
    assert planted.get("/sede/carpeta/").status_code == 302
