"""The registro de entrada y salida of an entity (Ley 39/2015, art. 16)."""

from __future__ import annotations

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registro import busqueda
from registro.choices import (
    AmbitoFestivo,
    Canal,
    EstadoAsiento,
    EstadoIntercambio,
    Libro,
    TipoDocumental,
    TipoDocumento,
    TipoPersona,
    Validez,
)

# DIR3 codes: one or two letters for the kind of body (E state, A autonomous community,
# L local entity, LA local unit, GE management unit, O office…) and digits, 9 in all.
DIR3_REGEX = r"^(?=.{9}$)[A-Z]{1,2}[0-9]{7,8}$"
dir3_validator = RegexValidator(
    DIR3_REGEX, _("El código DIR3 tiene 9 caracteres: una o dos letras y cifras "
                  "(p. ej. L01030020 o LA0001234)."))


class AsientoDeleteRefused(Exception):
    """Asientos are never deleted (Ley 39/2015, art. 16): they are annulled."""


class UnidadOrganica(models.Model):
    """A unit of the entity's organigram, identified by its DIR3 code."""

    nombre = models.CharField(_("nombre"), max_length=200)
    codigo_dir3 = models.CharField(_("código DIR3"), max_length=9, unique=True,
                                   validators=[dir3_validator])
    padre = models.ForeignKey("self", verbose_name=_("unidad superior"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="hijas")
    activa = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("unidad orgánica")
        verbose_name_plural = _("unidades orgánicas")
        ordering = ["nombre"]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.codigo_dir3})"


class Festivo(models.Model):
    """A holiday of the entity's calendar: not a working day for deadlines (art. 30 LPAC)."""

    fecha = models.DateField(_("fecha"), unique=True)
    descripcion = models.CharField(_("descripción"), max_length=120)
    ambito = models.CharField(_("ámbito"), max_length=12, choices=AmbitoFestivo.choices)

    class Meta:
        verbose_name = _("día festivo")
        verbose_name_plural = _("días festivos")
        ordering = ["fecha"]

    def __str__(self) -> str:
        return f"{self.fecha:%d/%m/%Y} {self.descripcion}"


class ContadorRegistro(models.Model):
    """The last number given in a book and year; locked FOR UPDATE by each new asiento."""

    libro = models.CharField(_("libro"), max_length=1, choices=Libro.choices)
    year = models.PositiveSmallIntegerField(_("año"))
    ultimo = models.PositiveIntegerField(_("último número"), default=0)

    class Meta:
        verbose_name = _("contador del registro")
        verbose_name_plural = _("contadores del registro")
        ordering = ["-year", "libro"]
        constraints = [models.UniqueConstraint(fields=["libro", "year"],
                                               name="registro_contador_unico")]

    def __str__(self) -> str:
        return f"{self.year}/{self.libro}: {self.ultimo}"


class AsientoQuerySet(models.QuerySet):
    def delete(self):
        raise AsientoDeleteRefused("los asientos registrales no se borran; se anulan")


