"""Spanish names for third-party apps in the admin."""

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_celery_beat.apps import BeatConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


class AxesConfig(BaseAxesConfig):
    verbose_name = _("Intentos de acceso y bloqueos")


class OTPConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("Doble factor")


class TOTPConfig(OTPTOTPConfig):
    verbose_name = _("Doble factor: aplicaciones de autenticación")


class StaticOTPConfig(OTPStaticConfig):
    verbose_name = _("Doble factor: códigos de recuperación")


class CeleryBeatConfig(BeatConfig):
    verbose_name = _("Tareas periódicas")
