"""Entities (tenants), their domains, the service catalogue, adhesions, users and memberships.

Everything here lives in the public schema: it is what the Diputación administers.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.postgresql_backend.base import _check_schema_name

from tenants.choices import (
    AdhesionState,
    Application,
    DeliveryState,
    EntityKind,
    MembershipRole,
    Office,
    Wording,
)
from tenants.validators import (
    validate_cif,
    validate_dir3,
    validate_hostname,
    validate_ine_code,
    validate_postal_code,
    validate_public_base_url,
)


class User(AbstractUser):
    """A person who works in the platform: clerk, user administrator, provincial staff.

    One account for every entity the person serves (see Membership). Citizens are not
    users: the sede identifies them per request.
    """

    nif = models.CharField(_("NIF"), max_length=9, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    is_support_agent = models.BooleanField(
        _("agente de soporte"), default=False,
        help_text=_("Atiende el gestor de incidencias provincial."),
    )
    can_send_communications = models.BooleanField(
        _("remitente autorizado de la lista de distribución"), default=False,
        help_text=_("Puede enviar comunicaciones a las entidades de la provincia."),
    )
    session_epoch = models.PositiveIntegerField(_("generación de sesiones"),
        default=0, editable=False,
        help_text=_("Se incrementa para cerrar todas las sesiones del usuario."))

    class Meta(AbstractUser.Meta):
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        ordering = ["last_name", "first_name", "username"]
        swappable = "AUTH_USER_MODEL"

    @property
    def is_provincial_admin(self) -> bool:
        return self.is_active and self.is_staff

    @property
    def display_name(self) -> str:
        """The name people read: the full name, or the username when there is none."""
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None) -> str:
        # Sessions are bound to the password (Django) and to session_epoch: bumping it
        # logs the user out everywhere ("cerrar todas las sesiones").
        return salted_hmac("tenants.User.session", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


# The article of an entity's name in a Spanish sentence, from the noun it starts with (in
# Spanish or Valencian): "el Ajuntament", "la Mancomunitat", "la Diputación".
ENTITY_NAME_ARTICLES = {
    "ajuntament": "el", "ayuntamiento": "el", "consell": "el", "consorci": "el",
    "consorcio": "el", "mancomunitat": "la", "mancomunidad": "la", "diputación": "la",
    "diputació": "la", "diputacion": "la", "entidad": "la", "entitat": "la",
}


class EntityQuerySet(models.QuerySet):
    def adhered(self) -> EntityQuerySet:
        """Entities of the province (everything but the Diputación itself)."""
        return self.exclude(kind=EntityKind.DIPUTACION)


class Entity(TenantMixin):
    """A local entity adhered to the provincial services, with its own PostgreSQL schema.

    The Diputación itself is the entity of the public schema.
    """

    # TenantMixin's field, as it defines it, with a Spanish name for the admin.
    schema_name = models.CharField(_("esquema de la base de datos"), max_length=63, unique=True,
                                   db_index=True, validators=[_check_schema_name])
    name = models.CharField(_("nombre"), max_length=200)
    slug = models.SlugField(_("identificador"), max_length=63, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=EntityKind.choices)
    ine_code = models.CharField(
        _("código INE"), max_length=6, blank=True, validators=[validate_ine_code],
        help_text=_("Provincia, municipio y dígito de control (p. ej. 030149)."),
    )
    dir3_code = models.CharField(_("código DIR3"), max_length=9, unique=True,
                                 validators=[validate_dir3])
    cif = models.CharField(_("CIF"), max_length=9, unique=True, validators=[validate_cif])
    province = models.CharField(_("provincia"), max_length=60)
    comarca = models.CharField(_("comarca"), max_length=100, blank=True)
    parent_municipality = models.ForeignKey(
        "self", verbose_name=_("municipio al que pertenece"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="minor_entities",
        limit_choices_to={"kind": EntityKind.AYUNTAMIENTO},
        help_text=_("Solo para entidades locales menores."),
    )
    members = models.ManyToManyField(
        "self", verbose_name=_("ayuntamientos miembros"), blank=True, symmetrical=False,
        related_name="mancomunidades", limit_choices_to={"kind": EntityKind.AYUNTAMIENTO},
        help_text=_("Solo para mancomunidades."),
    )
    address = models.CharField(_("dirección postal"), max_length=200, blank=True)
    postal_code = models.CharField(_("código postal"), max_length=5, blank=True,
                                   validators=[validate_postal_code],
                                   help_text=_("El de Correos (p. ej. 03420), no el código INE."))
    email = models.EmailField(_("correo electrónico oficial"), blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    website = models.URLField(_("web"), blank=True)
    public_base_url = models.CharField(
        _("dirección pública de la entidad"), max_length=200, blank=True,
        validators=[validate_public_base_url],
        help_text=_("Protocolo, dominio y puerto con los que se llega a la sede y al portal "
                    "(p. ej. https://sede.castalla.es). Es la base de los enlaces y códigos QR "
                    "de verificación que llevan los documentos. Vacía: el dominio principal "
                    "con el protocolo y el puerto de la instalación."))
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("alta"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    # Schemas are made by tenants.provisioning (clone or spare rename), never on save.
    auto_create_schema = False

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ine_code"], condition=Q(kind="ayuntamiento"),
                name="entity_unique_ine_code_per_ayuntamiento",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        self.public_base_url = (self.public_base_url or "").strip().rstrip("/")
        if self.kind == EntityKind.AYUNTAMIENTO:
            if not self.ine_code:
                errors.setdefault("ine_code", []).append(
                    _("Un ayuntamiento necesita su código INE."))
            elif (self.dir3_code and self.dir3_code.startswith("L01")
                  and self.dir3_code[3:] != self.ine_code):
                errors.setdefault("dir3_code", []).append(
                    _("El DIR3 de un ayuntamiento es L01 seguido de su código INE: L01%(ine)s.")
                    % {"ine": self.ine_code})
        if (self.postal_code and self.ine_code and len(self.postal_code) == 5
                and self.postal_code[:2] != self.ine_code[:2]):
            errors.setdefault("postal_code", []).append(
                _("El código postal de una entidad de la provincia %(province)s empieza por "
                  "%(province)s.") % {"province": self.ine_code[:2]})
        if self.kind == EntityKind.ELM and not self.parent_municipality_id:
            errors.setdefault("parent_municipality", []).append(
                _("Indique el municipio al que pertenece la entidad local menor."))
        if self.kind != EntityKind.ELM and self.parent_municipality_id:
            errors.setdefault("parent_municipality", []).append(
                _("Solo una entidad local menor pertenece a un municipio."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_diputacion(self) -> bool:
        return self.kind == EntityKind.DIPUTACION

    @property
    def name_with_article(self) -> str:
        """The name as a Spanish sentence uses it: "el Ajuntament de Castalla", "la
        Mancomunitat de l'Alcoià i el Comtat"; a bare place name ("Castalla") takes none."""
        first_word = self.name.split(" ", 1)[0].casefold()
        article = ENTITY_NAME_ARTICLES.get(first_word)
        return f"{article} {self.name}" if article else self.name

    @property
    def name_after_de(self) -> str:
        """ "del Ajuntament de Castalla", "de la Mancomunitat…", "de Castalla"."""
        name = self.name_with_article
        return f"del {name[3:]}" if name.startswith("el ") else f"de {name}"

    @property
    def name_after_a(self) -> str:
        """ "al Ajuntament de Castalla", "a la Mancomunitat…", "a Castalla"."""
        name = self.name_with_article
        return f"al {name[3:]}" if name.startswith("el ") else f"a {name}"

    def population(self, year: int | None = None) -> int | None:
        """Official population of `year` (or the latest one known)."""
        figures = self.populations.all()
        if year is not None:
            figures = figures.filter(year=year)
        figure = figures.order_by("-year").first()
        return figure.population if figure else None

    def primary_domain(self) -> str | None:
        """The primary host; uses prefetched domains when the caller prefetched them."""
        domains = list(self.domains.all())
        primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
        return primary.domain if primary else None

    def public_url(self, path: str = "/") -> str:
        """Absolute URL of `path` where people reach the entity (documents, QR codes,
        e-mails): `public_base_url`, or else PUBLIC_URL_SCHEME://<primary domain>, with
        PUBLIC_URL_PORT when set (the development server's port)."""
        base = self.public_base_url.strip().rstrip("/")
        if not base:
            domain = self.primary_domain()
            if not domain:
                raise ImproperlyConfigured(f"entity {self.schema_name} has no domain")
            scheme = settings.PUBLIC_URL_SCHEME
            port = settings.PUBLIC_URL_PORT
            default_port = 443 if scheme == "https" else 80
            base = f"{scheme}://{domain}" + (f":{port}" if port and port != default_port else "")
        return base + (path if path.startswith("/") else f"/{path}")


