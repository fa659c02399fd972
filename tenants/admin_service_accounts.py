"""Service accounts in the provincial admin: provincial admins list every entity's
accounts, create one for an entity (its token shown once, on the page that answers the
creation) and revoke. Creation and revocation go through tenants.service_accounts, which
audits them; nothing else of an account can be changed, and none is deleted."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from provincial.admin_widgets import SafeAutocompleteMixin
from tenants import service_accounts
from tenants.choices import Application
from tenants.models import ServiceAccount


class ServiceAccountCreationForm(forms.ModelForm):
    applications = forms.MultipleChoiceField(
        label=_("Aplicaciones concedidas"), choices=Application.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo las de servicios a los que la entidad está adherida."))

    class Meta:
        model = ServiceAccount
        fields = ["entity", "name", "applications"]

    def clean(self):
        data = super().clean()
        if data.get("entity") and data.get("applications") is not None:
            try:
                service_accounts.validate(data["entity"], data.get("name", ""),
                                          data["applications"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(ServiceAccount)
class ServiceAccountAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "entity", "applications_display", "token_display", "created_at",
                    "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "entity"]
    search_fields = ["name", "entity__name", "token_prefix"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["entity", "name", "applications_display", "token_display", "created_by",
                       "created_at", "last_used_at", "revoked_at", "revoked_by"]
    actions = ["revoke_selected"]

    @admin.display(description=_("Aplicaciones"))
    def applications_display(self, account: ServiceAccount) -> str:
        return ", ".join(account.application_labels())

    @admin.display(description=_("Token"))
    def token_display(self, account: ServiceAccount) -> str:
        return f"{account.token_prefix}…"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity", "created_by", "revoked_by")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ServiceAccountCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["entity", "name", "applications"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only
        data = form.cleaned_data
        try:
            created = service_accounts.create_service_account(
                data["entity"], name=data["name"], applications=data["applications"],
                acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            raise
        obj.pk = created.account.pk
        obj._state.adding = False
        request._new_service_account_token = created.token

    def log_addition(self, request, obj, message):
        return None  # audited by the action (tenants.service_account.create)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_new_service_account_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        account = ServiceAccount.objects.select_related("entity").get(pk=obj.pk)
        response = TemplateResponse(request, "admin/tenants/serviceaccount/token.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "account": account,
            "token": token, "title": _("Cuenta de servicio creada")})
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revocar las cuentas seleccionadas"))
    def revoke_selected(self, request, queryset) -> None:
        revoked = 0
        for account in queryset.filter(revoked_at__isnull=True):
            service_accounts.revoke_service_account(account, acting_user=request.user)
            revoked += 1
        self.message_user(request, ngettext("%(n)d cuenta revocada.", "%(n)d cuentas revocadas.",
                                            revoked) % {"n": revoked}, messages.SUCCESS)
