"""The registro's demo data reads like a real book: numbers follow presentation times."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from registro import demo
from registro.models import Asiento

pytestmark = pytest.mark.django_db

# A Monday morning: today's office hours (8–14 h) are still ahead, where a random desk
# time would be in the future and used to be clamped to "now", out of order.
MONDAY_0915 = datetime.datetime(2026, 3, 2, 8, 15, tzinfo=datetime.UTC)


@pytest.mark.parametrize("now", [MONDAY_0915, None])
def test_demo_numbers_follow_the_presentation_dates(in_a, monkeypatch, now):
    if now is not None:
        monkeypatch.setattr(timezone, "now", lambda: now)
    demo.populate(in_a, asientos=40)
    asientos = list(Asiento.objects.order_by("libro", "year", "numero")
                    .values_list("libro", "year", "numero", "fecha_presentacion"))
    assert len(asientos) == 40
    for libro in ("E", "S"):
        book = [(year, numero, fecha) for lib, year, numero, fecha in asientos if lib == libro]
        fechas = [fecha for _year, _numero, fecha in book]
        assert fechas == sorted(fechas), libro
        # Gap-free per year, from 1.
        for year in {year for year, _n, _f in book}:
            numeros = [n for y, n, _f in book if y == year]
            assert numeros == list(range(1, len(numeros) + 1))
    latest = max(fecha for *_rest, fecha in asientos)
    assert latest <= (now or timezone.now())
