"""A small callejero in entity A's schema, and helpers to register people in it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from padron import actions
from padron.choices import Sexo, TipoDocumento, TipoNumeracion
from padron.models import (
    Distrito,
    EntidadColectiva,
    EntidadSingular,
    Nucleo,
    Seccion,
    TipoVia,
    Tramo,
    Via,
    ViaNombre,
)

FECHA_CALLEJERO = datetime.date(2000, 1, 1)


@pytest.fixture
def in_a(province, db):
    """Run the test inside entity A's schema."""
    with schema_context(province.a.schema_name):
        yield province.a
    connection.set_schema_to_public()


def build_callejero(start=FECHA_CALLEJERO) -> dict:
    """A small territory in the current schema: one núcleo, two sections, two streets."""
    colectiva = EntidadColectiva.objects.create(code="00", name="Agost", valid_from=start)
    singular = EntidadSingular.objects.create(colectiva=colectiva, code="01", name="Agost",
                                              valid_from=start)
    nucleo = Nucleo.objects.create(singular=singular, code="01", name="Agost", valid_from=start)
    distrito = Distrito.objects.create(code="01", valid_from=start)
    s1 = Seccion.objects.create(distrito=distrito, code="001", valid_from=start)
    s2 = Seccion.objects.create(distrito=distrito, code="002", valid_from=start)
    calle = TipoVia.objects.create(code="CALLE", description="Calle")
    plaza = TipoVia.objects.create(code="PLAZA", description="Plaza")
    mayor = Via.objects.create(code="00010", valid_from=start)
    ViaNombre.objects.create(via=mayor, tipo=calle, name="Mayor", short_name="MAYOR",
                             valid_from=start)
    iglesia = Via.objects.create(code="00020", valid_from=start)
    ViaNombre.objects.create(via=iglesia, tipo=plaza, name="de l'Església",
                             short_name="ESGLESIA", valid_from=start)
    tramos = [
        Tramo(seccion=s1, nucleo=nucleo, via=mayor, postal_code="03698",
              numbering=TipoNumeracion.IMPAR, number_from=1, number_to=49),
        Tramo(seccion=s2, nucleo=nucleo, via=mayor, postal_code="03698",
              numbering=TipoNumeracion.PAR, number_from=2, number_to=60),
        Tramo(seccion=s1, nucleo=nucleo, via=iglesia, postal_code="03698",
              numbering=TipoNumeracion.IMPAR, number_from=1, number_to=15),
    ]
    for tramo in tramos:
        tramo.valid_from = start
        tramo.full_clean()
        tramo.save()
    return {"mayor": mayor, "iglesia": iglesia, "s1": s1, "s2": s2, "nucleo": nucleo}


@pytest.fixture
def callejero(in_a):
    """Agost's (simplified) territory in entity A's schema."""
    return build_callejero()


def persona(**overrides) -> dict:
    data = {"nombre": "María", "apellido1": "García", "apellido2": "López", "sexo": Sexo.MUJER,
            "fecha_nacimiento": datetime.date(1980, 5, 17), "tipo_documento": TipoDocumento.DNI,
            "documento": "12345678Z", "nacionalidad": "108", "provincia_nacimiento": "03",
            "municipio_nacimiento": "014"}
    data.update(overrides)
    return data


@pytest.fixture
def ctx(province):
    return actions.Contexto(acting_user=province.clerk_a, documentos="Contrato de alquiler")


@pytest.fixture
def enero(callejero, ctx):
    """January 2024 in entity A: two altas, a cambio de domicilio and a modificación; one
    alta of February that a January file must not carry (INE exchange tests)."""
    from tests.padron.test_operaciones import alta

    D = datetime.date
    maria = alta(callejero, ctx, fecha=D(2024, 1, 10))
    pau = alta(callejero, ctx, fecha=D(2024, 1, 15), number=7, nombre="Pau", sexo="1",
               documento="87654321X")
    nuevo = actions.domicilio_for(via=callejero["mayor"], number=12, date=D(2024, 1, 20))
    actions.cambiar_domicilio(maria, nuevo, fecha=D(2024, 1, 20), ctx=ctx)
    actions.modificar_datos(pau, {"nombre": "Pablo"}, fecha=D(2024, 1, 25), ctx=ctx)
    febrero = alta(callejero, ctx, fecha=D(2024, 2, 5), number=9, nombre="Eva",
                   documento="11111111H")
    return {"maria": maria, "pau": pau, "febrero": febrero}
