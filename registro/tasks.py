"""Job kinds of the registro, registered from RegistroConfig.ready."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from provincial.jobs import JobContext, TemporaryJobError, registry
from registro import bandeja
from registro.services import RegistroError

RECIBIR_SIR = "registro.sir.recibir"


@registry.register(RECIBIR_SIR, label=_("Recepción de intercambios SIR"), application="registro",
                   queue="intercambios")
def recibir_sir(ctx: JobContext) -> dict[str, Any]:
    """Empty the SIR transport's inbox of the job's entity into the bandeja.

    Idempotent: each file is recognised by its SHA-256, so a file left in the inbox by a
    worker killed before deleting it is seen again and counted as repeated, never
    registered twice. A file that is not valid SICRES 3.0 is put aside with its reason.
    """
    from registro.transporte import transporte

    carrier = transporte()
    nuevos = repetidos = errores = 0
    try:
        for nombre, contenido in carrier.recibir():
            try:
                recepcion = bandeja.recibir(nombre, contenido, transporte=carrier)
            except RegistroError as exc:
                errores += 1
                ctx.log(f"{nombre}: {exc.message}")
                carrier.apartar(nombre, contenido, exc.message)
                continue
            if recepcion.nuevo:
                nuevos += 1
                ctx.log(f"{nombre}: {recepcion.recibido.get_tipo_display()} "
                        f"{recepcion.recibido.identificador_intercambio}")
            else:
                repetidos += 1
                ctx.log(f"{nombre}: ya recibido (misma huella SHA-256)")
    except OSError as exc:
        raise TemporaryJobError(_("No se puede leer el buzón SIR: %(e)s")
                                % {"e": exc.strerror or type(exc).__name__}) from exc
    return {"nuevos": nuevos, "repetidos": repetidos, "errores": errores}


@shared_task(name="registro.tasks.poll_sir_inboxes")
def poll_sir_inboxes() -> int:
    """Periodic: a `registro.sir.recibir` job for each entity with e-administración whose SIR
    inbox holds files, unless one is already waiting or running (one tenant per job)."""
    from django_tenants.utils import schema_context

    from provincial.choices import JobState
    from provincial.jobs import enqueue
    from provincial.models import Job
    from registro.transporte import transporte
    from tenants.models import Entity

    busy = set(Job.objects.filter(kind=RECIBIR_SIR, state__in=[
        JobState.PENDING, JobState.QUEUED, JobState.RUNNING]).values_list("entity_id", flat=True))
    launched = 0
    for entity in (Entity.objects.adhered().filter(
            is_active=True, adhesions__state="approved",
            adhesions__service__code__in=["eadmin", "eadmin-simplificada"]).distinct()):
        if entity.pk in busy:
            continue
        with schema_context(entity.schema_name):
            carrier = transporte()
            waiting = getattr(carrier, "hay_pendientes", lambda: True)()
        if waiting:
            enqueue(RECIBIR_SIR, entity=entity)
            launched += 1
    return launched
