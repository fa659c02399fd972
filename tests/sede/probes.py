"""The sede's objects for the isolation probes (tests/isolation): a published edicto of
entity B, its title and body carrying the marker (B's own tablón shows it; nothing else may)."""

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from tests.isolation.probe import Probe


def isolation_probe(province, secret: str) -> Probe:
    from sede.models import Edicto

    now = timezone.now()
    with schema_context(province.b.schema_name):
        edicto = Edicto.objects.create(
            title=f"Edicto {secret}", organo="Alcaldía", body=f"Texto del edicto {secret}",
            publish_from=now - datetime.timedelta(days=1),
            publish_until=now + datetime.timedelta(days=20))
    return Probe(ids=[str(edicto.pk)], secrets=[edicto.title])
