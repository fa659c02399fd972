"""Job kinds of the registro, registered from RegistroConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from provincial.jobs import JobContext, TemporaryJobError, registry
from registro import bandeja
from registro.services import RegistroError

RECIBIR_SIR = "registro.sir.recibir"


@registry.register(RECIBIR_SIR, label=_("Recepción de intercambios SIR"), queue="intercambios")
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