class Asiento(models.Model):
    """An entry in the libro de entrada or de salida. Never deleted: annulled with a reason."""

    libro = models.CharField(_("libro"), max_length=1, choices=Libro.choices)
    year = models.PositiveSmallIntegerField(_("año"))
    numero = models.PositiveIntegerField(_("número"))
    numero_registro = models.CharField(_("número de registro"), max_length=20, unique=True)
    fecha_presentacion = models.DateTimeField(_("fecha y hora de presentación"))
    fecha_computo = models.DateTimeField(
        _("fecha de cómputo"),
        help_text=_("Desde cuándo cuentan los plazos (art. 31.2.b Ley 39/2015)."))
    canal = models.CharField(_("canal"), max_length=12, choices=Canal.choices)
    asunto = models.CharField(_("asunto"), max_length=240)
    resumen = models.CharField(_("resumen"), max_length=240)
    expone = models.TextField(_("expone"), blank=True)
    solicita = models.TextField(_("solicita"), blank=True)
    unidad = models.ForeignKey(UnidadOrganica, verbose_name=_("unidad"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="asientos",
                               help_text=_("Destino de una entrada u origen de una salida."))
    organismo_externo = models.CharField(
        _("organismo externo"), max_length=200, blank=True,
        help_text=_("Destinatario de una salida u origen de un intercambio SIR."))
    organismo_externo_dir3 = models.CharField(_("DIR3 del organismo externo"), max_length=21,
                                              blank=True)
    procedimiento = models.CharField(_("procedimiento"), max_length=80, blank=True)
    # How the person who submitted it at the sede was identified (Cl@ve, certificate…) and
    # the level of assurance (bajo, sustancial, alto); empty for other channels.
    metodo_identificacion = models.CharField(_("método de identificación"), max_length=20,
                                             blank=True)
    nivel_identificacion = models.CharField(_("nivel de identificación"), max_length=12,
                                            blank=True)
    es_factura = models.BooleanField(_("factura"), default=False)
    estado = models.CharField(_("estado"), max_length=12, choices=EstadoAsiento.choices,
                              default=EstadoAsiento.REGISTRADO)
    motivo_anulacion = models.TextField(_("motivo de la anulación"), blank=True)
    anulado_por_id = models.BigIntegerField(_("anulado por (id)"), null=True, blank=True)
    anulado_por_nombre = models.CharField(_("anulado por"), max_length=150, blank=True)
    anulado_en = models.DateTimeField(_("anulado el"), null=True, blank=True)
    # SIR exchange (SICRES 3.0).
    estado_intercambio = models.CharField(_("estado del intercambio"), max_length=16,
                                          choices=EstadoIntercambio.choices, blank=True,
                                          default=EstadoIntercambio.NINGUNO)
    identificador_intercambio = models.CharField(_("identificador de intercambio"),
                                                 max_length=33, blank=True)
    numero_registro_origen = models.CharField(_("número de registro de origen"),
                                              max_length=20, blank=True)
    fecha_registro_origen = models.DateTimeField(_("fecha de registro en origen"), null=True,
                                                 blank=True)
    intercambio_detalle = models.CharField(_("detalle del intercambio"), max_length=1024,
                                           blank=True)
    destino_sir_dir3 = models.CharField(_("entidad registral de destino (SIR)"), max_length=21,
                                        blank=True)
    destino_sir_nombre = models.CharField(_("destino (SIR)"), max_length=80, blank=True)
    unidad_destino_sir_dir3 = models.CharField(_("unidad de tramitación de destino (SIR)"),
                                               max_length=21, blank=True)
    idempotency_key = models.CharField(_("clave de idempotencia"), max_length=100, null=True,
                                       blank=True, unique=True)
    # Folded copies for full-text search (registro.busqueda), written with the asiento:
    # its texts and its interesados never change after registration. The database
    # default lets processes still running older code insert while the migration rolls
    # out (their rows are found by number and date until `busqueda.rellenar` runs).
    busqueda_texto = models.TextField(_("texto para buscar"), editable=False, blank=True, default="",
                                      db_default="")
    busqueda_interesados = models.TextField(_("interesados para buscar"), editable=False,
                                            blank=True, default="", db_default="")
    # Users live in the public schema: kept by id and name, as IssuedDocument does.
    created_by_id = models.BigIntegerField(_("registrado por (id)"), null=True, blank=True)
    created_by_name = models.CharField(_("registrado por"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("creado"), default=timezone.now)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    objects = AsientoQuerySet.as_manager()

    class Meta:
        verbose_name = _("asiento registral")
        verbose_name_plural = _("asientos registrales")
        ordering = ["-fecha_presentacion", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["libro", "year", "numero"],
                                    name="registro_asiento_numero_unico"),
            models.CheckConstraint(condition=Q(numero__gte=1), name="registro_numero_positivo"),
            models.CheckConstraint(
                condition=~Q(estado=EstadoAsiento.ANULADO) | ~Q(motivo_anulacion=""),
                name="registro_anulacion_con_motivo"),
        ]
        indexes = [
            models.Index(fields=["-fecha_presentacion"], name="registro_asiento_fecha_idx"),
            models.Index(fields=["identificador_intercambio"], name="registro_intercambio_idx"),
            models.Index(fields=["numero"], name="registro_asiento_numero_idx"),
            GinIndex(busqueda.vector("busqueda_texto"), name="registro_texto_fts"),
            GinIndex(busqueda.vector("busqueda_interesados"),
                     name="registro_interesados_fts"),
        ]

    def __str__(self) -> str:
        return self.numero_registro

    def delete(self, *args, **kwargs):
        raise AsientoDeleteRefused("los asientos registrales no se borran; se anulan")

    @staticmethod
    def format_numero(year: int, libro: str, numero: int) -> str:
        return f"{year}/{libro}/{numero:06d}"

    @property
    def is_anulado(self) -> bool:
        return self.estado == EstadoAsiento.ANULADO

    # The sede's identification methods and eIDAS levels, as the registro prints them (the
    # registro does not import the sede, which builds on it).
    METODOS_IDENTIFICACION = {"clave": _("Cl@ve"), "certificado": _("certificado electrónico"),
                              "desarrollo": _("método de desarrollo")}
    NIVELES_IDENTIFICACION = {"bajo": _("bajo"), "sustancial": _("sustancial"),
                              "alto": _("alto")}

    @property
    def identificacion_display(self) -> str:
        """«Cl@ve, nivel sustancial», or "" when not submitted at the sede."""
        if not self.metodo_identificacion:
            return ""
        metodo = self.METODOS_IDENTIFICACION.get(self.metodo_identificacion,
                                                 self.metodo_identificacion)
        nivel = self.NIVELES_IDENTIFICACION.get(self.nivel_identificacion,
                                                self.nivel_identificacion)
        return str(_("%(metodo)s, nivel de seguridad %(nivel)s") % {"metodo": metodo,
                                                                    "nivel": nivel}
                   if nivel else metodo)

    @property
    def interesado_principal(self) -> Interesado | None:
        for interesado in self.interesados.all():
            if not interesado.es_representante:
                return interesado
        return None


class Interesado(models.Model):
    """A person or body the asiento is about, or their representative."""

    asiento = models.ForeignKey(Asiento, verbose_name=_("asiento"),
                                on_delete=models.PROTECT, related_name="interesados")
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    es_representante = models.BooleanField(_("representante"), default=False)
    tipo = models.CharField(_("tipo de persona"), max_length=10, choices=TipoPersona.choices)
    tipo_documento = models.CharField(_("tipo de documento"), max_length=1,
                                      choices=TipoDocumento.choices)
    documento = models.CharField(_("documento"), max_length=17, db_index=True)
    nombre = models.CharField(_("nombre"), max_length=80, blank=True)
    apellido1 = models.CharField(_("primer apellido"), max_length=80, blank=True)
    apellido2 = models.CharField(_("segundo apellido"), max_length=80, blank=True)
    razon_social = models.CharField(_("razón social"), max_length=200, blank=True)
    email = models.EmailField(_("correo electrónico"), max_length=160, blank=True)
    telefono = models.CharField(_("teléfono"), max_length=20, blank=True)
    direccion = models.CharField(_("dirección"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("interesado")
        verbose_name_plural = _("interesados")
        ordering = ["asiento", "orden"]
        indexes = [
            # Searching by the start of a document number (LIKE 'X12%'), whatever the
            # database's collation.
            models.Index(fields=["documento"], name="registro_documento_like",
                         opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.nombre_completo} ({self.documento})"

    @property
    def nombre_completo(self) -> str:
        if self.tipo == TipoPersona.JURIDICA:
            return self.razon_social
        return " ".join(p for p in (self.nombre, self.apellido1, self.apellido2) if p)


def anexo_upload_to(instance: Anexo, filename: str) -> str:
    # Under the schema name, so an entity's files are backed up or removed with it; the
    # stored name is random, the citizen's file name is kept in the row.
    return f"registro/{connection.schema_name}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Anexo(models.Model):
    """A file attached to an asiento, stored with its SHA-256."""

    asiento = models.ForeignKey(Asiento, verbose_name=_("asiento"),
                                on_delete=models.PROTECT, related_name="anexos")
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    fichero = models.FileField(_("fichero"), upload_to=anexo_upload_to, max_length=255)
    nombre = models.CharField(_("nombre del fichero"), max_length=200)
    mime = models.CharField(_("tipo MIME"), max_length=100)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"))
    sha256 = models.CharField(_("huella SHA-256"), max_length=64)
    tipo_documental = models.CharField(_("tipo documental"), max_length=2,
                                       choices=TipoDocumental.choices,
                                       default=TipoDocumental.ADJUNTO)
    validez = models.CharField(_("validez"), max_length=2, choices=Validez.choices,
                               default=Validez.COPIA)
    created_at = models.DateTimeField(_("creado"), default=timezone.now)

    class Meta:
        verbose_name = _("anexo")
        verbose_name_plural = _("anexos")
        ordering = ["asiento", "orden"]
        constraints = [models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                                              name="registro_anexo_sha256")]

    def __str__(self) -> str:
        return self.nombre


class Distribucion(models.Model):
    """Each time an asiento was sent to a unit to be dealt with."""

    asiento = models.ForeignKey(Asiento, verbose_name=_("asiento"),
                                on_delete=models.PROTECT, related_name="distribuciones")
    unidad = models.ForeignKey(UnidadOrganica, verbose_name=_("unidad"), on_delete=models.PROTECT,
                               related_name="distribuciones")
    usuario_id = models.BigIntegerField(_("usuario"), null=True, blank=True)
    usuario_nombre = models.CharField(_("usuario"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("distribución")
        verbose_name_plural = _("distribuciones")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.asiento} → {self.unidad}"


class HistorialIntercambio(models.Model):
    """Each change of state of an asiento's SIR exchange, with when and who."""

    asiento = models.ForeignKey(Asiento, verbose_name=_("asiento"),
                                on_delete=models.PROTECT, related_name="historial_sir")
    estado_anterior = models.CharField(_("estado anterior"), max_length=16, blank=True,
                                       choices=EstadoIntercambio.choices)
    estado = models.CharField(_("estado"), max_length=16, choices=EstadoIntercambio.choices)
    detalle = models.CharField(_("detalle"), max_length=1024, blank=True)
    usuario_nombre = models.CharField(_("usuario"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("fecha"), default=timezone.now)

    class Meta:
        verbose_name = _("cambio de estado del intercambio")
        verbose_name_plural = _("historial del intercambio")
        ordering = ["asiento", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.asiento} {self.estado_anterior} → {self.estado}"


def recibido_upload_to(instance: IntercambioRecibido, filename: str) -> str:
    return f"registro/{connection.schema_name}/sir/{timezone.now():%Y/%m}/{instance.sha256}.xml"


class IntercambioRecibido(models.Model):
    """A SICRES 3.0 file that arrived (inbox or clerk upload): a fichero de intercambio
    waiting in the bandeja to be accepted or rejected, or a mensaje about one of our own
    sent asientos. The SHA-256 of the bytes is unique: a file seen twice is one row."""

    class Tipo(models.TextChoices):
        FICHERO = "fichero", _("Fichero de intercambio")
        MENSAJE = "mensaje", _("Mensaje")

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente")
        ACEPTADO = "aceptado", _("Aceptado")
        RECHAZADO = "rechazado", _("Rechazado")
        PROCESADO = "procesado", _("Procesado")

    tipo = models.CharField(_("tipo"), max_length=8, choices=Tipo.choices)
    estado = models.CharField(_("estado"), max_length=10, choices=Estado.choices,
                              default=Estado.PENDIENTE)
    nombre_fichero = models.CharField(_("nombre del fichero"), max_length=200)
    fichero = models.FileField(_("fichero"), upload_to=recibido_upload_to, max_length=255)
    sha256 = models.CharField(_("huella SHA-256"), max_length=64, unique=True)
    tamano = models.PositiveIntegerField(_("tamaño en bytes"))
    identificador_intercambio = models.CharField(_("identificador de intercambio"),
                                                 max_length=33, db_index=True)
    tipo_anotacion = models.CharField(_("tipo de anotación o mensaje"), max_length=2,
                                      blank=True)
    origen_dir3 = models.CharField(_("entidad registral de origen"), max_length=21)
    origen_nombre = models.CharField(_("nombre del origen"), max_length=80, blank=True)
    numero_registro_origen = models.CharField(_("número de registro en origen"),
                                              max_length=20, blank=True)
    resumen = models.CharField(_("resumen"), max_length=1024, blank=True)
    asiento = models.ForeignKey(Asiento, verbose_name=_("asiento"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="recibidos_sir")
    motivo_rechazo = models.TextField(_("motivo del rechazo"), blank=True)
    recibido_por = models.CharField(_("recibido por"), max_length=150, blank=True,
                                    help_text=_("Vacío si llegó por el buzón del transporte."))
    resuelto_por = models.CharField(_("resuelto por"), max_length=150, blank=True)
    resuelto_en = models.DateTimeField(_("resuelto el"), null=True, blank=True)
    created_at = models.DateTimeField(_("recibido el"), default=timezone.now)

    class Meta:
        verbose_name = _("intercambio recibido")
        verbose_name_plural = _("bandeja SIR")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(estado="rechazado") | ~Q(motivo_rechazo=""),
                name="registro_recibido_rechazo_con_motivo"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"),
                                   name="registro_recibido_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.identificador_intercambio}"
