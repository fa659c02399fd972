"""Absolute links printed in documents and sent by e-mail, and the entities' postal codes.

A verification link is built from the entity's public base URL, or else from its primary
domain with the installation's scheme and port (PUBLIC_URL_SCHEME / PUBLIC_URL_PORT,
set by `./dev run` to the development server's port). A postal code is never made from
the INE code.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from provincial.documents import kinds, services
from tenants import demo
from tenants.models import Entity
from tests.conftest import HOST_B, HOST_PROVINCIAL
from tests.test_documents import pdf_text

pytestmark = pytest.mark.django_db

DEVELOPMENT = {"PUBLIC_URL_SCHEME": "http", "PUBLIC_URL_PORT": 8000}
PRODUCTION = {"PUBLIC_URL_SCHEME": "https", "PUBLIC_URL_PORT": 0}


@pytest.fixture
def in_a(province):
    with schema_context(province.a.schema_name):
        yield Entity.objects.prefetch_related("domains").get(pk=province.a.pk)
    connection.set_schema_to_public()


def _configure(settings, values: dict) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


def _issue_pdf(province) -> tuple[services.Stamp, str]:
    stamp = services.new_stamp()
    pdf = services.render_pdf("documentos/pdf/base.html", {
        "stamp": stamp, "entity": stamp.entity, "title": "Volante de empadronamiento"})
    services.issue(kinds.VOLANTE_INDIVIDUAL.code, title="Volante", pdf_bytes=pdf,
                   issuer=province.clerk_a, stamp=stamp)
    return stamp, pdf_text(pdf)


@pytest.mark.parametrize(("values", "base"), [
    (DEVELOPMENT, "http://agost.localhost:8000"),
    (PRODUCTION, "https://agost.localhost"),
    ({"PUBLIC_URL_SCHEME": "https", "PUBLIC_URL_PORT": 443}, "https://agost.localhost"),
    ({"PUBLIC_URL_SCHEME": "http", "PUBLIC_URL_PORT": 80}, "http://agost.localhost"),
])
def test_the_pdf_and_its_qr_carry_the_installations_scheme_and_port(in_a, province, settings,
                                                                    values, base):
    _configure(settings, values)
    stamp, text = _issue_pdf(province)
    url = f"{base}/sede/verificar/?csv={stamp.csv}"
    assert stamp.verification_url == url
    assert stamp.verification_base_url == f"{base}/sede/verificar/"
    # The QR code encodes exactly that address (segno is deterministic).
    assert stamp.qr == services.qr_data_uri(url)
    assert f"Puede verificar este documento en {base}/sede/verificar/ con el CSV" in text


def test_the_entitys_own_public_base_url_wins_over_the_installation(in_a, province, settings):
    _configure(settings, DEVELOPMENT)
    in_a.public_base_url = "https://sede.agost.es"
    in_a.save(update_fields=["public_base_url"])
    stamp, text = _issue_pdf(province)
    assert stamp.verification_url == f"https://sede.agost.es/sede/verificar/?csv={stamp.csv}"
    assert stamp.qr == services.qr_data_uri(stamp.verification_url)
    assert "Puede verificar este documento en https://sede.agost.es/sede/verificar/" in text


@pytest.mark.parametrize("value", ["https://sede.agost.es", "http://agost.localhost:8000",
                                   "https://sede.agost.es/", " https://sede.agost.es "])
def test_a_public_base_url_is_scheme_host_and_port(province, value):
    entity = province.a
    entity.public_base_url = value
    entity.full_clean()
    assert entity.public_base_url == value.strip().rstrip("/")


@pytest.mark.parametrize("value", ["sede.agost.es", "ftp://sede.agost.es", "https://sede.agost.es/sede",
                                   "https://sede.agost.es?x=1", "https://Sede.Agost.es",
                                   "https://sede.agost.es:99999", "javascript:alert(1)"])
def test_a_public_base_url_with_a_path_or_another_scheme_is_refused(province, value):
    entity = province.a
    entity.public_base_url = value
    with pytest.raises(ValidationError) as error:
        entity.full_clean()
    assert "no es una dirección base válida" in str(error.value.message_dict["public_base_url"])


def test_the_admin_sets_the_public_base_url_of_a_new_entity(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    assert 'name="public_base_url"' in admin.get("/admin/tenants/entity/add/").content.decode()
    response = admin.post("/admin/tenants/entity/add/", {
        "name": "Ajuntament de Benissa", "slug": "benissa", "kind": "ayuntamiento",
        "is_active": "on", "ine_code": "030417", "dir3_code": "L01030417", "cif": "P0304100A",
        "province": "Alicante", "address": "Plaça del Portal, 1", "postal_code": "03720",
        "public_base_url": "https://sede.benissa.es", "primary_domain": "benissa.localhost",
        "population": "12162", "population_year": "2024"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entity = Entity.objects.get(slug="benissa")
    assert (entity.public_base_url, entity.postal_code) == ("https://sede.benissa.es", "03720")
    assert entity.public_url("/sede/") == "https://sede.benissa.es/sede/"
    connection.set_schema_to_public()


def test_the_acknowledgement_and_support_e_mails_link_with_the_port(province, settings):
    from soporte.tasks import _link

    _configure(settings, DEVELOPMENT)

    class Incidencia:
        reference = "INC-2026-000007"
        entity = Entity.objects.get(pk=province.b.pk)

    assert _link(Incidencia, "entity") == \
        "http://castalla.localhost:8000/gestion/soporte/INC-2026-000007/"
    assert _link(Incidencia, "desk") == \
        f"http://{HOST_PROVINCIAL}:8000/soporte/INC-2026-000007/"
    assert Incidencia.entity.public_url("/sede/carpeta/") == \
        "http://castalla.localhost:8000/sede/carpeta/"


# --- postal codes -----------------------------------------------------------------------


def test_demo_postal_codes_are_the_real_ones_and_not_made_from_the_ine_code():
    assert demo.POSTAL_CODES == {
        "alcalali": "03728", "agost": "03698", "castalla": "03420", "benissa": "03720",
        "altea": "03590", "alcoi": "03801", "mancomunitat-alcoia": "03801"}
    for slug, _name, ine, *_rest in demo.MUNICIPALITIES:
        assert demo.POSTAL_CODES[slug] != f"03{ine[2:5]}"


def test_loading_the_demo_again_replaces_a_postal_code_made_from_the_ine_code(province):
    castalla = Entity.objects.get(pk=province.b.pk)
    Entity.objects.filter(pk=castalla.pk).update(postal_code="03053")
    castalla.refresh_from_db()
    demo._fix_postal_code(castalla, wrong="03053")
    assert Entity.objects.get(pk=castalla.pk).postal_code == "03420"
    # A code someone typed in the admin is kept.
    Entity.objects.filter(pk=castalla.pk).update(postal_code="03421")
    castalla.refresh_from_db()
    demo._fix_postal_code(castalla, wrong="03053")
    assert Entity.objects.get(pk=castalla.pk).postal_code == "03421"


def test_the_sede_footer_shows_the_postal_code(province, client):
    Entity.objects.filter(pk=province.b.pk).update(address="Plaça Major, 1",
                                                  postal_code="03420")
    body = client.get("/sede/", HTTP_HOST=HOST_B).content.decode()
    footer = body[body.index('<footer class="site">'):]
    assert "Plaça Major, 1, 03420" in footer
    assert ", 03053" not in body  # (the CIF, P0305300F, does contain the INE number)


@pytest.mark.parametrize(("value", "message"), [
    ("3420", "El código postal tiene cinco cifras"),
    ("99420", "El código postal tiene cinco cifras"),
    ("46001", "empieza por 03"),
])
def test_a_wrong_postal_code_is_refused(province, value, message):
    entity = province.b
    entity.postal_code = value
    with pytest.raises(ValidationError) as error:
        entity.full_clean()
    assert message in " ".join(error.value.message_dict["postal_code"])


def test_the_demo_census_uses_the_towns_postal_code(in_a):
    from padron import demo as padron_demo
    from padron.models import Tramo

    Entity.objects.filter(pk=in_a.pk).update(postal_code="03698")
    in_a.postal_code = "03698"
    padron_demo.generate(in_a, inhabitants=30, seed=3)
    assert set(Tramo.objects.values_list("postal_code", flat=True)) == {"03698"}
