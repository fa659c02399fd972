"""The padrón's objects for the isolation probes (tests/isolation): an inhabitant of
entity B, whose name carries the marker."""

import datetime

from django_tenants.utils import schema_context

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from padron import actions as padron
    from padron.choices import Causa
    from tests.padron.conftest import build_callejero, persona

    with schema_context(province.b.schema_name):
        streets = build_callejero()
        address = padron.domicilio_for(via=streets["mayor"], number=5,
                                       date=datetime.date(2020, 1, 1))
        vecino = padron.dar_de_alta(
            persona(nombre="Secreto", apellido1=secret.split("-")[0].title()),
            causa=Causa.ALTA_OMISION, fecha=datetime.date(2020, 1, 1), domicilio=address,
            ctx=padron.Contexto(acting_user=province.clerk_b))
    return Probe(ids=[str(vecino.pk), str(vecino.hoja_id)],
                 secrets=[vecino.full_name, vecino.nia],
                 values={"nia": [vecino.nia]})  # the API names people by NIA
