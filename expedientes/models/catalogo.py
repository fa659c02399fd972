"""The entity's procedures catalogue and its document templates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from expedientes.choices import Familia, TipoDocumental, UnidadPlazo
from sede.choices import SentidoSilencio


class Procedimiento(models.Model):
    """A procedure the entity handles (tramitación side): its SIA code, legal basis,
    maximum time to resolve and the effect of silence, the documents it needs, its phases
    and its template set. Adopted from the provincial model catalogue (`modelo_codigo`,
    `modelo_version`) or written by the entity; `sede_procedimiento` is the sede's
    procedure whose submissions open expedientes of this one."""

    code = models.CharField(_("código"), max_length=30, unique=True)
    sia_code = models.CharField(_("código SIA"), max_length=20, blank=True,
                                help_text=_("Código del Sistema de Información Administrativa."))
    name = models.CharField(_("nombre"), max_length=250)
    familia = models.CharField(_("familia"), max_length=30, choices=Familia.choices,
                               default=Familia.GENERAL)
    description = models.TextField(_("descripción"), blank=True)
    base_legal = models.TextField(_("base legal"), blank=True)
    plazo_cantidad = models.PositiveSmallIntegerField(_("plazo máximo de resolución"),
                                                      default=3)
    plazo_unidad = models.CharField(_("unidad del plazo"), max_length=20,
                                    choices=UnidadPlazo.choices, default=UnidadPlazo.MESES)
    sentido_silencio = models.CharField(_("sentido del silencio"), max_length=20,
                                        choices=SentidoSilencio.choices)
    organo_resolutorio = models.CharField(_("órgano que resuelve"), max_length=200,
                                          blank=True)
    # [{"nombre": "Proyecto técnico", "obligatorio": true}]
    documentos_requeridos = models.JSONField(_("documentos que se piden"), default=list,
                                             blank=True)
    # ["Inicio", "Instrucción", "Resolución"]: the first is where a new expediente starts.
    fases = models.JSONField(_("fases"), default=list, blank=True)
    circuito = models.ForeignKey("expedientes.CircuitoFirma", verbose_name=_("circuito de firma"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="procedimientos")
    sede_procedimiento = models.ForeignKey("sede.Procedimiento",
                                           verbose_name=_("procedimiento en la sede"),
                                           null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    modelo_codigo = models.CharField(_("modelo provincial"), max_length=60, blank=True)
    modelo_version = models.PositiveSmallIntegerField(_("versión del modelo"), null=True,
                                                      blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        verbose_name = _("procedimiento")
        verbose_name_plural = _("procedimientos")
        ordering = ["familia", "name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        documentos = self.documentos_requeridos
        if not isinstance(documentos, list) or any(
                not isinstance(d, dict) or not str(d.get("nombre", "")).strip()
                for d in documentos):
            raise ValidationError({"documentos_requeridos": _(
                "Cada documento necesita un «nombre».")})
        if not isinstance(self.fases, list) or any(
                not isinstance(f, str) or not f.strip() for f in self.fases):
            raise ValidationError({"fases": _("Cada fase es un nombre.")})

    @property
    def plazo_texto(self) -> str:
        """«3 meses», «1 mes», «10 días hábiles»: the maximum time to resolve, in words."""
        n = self.plazo_cantidad
        if self.plazo_unidad == UnidadPlazo.MESES:
            text = ngettext("%(n)d mes", "%(n)d meses", n)
        elif self.plazo_unidad == UnidadPlazo.DIAS_NATURALES:
            text = ngettext("%(n)d día natural", "%(n)d días naturales", n)
        else:
            text = ngettext("%(n)d día hábil", "%(n)d días hábiles", n)
        return text % {"n": n}

    @property
    def first_fase(self) -> str:
        return self.fases[0] if self.fases else ""


class Plantilla(models.Model):
    """A document template of a procedure (or of the entity, with no procedure): a body
    with merge fields (expedientes.plantillas) that generates a draft document."""

    procedimiento = models.ForeignKey(Procedimiento, verbose_name=_("procedimiento"),
                                      null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="plantillas")
    code = models.CharField(_("código"), max_length=40)
    name = models.CharField(_("nombre"), max_length=200)
    tipo_documental = models.CharField(_("tipo documental"), max_length=4,
                                       choices=TipoDocumental.choices,
                                       default=TipoDocumental.INFORME)
    cuerpo = models.TextField(_("texto"))
    # A resolution signed by the alcalde and the secretario is numbered in the libro.
    is_resolucion = models.BooleanField(_("es una resolución (libro de decretos)"),
                                        default=False)
    circuito = models.ForeignKey("expedientes.CircuitoFirma", verbose_name=_("circuito de firma"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="plantillas",
                                 help_text=_("Vacío: el del procedimiento."))
    orden = models.PositiveSmallIntegerField(_("orden"), default=0)
    # SHA-256 of the provincial model's body this template was copied from: while the
    # body still has it, the entity has not adapted the template, and a newer version of
    # the model may replace it (expedientes.catalogo.actions.actualizar_desde_modelo).
    modelo_huella = models.CharField(_("huella de la plantilla del modelo"), max_length=64,
                                     blank=True)
    is_active = models.BooleanField(_("activa"), default=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizada"), auto_now=True)

    class Meta:
        verbose_name = _("plantilla")
        verbose_name_plural = _("plantillas")
        ordering = ["procedimiento_id", "orden", "name"]
        constraints = [models.UniqueConstraint(fields=["procedimiento", "code"],
                                               name="expedientes_plantilla_codigo_unico")]

    def __str__(self) -> str:
        return self.name
