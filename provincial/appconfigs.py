"""Spanish names for third-party apps and their models in the admin.

django-otp has no translations and django-axes none into Spanish, so the admin would say
"TOTP devices" and "Access attempts". Each config names its app and, in `ready()`, its
models. Only the display names change: the migration state is read from each model's
`Meta.original_attrs` and each field's original `verbose_name` (`Field._verbose_name`),
which stay as the package wrote them, so no migration of the third-party app follows.
(A field's help_text is part of its migration state: Spanish help goes through the admin
forms, provincial/admin_thirdparty.py.)
"""

import re

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as BaseAdminConfig
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


def name_models(config: AppConfig, names: dict[str, tuple[str, str]]) -> None:
    """Give each model of `config` its Spanish (singular, plural) name."""
    for model_name, (singular, plural) in names.items():
        opts = config.get_model(model_name)._meta
        opts.verbose_name, opts.verbose_name_plural = singular, plural


def name_fields(config: AppConfig, names: dict[str, dict[str, str]]) -> None:
    """Give fields of `config`'s models their Spanish names ({model: {field: name}}): the
    admin's columns, filters and labels read `verbose_name`; migrations, `_verbose_name`."""
    for model_name, fields in names.items():
        model = config.get_model(model_name)
        for field_name, name in fields.items():
            model._meta.get_field(field_name).verbose_name = name


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else "—"


class AdminConfig(BaseAdminConfig):
    """Django's admin, with its own history named so that nobody takes it for the registro
    de entrada ("entrada de registro" is Django's Spanish for a LogEntry)."""

    def ready(self) -> None:
        super().ready()
        name_models(self, {"LogEntry": (_("cambio en el historial de la administración"),
                                        _("historial de la administración"))})
        # Django REST framework's user tokens read "Token de autenticación | Token" in the
        # admin. Named from here: DRF looks for the literal "rest_framework.authtoken" in
        # INSTALLED_APPS (its TokenProxy turns abstract otherwise), so it keeps its config.
        from django.apps import apps

        if apps.is_installed("rest_framework.authtoken"):
            tokens = apps.get_app_config("authtoken")
            tokens.verbose_name = _("API REST")
            name_models(tokens, {
                "Token": (_("token de la API"), _("tokens de la API")),
                # The proxy the admin lists them with (its own permissions).
                "TokenProxy": (_("token de la API (administración)"),
                               _("tokens de la API (administración)"))})


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Intentos de acceso y bloqueos")

    def ready(self) -> None:
        super().ready()
        name_models(self, {
            # One row per user, IP and browser with failed logins: what locks them out.
            "AccessAttempt": (_("intento de acceso fallido"), _("intentos de acceso fallidos")),
            "AccessLog": (_("acceso"), _("registro de accesos")),
            "AccessFailureLog": (_("acceso fallido"), _("registro de accesos fallidos")),
            "AccessAttemptExpiration": (_("caducidad de un intento de acceso"),
                                        _("caducidades de los intentos de acceso")),
        })
        # What the admin's breadcrumbs and deletion pages print for a row ("Access Log for
        # admin @ 2026-12-07 15:41:18.663407+00:00" otherwise).
        self.get_model("AccessLog").__str__ = _access_log_str
        self.get_model("AccessAttempt").__str__ = _access_attempt_str
        self.get_model("AccessFailureLog").__str__ = _access_failure_str


def _access_log_str(row) -> str:
    return str(_("Acceso de %(user)s el %(when)s") % {"user": row.username,
                                                       "when": _when(row.attempt_time)})


def _access_attempt_str(row) -> str:
    return str(_("Intentos fallidos de %(user)s desde el %(when)s")
               % {"user": row.username, "when": _when(row.attempt_time)})


def _access_failure_str(row) -> str:
    return str(_("Acceso fallido de %(user)s el %(when)s desde %(ip)s")
               % {"user": row.username, "when": _when(row.attempt_time),
                  "ip": row.ip_address or "—"})


class OTPConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("Doble factor")


class TOTPConfig(OTPTOTPConfig):
    verbose_name = _("Doble factor: aplicaciones de autenticación")

    def ready(self) -> None:
        super().ready()
        name_models(self, {"TOTPDevice": (_("aplicación de autenticación"),
                                          _("aplicaciones de autenticación"))})


class StaticOTPConfig(OTPStaticConfig):
    verbose_name = _("Doble factor: códigos de recuperación")

    def ready(self) -> None:
        super().ready()
        name_models(self, {
            "StaticDevice": (_("juego de códigos de recuperación"), _("códigos de recuperación")),
            "StaticToken": (_("código de recuperación"), _("códigos de recuperación")),
        })
        # The admin's inline prints each code's str(): "StaticToken object (1)" otherwise.
        self.get_model("StaticToken").__str__ = _static_token_str


def _static_token_str(token) -> str:
    return str(_("Código de recuperación n.º %(pk)s") % {"pk": token.pk})


class CeleryBeatConfig(BeatConfig):
    verbose_name = _("Tareas periódicas")

    def ready(self) -> None:
        super().ready()
        name_models(self, {
            "CrontabSchedule": (_("programación cron"), _("programaciones cron")),
            "ClockedSchedule": (_("fecha y hora fijas"), _("fechas y horas fijas")),
            # One row: when the schedule last changed, so that beat reloads it.
            "PeriodicTasks": (_("último cambio de las tareas periódicas"),
                              _("últimos cambios de las tareas periódicas")),
        })
        name_fields(self, {
            # "Task Name" has no translation in the package; "Keyword Arguments" is
            # "Agumentos opcionales" in its Spanish catalogue.
            "PeriodicTask": {"task": _("nombre de la tarea"), "args": _("argumentos (JSON)"),
                             "kwargs": _("argumentos con nombre (JSON)")},
        })
        from django_celery_beat import models as beat_models

        # The schedule in words (the crontab list, the periodic task form) comes from
        # cron-descriptor in the process's locale, English on a server: in Spanish here.
        beat_models.get_description = describe_cron


# cron-descriptor takes day and month names from the C library's locale.
_CRON_WORDS = dict(zip(
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
     "January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"),
    ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "enero",
     "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
     "noviembre", "diciembre"), strict=True))


def describe_cron(expression: str) -> str:
    """A cron expression in Spanish words ("A las 03:00", "Cada 15 minutos, de lunes a
    viernes"), with the 24-hour clock."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.locale_code = "es_ES"
    options.use_24hour_time_format = True
    text = ExpressionDescriptor(expression, options).get_description()
    return re.sub(r"\b(" + "|".join(_CRON_WORDS) + r")\b", lambda m: _CRON_WORDS[m.group(1)], text)
