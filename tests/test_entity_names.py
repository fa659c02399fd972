"""An entity's name inside a Spanish sentence takes the article of the noun it starts with."""

import pytest

from tenants.models import Entity


@pytest.mark.parametrize(("name", "with_article", "after_de", "after_a"), [
    ("Ajuntament de Castalla", "el Ajuntament de Castalla", "del Ajuntament de Castalla",
     "al Ajuntament de Castalla"),
    ("Ayuntamiento de Elda", "el Ayuntamiento de Elda", "del Ayuntamiento de Elda",
     "al Ayuntamiento de Elda"),
    ("Mancomunitat de l'Alcoià i el Comtat", "la Mancomunitat de l'Alcoià i el Comtat",
     "de la Mancomunitat de l'Alcoià i el Comtat", "a la Mancomunitat de l'Alcoià i el Comtat"),
    ("Diputación Provincial de Alicante", "la Diputación Provincial de Alicante",
     "de la Diputación Provincial de Alicante", "a la Diputación Provincial de Alicante"),
    ("Castalla", "Castalla", "de Castalla", "a Castalla"),
    ("El Campello", "El Campello", "de El Campello", "a El Campello"),
])
def test_entity_name_takes_its_article(name, with_article, after_de, after_a):
    entity = Entity(name=name)
    assert (entity.name_with_article, entity.name_after_de, entity.name_after_a) == (
        with_article, after_de, after_a)
