"""National code lists are data that provincial admins keep, not literals in the code."""

import pytest

from codigos.models import Codigo
from padron import codelists
from padron.ine import registro
from tests.conftest import HOST_PROVINCIAL

pytestmark = pytest.mark.django_db


def test_the_lists_are_seeded_from_the_shipped_tables(province):
    assert codelists.country_name("108") == "España"
    assert codelists.is_eu_eea("108")
    assert not codelists.is_eu_eea("228")
    assert codelists.province_name("03") == "Alicante/Alacant"
    assert codelists.cauv("AC") == "CR"
    assert Codigo.objects.filter(tabla="causas_variacion").count() == 14


def test_a_provincial_admin_edits_a_code_and_the_padron_uses_it(province, client_for):
    admin = client_for(province.provincial_admin, HOST_PROVINCIAL)
    code = Codigo.objects.get(tabla="causas_variacion", codigo="AO")
    response = admin.post(f"/admin/codigos/codigo/{code.pk}/change/", {
        "tabla": "causas_variacion", "codigo": "AO", "descripcion": code.descripcion,
        "extra": '{"cauv": "OX"}', "activo": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert codelists.cauv("AO") == "OX"
    assert registro.causa_for("A", "OX") == "AO"
    assert registro.causa_for("A", "OM") is None


def test_a_withdrawn_country_is_no_longer_accepted(province):
    Codigo.objects.filter(tabla="paises", codigo="228").update(activo=False)
    from codigos import cache

    cache.clear()
    assert codelists.country_name("228") == ""


def test_clerks_cannot_edit_code_lists(province, client_for):
    response = client_for(province.admin_a, HOST_PROVINCIAL).get("/admin/codigos/codigo/")
    assert response.status_code == 302


def test_return_causes_are_explained_once_admins_fill_them_in(province):
    assert codelists.return_cause("E1") == ""
    Codigo.objects.create(tabla="causas_devolucion", codigo="E1",
                          descripcion="Documento de identidad no coincide")
    assert codelists.return_cause("E1") == "Documento de identidad no coincide"
