"""The demo loader's part for the incident desk."""

import pytest

from soporte import demo
from soporte.models import ArticuloKB, Festivo, Grupo, Incidencia

pytestmark = pytest.mark.django_db


def test_populate_province_is_idempotent_and_covers_every_state(province):
    made = demo.populate_province(count=24)
    assert made == 24
    assert demo.populate_province(count=24) == 0
    assert Incidencia.objects.count() == 24
    assert len(set(Incidencia.objects.values_list("state", flat=True))) >= 5
    assert Grupo.objects.count() == 4
    assert Festivo.objects.filter(date__year=2026).count() == 12
    assert ArticuloKB.objects.published().filter(search__isnull=False).count() == 5
    assert set(Incidencia.objects.values_list("entity__slug", flat=True)) <= {"agost", "castalla", "alcoi",
                                                                              "mancomunitat-proves"}
