"""Documents an entity issued, each stored once in the entity's schema with its CSV."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provincial.documents import kinds

# "CSV-" and 24 base32 characters (120 random bits) in groups of four.
CSV_REGEX = r"^CSV(-[A-Z2-7]{4}){6}$"
# Recorded until the certificados piece signs with the entity's sello de órgano.
UNSEALED = "sin sello"

EXTENSIONS = {"application/pdf": "pdf", "application/xml": "xml", "text/xml": "xml"}


def document_upload_to(instance: IssuedDocument, filename: str) -> str:
    # Under the schema name, so one entity's files can be backed up, moved to another
    # storage or deleted with the entity; named by the CSV, which is unique.
    extension = EXTENSIONS.get(instance.mime_type, "bin")
    return f"documentos/{connection.schema_name}/{instance.csv}.{extension}"


class IssuedDocument(models.Model):
    """A document the entity issued to someone (volante, certificado, justificante…): the
    exact bytes handed over, their SHA-256, the CSV printed on them, who issued it and
    when, and its signature. Immutable once written."""

    kind = models.CharField(_("tipo"), max_length=40, db_index=True,
                            help_text=_("Código del registro provincial.documents.kinds."))
    title = models.CharField(_("título"), max_length=200)
    csv = models.CharField(_("código seguro de verificación"), max_length=40, unique=True)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    file = models.FileField(_("documento"), upload_to=document_upload_to, max_length=255)
    mime_type = models.CharField(_("tipo MIME"), max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(_("tamaño en bytes"))
    issued_at = models.DateTimeField(_("expedido"), default=timezone.now)
    # The issuer is a user of the public schema: kept by id and name, not by a foreign
    # key across schemas (schemas may live on different nodes of the cluster).
    issuer_id = models.BigIntegerField(_("usuario"), null=True, blank=True)
    issuer_name = models.CharField(_("expedido por"), max_length=150, blank=True)
    subject_document = models.CharField(_("documento de la persona"), max_length=30,
                                        blank=True)
    subject_name = models.CharField(_("persona"), max_length=200, blank=True)
    # What the document is about, in the owning app (e.g. padron.Habitante 42).
    object_type = models.CharField(_("objeto"), max_length=100, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    metadata = models.JSONField(_("datos"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    signature = models.CharField(_("firma"), max_length=200, default=UNSEALED,
                                 help_text=_("Sello de órgano con que se firmó, o «sin sello»."))
    signature_detail = models.JSONField(_("detalle de la firma"), default=dict, blank=True)

    class Meta:
        verbose_name = _("documento expedido")
        verbose_name_plural = _("documentos expedidos")
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-issued_at"],
                         name="documento_objeto_idx"),
            models.Index(fields=["-issued_at"], name="documento_expedido_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(csv__regex=CSV_REGEX),
                                   name="documento_csv_formato"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                                   name="documento_sha256_formato"),
        ]

    def __str__(self) -> str:
        # Never the CSV: this text ends up in the audit trail, which other users read,
        # and the CSV is enough to fetch the document from the sede.
        return f"{self.title} ({timezone.localtime(self.issued_at):%d/%m/%Y %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValueError("IssuedDocument rows are immutable")
        super().save(*args, **kwargs)

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)

    @property
    def is_sealed(self) -> bool:
        return self.signature != UNSEALED

    @property
    def download_name(self) -> str:
        extension = EXTENSIONS.get(self.mime_type, "bin")
        return f"{self.kind}-{timezone.localtime(self.issued_at):%Y%m%d-%H%M%S}.{extension}"
