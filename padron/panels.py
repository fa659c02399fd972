"""The padrón's card on the provincial home page (registered in PadronConfig.ready): the
INE exchange of last month for every entity adhered to the padrón."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone

from provincial.choices import JobState


def is_provincial_admin(user) -> bool:
    return user.is_provincial_admin


def provincial(request: HttpRequest) -> dict:
    from padron.views_provincial import month_jobs, padron_entities

    period_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    entities = list(padron_entities())
    latest = month_jobs(entities, period_end).values()
    return {"period_end": period_end, "entities": len(entities),
            "generated": sum(1 for job in latest if job.state == JobState.SUCCEEDED),
            "failed": sum(1 for job in latest if job.state == JobState.FAILED),
            "not_launched": len(entities) - len(latest)}
