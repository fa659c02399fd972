"""What the catalogo part of the expedientes (procedures catalogue, templates, documents)
registers in the foundation's registries, called once from ExpedientesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    # The audit labels of the catalogue, templates and documents.
    from expedientes import audit_catalogo  # noqa: F401
