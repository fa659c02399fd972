"""Chart axes: whole, evenly spaced ticks (0, 2, 4, 6, 8, 10; never 0, 2, 5, 8, 10)."""

from __future__ import annotations

import datetime

import pytest

from padron import stats as padron_stats
from provincial.charts import axis_ticks, nice_step
from soporte import stats as soporte_stats


@pytest.mark.parametrize(("maximum", "ticks"), [
    (0, [0, 1]),
    (1, [0, 1]),
    (3, [0, 1, 2, 3]),
    (5, [0, 1, 2, 3, 4, 5]),
    (7, [0, 2, 4, 6, 8]),
    (10, [0, 2, 4, 6, 8, 10]),
    (11, [0, 5, 10, 15]),
    (23, [0, 5, 10, 15, 20, 25]),
    (60, [0, 20, 40, 60]),
    (137, [0, 50, 100, 150]),
    (1936, [0, 500, 1000, 1500, 2000]),
    (5303, [0, 2000, 4000, 6000]),
])
def test_axis_ticks_are_whole_and_evenly_spaced(maximum, ticks):
    assert axis_ticks(maximum) == ticks


def test_axis_with_fewer_intervals_and_the_step_itself():
    assert axis_ticks(10, intervals=2) == [0, 5, 10]
    assert axis_ticks(60, intervals=2) == [0, 50, 100]
    assert axis_ticks(12345, intervals=2) == [0, 10000, 20000]
    assert [nice_step(m) for m in (0, 4, 9, 10, 26, 51, 999)] == [1, 1, 2, 2, 10, 20, 200]


def test_soporte_column_chart_of_ten_has_ticks_every_two():
    chart = soporte_stats.column_chart([("Ene", 10), ("Feb", 3)], x_title="Mes",
                                       y_title="Incidencias")
    # Heights and ticks are percentages of the axis (0 to 10) in an HTML/CSS chart.
    assert [(t["value"], t["percent"]) for t in chart["ticks"]] == [
        (0, 0.0), (2, 20.0), (4, 40.0), (6, 60.0), (8, 80.0), (10, 100.0)]
    assert [(b["value"], b["percent"]) for b in chart["bars"]] == [(10, 100.0), (3, 30.0)]
    assert (chart["x_title"], chart["y_title"], chart["dense"]) == ("Mes", "Incidencias", False)


def test_soporte_column_chart_draws_a_year_without_data_as_such():
    chart = soporte_stats.column_chart([("2018", 4829), ("2019", None), ("2026", 60)],
                                       short_labels=["’18", "’19", "’26"], x_title="Año",
                                       y_title="Incidencias")
    assert [(b["label"], b["short"], b["value"], b["missing"], b["percent"])
            for b in chart["bars"]] == [("2018", "’18", 4829, False, 96.58),
                                        ("2019", "’19", None, True, 0.0),
                                        ("2026", "’26", 60, False, 1.2)]


def test_soporte_bar_chart_keeps_whole_labels():
    label = "Ayuntamiento en la nube (escritorios y servidores virtuales)"
    chart = soporte_stats.bar_chart([("Consulta general", 30), (label, 1)])
    assert chart["bars"] == [{"label": "Consulta general", "value": 30, "percent": 100.0},
                             {"label": label, "value": 1, "percent": 3.33}]


def test_padron_monthly_chart_of_twenty_three_has_ticks_every_five():
    months = [padron_stats.MonthCount(datetime.date(2026, 1, 1), altas=23, bajas=4)]
    chart = padron_stats.monthly_chart(months, height=220)
    # Plot height 220 - 12 - 40 = 168, base at y=180, axis end 25.
    assert [(t.value, t.position) for t in chart.ticks] == [
        (0, 180.0), (5, 146.4), (10, 112.8), (15, 79.2), (20, 45.6), (25, 12.0)]
