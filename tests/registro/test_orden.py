"""Lists of the registro that people read are in Spanish alphabetical order."""

import html

import pytest

from registro.forms import AsientoForm
from registro.models import UnidadOrganica
from tests.conftest import HOST_A

pytestmark = pytest.mark.django_db


def test_units_sort_with_accents_where_spanish_puts_them(in_a, province, client_for):
    for nombre, dir3 in (("Urbanismo", "LA0012345"), ("Área de Cultura", "LA0012346"),
                         ("Alcaldía", "LA0012347"), ("Égida", "LA0012348")):
        UnidadOrganica.objects.create(nombre=nombre, codigo_dir3=dir3)
    expected = ["Alcaldía", "Área de Cultura", "Égida", "Urbanismo"]
    assert [u.nombre for u in AsientoForm(libro="E").fields["unidad"].queryset] == expected
    body = html.unescape(client_for(province.clerk_a, HOST_A)
                         .get("/gestion/registro/organigrama/").content.decode())
    positions = [body.index(f"<strong>{name}</strong>") if f"<strong>{name}</strong>" in body
                 else body.index(name) for name in expected]
    assert positions == sorted(positions)
