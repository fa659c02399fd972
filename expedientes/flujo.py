"""What each state of an expediente allows: the state → actions matrix.

Modelled on Aragón's GESEXP (a public manual of a clean state machine): an open
expediente admits everything; a closed one only its trace, its index, a change of state
and a remission; an annulled one only a remission. Gestiona's «resuelto» sits between: the
resolution is notified (documents and tasks still go in) before the file is closed.

Every action (expedientes.actions, and the other parts: documents, signatures, ENI
remissions) asks `exigir(expediente, ACCION)` inside its transaction, on the locked row;
the pages ask `acciones(expediente)` to show only the buttons that would work. A refusal is
an `ExpedienteError` with a Spanish message, and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expedientes.choices import EstadoExpediente

if TYPE_CHECKING:
    from expedientes.models import Expediente

# Action codes (stable: other parts of the app and the templates use them).
EDITAR = "editar"  # asunto, responsable
INTERESADOS = "interesados"  # add or remove
DOCUMENTOS = "documentos"  # add, generate, upload, send to signature
FASE = "fase"
TAREAS = "tareas"  # create, assign, complete, cancel
PLAZO = "plazo"  # suspend, resume, extend the legal time limit
RESOLVER = "resolver"
CERRAR = "cerrar"
ARCHIVAR = "archivar"
REABRIR = "reabrir"
ANULAR = "anular"
REMITIR = "remitir"  # ENI export / remission to a court or administration
APORTAR = "aportar"  # a citizen adds documents through the sede

LABELS = {
    EDITAR: gettext_lazy("modificar los datos"),
    INTERESADOS: gettext_lazy("cambiar los interesados"),
    DOCUMENTOS: gettext_lazy("añadir o cambiar documentos"),
    FASE: gettext_lazy("cambiar de fase"),
    TAREAS: gettext_lazy("gestionar tareas"),
    PLAZO: gettext_lazy("suspender, reanudar o ampliar el plazo"),
    RESOLVER: gettext_lazy("marcarlo como resuelto"),
    CERRAR: gettext_lazy("cerrarlo"),
    ARCHIVAR: gettext_lazy("archivarlo"),
    REABRIR: gettext_lazy("reabrirlo"),
    ANULAR: gettext_lazy("anularlo"),
    REMITIR: gettext_lazy("remitirlo (ENI)"),
    APORTAR: gettext_lazy("aportar documentos"),
}

E = EstadoExpediente
MATRIZ: dict[str, frozenset[str]] = {
    E.EN_TRAMITACION: frozenset({EDITAR, INTERESADOS, DOCUMENTOS, FASE, TAREAS, PLAZO,
                                 RESOLVER, CERRAR, ANULAR, REMITIR, APORTAR}),
    # The resolution is notified and its acuses go in before the file is closed.
    E.RESUELTO: frozenset({EDITAR, INTERESADOS, DOCUMENTOS, TAREAS, CERRAR, REABRIR,
                           REMITIR, APORTAR}),
    E.CERRADO: frozenset({ARCHIVAR, REABRIR, REMITIR}),
    E.ARCHIVADO: frozenset({REABRIR, REMITIR}),
    E.ANULADO: frozenset({REMITIR}),
}

# Where each state change leads (the actions that change the state).
DESTINO = {RESOLVER: E.RESUELTO, CERRAR: E.CERRADO, ARCHIVAR: E.ARCHIVADO,
           REABRIR: E.EN_TRAMITACION, ANULAR: E.ANULADO}


class ExpedienteError(Exception):
    """Refused input or operation; `str()` is a Spanish message for the person."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def acciones(expediente: Expediente) -> frozenset[str]:
    """The actions the expediente's current state allows."""
    return MATRIZ.get(expediente.estado, frozenset())


def puede(expediente: Expediente, accion: str) -> bool:
    return accion in acciones(expediente)


def exigir(expediente: Expediente, accion: str) -> None:
    """ExpedienteError unless the expediente's state allows `accion`."""
    if accion not in LABELS:
        raise ValueError(f"unknown action {accion!r}")
    if not puede(expediente, accion):
        raise ExpedienteError(
            _("El expediente %(codigo)s está «%(estado)s» y no permite %(accion)s.")
            % {"codigo": expediente.codigo, "estado": expediente.get_estado_display(),
               "accion": LABELS[accion]})
