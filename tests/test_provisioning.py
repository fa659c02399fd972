import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants import actions, provisioning
from tenants.choices import EntityKind
from tenants.models import Domain, Entity

pytestmark = pytest.mark.django_db


def _new(slug="benissa", ine="030417", domains=("benissa.localhost",), **extra):
    from tenants.demo import _cif_for

    return actions.provision_entity(
        name=f"Ajuntament de {slug.title()}", slug=slug, kind=EntityKind.AYUNTAMIENTO,
        ine_code=ine, dir3_code=f"L01{ine}", cif=_cif_for(ine[:5]), province="Alicante",
        domains=list(domains), population=12162, population_year=2024,
        acting_user=None, **extra)


@pytest.fixture(autouse=True)
def _one_spare(province):
    """A spare schema ready, whatever earlier tests committed (an entity takes one)."""
    if not provisioning.spare_schemas():
        provisioning.refill_spares(1)


def _tables(schema):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                       [schema])
        return cursor.fetchone()[0]


def test_provisioning_takes_a_spare_schema_and_it_is_fully_migrated(province):
    spares = provisioning.spare_schemas()
    assert spares, "the session fixture prepared one spare"
    result = _new()
    assert result.method == "spare"
    assert result.entity.schema_name == "benissa"
    assert not schema_exists(spares[0])
    assert _tables("benissa") == _tables(provisioning.template_schema())
    # The new schema has every migration the template has: nothing pending.
    from provincial.migrations_executor import pending_by_schema

    assert pending_by_schema(["benissa"]) == {"benissa": []}


def test_provisioning_clones_the_template_when_no_spare_is_left(province):
    with connection.cursor() as cursor:
        for spare in provisioning.spare_schemas():
            cursor.execute(f'DROP SCHEMA "{spare}" CASCADE')
    result = _new()
    assert result.method == "clone"
    assert _tables("benissa") == _tables(provisioning.template_schema())


def test_new_entity_is_routed_and_answers_on_its_domain(province, client):
    _new()
    response = client.get("/", HTTP_HOST="benissa.localhost")
    assert response.status_code == 200
    assert "Ajuntament de Benissa" in response.content.decode()
    assert connection.schema_name == "benissa"


def test_a_stale_spare_is_discarded_instead_of_used(province):
    spare = provisioning.spare_schemas()[0]
    with schema_context(spare), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'contenttypes'")
    result = _new()
    assert result.method == "clone"
    assert not schema_exists(spare)


def test_duplicate_domain_is_refused_and_nothing_is_created(province):
    with pytest.raises(ValidationError) as excinfo:
        _new(domains=("agost.localhost",))
    assert excinfo.value.message_dict["domains"] == [
        "El dominio agost.localhost ya pertenece a otra entidad."]
    assert not Entity.objects.filter(slug="benissa").exists()
    assert not schema_exists("benissa")


def test_invalid_ine_code_is_refused_before_creating_anything(province):
    with pytest.raises(ValidationError) as excinfo:
        _new(ine="030410")
    assert "El dígito de control del código INE 03041 debería ser 7." in \
        excinfo.value.message_dict["ine_code"]
    assert not schema_exists("benissa")


def test_invalid_domain_is_refused(province):
    with pytest.raises(ValidationError, match="no es un nombre de dominio válido"):
        _new(domains=("http://benissa.es/sede",))
    assert not Domain.objects.filter(domain__contains="benissa").exists()


def test_dir3_of_an_ayuntamiento_must_carry_its_ine_code(province):
    from tenants.demo import _cif_for

    with pytest.raises(ValidationError) as excinfo:
        actions.provision_entity(
            name="X", slug="benissa", kind=EntityKind.AYUNTAMIENTO, ine_code="030417",
            dir3_code="L01030092", cif=_cif_for("03041"), province="Alicante",
            domains=["benissa.localhost"], acting_user=None)
    assert excinfo.value.message_dict["dir3_code"] == [
        "El DIR3 de un ayuntamiento es L01 seguido de su código INE: L01030417."]


def test_provision_entity_command_reports_errors_in_spanish(province):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no es válido"):
        call_command("provision_entity", "benissa", name="Benissa", ine="030417",
                     dir3="L01030417", cif="P0304100B", province="Alicante",
                     domain=["benissa.localhost"])


def test_without_a_template_the_schema_is_migrated_inside_the_transaction(province):
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{provisioning.template_schema()}" CASCADE')
        for spare in provisioning.spare_schemas():
            cursor.execute(f'DROP SCHEMA "{spare}" CASCADE')
    result = _new()
    assert result.method == "migrate"
    from provincial.migrations_executor import pending_by_schema

    assert pending_by_schema(["benissa"]) == {"benissa": []}


def test_cache_and_broker_use_different_redis_databases(settings):
    import re

    def db(url):
        return int(re.search(r"(\d+)$", url).group(1))

    assert settings.CACHE_REDIS_URL != settings.REDIS_URL
    broker = db(settings.REDIS_URL)
    assert db(settings.CACHE_REDIS_URL) == (broker + 1 if broker < 15 else broker - 1)
