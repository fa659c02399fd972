"""Permissions shown in Spanish in the admin's group and user forms.

Django stores the default permission names in English ("Can add TOTP device"), built
from the model's untranslated verbose name when the tables are created; the admin lists
them as they are stored. These forms label each permission from what it is instead: the
application's and the model's current (Spanish) names and the action in Spanish.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from provincial.admin_widgets import SafeAutocompleteMixin

ACTIONS = {"add": _("Puede añadir"), "change": _("Puede modificar"),
           "delete": _("Puede eliminar"), "view": _("Puede ver")}


def permission_label(permission: Permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    model_name = model._meta.verbose_name if model else content_type.model
    try:
        app_name = apps.get_app_config(content_type.app_label).verbose_name
    except LookupError:
        app_name = content_type.app_label
    action = permission.codename.split("_", 1)[0]
    if action in ACTIONS and permission.codename == f"{action}_{content_type.model}":
        text = f"{ACTIONS[action]} «{model_name}»"
    else:
        text = permission.name  # the project's own permissions are named in Spanish
    return f"{app_name} | {model_name} | {text}"


class SpanishPermissionsMixin:
    """ModelAdmin mixin: `permissions` / `user_permissions` listed with Spanish labels."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


class SpanishGroupAdmin(SpanishPermissionsMixin, SafeAutocompleteMixin, GroupAdmin):
    pass


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, SpanishGroupAdmin)
