"""Soporte's objects for the isolation probes (tests/isolation): an incident of entity B
(public schema) with an attachment, its subject and description carrying the marker."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from soporte import actions as soporte
    from tenants.demo import ACCEPTANCE_PDF

    incidencia = soporte.crear_incidencia(
        province.b, soporte.NuevaIncidencia(subject=f"Incidencia {secret}", description=secret),
        reporter=province.clerk_b, acting_user=province.clerk_b,
        attachments=[SimpleUploadedFile("captura.pdf", ACCEPTANCE_PDF,
                                        content_type="application/pdf")])
    return Probe(ids=[str(incidencia.pk), *[str(a.pk) for a in incidencia.adjuntos.all()]],
                 secrets=[incidencia.reference],
                 values={"reference": [incidencia.reference], "str": [incidencia.reference]})
