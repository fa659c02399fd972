"""The admin pages of django-axes, django-otp and django-celery-beat, in Spanish.

Neither axes nor otp speaks Spanish (django-otp has no translations at all), celery-beat's
catalogue leaves some English and a typo, and changing a third-party field's help text
would make a migration of that package. These admins keep the packages' behaviour and show
Spanish labels instead: columns, filters, sections, read-only values, form labels and help.
"""

from __future__ import annotations

from collections.abc import Callable

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_static import admin as static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

EMPTY = "—"

FIELD_LABELS = {
    # django-axes
    "attempt_time": _("fecha"),
    "logout_time": _("cierre de sesión"),
    "ip_address": _("dirección IP"),
    "user_agent": _("navegador"),
    "username": _("nombre de usuario"),
    "path_info": _("dirección"),
    "http_accept": _("cabecera Accept"),
    "get_data": _("datos GET"),
    "post_data": _("datos POST"),
    "failures_since_start": _("intentos fallidos"),
    "locked_out": _("bloqueado"),
    "session_hash": _("huella de la sesión"),
    # django-otp
    "user": _("usuario"),
    "name": _("nombre"),
    "confirmed": _("confirmado"),
    "created_at": _("creado"),
    "last_used_at": _("último uso"),
    "key": _("clave secreta (hexadecimal)"),
    "step": _("intervalo (segundos)"),
    "t0": _("tiempo inicial (t0)"),
    "digits": _("cifras"),
    "tolerance": _("tolerancia (intervalos)"),
    "drift": _("desfase (intervalos)"),
    "last_t": _("último intervalo usado"),
    "throttling_failure_timestamp": _("último fallo"),
    "throttling_failure_count": _("fallos seguidos"),
    "token": _("código"),
}

# django-otp's help texts, in Spanish (the model's own stay in the migration state).
FIELD_HELP = {
    "user": _("Usuario al que pertenece el dispositivo."),
    "name": _("Nombre del dispositivo, para reconocerlo."),
    "confirmed": _("Si el dispositivo ya se puede usar."),
    "created_at": _("Cuándo se dio de alta el dispositivo."),
    "last_used_at": _("La última vez que se usó."),
    "key": _("Clave secreta en hexadecimal, de hasta 40 bytes."),
    "step": _("Duración de cada intervalo, en segundos."),
    "t0": _("Momento (tiempo Unix) desde el que se cuentan los intervalos."),
    "digits": _("Cifras de cada código."),
    "tolerance": _("Intervalos de más o de menos que se aceptan."),
    "drift": _("Intervalos que el reloj del dispositivo va adelantado o atrasado."),
    "last_t": _("El último intervalo usado (un código no vale dos veces)."),
    "throttling_failure_timestamp": _("Cuándo falló el último código (vacío si acertó)."),
    "throttling_failure_count": _("Códigos erróneos seguidos."),
}
SEARCH_HELP = _("Busque por el nombre de usuario o la dirección de correo del usuario.")

SECTION_TITLES = {
    "Identity": _("Identidad"),
    "Timestamps": _("Fechas"),
    "Configuration": _("Configuración"),
    "State": _("Estado"),
    "Throttling": _("Freno tras fallos"),
    "Form Data": _("Datos enviados"),
    "Meta Data": _("Datos de la conexión"),
}


def _value_of(model: type[models.Model], name: str) -> Callable:
    """A read-only column or value showing field `name` under its Spanish label."""
    field = model._meta.get_field(name)

    def value(obj):
        raw = getattr(obj, name)
        if isinstance(field, models.BooleanField):
            return raw  # the admin draws its yes/no icon
        # Dates in the site's format and "—" for none (not "None", not ISO with microseconds).
        return display_for_field(raw, field, EMPTY)

    value.__name__ = name
    value.short_description = FIELD_LABELS[name]
    value.admin_order_field = name
    value.boolean = isinstance(field, models.BooleanField)
    return value


class TitledFilter(admin.FieldListFilter):
    """The filter Django would choose for the field, under a Spanish title."""

    title_es = ""

    def __new__(cls, field, request, params, model, model_admin, field_path):
        spec = admin.FieldListFilter.create(field, request, params, model, model_admin,
                                            field_path)
        spec.title = cls.title_es
        return spec


def _filter(name: str):
    if not isinstance(name, str):
        return name
    return (name, type(f"{name}_filter", (TitledFilter,), {"title_es": FIELD_LABELS[name]}))


def _spanish_fieldsets(fieldsets, values: dict[str, Callable]) -> list:
    return [(SECTION_TITLES.get(title, title) if title else title,
             {**options, "fields": [values.get(name, name) for name in options["fields"]]})
            for title, options in fieldsets]


class SpanishLabels:
    """Mixin for a third-party ModelAdmin (built by `spanish()`): editable fields get
    Spanish form labels, sections Spanish titles, read-only fields Spanish values."""

    _values: dict[str, Callable] = {}

    def get_form(self, request, obj=None, **kwargs):
        names = {field.name for field in self.model._meta.fields}
        kwargs.setdefault("labels", {name: capfirst(label) for name, label in FIELD_LABELS.items()
                                     if name in names})
        # Read-only fields take their help from the form's help_texts too.
        kwargs.setdefault("help_texts", {name: text for name, text in FIELD_HELP.items()
                                         if name in names})
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return _spanish_fieldsets(super().get_fieldsets(request, obj), self._values)


