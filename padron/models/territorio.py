"""Territory of the municipality following SISTER / the INE callejero (Orden 11-7-1997).

Every change keeps history with validity dates: a renamed street keeps its code and its
old name stays valid for the dates it was in force, so an old certificate still shows it.

Name history. A vía has no name of its own: all its names, the current one included, are
ViaNombre rows (its type can change too). Entidades colectivas and singulares, núcleos and
pseudovías keep their *current* names on the row itself (what tramos, forms and the census
generator use) and every *earlier* name in a NombreAnterior row with the dates it was in force.
A rename (`rename`) closes the old names on the date of the change, so `name_on(date)` gives
the name of any date while the object keeps its primary key and code: tramos and addresses
never have to be moved to a new version of the object, and each name period is stored once.
"""

from __future__ import annotations

import datetime
import functools
import operator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padron.choices import TipoNumeracion
from tenants.validators import ine_control_digit


class Vigencia(models.Model):
    """Validity dates of a territorial record (valid_to excluded; open when null)."""

    valid_from = models.DateField(_("vigente desde"), default=datetime.date(1996, 5, 1))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_valid_on(self, date: datetime.date) -> bool:
        return self.valid_from <= date and (self.valid_to is None or date < self.valid_to)

    @classmethod
    def valid_on(cls, date: datetime.date) -> Q:
        return Q(valid_from__lte=date) & (Q(valid_to__isnull=True) | Q(valid_to__gt=date))


class ConNombresAnteriores:
    """Names with history: current ones on the row, earlier ones in NombreAnterior."""

    name_fields: tuple[str, ...] = ("name", "name50", "short_name")

    def naming_on(self, date: datetime.date):
        """The row holding the names in force on `date`: a NombreAnterior or the object."""
        former = getattr(self, "_prefetched_objects_cache", {}).get("former_names")
        if former is not None:
            found = next((n for n in former if n.is_valid_on(date)), None)
        else:
            found = self.former_names.filter(Vigencia.valid_on(date)).first()
        return found or self

    def name_on(self, date: datetime.date, field: str = "name") -> str:
        return getattr(self.naming_on(date), field)

    def names_since(self) -> datetime.date:
        """Start of validity of the current names: the end of the last former name."""
        last = self.former_names.aggregate(last=models.Max("valid_to"))["last"]
        return last or self.valid_from

    def rename(self, date: datetime.date, **names: str) -> bool:
        """New names from `date`; the ones they replace stay valid before it. A correction on
        or before the day the current names took effect overwrites them (no period to keep).
        Returns whether anything changed."""
        changed = [k for k, v in names.items() if getattr(self, k) != v]
        if not changed:
            return False
        since = self.names_since()
        if since < date:
            self.former_names.create(valid_from=since, valid_to=date,
                                     **{f: getattr(self, f) for f in self.name_fields})
        for k in changed:
            setattr(self, k, names[k])
        self.save(update_fields=changed)
        return True


class EntidadColectiva(ConNombresAnteriores, Vigencia):
    """Entidad colectiva de población (CC), where the region has them: 00 otherwise, which
    INE sends with a blank name. Earlier names: `former_names` (see the module docstring)."""

    code = models.CharField(_("código"), max_length=2)
    name = models.CharField(_("nombre"), max_length=70, blank=True)
    name50 = models.CharField(_("nombre de 50 caracteres"), max_length=50, blank=True)
    short_name = models.CharField(_("nombre corto"), max_length=25, blank=True)

    class Meta:
        verbose_name = _("entidad colectiva")
        verbose_name_plural = _("entidades colectivas")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="colectiva_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntidadSingular(ConNombresAnteriores, Vigencia):
    """Entidad singular de población (SS within its colectiva). Earlier names:
    `former_names`."""

    colectiva = models.ForeignKey(EntidadColectiva, verbose_name=_("entidad colectiva"),
                                  on_delete=models.PROTECT,
                                  related_name="singulares")
    code = models.CharField(_("código"), max_length=2)
    name = models.CharField(_("nombre"), max_length=70)
    name50 = models.CharField(_("nombre de 50 caracteres"), max_length=50, blank=True)
    short_name = models.CharField(_("nombre corto"), max_length=25, blank=True)

    class Meta:
        verbose_name = _("entidad singular")
        verbose_name_plural = _("entidades singulares")
        ordering = ["colectiva__code", "code"]
        constraints = [models.UniqueConstraint(fields=["colectiva", "code"],
                                               name="singular_code_unique")]

    def __str__(self) -> str:
        return f"{self.colectiva.code}{self.code} {self.name}"


