"""The demo loader's part for the incident desk.

It asserts only on what it creates itself (its own entities' incidents, named groups and
articles), so rows other tests committed (the browser test's) change nothing here.
"""

import pytest

from soporte import demo
from soporte.models import ArticuloKB, Festivo, Grupo, Incidencia, ReglaAsignacion

pytestmark = pytest.mark.django_db


def test_populate_province_is_idempotent_and_covers_every_state(province):
    own = [province.a, province.b, province.c]
    incidencias = Incidencia.objects.filter(entity__in=own)
    assert not incidencias.exists()
    before = Incidencia.objects.count()
    made = demo.populate_province(count=24, entities=own)
    assert made == 24
    assert demo.populate_province(count=24, entities=own) == 0
    assert incidencias.count() == 24
    assert Incidencia.objects.count() == before + 24
    assert len(set(incidencias.values_list("state", flat=True))) >= 5
    assert set(incidencias.values_list("entity__slug", flat=True)) == {"agost", "castalla", "alcoi"}
    names = [name for name, _codes, _email in demo.GROUPS]
    assert Grupo.objects.filter(name__in=names).count() == 4
    assert set(ReglaAsignacion.objects.filter(grupo__name__in=names).values_list(
        "grupo__name", flat=True)) == set(names)
    assert Festivo.objects.filter(calendario__is_default=True, date__year=2026).count() == 12
    titles = [title for title, _code, _body in demo.ARTICLES]
    assert ArticuloKB.objects.published().filter(title__in=titles,
                                                 search__isnull=False).count() == 5


def test_populate_province_skips_entities_not_adhered_to_soporte(province):
    before = Incidencia.objects.count()
    assert demo.soporte_entities([province.diputacion]) == []
    assert demo.populate_province(count=5, entities=[province.diputacion]) == 0
    assert Incidencia.objects.count() == before
