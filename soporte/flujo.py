"""The incident state machine: which transitions exist and who may make them.

Every change of state goes through `check_transition`; nothing else decides.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from soporte.choices import Estado

AGENT = "agent"  # a support agent, a provincial admin or a TIC operator working the incident
REPORTER = "reporter"  # someone of the incident's entity

# (from, to) -> who may do it.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Estado.NUEVA, Estado.ASIGNADA): frozenset({AGENT}),
    (Estado.NUEVA, Estado.EN_CURSO): frozenset({AGENT}),
    (Estado.NUEVA, Estado.PENDIENTE): frozenset({AGENT}),
    (Estado.NUEVA, Estado.RESUELTA): frozenset({AGENT}),
    (Estado.NUEVA, Estado.CERRADA): frozenset({AGENT, REPORTER}),  # withdrawn / duplicate
    (Estado.ASIGNADA, Estado.NUEVA): frozenset({AGENT}),  # unassigned
    (Estado.ASIGNADA, Estado.EN_CURSO): frozenset({AGENT}),
    (Estado.ASIGNADA, Estado.PENDIENTE): frozenset({AGENT}),
    (Estado.ASIGNADA, Estado.RESUELTA): frozenset({AGENT}),
    (Estado.ASIGNADA, Estado.CERRADA): frozenset({AGENT}),
    (Estado.EN_CURSO, Estado.ASIGNADA): frozenset({AGENT}),
    (Estado.EN_CURSO, Estado.PENDIENTE): frozenset({AGENT}),
    (Estado.EN_CURSO, Estado.RESUELTA): frozenset({AGENT}),
    (Estado.EN_CURSO, Estado.CERRADA): frozenset({AGENT}),
    (Estado.PENDIENTE, Estado.EN_CURSO): frozenset({AGENT, REPORTER}),  # the user answered
    (Estado.PENDIENTE, Estado.RESUELTA): frozenset({AGENT}),
    (Estado.PENDIENTE, Estado.CERRADA): frozenset({AGENT}),
    (Estado.RESUELTA, Estado.EN_CURSO): frozenset({AGENT, REPORTER}),  # reopened
    (Estado.RESUELTA, Estado.CERRADA): frozenset({AGENT, REPORTER}),
}


def allowed_targets(state: str, role: str) -> list[str]:
    """States reachable from `state` by `role`, in the order of Estado."""
    return [target for target in Estado.values if role in TRANSITIONS.get((state, target), ())]


def check_transition(state: str, target: str, role: str) -> None:
    """Raise a Spanish ValidationError unless `role` may move an incident from `state` to `target`."""
    if state == target:
        raise ValidationError(_("La incidencia ya está «%(state)s».") % {"state": Estado(state).label},
                              code="same_state")
    roles = TRANSITIONS.get((state, target))
    if not roles:
        raise ValidationError(_("Una incidencia «%(from)s» no puede pasar a «%(to)s».")
                              % {"from": Estado(state).label, "to": Estado(target).label},
                              code="transition")
    if role not in roles:
        raise ValidationError(_("Solo el equipo de soporte puede pasar una incidencia de "
                                "«%(from)s» a «%(to)s».")
                              % {"from": Estado(state).label, "to": Estado(target).label},
                              code="transition_role")
