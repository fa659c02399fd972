"""Periodic tasks of the certificates (registered in CertificadosConfig.ready)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="certificados.tasks.revisar_caducidades")
def revisar_caducidades() -> dict:
    """Daily: certificates past their end become caducado; the 60-, 30- and 7-day warnings
    due are sent to the holder and the entity's user administrators, each once."""
    from certificados import caducidad

    result = caducidad.revisar()
    return {"expired": result.expired, "warned": result.warned, "failed": result.failed}


@shared_task(name="certificados.tasks.publicar_crls")
def publicar_crls() -> int:
    """Daily: republish the CRLs of every local CA (a replaced one's certificates may still
    be valid) well before their nextUpdate."""
    from certificados.authorities.local import publish_crl
    from certificados.models import LocalCA

    published = 0
    for ca in LocalCA.objects.exclude(root_certificate_pem=""):
        publish_crl(ca)
        published += 1
    return published