class EntityPopulation(models.Model):
    """Official population figure of an entity at 1 January of a year (Real Decreto anual)."""

    entity = models.ForeignKey(Entity, verbose_name=_("entidad"),
                               on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("año"))
    population = models.PositiveIntegerField(_("población oficial"))

    class Meta:
        verbose_name = _("cifra oficial de población")
        verbose_name_plural = _("cifras oficiales de población")
        ordering = ["entity", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="population_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.year}: {self.population}"


class Domain(DomainMixin):
    """A host name that routes to an entity (e.g. alcoi.localhost, sede.alcoi.es)."""

    # DomainMixin's fields, as it defines them, with Spanish names for the admin.
    domain = models.CharField(_("dominio"), max_length=253, unique=True, db_index=True)
    tenant = models.ForeignKey(settings.TENANT_MODEL, verbose_name=_("entidad"), db_index=True,
                               related_name="domains", on_delete=models.CASCADE)
    is_primary = models.BooleanField(_("principal"), default=True, db_index=True)

    class Meta:
        verbose_name = _("dominio")
        verbose_name_plural = _("dominios")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        self.domain = (self.domain or "").strip().lower()
        validate_hostname(self.domain)


class Service(models.Model):
    """A service of the provincial catalogue and who may adhere to it.

    Population thresholds apply to ayuntamientos (the seeds state them for
    "ayuntamientos de menos de N habitantes"); other kinds are eligible by kind alone.
    """

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name = models.CharField(_("nombre"), max_length=150)
    description = models.TextField(_("descripción"), blank=True)
    applications = ArrayField(
        models.CharField(max_length=20, choices=Application.choices),
        verbose_name=_("aplicaciones que habilita"), default=list, blank=True,
    )
    eligible_kinds = ArrayField(
        models.CharField(max_length=20, choices=EntityKind.choices),
        verbose_name=_("tipos de entidad beneficiarios"), default=list,
    )
    min_population = models.PositiveIntegerField(
        _("población mínima"), null=True, blank=True,
        help_text=_("Ayuntamientos con al menos esta población."))
    max_population = models.PositiveIntegerField(
        _("población máxima (excluida)"), null=True, blank=True,
        help_text=_("Ayuntamientos de menos de esta población."))
    requires_acceptance_document = models.BooleanField(
        _("exige aceptación firmada por la alcaldía"), default=True)
    is_active = models.BooleanField(_("en catálogo"), default=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        verbose_name = _("servicio")
        verbose_name_plural = _("catálogo de servicios")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def eligibility_problem(self, entity: Entity) -> str | None:
        """Why `entity` may not adhere to this service, or None if it may."""
        if entity.kind not in self.eligible_kinds:
            return str(_("El servicio «%(service)s» no se presta a entidades del tipo «%(kind)s».")
                       % {"service": self.name, "kind": entity.get_kind_display()})
        if entity.kind != EntityKind.AYUNTAMIENTO:
            return None
        if self.min_population is None and self.max_population is None:
            return None
        population = entity.population()
        if population is None:
            return str(_("No consta la cifra oficial de población %(de_entity)s.")
                       % {"de_entity": entity.name_after_de})
        if self.max_population is not None and population >= self.max_population:
            return str(_("«%(service)s» es para ayuntamientos de menos de %(limit)s habitantes; "
                         "%(entity)s tiene %(population)s.")
                       % {"service": self.name, "limit": f"{self.max_population:,}".replace(",", "."),
                          "entity": entity.name, "population": f"{population:,}".replace(",", ".")})
        if self.min_population is not None and population < self.min_population:
            return str(_("«%(service)s» es para ayuntamientos de %(limit)s habitantes o más; "
                         "%(entity)s tiene %(population)s.")
                       % {"service": self.name, "limit": f"{self.min_population:,}".replace(",", "."),
                          "entity": entity.name, "population": f"{population:,}".replace(",", ".")})
        return None


def acceptance_upload_to(instance: Adhesion, filename: str) -> str:
    return f"adhesiones/{instance.entity.schema_name}/{instance.service.code}-{filename}"


class Adhesion(models.Model):
    """An entity's adhesion (convenio) to a service: requested, approved, withdrawn."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="adhesions",
                               verbose_name=_("entidad"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="adhesions",
                                verbose_name=_("servicio"))
    state = models.CharField(_("estado"), max_length=12, choices=AdhesionState.choices,
                             default=AdhesionState.REQUESTED)
    acceptance_document = models.FileField(
        _("aceptación firmada por la alcaldía"), upload_to=acceptance_upload_to, blank=True)
    acceptance_sha256 = models.CharField(_("huella SHA-256 del documento"), max_length=64,
                                         blank=True)
    acceptance_signed_on = models.DateField(_("fecha de la firma"), null=True, blank=True)
    is_exception = models.BooleanField(_("excepción a los umbrales"), default=False)
    exception_justification = models.TextField(_("justificación de la excepción"), blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("excepción autorizada por"))
    notes = models.TextField(_("observaciones"), blank=True)
    requested_at = models.DateTimeField(_("solicitada"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("solicitada por"),
                                     null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("aprobada"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resuelta por"),
                                    null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("baja o denegación"), null=True, blank=True)
    end_reason = models.TextField(_("motivo de la baja o denegación"), blank=True)

    class Meta:
        verbose_name = _("adhesión")
        verbose_name_plural = _("adhesiones")
        ordering = ["entity__name", "service__order"]
        constraints = [
            # One live adhesion per entity and service; ended ones stay as history.
            models.UniqueConstraint(
                fields=["entity", "service"],
                condition=Q(state__in=[AdhesionState.REQUESTED, AdhesionState.APPROVED]),
                name="adhesion_one_live_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} · {self.service} ({self.get_state_display()})"


class Membership(models.Model):
    """A user's place in an entity: role and the applications granted by its user administrator."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships", verbose_name=_("usuario"))
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="memberships",
                               verbose_name=_("entidad"))
    role = models.CharField(_("perfil"), max_length=12, choices=MembershipRole.choices,
                            default=MembershipRole.CLERK)
    applications = ArrayField(
        models.CharField(max_length=20, choices=Application.choices),
        verbose_name=_("aplicaciones concedidas"), default=list, blank=True,
    )
    job_title = models.CharField(_("puesto"), max_length=120, blank=True)
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("pertenencia a entidad")
        verbose_name_plural = _("pertenencias a entidades")
        ordering = ["entity__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "entity"], name="membership_once_per_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity}"

    @property
    def is_user_admin(self) -> bool:
        return self.role == MembershipRole.USER_ADMIN


class OfficeHolderQuerySet(models.QuerySet):
    def for_entity(self, entity: Entity) -> OfficeHolderQuerySet:
        """The one way to reach an entity's office holders."""
        return self.filter(entity=entity)

    def on(self, date: datetime.date) -> OfficeHolderQuerySet:
        """Holders in office on `date` (both ends of a period included)."""
        return self.filter(Q(start_date__lte=date), Q(end_date__isnull=True) | Q(end_date__gte=date))

    def overlapping(self, start: datetime.date, end: datetime.date | None) -> OfficeHolderQuerySet:
        """Holders whose period shares at least one day with [start, end] (end None: open)."""
        rows = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return rows if end is None else rows.filter(start_date__lte=end)


class OfficeHolder(models.Model):
    """A person holding one of an entity's offices (alcaldía, secretaría-intervención…)
    from one date to another: the documents issued meanwhile name them, with the title of
    the office worded as they choose (tenants.offices)."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="office_holders",
                               verbose_name=_("entidad"))
    office = models.CharField(_("cargo"), max_length=30, choices=Office.choices)
    name = models.CharField(_("nombre y apellidos"), max_length=200)
    nif = models.CharField(_("NIF"), max_length=9, blank=True)
    wording = models.CharField(_("tratamiento"), max_length=10, choices=Wording.choices,
                               default=Wording.NEUTRAL)
    title = models.CharField(
        _("título propio"), max_length=120, blank=True,
        help_text=_("Solo si firma con otro título que el del cargo, con su artículo (p. ej. "
                    "«La Alcaldesa-Presidenta», «El Secretario accidental»)."))
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"), null=True, blank=True,
                                help_text=_("Vacío mientras sigue en el cargo."))
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    objects = OfficeHolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("cargo de la entidad")
        verbose_name_plural = _("cargos de la entidad")
        ordering = ["entity__name", "office", "-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True)
                                   | Q(end_date__gte=models.F("start_date")),
                                   name="office_holder_period_in_order"),
            # Overlaps are refused by tenants.actions under a lock; this catches the
            # common race (two open periods of one office) in the database as well.
            models.UniqueConstraint(fields=["entity", "office"],
                                    condition=Q(end_date__isnull=True),
                                    name="office_holder_one_open_period"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_office_display()}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class DistributionAddress(models.Model):
    """An official address an entity communicated for the provincial distribution list."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE,
                               related_name="distribution_addresses", verbose_name=_("entidad"))
    email = models.EmailField(_("dirección"))
    label = models.CharField(_("destinatario"), max_length=120, blank=True,
                             help_text=_("Alcaldía, Secretaría, Intervención…"))
    is_active = models.BooleanField(_("activa"), default=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("dirección de la lista de distribución")
        verbose_name_plural = _("lista de distribución")
        ordering = ["entity__name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "email"], name="distribution_address_once"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}: {self.email}"


class Communication(models.Model):
    """A message sent by an authorised sender to entities of the distribution list."""

    subject = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("texto"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="communications", verbose_name=_("remitente"))
    kinds = ArrayField(models.CharField(max_length=20, choices=EntityKind.choices),
                       verbose_name=_("tipos de entidad"), default=list, blank=True)
    comarcas = ArrayField(models.CharField(max_length=100), verbose_name=_("comarcas"),
                          default=list, blank=True)
    mancomunidad = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("miembros de la mancomunidad"))
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("adheridas al servicio"))
    job = models.OneToOneField("provincial.Job", verbose_name=_("trabajo de envío"),
                               null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="communication")
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("comunicación")
        verbose_name_plural = _("comunicaciones")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One recipient of a communication and what the SMTP server answered."""

    communication = models.ForeignKey(Communication, verbose_name=_("comunicación"),
                                      on_delete=models.CASCADE,
                                      related_name="deliveries")
    entity = models.ForeignKey(Entity, verbose_name=_("entidad"),
                               on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("dirección de correo"))
    state = models.CharField(_("estado"), max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    smtp_response = models.CharField(_("respuesta del servidor de correo"), max_length=500,
                                     blank=True)
    attempts = models.PositiveSmallIntegerField(_("intentos"), default=0)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrega")
        verbose_name_plural = _("entregas")
        ordering = ["entity__name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["communication", "email"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"


class LoginHandoff(models.Model):
    """A one-time ticket that carries a login from one entity's host to another's.

    Session cookies cannot cross hosts (sede.alcoi.es, sede.elx.es), so switching
    entity mints a ticket valid for a minute and for one entity only.
    """

    token_hash = models.CharField(_("huella del código"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("usuario"),
                             on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, verbose_name=_("entidad"),
                               on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(_("caduca"))
    used_at = models.DateTimeField(_("usado"), null=True, blank=True)
    # The second factor already verified on the origin host travels with the ticket.
    otp_device = models.CharField(_("dispositivo del segundo factor"), max_length=100, blank=True)

    HANDOFF_LIFETIME = datetime.timedelta(seconds=60)

    class Meta:
        verbose_name = _("traspaso de sesión entre entidades")
        verbose_name_plural = _("traspasos de sesión entre entidades")

    def __str__(self) -> str:
        return f"{self.user} → {self.entity}"


class ServiceAccountQuerySet(models.QuerySet):
    def for_entity(self, entity: Entity) -> ServiceAccountQuerySet:
        """The one way to reach an entity's service accounts."""
        return self.filter(entity=entity)

    def active(self) -> ServiceAccountQuerySet:
        return self.filter(revoked_at__isnull=True)


