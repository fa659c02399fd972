"""Signature circuits, the requests that go through them, and delegations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from expedientes.choices import Cargo, EstadoFirmante, EstadoPeticion


class CircuitoFirma(models.Model):
    """A signature circuit (e.g. técnico → secretario → alcalde). Steps with the same
    `orden` sign in parallel; a step starts when every step before it has signed."""

    name = models.CharField(_("nombre"), max_length=200, unique=True)
    description = models.TextField(_("descripción"), blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("circuito de firma")
        verbose_name_plural = _("circuitos de firma")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PasoCircuito(models.Model):
    """One signer of a circuit: a post (resolved on the day to its holder) or a user."""

    circuito = models.ForeignKey(CircuitoFirma, verbose_name=_("circuito"),
                                 on_delete=models.CASCADE, related_name="pasos")
    orden = models.PositiveSmallIntegerField(_("orden"))
    cargo = models.CharField(_("cargo"), max_length=30, choices=Cargo.choices)
    user_id = models.BigIntegerField(_("usuario (id)"), null=True, blank=True)
    user_name = models.CharField(_("usuario"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("paso del circuito")
        verbose_name_plural = _("pasos del circuito")
        ordering = ["circuito_id", "orden", "pk"]

    def __str__(self) -> str:
        return f"{self.orden}. {self.user_name or self.get_cargo_display()}"


class PeticionFirma(models.Model):
    """A document's passage through a circuit: who must sign, in which order, and how it
    ended. The signers are copied from the circuit when it starts (a later change of the
    circuit does not move a document already on its way)."""

    documento = models.ForeignKey("expedientes.Documento", verbose_name=_("documento"),
                                  on_delete=models.CASCADE, related_name="peticiones")
    circuito_name = models.CharField(_("circuito"), max_length=200, blank=True)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoPeticion.choices,
                              default=EstadoPeticion.EN_CURSO)
    created_by_id = models.BigIntegerField(_("enviada por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("enviada por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("enviada"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminada"), null=True, blank=True)
    # The document's state before it went to signature, restored when the request is
    # withdrawn (a rejection leaves it «firma rechazada» instead).
    documento_estado_previo = models.CharField(_("estado previo del documento"), max_length=20,
                                               blank=True)
    motivo_retirada = models.TextField(_("motivo de la retirada"), blank=True)

    class Meta:
        verbose_name = _("petición de firma")
        verbose_name_plural = _("peticiones de firma")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.documento} ({self.get_estado_display()})"


class Firmante(models.Model):
    """One signer of a request: whose turn, who signed (a delegate may sign for the
    holder during an absence), when, with which certificate; or why it was rejected."""

    peticion = models.ForeignKey(PeticionFirma, verbose_name=_("petición"),
                                 on_delete=models.CASCADE, related_name="firmantes")
    orden = models.PositiveSmallIntegerField(_("orden"))
    cargo = models.CharField(_("cargo"), max_length=30, choices=Cargo.choices)
    user_id = models.BigIntegerField(_("firmante (id)"))
    user_name = models.CharField(_("firmante"), max_length=150)
    estado = models.CharField(_("estado"), max_length=20, choices=EstadoFirmante.choices,
                              default=EstadoFirmante.EN_ESPERA)
    signed_by_id = models.BigIntegerField(_("firmado por (id)"), null=True, blank=True)
    signed_by_name = models.CharField(_("firmado por"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("firmado"), null=True, blank=True)
    certificate_subject = models.CharField(_("certificado"), max_length=300, blank=True)
    certificate_serial = models.CharField(_("número de serie del certificado"), max_length=64,
                                          blank=True)
    # The delegation under which someone other than the signer signed (None: the signer).
    delegacion = models.ForeignKey("expedientes.Delegacion", verbose_name=_("delegación"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="firmas")
    # SHA-256 of the document's bytes after this signature (its incremental revision).
    sha256_firmado = models.CharField(_("huella SHA-256 tras la firma"), max_length=64,
                                      blank=True)
    motivo_rechazo = models.TextField(_("motivo del rechazo"), blank=True)

    class Meta:
        verbose_name = _("firmante")
        verbose_name_plural = _("firmantes")
        ordering = ["peticion_id", "orden", "pk"]
        indexes = [models.Index(fields=["user_id", "estado"], name="firmante_bandeja_idx")]

    def __str__(self) -> str:
        return f"{self.orden}. {self.user_name}"

    @property
    def certificate_name(self) -> str:
        """The certificate's common name («MARTA BORONAT CLIMENT - 25055062N»), read from
        the stored subject (RFC 4514, where other attributes show as OIDs)."""
        for part in self.certificate_subject.split(","):
            key, _sep, value = part.partition("=")
            if key.strip().upper() in ("CN", "2.5.4.3"):
                return value.strip()
        return self.certificate_subject

    @property
    def is_delegated(self) -> bool:
        """Signed by a delegate in the signer's place."""
        return self.signed_by_id is not None and self.signed_by_id != self.user_id


class Delegacion(models.Model):
    """During an absence (from `desde` to `hasta`, both included), `delegado` signs
    what reaches `titular`'s inbox, in the titular's place and saying so."""

    titular_id = models.BigIntegerField(_("titular (id)"))
    titular_name = models.CharField(_("titular"), max_length=150)
    delegado_id = models.BigIntegerField(_("delegado (id)"))
    delegado_name = models.CharField(_("delegado"), max_length=150)
    desde = models.DateField(_("desde"))
    hasta = models.DateField(_("hasta"))
    motivo = models.CharField(_("motivo"), max_length=250, blank=True)
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    class Meta:
        verbose_name = _("delegación de firma")
        verbose_name_plural = _("delegaciones de firma")
        ordering = ["-desde", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(hasta__gte=models.F("desde")),
                                              name="expedientes_delegacion_periodo")]

    def __str__(self) -> str:
        return f"{self.titular_name} → {self.delegado_name}"

    def is_active_on(self, date) -> bool:
        """In force on `date` (not revoked, within its period)."""
        return self.revoked_at is None and self.desde <= date <= self.hasta
