"""The libro de registro of a period, as an issued PDF and as a spreadsheet."""

from __future__ import annotations

import datetime
import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from provincial.documents import services as documents
from provincial.documents.models import IssuedDocument
from provincial.spreadsheets import text_safe
from registro.choices import Libro
from registro.models import Asiento

LIBRO_KIND = "libro_registro"
MAX_FILAS_PDF = 3000


def _interesados(asiento: Asiento) -> str:
    return "; ".join(f"{i.nombre_completo} ({i.documento})" + (
        f" [{_('representante')}]" if i.es_representante else "")
        for i in asiento.interesados.all())


def pdf(asientos: QuerySet[Asiento], *, libro: str, desde: datetime.date,
        hasta: datetime.date, acting_user) -> IssuedDocument:
    """Issue the book of the period as a PDF with a CSV (a clerk may print and sign it)."""
    filas = list(asientos[:MAX_FILAS_PDF + 1])
    title = _("Libro de registro de %(libro)s del %(desde)s al %(hasta)s") % {
        "libro": Libro(libro).label.lower(), "desde": f"{desde:%d/%m/%Y}",
        "hasta": f"{hasta:%d/%m/%Y}"}
    return documents.issue_rendered(
        LIBRO_KIND, "registro/pdf/libro.html",
        {"filas": [(a, _interesados(a)) for a in filas[:MAX_FILAS_PDF]],
         "truncado": len(filas) > MAX_FILAS_PDF, "max": MAX_FILAS_PDF},
        title=title, issuer=acting_user,
        metadata={"libro": libro, "desde": desde, "hasta": hasta, "filas": len(filas)})


HEADERS = ("Número", "Fecha y hora de presentación", "Fecha de cómputo", "Canal", "Asunto",
           "Resumen", "Interesados", "Unidad", "Organismo externo", "Procedimiento",
           "Factura", "Estado", "Motivo de anulación", "Anexos", "Intercambio SIR")


def xlsx(asientos: QuerySet[Asiento]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Libro de registro"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=_(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for a in asientos.iterator(chunk_size=500):
        sheet.append([text_safe(sheet, value) for value in (
            a.numero_registro,
            timezone.localtime(a.fecha_presentacion).replace(tzinfo=None),
            timezone.localtime(a.fecha_computo).replace(tzinfo=None),
            a.get_canal_display(), a.asunto, a.resumen, _interesados(a),
            a.unidad.nombre if a.unidad else "", a.organismo_externo, a.procedimiento,
            _("Sí") if a.es_factura else _("No"), a.get_estado_display(), a.motivo_anulacion,
            len(a.anexos.all()), a.get_estado_intercambio_display() if a.estado_intercambio
            else "")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
