"""The admin pages of django-axes and django-otp, in Spanish.

Neither package speaks Spanish (django-otp has no translations at all), and changing a
third-party field's `verbose_name` would make a migration of that package. These admins
keep the packages' behaviour and show Spanish labels instead: columns, filters, sections,
read-only values and form labels.
"""

from __future__ import annotations

from collections.abc import Callable

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

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
        return getattr(obj, name)

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


for model, model_admin in ((AccessAttempt, AccessAttemptAdmin),
                           (AccessLog, spanish(axes_admin.AccessLogAdmin, AccessLog)),
                           (AccessFailureLog, spanish(axes_admin.AccessFailureLogAdmin,
                                                      AccessFailureLog)),
                           (TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
