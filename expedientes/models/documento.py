"""Documents of an expediente: drafts from templates, uploads, and signed PDFs."""

from __future__ import annotations

import uuid

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from expedientes.choices import EstadoDocumento, EstadoElaboracion, OrigenEni, TipoDocumental


def documento_upload_to(instance: Documento, filename: str) -> str:
    # Under the schema name, like issued documents: one entity's files move with it.
    return f"expedientes/{connection.schema_name}/{instance.expediente_id}/{uuid.uuid4().hex}"


class Documento(models.Model):
    """A document of an expediente. A draft (`cuerpo`, from a template) is editable until
    it goes to signature; then its PDF is rendered and frozen (`sha256_original`), and each
    signature adds an incremental revision (`sha256` is that of the current bytes, whose
    first revision is always the frozen original). An upload is frozen when incorporated.
    A frozen document never changes except by signature."""

    expediente = models.ForeignKey("expedientes.Expediente", verbose_name=_("expediente"),
                                   on_delete=models.CASCADE, related_name="documentos")
    titulo = models.CharField(_("título"), max_length=250)
    tipo_documental = models.CharField(_("tipo documental"), max_length=4,
                                       choices=TipoDocumental.choices,
                                       default=TipoDocumental.OTROS)
    plantilla = models.ForeignKey("expedientes.Plantilla", verbose_name=_("plantilla"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoDocumento.choices,
                              default=EstadoDocumento.BORRADOR)
    # The draft's text (HTML, from the template's merge); rendered to PDF when frozen.
    cuerpo = models.TextField(_("texto"), blank=True)
    contenido = models.FileField(_("contenido"), upload_to=documento_upload_to, blank=True,
                                 max_length=255)
    nombre_fichero = models.CharField(_("nombre del fichero"), max_length=200, blank=True)
    mime_type = models.CharField(_("tipo MIME"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("tamaño en bytes"), null=True, blank=True)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64, blank=True)
    sha256_original = models.CharField(_("huella SHA-256 al congelarse"), max_length=64,
                                       blank=True)
    csv = models.CharField(_("código seguro de verificación"), max_length=40, blank=True,
                           db_index=True)
    # ENI metadata (NTI de Documento electrónico).
    origen = models.CharField(_("origen"), max_length=1, choices=OrigenEni.choices,
                              default=OrigenEni.ADMINISTRACION)
    estado_elaboracion = models.CharField(_("estado de elaboración"), max_length=4,
                                          choices=EstadoElaboracion.choices,
                                          default=EstadoElaboracion.ORIGINAL)
    fecha_captura = models.DateTimeField(_("fecha de captura"), null=True, blank=True)
    is_resolucion = models.BooleanField(_("es una resolución"), default=False)
    # Made available to the interesados in their carpeta ciudadana.
    is_visible_ciudadano = models.BooleanField(_("visible para los interesados"),
                                               default=False)
    # Incorporated from the registro (the asiento's anexo) or the sede.
    asiento = models.ForeignKey("registro.Asiento", verbose_name=_("asiento"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    orden = models.PositiveIntegerField(_("orden"), default=0)
    frozen_at = models.DateTimeField(_("congelado"), null=True, blank=True)
    created_by_id = models.BigIntegerField(_("creado por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("creado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("documento del expediente")
        verbose_name_plural = _("documentos del expediente")
        ordering = ["expediente_id", "orden", "pk"]
        constraints = [models.UniqueConstraint(fields=["csv"], condition=~models.Q(csv=""),
                                               name="expedientes_documento_csv_unico")]

    def __str__(self) -> str:
        return self.titulo

    @property
    def is_frozen(self) -> bool:
        """Its bytes can change only by a signature."""
        return self.frozen_at is not None

    @property
    def is_editable(self) -> bool:
        return self.estado in (EstadoDocumento.BORRADOR, EstadoDocumento.RECHAZADO) \
            and not self.is_frozen
