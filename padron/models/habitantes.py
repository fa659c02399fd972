"""Inhabitants, households (hojas padronales), operations and residence periods.

The operations history (Movimiento) is immutable; together with the residence periods it
reconstructs the padrón at any past date: who lived where, on that day, with which data.
"""

from __future__ import annotations

import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padron.choices import (
    Causa,
    NivelEstudios,
    PrecisionFecha,
    Sexo,
    TipoDocumento,
    TipoMovimiento,
)
from padron.models.territorio import Domicilio, Seccion
from provincial.collation import SpanishOrder


class HojaPadronal(models.Model):
    """A household: the sheet that groups who live together at an address."""

    number = models.CharField(_("número de hoja"), max_length=10, unique=True)
    domicilio = models.ForeignKey(Domicilio, verbose_name=_("domicilio"),
                                  on_delete=models.PROTECT, related_name="hojas")
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("hoja padronal")
        verbose_name_plural = _("hojas padronales")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{_('Hoja')} {self.number}"


class HabitanteQuerySet(models.QuerySet):
    def inscritos(self) -> HabitanteQuerySet:
        return self.filter(is_registered=True)

    def on(self, date: datetime.date) -> HabitanteQuerySet:
        """Inhabitants registered on `date` (from the residence periods)."""
        return self.filter(PeriodoResidencia.covering(date, prefix="periodos__")).distinct()


