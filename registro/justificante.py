"""The justificante de registro PDF (Ley 39/2015, art. 16.3), through provincial.documents."""

from __future__ import annotations

from provincial.documents import services as documents
from provincial.documents.models import IssuedDocument
from registro.models import Asiento


def emitir(asiento: Asiento) -> IssuedDocument:
    """Render and store the justificante of `asiento` (callers make sure it is once)."""
    from registro.services import JUSTIFICANTE_KIND

    interesados = list(asiento.interesados.all())
    principal = next((i for i in interesados if not i.es_representante), None)
    return documents.issue_rendered(
        JUSTIFICANTE_KIND, "registro/pdf/justificante.html",
        {"asiento": asiento, "interesados": [i for i in interesados if not i.es_representante],
         "representantes": [i for i in interesados if i.es_representante],
         "anexos": list(asiento.anexos.all())},
        title=f"Justificante de registro {asiento.numero_registro}",
        issuer=None, subject_document=principal.documento if principal else "",
        subject_name=principal.nombre_completo if principal else "",
        metadata={"numero_registro": asiento.numero_registro}, obj=asiento)
