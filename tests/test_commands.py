import pytest
from django.core.management import CommandError, call_command

from tenants.models import Domain, Entity

pytestmark = pytest.mark.django_db


def test_setup_province_is_idempotent(province):
    for _ in range(2):
        call_command("setup_province", name="Diputación de Pruebas", dir3="L02000003",
                     cif="P0300000G", province="Alicante", domain="dipu.pruebas.localhost")
    assert Entity.objects.filter(schema_name="public").count() == 1
    assert Domain.objects.get(domain="dipu.pruebas.localhost").tenant.schema_name == "public"


def test_provision_entity_command_creates_a_working_entity(province, capsys, client):
    call_command("provision_entity", "benissa", "--domain", "benissa.localhost", "--domain",
                 "sede.benissa.es", name="Ajuntament de Benissa", ine="030417",
                 dir3="L01030417", cif="P0304100A", province="Alicante", population=12162)
    assert "esquema «benissa» creado" in capsys.readouterr().out
    assert client.get("/", HTTP_HOST="sede.benissa.es").status_code == 200


def test_provision_entity_command_refuses_a_taken_domain(province):
    with pytest.raises(CommandError, match="agost.localhost ya pertenece a otra entidad"):
        call_command("provision_entity", "benissa", name="Benissa", ine="030417",
                     dir3="L01030417", cif="P0304100A", province="Alicante",
                     domain=["agost.localhost"])
