"""What the eni part of the expedientes registers in the foundation's registries (API
routes, document kinds, job kinds, audit labels, demo, periodic tasks), called once from
ExpedientesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from expedientes import audit_eni, tasks_eni  # noqa: F401 - audit labels and job kind
