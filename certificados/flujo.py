"""The state machine of a certificate: which operation leaves which states, and where to.

Every action checks here first (under the row's lock), so an operation from the wrong
state is refused with the same Spanish sentence wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificados.choices import Estado


@dataclass(frozen=True)
class Paso:
    verb: str  # the operation as an infinitive, for messages
    sources: frozenset[str]
    target: str


E = Estado
PASOS = {
    "acreditar": Paso(gettext_lazy("acreditar la identidad de"), frozenset({E.SOLICITADO}),
                      E.ACREDITADO),
    "rechazar": Paso(gettext_lazy("rechazar"), frozenset({E.SOLICITADO, E.ACREDITADO, E.ENVIADO}),
                     E.RECHAZADO),
    "enviar": Paso(gettext_lazy("enviar a la autoridad"), frozenset({E.ACREDITADO}), E.ENVIADO),
    "emitir": Paso(gettext_lazy("emitir"), frozenset({E.ACREDITADO}), E.EMITIDO),
    "registrar": Paso(gettext_lazy("registrar el certificado emitido de"),
                      frozenset({E.ENVIADO}), E.EMITIDO),
    "suspender": Paso(gettext_lazy("suspender"), frozenset({E.EMITIDO}), E.SUSPENDIDO),
    "levantar": Paso(gettext_lazy("levantar la suspensión de"), frozenset({E.SUSPENDIDO}),
                     E.EMITIDO),
    "revocar": Paso(gettext_lazy("revocar"), frozenset({E.EMITIDO, E.SUSPENDIDO}), E.REVOCADO),
    "caducar": Paso(gettext_lazy("dar por caducado"), frozenset({E.EMITIDO, E.SUSPENDIDO}),
                    E.CADUCADO),
    "anular": Paso(gettext_lazy("anular"), frozenset({E.SOLICITADO, E.ACREDITADO}), E.ANULADO),
}


def allowed(name: str, state: str) -> bool:
    return state in PASOS[name].sources


def check(name: str, certificado) -> str:
    """The target state of operation `name`, or a ValidationError saying why not."""
    paso = PASOS[name]
    if certificado.state not in paso.sources:
        raise ValidationError(
            _("No se puede %(verb)s %(ref)s: está «%(state)s».")
            % {"verb": paso.verb, "ref": certificado.reference,
               "state": certificado.get_state_display()}, code="transition")
    return paso.target