class Nucleo(ConNombresAnteriores, Vigencia):
    """Núcleo de población or diseminado (NN = 99) of an entidad singular: the unidad
    poblacional, identified by the CUN code CCSSDNN. Earlier names: `former_names`."""

    singular = models.ForeignKey(EntidadSingular, verbose_name=_("entidad singular"),
                                 on_delete=models.PROTECT, related_name="nucleos")
    code = models.CharField(_("código"), max_length=2)
    name = models.CharField(_("nombre"), max_length=70)
    name50 = models.CharField(_("nombre de 50 caracteres"), max_length=50, blank=True)
    short_name = models.CharField(_("nombre corto"), max_length=25, blank=True)

    class Meta:
        verbose_name = _("núcleo o diseminado")
        verbose_name_plural = _("núcleos y diseminados")
        ordering = ["singular__colectiva__code", "singular__code", "code"]
        constraints = [models.UniqueConstraint(fields=["singular", "code"],
                                               name="nucleo_code_unique")]

    def __str__(self) -> str:
        return f"{self.cun} {self.name}"

    @property
    def is_diseminado(self) -> bool:
        return self.code == "99"

    @property
    def cun(self) -> str:
        """CCSSDNN: D is INE's control digit ("método ABC") of CCSS."""
        ccss = f"{self.singular.colectiva.code}{self.singular.code}"
        return f"{ccss}{ine_control_digit(ccss)}{self.code}"


class Distrito(Vigencia):
    code = models.CharField(_("código"), max_length=2)
    name = models.CharField(_("nombre"), max_length=70, blank=True)

    class Meta:
        verbose_name = _("distrito")
        verbose_name_plural = _("distritos")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="distrito_code_unique")]

    def __str__(self) -> str:
        return f"{_('Distrito')} {self.code}"


