"""Provincial admin: the registration office's registradores (editable, audited) and a
read-only view of certificates and local CAs. No private key (not even its ciphertext) is
shown or editable here: the lifecycle goes through the pages and their actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certificados.models import Certificado, LocalCA, Registrador
from provincial.admin_audit import AuditedAdmin


@admin.register(Registrador)
class RegistradorAdmin(AuditedAdmin):
    list_display = ["user", "code", "is_active", "created_at"]
    list_filter = ["is_active"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Certificado)
class CertificadoAdmin(ReadOnlyAdmin):
    list_display = ["reference_display", "entity", "kind", "title_display", "authority", "state",
                    "not_after"]
    list_filter = ["state", "kind", "authority"]
    search_fields = ["holder_given_name", "holder_surnames", "holder_nif", "organo",
                     "sede_domain", "serial_hex", "entity__name"]
    list_select_related = ["entity"]
    fields = ["entity", "kind", "authority", "state", "holder_given_name", "holder_surnames",
              "holder_nif", "holder_email", "holder_position", "organo", "dir3_code",
              "sede_domain", "external_reference", "serial_hex", "subject", "issuer",
              "not_before", "not_after", "key_custody", "key_delivered_at", "revocation_reason",
              "revoked_at", "suspended_at", "requested_by", "created_at", "updated_at"]

    @admin.display(description=_("referencia"), ordering="pk")
    def reference_display(self, obj: Certificado) -> str:
        return obj.reference

    @admin.display(description=_("certificado"))
    def title_display(self, obj: Certificado) -> str:
        return obj.title


@admin.register(LocalCA)
class LocalCAAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_active", "crl_number", "crl_next_update", "created_at"]
    fields = ["name", "is_active", "root_certificate_pem", "issuing_certificate_pem",
              "crl_number", "crl_next_update", "published_at", "created_by", "created_at"]
