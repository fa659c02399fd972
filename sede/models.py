"""The sede's own data: the procedures catalogue and the tablón de anuncios."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sede.choices import NivelIdentificacion, SentidoSilencio, TipoFormulario


class Procedimiento(models.Model):
    """A procedure a citizen can start at the sede (the catalogue, art. 21.4 Ley 39/2015:
    each administration publishes the maximum time to resolve and the effect of silence)."""

    code = models.CharField(_("código"), max_length=30, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    description = models.TextField(_("descripción"))
    requisitos = models.TextField(_("requisitos"), blank=True)
    plazo_resolucion = models.CharField(_("plazo máximo de resolución"), max_length=100)
    sentido_silencio = models.CharField(_("sentido del silencio"), max_length=20,
                                        choices=SentidoSilencio.choices)
    tasa = models.CharField(_("tasa"), max_length=200, blank=True,
                            help_text=_("Importe y ordenanza fiscal; vacío si no tiene."))
    organo = models.CharField(_("órgano que resuelve"), max_length=200)
    tipo_formulario = models.CharField(_("formulario"), max_length=20,
                                       choices=TipoFormulario.choices,
                                       default=TipoFormulario.INSTANCIA_GENERAL)
    # Extra questions of a specific form: [{"name": "matricula", "label": "Matrícula",
    # "required": true}], asked besides expone/solicita and recorded in the asiento.
    campos = models.JSONField(_("campos del formulario específico"), default=list, blank=True)
    nivel_minimo = models.CharField(
        _("nivel mínimo de identificación"), max_length=12,
        choices=NivelIdentificacion.choices, default=NivelIdentificacion.BAJO,
        help_text=_("Nivel de seguridad con que debe identificarse quien lo solicita "
                    "(bajo: cualquier sistema; sustancial: Cl@ve permanente o superior; "
                    "alto: certificado electrónico, DNIe o Cl@ve de nivel alto)."))
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("procedimiento")
        verbose_name_plural = _("procedimientos")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if not isinstance(self.campos, list) or any(
                not isinstance(c, dict) or not c.get("name") or not c.get("label")
                for c in self.campos):
            raise ValidationError({"campos": _("Cada campo necesita «name» y «label».")})

    @property
    def has_specific_form(self) -> bool:
        return self.tipo_formulario == TipoFormulario.ESPECIFICO


def edicto_upload_to(instance: Edicto, filename: str) -> str:
    # Under the schema name, like issued documents: one entity's files move with it.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"sede/{connection.schema_name}/edictos/{stamp}.pdf"


class EdictoQuerySet(models.QuerySet):
    def scheduled(self, at: datetime.datetime | None = None) -> EdictoQuerySet:
        """Not yet on the tablón."""
        return self.filter(publish_from__gt=at or timezone.now())

    def published(self, at: datetime.datetime | None = None) -> EdictoQuerySet:
        """On the tablón at `at` (now by default): started and not yet ended."""
        at = at or timezone.now()
        return self.filter(publish_from__lte=at, publish_until__gt=at)

    def archived(self, at: datetime.datetime | None = None) -> EdictoQuerySet:
        """Whose exposure has ended."""
        return self.filter(publish_until__lte=at or timezone.now())


class Edicto(models.Model):
    """An announcement on the tablón de anuncios (art. 45.4 Ley 39/2015), shown only
    between its publication dates; afterwards it is kept in the archive."""

    title = models.CharField(_("título"), max_length=250)
    body = models.TextField(_("texto"))
    organo = models.CharField(_("órgano que lo publica"), max_length=200, blank=True)
    document = models.FileField(_("documento (PDF)"), upload_to=edicto_upload_to, blank=True,
                                max_length=255)
    document_sha256 = models.CharField(_("huella SHA-256 del documento"), max_length=64,
                                       blank=True)
    publish_from = models.DateTimeField(_("publicado desde"))
    publish_until = models.DateTimeField(_("publicado hasta"),
                                         help_text=_("Excluido: deja de mostrarse entonces."))
    # An early withdrawal moves publish_until to the moment it happened (so the tablón,
    # the archive and the diligencia all tell the real period) and keeps the planned end.
    withdrawn_at = models.DateTimeField(_("retirado el"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motivo de la retirada"), blank=True)
    planned_until = models.DateTimeField(_("fin previsto"), null=True, blank=True)
    # Certifies the period of exposure; issued once the period has ended.
    diligencia = models.OneToOneField("documentos.IssuedDocument", verbose_name=_("diligencia"),
                                      null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    objects = EdictoQuerySet.as_manager()

    class Meta:
        verbose_name = _("edicto")
        verbose_name_plural = _("edictos")
        ordering = ["-publish_from", "-pk"]
        indexes = [models.Index(fields=["publish_until", "publish_from"],
                                name="edicto_periodo_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(publish_until__gt=models.F("publish_from")),
                                   name="edicto_periodo_valido"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.publish_from and self.publish_until and self.publish_until <= self.publish_from:
            raise ValidationError({"publish_until": _(
                "El final de la publicación debe ser posterior a su inicio.")})

    def is_published(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.publish_from <= at < self.publish_until

    def has_ended(self, at: datetime.datetime | None = None) -> bool:
        return self.publish_until <= (at or timezone.now())

    def is_scheduled(self, at: datetime.datetime | None = None) -> bool:
        """Not yet on the tablón: it may still be edited or removed."""
        return self.publish_from > (at or timezone.now())

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PresentacionQuerySet(models.QuerySet):
    def stale(self) -> PresentacionQuerySet:
        """Drafts nobody confirmed within a day."""
        return self.filter(asiento_id__isnull=True,
                           created_at__lt=timezone.now() - datetime.timedelta(days=1))


class Presentacion(models.Model):
    """A submission at the sede between the form and its confirmation: what the citizen
    wrote and attached. Once registered it points at the asiento, so a second «Enviar»
    with the same key (a double click, a reload) finds the asiento instead of filing
    another one. The attachments' bytes are dropped once they are in the registro."""

    key = models.UUIDField(_("clave"), unique=True)
    documento = models.CharField(_("documento de quien presenta"), max_length=20)
    nombre = models.CharField(_("nombre de quien presenta"), max_length=200)
    procedimiento = models.ForeignKey(Procedimiento, verbose_name=_("procedimiento"),
                                      null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    datos = models.JSONField(_("datos del formulario"), default=dict)
    # How the person who submits was identified, and with which level of assurance.
    metodo_identificacion = models.CharField(_("método de identificación"), max_length=20,
                                             blank=True)
    nivel_identificacion = models.CharField(_("nivel de identificación"), max_length=12,
                                            choices=NivelIdentificacion.choices, blank=True)
    # The asiento lives in the registro app: kept by id and number (no FK) so the sede
    # does not depend on the registro's migrations.
    asiento_id = models.BigIntegerField(_("asiento"), null=True, blank=True)
    numero_registro = models.CharField(_("número de registro"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    registered_at = models.DateTimeField(_("registrada"), null=True, blank=True)

    objects = PresentacionQuerySet.as_manager()

    class Meta:
        verbose_name = _("presentación en la sede")
        verbose_name_plural = _("presentaciones en la sede")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.numero_registro or str(self.key)

    @property
    def metodo_identificacion_label(self) -> str:
        from sede.identificacion import method_label

        return method_label(self.metodo_identificacion) if self.metodo_identificacion else ""


class PresentacionAnexo(models.Model):
    """A file attached to a submission not yet confirmed."""

    presentacion = models.ForeignKey(Presentacion, verbose_name=_("presentación"),
                                     on_delete=models.CASCADE,
                                     related_name="anexos")
    nombre = models.CharField(_("nombre"), max_length=200)
    mime = models.CharField(_("tipo"), max_length=100)
    size = models.PositiveIntegerField(_("tamaño en bytes"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    contenido = models.BinaryField(_("contenido"))

    class Meta:
        verbose_name = _("anexo de la presentación")
        verbose_name_plural = _("anexos de la presentación")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.nombre
