"""Every document the platform issues today, through each of its issuing paths, comes out
sealed with the entity's sello de órgano, and pypdf and pyHanko's own validator read each
one back: the padrón's volantes and certificados (back office and sede), the registro's
justificante (back office and the acuse job) and the sede's diligencia of the tablón."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from provincial.documents.models import IssuedDocument
from tests.conftest import HOST_A
from tests.documents_signing.test_issuing import pyhanko_status, widget_text
from tests.padron.test_operaciones import alta
from tests.pki import pki

pytestmark = pytest.mark.django_db

D = datetime.date


def test_every_issuing_path_seals_and_every_document_reads_back(
        sello_a, province, callejero, ctx, client_for, mailoutbox):
    from provincial import jobs
    from provincial.choices import JobState
    from provincial.models import Job
    from registro import services as registro
    from sede.models import Edicto
    from sede.tasks import ACUSE_JOB
    from tests.registro.conftest import datos
    from tests.sede.conftest import citizen

    maria = alta(callejero, ctx, fecha=D(2020, 3, 1))
    asiento = registro.registrar(**datos(canal="presencial"), acting_user=province.clerk_a)
    now = timezone.now()
    edicto = Edicto.objects.create(title="Aprobación del presupuesto", body="Texto",
                                   publish_from=now - datetime.timedelta(days=30),
                                   publish_until=now - datetime.timedelta(days=1))
    connection.set_schema_to_public()

    clerk = client_for(province.clerk_a, HOST_A)
    for kind in ("volante_individual", "volante_convivencia", "certificado"):
        response = clerk.post(f"/gestion/padron/habitantes/{maria.pk}/documentos/",
                              {"kind": kind, "fecha": "2022-06-01"})
        assert response.status_code == 302, kind
    # Each answers the document, or sends to it.
    assert clerk.get(f"/gestion/registro/asientos/{asiento.pk}/justificante/").status_code \
        in (200, 302)
    assert Client(HTTP_HOST=HOST_A).get(f"/sede/tablon/{edicto.pk}/diligencia/").status_code \
        in (200, 302)
    assert citizen().post("/sede/carpeta/volante/").status_code in (200, 302)
    job = Job.objects.create(kind=ACUSE_JOB, entity=province.a, queue="default",
                             payload={"asiento": asiento.pk, "email": "lucia@example.org"})
    assert jobs.run(job.pk) == JobState.SUCCEEDED
    assert len(mailoutbox) == 1

    with schema_context(province.a.schema_name):
        documents = list(IssuedDocument.objects.filter(mime_type="application/pdf"))
    kinds = {document.kind for document in documents}
    assert {"volante_individual", "volante_convivencia", "certificado"} <= kinds
    assert len(kinds) >= 5, kinds  # plus the justificante and the diligencia
    for document in documents:
        with schema_context(province.a.schema_name):
            content = document.file.read()
        assert document.is_sealed, document.kind
        reader = PdfReader(io.BytesIO(content))
        assert reader.get_fields()["SelloOrgano"]["/FT"] == "/Sig", document.kind
        assert document.csv in widget_text(content), document.kind
        status = pyhanko_status(content, pki())
        assert (status.intact, status.valid, status.trusted) == (True, True, True), document.kind
    # The acuse e-mail carries the sealed justificante.
    attachment = mailoutbox[0].attachments[0]
    content = attachment[1] if isinstance(attachment, tuple) else attachment.content
    assert pyhanko_status(content, pki()).intact