class Seccion(Vigencia):
    """Sección censal (DIST + SECC + LSECC), with its subsección where it has one."""

    distrito = models.ForeignKey(Distrito, verbose_name=_("distrito"),
                                 on_delete=models.PROTECT, related_name="secciones")
    code = models.CharField(_("código"), max_length=3)
    letter = models.CharField(_("letra"), max_length=1, blank=True)
    subseccion = models.CharField(_("subsección"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")
        ordering = ["distrito__code", "code", "letter", "subseccion"]
        constraints = [models.UniqueConstraint(fields=["distrito", "code", "letter", "subseccion"],
                                               name="seccion_code_unique")]

    def __str__(self) -> str:
        return f"{self.distrito.code}-{self.code}{self.letter}"


class TipoVia(models.Model):
    """A street type as the municipalities write it (TVIA, what the vías file carries) and
    the INE normalised type it is a synonym of (TVIAN), as in INE's table of street types
    (fichero 4): CALLE, C/, RUA and KALEA are all TVIAN CALLE. Two streets differ when their
    normalised type or their name differ, not when only the abbreviation does."""

    code = models.CharField(_("tipo de vía (TVIA)"), max_length=5, unique=True)
    normalized = models.CharField(
        _("tipo normalizado (TVIAN)"), max_length=5, blank=True, db_index=True,
        help_text=_("En blanco mientras no se haya cargado la tabla de tipos de vía del INE."))
    description = models.CharField(_("descripción"), max_length=25)

    class Meta:
        verbose_name = _("tipo de vía")
        verbose_name_plural = _("tipos de vía")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.description

    @property
    def normalized_code(self) -> str:
        """TVIAN; the TVIA itself while INE's table has not said otherwise."""
        return self.normalized or self.code

    def synonyms(self) -> models.QuerySet[TipoVia]:
        """Every TVIA with the same normalised type (this one included)."""
        code = self.normalized_code
        return TipoVia.objects.filter(Q(normalized=code) | Q(normalized="", code=code))


class Via(Vigencia):
    """A street (CVIA, unique in the municipality). Its name lives in ViaNombre."""

    code = models.CharField(_("código de vía"), max_length=5, unique=True)

    class Meta:
        verbose_name = _("vía")
        verbose_name_plural = _("vías")
        ordering = ["code"]

    def __str__(self) -> str:
        name = self.name_on(timezone.localdate())
        return f"{name.tipo.description} {name.name}" if name else self.code

    def name_on(self, date: datetime.date) -> ViaNombre | None:
        names = getattr(self, "_prefetched_objects_cache", {}).get("names")
        if names is not None:
            return next((n for n in names if n.is_valid_on(date)), None)
        return self.names.filter(Vigencia.valid_on(date)).select_related("tipo").first()


class ViaNombre(Vigencia):
    """The type and name of a street during a period."""

    via = models.ForeignKey(Via, verbose_name=_("vía"),
                            on_delete=models.CASCADE, related_name="names")
    tipo = models.ForeignKey(TipoVia, verbose_name=_("tipo de vía"),
                             on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nombre"), max_length=50)
    short_name = models.CharField(_("nombre corto"), max_length=25)
    suffix_type = models.BooleanField(_("tipo como sufijo"), default=False,
                                      help_text=_("POS=1: el tipo se escribe detrás del nombre."))

    class Meta:
        verbose_name = _("denominación de vía")
        verbose_name_plural = _("denominaciones de vía")
        ordering = ["via", "-valid_from"]
        indexes = [models.Index(fields=["via", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.name} {self.tipo.description}" if self.suffix_type \
            else f"{self.tipo.description} {self.name}"


class Pseudovia(ConNombresAnteriores, Vigencia):
    """Barrio, urbanización, partida…: what is neither a vía nor a unidad poblacional
    (DPSVIA is its only name). Earlier descriptions: `former_names`."""

    name_fields = ("name",)

    code = models.CharField(_("código"), max_length=5, unique=True)
    name = models.CharField(_("descripción"), max_length=50)

    class Meta:
        verbose_name = _("pseudovía")
        verbose_name_plural = _("pseudovías")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


_NAMED_OWNERS = ("colectiva", "singular", "nucleo", "pseudovia")


def _exactly_one(names: tuple[str, ...]) -> Q:
    """Exactly one of the foreign keys `names` is set."""
    return functools.reduce(operator.or_, (
        Q(**{f"{name}__isnull": name != kept for name in names}) for kept in names))


class NombreAnterior(Vigencia):
    """An earlier name of exactly one entidad colectiva, entidad singular, núcleo or
    pseudovía, in force from valid_from to valid_to (excluded). The current name is on the
    object itself; see the module docstring."""

    colectiva = models.ForeignKey(EntidadColectiva, verbose_name=_("entidad colectiva"),
                                  null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="former_names")
    singular = models.ForeignKey(EntidadSingular, verbose_name=_("entidad singular"),
                                 null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="former_names")
    nucleo = models.ForeignKey(Nucleo, verbose_name=_("núcleo"),
                               null=True, blank=True, on_delete=models.CASCADE,
                               related_name="former_names")
    pseudovia = models.ForeignKey(Pseudovia, verbose_name=_("pseudovía"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="former_names")
    name = models.CharField(_("nombre"), max_length=70, blank=True)
    name50 = models.CharField(_("nombre de 50 caracteres"), max_length=50, blank=True)
    short_name = models.CharField(_("nombre corto"), max_length=25, blank=True)

    OWNERS = _NAMED_OWNERS

    class Meta:
        verbose_name = _("denominación anterior")
        verbose_name_plural = _("denominaciones anteriores")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(_NAMED_OWNERS), name="nombre_anterior_un_objeto"),
            models.CheckConstraint(condition=Q(valid_to__isnull=False),
                                   name="nombre_anterior_cerrado"),
        ]

    def __str__(self) -> str:
        return self.name


def _number_key(number: int | None, qualifier: str = "") -> tuple[int, str]:
    return (number or 0, (qualifier or "").strip().upper())


class Tramo(Vigencia):
    """Section × unidad poblacional × vía (or pseudovía) × postal code × number range.

    A tramo with neither vía nor pseudovía (CVIA = CPSVIA = 00000 in INE's files) numbers
    the unidad poblacional itself (design, fichero 5, observación 6)."""

    seccion = models.ForeignKey(Seccion, verbose_name=_("sección"),
                                on_delete=models.PROTECT, related_name="tramos")
    nucleo = models.ForeignKey(Nucleo, verbose_name=_("núcleo"),
                               on_delete=models.PROTECT, related_name="tramos")
    via = models.ForeignKey(Via, verbose_name=_("vía"),
                            null=True, blank=True, on_delete=models.PROTECT,
                            related_name="tramos")
    pseudovia = models.ForeignKey(Pseudovia, verbose_name=_("pseudovía"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="tramos")
    manzana = models.CharField(_("manzana catastral"), max_length=12, blank=True)
    postal_code = models.CharField(_("código postal"), max_length=5)
    numbering = models.CharField(_("tipo de numeración"), max_length=1,
                                 choices=TipoNumeracion.choices)
    number_from = models.PositiveSmallIntegerField(_("desde número"), default=0)
    qualifier_from = models.CharField(_("calificador inferior"), max_length=1, blank=True)
    number_to = models.PositiveSmallIntegerField(_("hasta número"), default=0)
    qualifier_to = models.CharField(_("calificador superior"), max_length=1, blank=True)

    class Meta:
        verbose_name = _("tramo")
        verbose_name_plural = _("tramos")
        ordering = ["via__code", "numbering", "number_from"]
        indexes = [models.Index(fields=["via", "numbering"])]

    def __str__(self) -> str:
        where = self.via or self.pseudovia or self.nucleo
        return f"{where} {self.get_numbering_display()} " \
               f"{self.number_from}{self.qualifier_from}-{self.number_to}{self.qualifier_to}"

    def clean(self) -> None:
        # Neither vía nor pseudovía is legal: the numbering belongs to the núcleo.
        if self.numbering != TipoNumeracion.SIN_NUMERACION:
            if _number_key(self.number_from, self.qualifier_from) > \
                    _number_key(self.number_to, self.qualifier_to):
                raise ValidationError(_("El extremo inferior del tramo supera al superior."))
            parity = 1 if self.numbering == TipoNumeracion.IMPAR else 0
            if self.number_from % 2 != parity or self.number_to % 2 != parity:
                raise ValidationError(_("Los extremos del tramo no tienen la paridad del tramo."))

    def contains(self, number: int | None, qualifier: str = "") -> bool:
        if self.numbering == TipoNumeracion.SIN_NUMERACION:
            return not number
        if not number:
            return False
        parity = 1 if self.numbering == TipoNumeracion.IMPAR else 0
        if number % 2 != parity:
            return False
        key = _number_key(number, qualifier)
        return _number_key(self.number_from, self.qualifier_from) <= key <= \
            _number_key(self.number_to, self.qualifier_to)


class Domicilio(models.Model):
    """An address (dwelling or premises) on a vía, inside one of its tramos."""

    via = models.ForeignKey(Via, verbose_name=_("vía"),
                            null=True, blank=True, on_delete=models.PROTECT,
                            related_name="domicilios")
    pseudovia = models.ForeignKey(Pseudovia, verbose_name=_("pseudovía"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="domicilios")
    tramo = models.ForeignKey(Tramo, verbose_name=_("tramo"),
                              on_delete=models.PROTECT, related_name="domicilios")
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    qualifier = models.CharField(_("calificador"), max_length=1, blank=True)
    number_to = models.PositiveSmallIntegerField(_("número superior"), null=True, blank=True)
    qualifier_to = models.CharField(_("calificador superior"), max_length=1, blank=True)
    km = models.PositiveSmallIntegerField(_("kilómetro"), null=True, blank=True)
    hm = models.PositiveSmallIntegerField(_("hectómetro"), null=True, blank=True)
    bloque = models.CharField(_("bloque"), max_length=2, blank=True)
    portal = models.CharField(_("portal"), max_length=2, blank=True)
    escalera = models.CharField(_("escalera"), max_length=2, blank=True)
    planta = models.CharField(_("planta"), max_length=3, blank=True)
    puerta = models.CharField(_("puerta"), max_length=4, blank=True)
    tipo_local = models.CharField(_("tipo de local"), max_length=1, blank=True)
    referencia_catastral = models.CharField(_("referencia catastral"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        verbose_name = _("domicilio")
        verbose_name_plural = _("domicilios")
        ordering = ["via__code", "number", "qualifier", "bloque", "escalera", "planta", "puerta"]
        constraints = [
            models.UniqueConstraint(
                fields=["via", "pseudovia", "number", "qualifier", "km", "hm", "bloque", "portal",
                        "escalera", "planta", "puerta"],
                name="domicilio_unique", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, date: datetime.date | None = None) -> str:
        """The address as written on a certificate, with the street name valid on `date`."""
        date = date or timezone.localdate()
        if self.via_id:
            name = self.via.name_on(date)
            street = str(name) if name else self.via.code
        elif self.pseudovia_id:
            street = self.pseudovia.name_on(date)
        else:  # numbered in its unidad poblacional
            street = self.tramo.nucleo.name_on(date)
        parts = [street]
        if self.number:
            parts.append(f"{self.number}{self.qualifier}")
        if self.km is not None:
            parts.append(f"km {self.km},{self.hm or 0}")
        for label, value in ((_("Bl."), self.bloque), (_("Portal"), self.portal),
                             (_("Esc."), self.escalera), (_("Planta"), self.planta),
                             (_("Pta."), self.puerta)):
            if value:
                parts.append(f"{label} {value}")
        return ", ".join(str(p) for p in parts)
