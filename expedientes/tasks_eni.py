"""Job kind of the ENI remissions, registered from setup_eni (ExpedientesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from expedientes.remisiones import REMITIR_JOB
from provincial.jobs import JobContext, registry


@registry.register(REMITIR_JOB, label=_("Remisión de un expediente en formato ENI"),
                   application="expedientes", queue="intercambios")
def remitir_eni(ctx: JobContext) -> dict[str, Any]:
    """Build, validate and send the ENI package of the remission in the payload
    (expedientes.remisiones.ejecutar); safe to run twice."""
    from expedientes import remisiones

    return remisiones.ejecutar(int(ctx.payload["remision"]), ctx)
