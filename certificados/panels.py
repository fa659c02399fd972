"""Certificados' card on the provincial home page (registered in CertificadosConfig.ready)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from certificados.choices import Estado
from certificados.models import Certificado


def provincial(request: HttpRequest) -> dict:
    """What waits for the registration office, and what expires within 30 days."""
    now = timezone.now()
    soon = now + datetime.timedelta(days=30)
    counts = Certificado.objects.aggregate(
        to_accredit=Count("pk", filter=Q(state=Estado.SOLICITADO)),
        to_issue=Count("pk", filter=Q(state=Estado.ACREDITADO)),
        at_authority=Count("pk", filter=Q(state=Estado.ENVIADO)),
        petitions=Count("pk", filter=~Q(requested_operation="")),
        expiring=Count("pk", filter=Q(state__in=Estado.alive(), not_after__gt=now,
                                      not_after__lte=soon)))
    return {"counts": counts}
