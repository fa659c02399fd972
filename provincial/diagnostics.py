"""A diagnostic job: proves that the worker runs a job in its entity's schema.

Provincial operators start it from the shell or the admin to check a worker end to end;
the tests use it to show that the entity travels with the job.
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django.utils.translation import gettext_lazy as _

from provincial import audit
from provincial.jobs import JobContext, apply_once, registry


@registry.register("provincial.diagnostic", label=_("Comprobación del sistema de trabajos"),
                   application=None)
def diagnostic(context: JobContext) -> dict:
    """Report the schema the job ran in, as the database itself sees it.

    With `sleep` it takes that long (heartbeating); with `effect_key` it applies, half-way,
    one effect (an audit record) exactly once however often it is retried.
    """
    seconds = float(context.payload.get("sleep", 0))
    effect_key = context.payload.get("effect_key")
    context.log(f"pid={os.getpid()}")
    steps = max(1, int(seconds * 4))
    for step in range(steps):
        if seconds:
            time.sleep(seconds / steps)
        if effect_key and step == steps // 2:
            apply_once(effect_key, lambda: audit.record(
                "provincial.diagnostic.effect", entity=context.job.entity,
                detail={"key": effect_key}), job=context.job)
        context.progress(int(100 * (step + 1) / steps), _("Comprobando"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        current = cursor.fetchone()[0]
    context.log(f"schema={current}")
    return {"schema": current, "connection_schema": connection.schema_name}
