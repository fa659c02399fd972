"""The libro de resoluciones (decretos): correlative numbers per year, never reused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from expedientes.choices import EstadoResolucion


class ContadorResolucion(models.Model):
    """The last number of the libro in a year; locked FOR UPDATE by each transcription."""

    year = models.PositiveSmallIntegerField(_("año"), unique=True)
    ultimo = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador del libro de resoluciones")
        verbose_name_plural = _("contadores del libro de resoluciones")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.ultimo}"


class Resolucion(models.Model):
    """A resolution transcribed in the libro: numbered when the alcalde and the secretario
    have signed it (RD 128/2018 art. 3.2.e). An annulled one keeps its number, marked."""

    year = models.PositiveSmallIntegerField(_("año"))
    numero = models.PositiveIntegerField(_("número"))
    documento = models.OneToOneField("expedientes.Documento", verbose_name=_("documento"),
                                     on_delete=models.PROTECT, related_name="resolucion")
    expediente = models.ForeignKey("expedientes.Expediente", verbose_name=_("expediente"),
                                   on_delete=models.PROTECT, related_name="resoluciones")
    organo = models.CharField(_("órgano"), max_length=200)
    extracto = models.CharField(_("extracto"), max_length=500)
    sha256 = models.CharField(_("huella SHA-256 del documento firmado"), max_length=64)
    transcribed_at = models.DateTimeField(_("transcrita"))
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoResolucion.choices,
                              default=EstadoResolucion.VIGENTE)
    annulled_at = models.DateTimeField(_("anulada"), null=True, blank=True)
    motivo_anulacion = models.TextField(_("motivo de la anulación"), blank=True)
    annulled_by_name = models.CharField(_("anulada por"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("resolución")
        verbose_name_plural = _("libro de resoluciones")
        ordering = ["-year", "-numero"]
        constraints = [models.UniqueConstraint(fields=["year", "numero"],
                                               name="expedientes_resolucion_numero_unico")]

    def __str__(self) -> str:
        return f"{self.codigo} {self.extracto[:60]}"

    @property
    def codigo(self) -> str:
        """As the libro writes it: `Decreto 2026/0042`."""
        return f"{self.year}/{self.numero:04d}"