class Habitante(models.Model):
    """A person inscribed (or once inscribed) in the municipality's padrón."""

    nia = models.CharField(_("NIA"), max_length=15, unique=True,
                           help_text=_("Número de identificación del ayuntamiento."))
    nombre = models.CharField(_("nombre"), max_length=20)
    particula1 = models.CharField(_("partícula del primer apellido"), max_length=6, blank=True)
    apellido1 = models.CharField(_("primer apellido"), max_length=25)
    particula2 = models.CharField(_("partícula del segundo apellido"), max_length=6, blank=True)
    apellido2 = models.CharField(_("segundo apellido"), max_length=25, blank=True)
    sexo = models.CharField(_("sexo"), max_length=1, choices=Sexo.choices)
    fecha_nacimiento = models.DateField(_("fecha de nacimiento"))
    fecha_nacimiento_precision = models.CharField(
        _("precisión de la fecha de nacimiento"), max_length=11, blank=True,
        choices=PrecisionFecha.choices, default=PrecisionFecha.COMPLETA,
        help_text=_("Para documentos que no dan el día, o el día y el mes, de nacimiento."))
    provincia_nacimiento = models.CharField(_("provincia de nacimiento"), max_length=2, blank=True,
                                            help_text=_("Código INE; vacío si nació en el extranjero."))
    municipio_nacimiento = models.CharField(_("municipio de nacimiento"), max_length=3, blank=True)
    pais_nacimiento = models.CharField(_("país de nacimiento"), max_length=3, default="108")
    nacionalidad = models.CharField(_("nacionalidad"), max_length=3, default="108",
                                    help_text=_("Código INE del país."))
    nivel_estudios = models.CharField(_("nivel de estudios"), max_length=2,
                                      choices=NivelEstudios.choices, default=NivelEstudios.NO_APLICABLE)
    tipo_documento = models.CharField(_("tipo de documento"), max_length=1,
                                      choices=TipoDocumento.choices)
    documento = models.CharField(_("número de documento"), max_length=20, blank=True,
                                 help_text=_("DNI o NIE completos con letra, o número de pasaporte."))
    identificador_electoral = models.CharField(_("identificador electoral"), max_length=11,
                                               blank=True)
    telefono = models.CharField(_("teléfono"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    # Current state (derived from the operations; kept for fast lists).
    is_registered = models.BooleanField(_("inscrito"), default=True, db_index=True)
    hoja = models.ForeignKey(HojaPadronal, verbose_name=_("hoja padronal"),
                             null=True, blank=True, on_delete=models.PROTECT,
                             related_name="habitantes")
    fecha_alta = models.DateField(_("fecha de alta"))
    fecha_baja = models.DateField(_("fecha de baja"), null=True, blank=True)
    # ENCSARP: non-EU foreigners without permanent residence renew every two years.
    requires_renewal = models.BooleanField(_("debe renovar (ENCSARP)"), default=False)
    renewal_due = models.DateField(_("renovación antes de"), null=True, blank=True, db_index=True)
    search_name = models.CharField(_("nombre para buscar"), max_length=120, editable=False,
                                   db_index=True)
    version = models.PositiveIntegerField(_("versión"), default=1, editable=False)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = HabitanteQuerySet.as_manager()

    class Meta:
        verbose_name = _("habitante")
        verbose_name_plural = _("habitantes")
        ordering = ["apellido1", "apellido2", "nombre"]
        indexes = [
            models.Index(fields=["documento"], name="habitante_documento"),
            # Word-prefix search on the accent-free name, with PostgreSQL's built-in full
            # text search ('simple' configuration): no extension needed.
            GinIndex(SearchVector("search_name", config="simple"), name="habitante_search_fts"),
            # The list of inscritos in Spanish alphabetical order (padron.queries.NAME_ORDER):
            # a page of a 400,000-person padrón is read from the index, not sorted each time.
            models.Index(SpanishOrder("apellido1"), SpanishOrder("apellido2"),
                         SpanishOrder("nombre"), F("apellido1"), F("apellido2"), F("nombre"),
                         F("id"), name="habitante_orden_es", condition=Q(is_registered=True)),
        ]
        constraints = [
            # The same document cannot be inscribed twice at once in this municipality.
            models.UniqueConstraint(fields=["tipo_documento", "documento"],
                                    condition=Q(is_registered=True) & ~Q(documento=""),
                                    name="habitante_documento_inscrito_unico"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def fecha_nacimiento_texto(self) -> str:
        return fecha_texto(self.fecha_nacimiento, self.fecha_nacimiento_precision)

    @property
    def full_name(self) -> str:
        parts = [self.nombre, self.particula1, self.apellido1, self.particula2, self.apellido2]
        return " ".join(p for p in parts if p)

    @property
    def age(self) -> int:
        return age_on(self.fecha_nacimiento, timezone.localdate())

    @property
    def is_blocked(self) -> bool:
        """Blocked while an INE error is pending (no volante or certificado)."""
        return self.errores_ine.filter(processed_at__isnull=True).exists()


def fecha_texto(date: datetime.date | None, precision: str = "") -> str:
    """dd/mm/aaaa, with 00 for what is unknown (as INE writes it): 00/05/1980, 00/00/1980."""
    if date is None:
        return ""
    if precision == PrecisionFecha.SIN_DIA_MES:
        return f"00/00/{date.year:04d}"
    if precision == PrecisionFecha.SIN_DIA:
        return f"00/{date.month:02d}/{date.year:04d}"
    return f"{date.day:02d}/{date.month:02d}/{date.year:04d}"


def age_on(birth: datetime.date, date: datetime.date) -> int:
    return date.year - birth.year - ((date.month, date.day) < (birth.month, birth.day))


class PeriodoResidencia(models.Model):
    """Where an inhabitant lived (hoja and address) from one date to another."""

    habitante = models.ForeignKey(Habitante, verbose_name=_("habitante"),
                                  on_delete=models.PROTECT, related_name="periodos")
    hoja = models.ForeignKey(HojaPadronal, verbose_name=_("hoja padronal"),
                             on_delete=models.PROTECT, related_name="periodos")
    domicilio = models.ForeignKey(Domicilio, verbose_name=_("domicilio"),
                                  on_delete=models.PROTECT, related_name="+")
    seccion = models.ForeignKey(Seccion, verbose_name=_("sección"),
                                on_delete=models.PROTECT, related_name="+")
    desde = models.DateField(_("desde"))
    hasta = models.DateField(_("hasta"), null=True, blank=True,
                             help_text=_("Excluido; vacío mientras sigue viviendo allí."))
    alta = models.ForeignKey("Movimiento", verbose_name=_("movimiento de alta"),
                             on_delete=models.PROTECT, related_name="+")
    fin = models.ForeignKey("Movimiento", verbose_name=_("movimiento de fin"),
                            null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")

    class Meta:
        verbose_name = _("periodo de residencia")
        verbose_name_plural = _("periodos de residencia")
        ordering = ["habitante", "desde"]
        indexes = [models.Index(fields=["hoja", "desde"]), models.Index(fields=["desde", "hasta"])]
        constraints = [
            models.UniqueConstraint(fields=["habitante"], condition=Q(hasta__isnull=True),
                                    name="un_periodo_abierto_por_habitante"),
            models.CheckConstraint(condition=Q(hasta__isnull=True) | Q(hasta__gte=models.F("desde")),
                                   name="periodo_hasta_no_anterior"),
        ]

    def __str__(self) -> str:
        return f"{self.habitante} {self.desde}–{self.hasta or '…'}"

    @staticmethod
    def covering(date: datetime.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}desde__lte": date}) & (
            Q(**{f"{prefix}hasta__isnull": True}) | Q(**{f"{prefix}hasta__gt": date}))


# Who "tramitó" the operations that padron.demo wrote before it stored a Spanish label:
# the management command's name, which people must not read.
LEGACY_CLERK_NAMES = {"generate_padron": _("Carga inicial (generador de datos de demostración)")}


class Movimiento(models.Model):
    """An operation on the padrón, as it happened: immutable once written."""

    habitante = models.ForeignKey(Habitante, verbose_name=_("habitante"),
                                  on_delete=models.PROTECT, related_name="movimientos")
    tipo = models.CharField(_("tipo"), max_length=1, choices=TipoMovimiento.choices)
    causa = models.CharField(_("causa"), max_length=2, choices=Causa.choices)
    fecha = models.DateField(_("fecha de la variación"))
    # Where the person came from / went to (INE codes), for altas and bajas by residence.
    procedencia_destino = models.CharField(_("municipio o país de procedencia o destino"),
                                           max_length=5, blank=True)
    consulado = models.CharField(
        _("consulado de procedencia o destino"), max_length=3, blank=True,
        help_text=_("Código INE del consulado (PERE) cuando la procedencia o el destino es el "
                    "extranjero y la persona está o estará inscrita en un consulado."))
    datos = models.JSONField(_("datos tras la operación"))
    domicilio = models.ForeignKey(Domicilio, verbose_name=_("domicilio"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    hoja = models.ForeignKey(HojaPadronal, verbose_name=_("hoja padronal"),
                             null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    documentos = models.TextField(_("documentación aportada"), blank=True)
    observaciones = models.TextField(_("observaciones"), blank=True)
    clerk_id = models.BigIntegerField(_("usuario"), null=True)
    clerk_name = models.CharField(_("tramitado por"), max_length=150, blank=True)
    ine_state = models.CharField(_("estado ante el INE"), max_length=10, default="pendiente",
                                 db_index=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        verbose_name = _("movimiento")
        verbose_name_plural = _("movimientos")
        ordering = ["habitante", "fecha", "created_at"]
        indexes = [models.Index(fields=["fecha", "tipo"])]

    def __str__(self) -> str:
        return f"{self.get_causa_display()} {self.fecha:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValueError("Movimiento rows are immutable")
        super().save(*args, **kwargs)

    @property
    def clerk_display(self) -> str:
        """Who did the operation, as people read it (never a command's name)."""
        legacy = LEGACY_CLERK_NAMES.get(self.clerk_name)
        return str(legacy) if legacy else (self.clerk_name or "—")


def adjunto_upload_to(instance: MovimientoAdjunto, filename: str) -> str:
    from django.db import connection

    return f"padron/{connection.schema_name}/movimientos/{instance.sha256}.{instance.extension}"


class MovimientoAdjunto(models.Model):
    """A supporting document of an operation (DNI copy, contract, authorisation…)."""

    movimiento = models.ForeignKey(Movimiento, verbose_name=_("movimiento"),
                                   on_delete=models.PROTECT, related_name="adjuntos")
    name = models.CharField(_("nombre"), max_length=200)
    file = models.FileField(_("fichero"), upload_to=adjunto_upload_to)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"))
    content_type = models.CharField(_("tipo de contenido"), max_length=100)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("documento aportado")
        verbose_name_plural = _("documentos aportados")
        ordering = ["movimiento", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin")


class ErrorINE(models.Model):
    """An error INE returned for an inhabitant; it blocks certificates until processed."""

    habitante = models.ForeignKey(Habitante, verbose_name=_("habitante"),
                                  on_delete=models.PROTECT, related_name="errores_ine")
    code = models.CharField(_("código"), max_length=4)
    description = models.CharField(_("descripción"), max_length=200)
    received_at = models.DateTimeField(_("recibido"), default=timezone.now)
    processed_at = models.DateTimeField(_("tratado"), null=True, blank=True)
    processed_by = models.CharField(_("tratado por"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("error del INE")
        verbose_name_plural = _("errores del INE")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"
