"""The registro's objects for the isolation probes (tests/isolation): an asiento of entity
B with an attachment, its subject carrying the marker."""

from django_tenants.utils import schema_context

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from registro.services import registrar
    from tests.registro.conftest import datos, pdf_anexo

    with schema_context(province.b.schema_name):
        asiento = registrar(**datos(asunto=f"Asunto {secret}", anexos=[pdf_anexo()]),
                            acting_user=province.clerk_b)
        anexo = asiento.anexos.get()
    # The API names an asiento by its number: 2026-E-000001.
    referencia = f"{asiento.year}-{asiento.libro}-{asiento.numero:06d}"
    return Probe(ids=[str(asiento.pk), str(anexo.pk)], secrets=[asiento.numero_registro],
                 values={"referencia": [referencia]})
