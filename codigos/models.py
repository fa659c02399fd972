"""One row per code of a national code list, in the public schema."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tabla(models.TextChoices):
    PAISES = "paises", _("Países (INE)")
    PROVINCIAS = "provincias", _("Provincias (INE)")
    MUNICIPIOS = "municipios", _("Municipios (INE)")
    TIPOS_VIA = "tipos_via", _("Tipos de vía normalizados (INE)")
    CAUSAS_VARIACION = "causas_variacion", _("Causas de variación del padrón (CAUV del INE)")
    TIPOS_DOCUMENTO = "tipos_documento", _("Tipos de documento (INE)")
    NIVELES_ESTUDIOS = "niveles_estudios", _("Niveles de estudios (INE)")
    CAUSAS_DEVOLUCION = "causas_devolucion", _("Causas de devolución y error (CDEV del INE)")


class Codigo(models.Model):
    """A code of a table; `extra` holds what a table needs besides the description
    (a country's EU/EEA flag, the INE CAUV of a cause)."""

    tabla = models.CharField(_("tabla"), max_length=30, choices=Tabla.choices, db_index=True)
    codigo = models.CharField(_("código"), max_length=10)
    descripcion = models.CharField(_("descripción"), max_length=200)
    extra = models.JSONField(_("datos adicionales"), default=dict, blank=True)
    activo = models.BooleanField(_("en uso"), default=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("código")
        verbose_name_plural = _("códigos")
        ordering = ["tabla", "codigo"]
        constraints = [models.UniqueConstraint(fields=["tabla", "codigo"],
                                               name="codigo_unico_por_tabla")]

    def __str__(self) -> str:
        return f"{self.get_tabla_display()}: {self.codigo} {self.descripcion}"