class ServiceAccount(models.Model):
    """A program of an entity (its tax software, a citizen-participation site, another
    municipal application) that calls the entity's REST API with a token.

    The token is scoped to one entity and to the applications named here (a subset of
    those the entity adheres to). Only its SHA-256 is stored: it is shown once, when the
    account is created (tenants.service_accounts). A revoked account keeps its row, so the
    audit trail still names it.
    """

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="service_accounts",
                               verbose_name=_("entidad"))
    name = models.CharField(_("nombre"), max_length=100,
                            help_text=_("Qué programa la usa (p. ej. «Gestión tributaria»)."))
    applications = ArrayField(
        models.CharField(max_length=20, choices=Application.choices),
        verbose_name=_("aplicaciones concedidas"), default=list, blank=True)
    token_hash = models.CharField(_("huella SHA-256 del token"), max_length=64, unique=True,
                                  editable=False)
    token_prefix = models.CharField(_("comienzo del token"), max_length=12, editable=False,
                                    help_text=_("Para reconocerlo; el resto no se guarda."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("creada por"))
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("revocada por"))
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)

    objects = ServiceAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("cuenta de servicio")
        verbose_name_plural = _("cuentas de servicio")
        ordering = ["entity__name", "name", "pk"]
        constraints = [
            # Two live accounts of one entity with the same name could not be told apart in
            # the audit trail.
            models.UniqueConstraint(fields=["entity", "name"], condition=Q(revoked_at__isnull=True),
                                    name="service_account_name_live_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.entity})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def display_name(self) -> str:
        """How the audit trail and the registro name whoever acted with this account."""
        return str(_("Cuenta de servicio «%(name)s»") % {"name": self.name})[:150]

    def application_labels(self) -> list[str]:
        return [str(Application(code).label) for code in self.applications
                if code in Application.values]
