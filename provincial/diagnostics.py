"""A diagnostic job: proves that the worker runs a job in its entity's schema.

Provincial operators start it from the shell or the admin to check a worker end to end;
the tests use it to show that the entity travels with the job.
"""

from __future__ import annotations

import time

from django.db import connection
from django.utils.translation import gettext_lazy as _

from provincial.jobs import JobContext, registry


@registry.register("provincial.diagnostic", label=_("Comprobación del sistema de trabajos"))
def diagnostic(context: JobContext) -> dict:
    """Report the schema the job ran in, as the database itself sees it."""
    seconds = float(context.payload.get("sleep", 0))
    steps = max(1, int(seconds * 4))
    for step in range(steps):
        if seconds:
            time.sleep(seconds / steps)
        context.progress(int(100 * (step + 1) / steps), _("Comprobando"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        current = cursor.fetchone()[0]
    context.log(f"schema={current}")
    return {"schema": current, "connection_schema": connection.schema_name}
