"""What the documents of an expediente register so that their código seguro de
verificación verifies at the sede (`provincial.documents.services.verify_any`), called once
from ExpedientesConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from expedientes import documentos
    from provincial.documents import services

    services.register_verification_source(documentos.verificable)
