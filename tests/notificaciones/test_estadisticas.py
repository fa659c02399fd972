"""The statistic of practice times: counts by state, how the electronic notifications of
the last twelve months ended (accessed, rejected by the ten days, rejected expressly) and
the hours from the puesta a disposición to the access (median, 90th percentile), overall
and by month; checked against notifications whose times the test chooses (rows written
as the actions leave them, so that each figure is known in advance)."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from notificaciones import queries
from notificaciones.choices import Canal, EstadoNotificacion, MotivoCanal
from notificaciones.models import Notificacion, Remesa
from tests.conftest import HOST_A

from .conftest import DNI

pytestmark = pytest.mark.django_db
Estado = EstadoNotificacion
_numbers = itertools.count(1)


def _remesa(documento) -> Remesa:
    return Remesa.objects.create(expediente=documento.expediente, documento=documento,
                                 concepto=documento.titulo, contenido_nombre="resolucion.pdf",
                                 contenido_sha256=documento.sha256)


def _notificacion(remesa: Remesa, estado: str, puesta_at: datetime.datetime,
                  horas: float | None = None, canal: str = Canal.SEDE) -> Notificacion:
    practicada = puesta_at + datetime.timedelta(hours=horas) if horas is not None else None
    return Notificacion.objects.create(
        remesa=remesa, referencia=f"N-2000-{next(_numbers):06d}", tipo_documento="NIF",
        documento=DNI, nombre="Lucía", canal=canal,
        motivo_canal=MotivoCanal.ELECCION if canal == Canal.SEDE else MotivoCanal.NO_OBLIGADO,
        estado=estado, puesta_at=puesta_at, practicada_at=practicada,
        vence_at=puesta_at + datetime.timedelta(days=10) if canal == Canal.SEDE else None)


def _month_start(now: datetime.datetime, back: int) -> datetime.datetime:
    local = timezone.localtime(now).date()
    index = local.year * 12 + local.month - 1 - back
    first = datetime.date(index // 12, index % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))


# Mid-month, mid-morning in Madrid; two months back and thirteen months back are
# ordinary months too.
NOW = datetime.datetime(2026, 6, 17, 11, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Madrid"))


@pytest.fixture
def datos(in_a, resolucion):
    """This month: four accessed after 1, 2, 3 and 10 hours, one pending. Two months ago:
    one accessed after 5 hours, one rejected by the ten days, one rejected expressly.
    Thirteen months ago (outside the window): one accessed after 100 hours. And one on
    paper, delivered (not electronic).

    The clock stands still mid-month (the test and the page read the same now): from the
    real now, on the 1st before 10:00 this month's accesses would lie in the future."""
    with time_machine.travel(NOW, tick=False):
        yield _datos(resolucion)


def _datos(resolucion) -> datetime.datetime:
    now = timezone.now()
    assert now == NOW
    remesa = _remesa(resolucion)
    este = _month_start(now, 0)
    for horas in (1, 2, 3, 10):
        _notificacion(remesa, Estado.ACCEDIDA, este, horas)
    _notificacion(remesa, Estado.PUESTA_DISPOSICION, este)
    hace_dos = _month_start(now, 2) + datetime.timedelta(days=3, hours=9)
    _notificacion(remesa, Estado.ACCEDIDA, hace_dos, 5)
    _notificacion(remesa, Estado.RECHAZADA_PLAZO, hace_dos, 240)
    _notificacion(remesa, Estado.RECHAZADA, hace_dos, 30)
    _notificacion(remesa, Estado.ACCEDIDA, _month_start(now, 13) + datetime.timedelta(days=2),
                  100)
    _notificacion(remesa, Estado.ENTREGADA_PAPEL, hace_dos, 48, canal=Canal.PAPEL)
    return now


def test_percentiles_interpolate_between_ranks():
    assert queries.percentil([], 0.5) is None
    assert queries.percentil([7.0], 0.9) == 7.0
    assert queries.percentil([10, 1, 3, 2], 0.5) == 2.5
    assert queries.percentil([10, 1, 3, 2], 0.9) == pytest.approx(7.9)
    assert queries.percentil([1, 2, 3, 5, 10], 0.9) == pytest.approx(8.0)


def test_the_figures_of_the_last_twelve_months(datos):
    e = queries.estadistica(datos)
    counts = {row["code"]: row["n"] for row in e.por_estado}
    assert counts == {**{code: 0 for code in Estado.values}, Estado.ACCEDIDA: 6,
                      Estado.PUESTA_DISPOSICION: 1, Estado.RECHAZADA_PLAZO: 1,
                      Estado.RECHAZADA: 1, Estado.ENTREGADA_PAPEL: 1}
    assert e.total == 10
    # Electronic, in the window: 5 accessed, 1 by the ten days, 1 expressly (the one of
    # thirteen months ago and the paper one do not count).
    assert (e.accedidas, e.rechazadas_plazo, e.rechazadas) == (5, 1, 1)
    assert (e.pct_accedidas, e.pct_rechazadas_plazo, e.pct_rechazadas) == (71.4, 14.3, 14.3)
    # Hours to access: 1, 2, 3, 5, 10.
    assert (e.mediana_horas, e.p90_horas) == (3.0, 8.0)
    assert len(e.meses) == 12
    este, hace_dos = e.meses[-1], e.meses[-3]
    assert (este.puestas, este.accedidas, este.mediana_horas, este.p90_horas) == (5, 4, 2.5, 7.9)
    assert (hace_dos.puestas, hace_dos.accedidas, hace_dos.rechazadas_plazo,
            hace_dos.rechazadas, hace_dos.mediana_horas) == (3, 1, 1, 1, 5.0)
    assert [m.puestas for m in e.meses].count(0) == 10
    assert e.meses[-2].mediana_horas is None


def test_the_chart_uses_whole_ticks_and_marks_months_without_data(datos):
    charts = queries.charts(queries.estadistica(datos))
    puestas = charts["puestas"]
    assert [t["value"] for t in puestas["ticks"]] == [0, 1, 2, 3, 4, 5]
    assert [b["value"] for b in puestas["bars"]][-3:] == [3, 0, 5]
    assert puestas["bars"][-1]["percent"] == 100.0
    mediana = charts["mediana"]
    assert mediana["bars"][-2]["missing"]
    assert not mediana["bars"][-1]["missing"]
    assert mediana["bars"][-1]["value"] == 2.5


def test_the_page_shows_the_figures_chart_and_table(client_for, province, datos):
    page = client_for(province.clerk_a, HOST_A).get(
        "/gestion/notificaciones/estadisticas/").content.decode()
    table = page[page.index('id="resultado"'):page.index('id="tiempos"')]
    assert "71,4 %" in table
    assert "14,3 %" in table
    tiempos = page[page.index('id="tiempos"'):page.index('id="meses"')]
    assert "3,0 horas" in tiempos
    assert "8,0 horas" in tiempos
    meses = page[page.index('id="meses"'):]
    assert "2,5" in meses
    assert "7,9" in meses
    assert 'class="nt-cc-col" style="height: 100.0%"' in page
    assert "Notificaciones electrónicas puestas a disposición" in page