def spanish(base: type[admin.ModelAdmin], model: type[models.Model]) -> type:
    """A subclass of `base` whose read-only fields, columns and filters read in Spanish."""
    names = {field.name for field in model._meta.fields}
    values = {name: _value_of(model, name)
              for name in [*base.readonly_fields, *base.list_display]
              if isinstance(name, str) and name in FIELD_LABELS and name in names}
    # Only read-only fields become values in the sections: editable ones stay form fields.
    readonly = {name: value for name, value in values.items() if name in base.readonly_fields}
    attrs = {
        "_values": readonly,
        "list_display": [values.get(name, name) for name in base.list_display],
        "list_filter": [_filter(name) for name in base.list_filter],
        "readonly_fields": [values.get(name, name) for name in base.readonly_fields],
    }
    if base.fieldsets:
        attrs["fieldsets"] = _spanish_fieldsets(base.fieldsets, readonly)
    return type(f"Spanish{base.__name__}", (SpanishLabels, base), attrs)


class LockedOutFilter(axes_admin.IsLockedOutFilter):
    title = _("bloqueado")


class AccessAttemptAdmin(spanish(axes_admin.AccessAttemptAdmin, AccessAttempt)):
    list_filter = [_filter("attempt_time"), _filter("path_info"), LockedOutFilter]

    @admin.display(description=_("caduca"))
    def expiration(self, obj: AccessAttempt):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else _("sin caducidad")

    @admin.display(description=_("estado"))
    def status(self, obj: AccessAttempt) -> str:
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return str(_("quedan %(n)s intentos") % {"n": remaining})
        return str(_("bloqueado"))

    @admin.action(description=_("Borrar los intentos caducados"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, _("Borrados %(n)s intentos caducados.") % {"n": count})


class TOTPDeviceAdmin(spanish(totp_admin.TOTPDeviceAdmin, TOTPDevice)):
    search_help_text = SEARCH_HELP

    @admin.display(description=_("código QR"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class StaticTokenInline(static_admin.StaticTokenInline):
    verbose_name = _("código de recuperación")
    verbose_name_plural = _("códigos de recuperación")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("labels", {"token": capfirst(FIELD_LABELS["token"])})
        return super().get_formset(request, obj, **kwargs)


class StaticDeviceAdmin(spanish(static_admin.StaticDeviceAdmin, StaticDevice)):
    inlines = [StaticTokenInline]
    search_help_text = SEARCH_HELP


# --- django-celery-beat -------------------------------------------------------------------

BEAT_HELP = {
    "enabled": _("Desmárquelo para que la tarea no se ejecute."),
    "last_run_at": _("Cuándo se ejecutó la tarea por última vez. Se vacía al deshabilitarla."),
    "priority": _("Número de 0 a 255. Lo tienen en cuenta RabbitMQ y Redis (en Redis, 0 es "
                  "la prioridad más alta)."),
    "minute": _("Minutos en que se ejecuta, «*» para todos. Ejemplo: «0,30»."),
    "hour": _("Horas en que se ejecuta, «*» para todas. Ejemplo: «8,20»."),
    "day_of_month": _("Días del mes en que se ejecuta, «*» para todos. Ejemplo: «1,15»."),
    "month_of_year": _("Meses (1 a 12) en que se ejecuta, «*» para todos. Ejemplo: «1,12»."),
    "day_of_week": _("Días de la semana en que se ejecuta, «*» para todos; el domingo es 0 o "
                     "7, el lunes 1. Ejemplo: «1-5»."),
    "timezone": _("Zona horaria de la programación. Si no se indica, UTC."),
}


class BeatHelp:
    """Spanish help under the fields of a django-celery-beat form."""

    def get_form(self, request, obj=None, **kwargs):
        names = {field.name for field in self.model._meta.fields}
        kwargs.setdefault("help_texts", {name: text for name, text in BEAT_HELP.items()
                                         if name in names})
        return super().get_form(request, obj, **kwargs)


class PeriodicTaskAdmin(BeatHelp, beat_admin.PeriodicTaskAdmin):
    # The package's sections (untitled, Schedule, Arguments, Execution Options), titled in
    # Spanish.
    fieldsets = [(title, options) for title, (_title, options) in zip(
        (None, _("Programación"), _("Argumentos"), _("Opciones de ejecución")),
        beat_admin.PeriodicTaskAdmin.fieldsets, strict=True)]

    @admin.display(description=_("programación en palabras"))
    def crontab_translation(self, obj):
        return obj.crontab.human_readable if obj and obj.crontab_id else EMPTY


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    verbose_name = _("tarea periódica con esta programación")
    verbose_name_plural = _("tareas periódicas con esta programación")


def _schedule_admin(base: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    return type(base.__name__, (BeatHelp, base), {"inlines": [PeriodicTaskInline]})


class CrontabScheduleAdmin(_schedule_admin(beat_admin.CrontabScheduleAdmin)):
    @admin.display(description=_("programación en palabras"))
    def human_readable(self, obj):
        return obj.human_readable


for model, model_admin in ((PeriodicTask, PeriodicTaskAdmin),
                           (CrontabSchedule, CrontabScheduleAdmin),
                           (ClockedSchedule, _schedule_admin(beat_admin.ClockedScheduleAdmin)),
                           (SolarSchedule, _schedule_admin(beat_admin.SolarScheduleAdmin)),
                           (IntervalSchedule, _schedule_admin(beat_admin.IntervalScheduleAdmin)),
                           (AccessAttempt, AccessAttemptAdmin),
                           (AccessLog, spanish(axes_admin.AccessLogAdmin, AccessLog)),
                           (AccessFailureLog, spanish(axes_admin.AccessFailureLogAdmin,
                                                      AccessFailureLog)),
                           (TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
