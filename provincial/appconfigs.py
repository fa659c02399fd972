"""Spanish names for third-party apps and their models in the admin.

django-otp has no translations and django-axes none into Spanish, so the admin would say
"TOTP devices" and "Access attempts". Each config names its app and, in `ready()`, its
models. Only the display names change: the migration state is read from each model's
`Meta.original_attrs`, which stay as the package wrote them, so no migration of the
third-party app follows.
"""

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


def name_models(config: AppConfig, names: dict[str, tuple[str, str]]) -> None:
    """Give each model of `config` its Spanish (singular, plural) name."""
    for model_name, (singular, plural) in names.items():
        opts = config.get_model(model_name)._meta
        opts.verbose_name, opts.verbose_name_plural = singular, plural


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
        })
