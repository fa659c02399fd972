"""Django admin of the provincial host: entities, domains, adhesions, users, memberships."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provincial.admin_audit import AuditedAdmin
from provincial.admin_permissions import SpanishPermissionsMixin
from provincial.admin_widgets import SafeAutocompleteMixin
from tenants import actions, admin_service_accounts  # noqa: F401 - registers its admin
from tenants.choices import AdhesionState, Application
from tenants.models import (
    Adhesion,
    Communication,
    Delivery,
    DistributionAddress,
    Domain,
    Entity,
    EntityPopulation,
    Membership,
    Service,
    User,
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class PopulationInline(admin.TabularInline):
    model = EntityPopulation
    extra = 0


class AdhesionInline(admin.TabularInline):
    model = Adhesion
    extra = 0
    fields = ["service", "state", "approved_at", "is_exception"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "applications", "is_active"]
    autocomplete_fields = ["user"]


class DistributionAddressInline(admin.TabularInline):
    model = DistributionAddress
    extra = 0


class EntityCreationForm(forms.ModelForm):
    primary_domain = forms.CharField(label=_("Dominio principal"),
                                     help_text=_("p. ej. alcoi.localhost o sede.alcoi.es"))
    population = forms.IntegerField(label=_("Población oficial"), min_value=0, required=False)
    population_year = forms.IntegerField(label=_("Año de la cifra"), required=False,
                                         initial=lambda: timezone.localdate().year)

    class Meta:
        model = Entity
        fields = ["name", "slug", "kind", "is_active", "ine_code", "dir3_code", "cif", "province",
                  "comarca", "parent_municipality", "members", "address", "postal_code", "email",
                  "phone", "website", "public_base_url"]


@admin.register(Entity)
class EntityAdmin(AuditedAdmin):
    list_display = ["name", "kind", "ine_code", "dir3_code", "comarca", "current_population",
                    "is_active"]
    list_filter = ["kind", "comarca", "is_active", "adhesions__service"]
    search_fields = ["name", "slug", "ine_code", "dir3_code", "cif", "comarca"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    readonly_fields = ["schema_name", "created_at", "updated_at"]
    inlines = [DomainInline, PopulationInline, AdhesionInline, MembershipInline,
               DistributionAddressInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "is_active"]}),
        (_("Identificación"), {"fields": ["ine_code", "dir3_code", "cif", "province", "comarca",
                                          "parent_municipality", "members"]}),
        (_("Contacto"), {"fields": ["address", "postal_code", "email", "phone", "website",
                                    "public_base_url"]}),
        (_("Sistema"), {"fields": ["schema_name", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("populations")

    @admin.display(description=_("Población"))
    def current_population(self, entity: Entity) -> int | None:
        figures = sorted(entity.populations.all(), key=lambda p: p.year, reverse=True)
        return figures[0].population if figures else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EntityCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            fieldsets = [fs for fs in fieldsets if fs[0] != _("Sistema")]
            fieldsets.append((_("Alta"), {"fields": ["primary_domain", "population",
                                                     "population_year"]}))
        return fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        extra = {field: data[field] for field in ("comarca", "address", "postal_code", "email",
                                                  "phone", "website", "public_base_url",
                                                  "parent_municipality")
                 if data.get(field) not in (None, "")}
        result = actions.provision_entity(
            name=obj.name, slug=obj.slug, kind=obj.kind, ine_code=obj.ine_code,
            dir3_code=obj.dir3_code, cif=obj.cif, province=obj.province,
            domains=[data["primary_domain"]], population=data.get("population"),
            population_year=data.get("population_year"), acting_user=request.user, **extra)
        obj.pk = result.entity.pk
        obj.schema_name = result.entity.schema_name
        obj._state.adding = False
        messages.info(request, _("Esquema creado en %(seconds).2f s (%(method)s).")
                      % {"seconds": result.seconds, "method": result.method})

    def delete_model(self, request, obj):
        raise PermissionDenied(_("Las entidades no se borran: desactívelas."))


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["name", "code", "min_population", "max_population", "is_active", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]


class AdhesionForm(forms.ModelForm):
    class Meta:
        model = Adhesion
        fields = ["entity", "service", "acceptance_document", "acceptance_signed_on",
                  "exception_justification", "notes"]

    def clean(self):
        data = super().clean()
        entity, service = data.get("entity"), data.get("service")
        if entity and service and not self.instance.pk:
            problem = service.eligibility_problem(entity)
            if problem and not (data.get("exception_justification") or "").strip():
                self.add_error("exception_justification", _(
                    "%(problem)s Para adherirla igualmente, justifique la excepción.")
                    % {"problem": problem})
        return data


@admin.register(Adhesion)
class AdhesionAdmin(AuditedAdmin):
    form = AdhesionForm
    list_display = ["entity", "service", "state", "requested_at", "approved_at", "is_exception"]
    list_filter = ["state", "service", "is_exception", "entity__kind"]
    search_fields = ["entity__name", "entity__ine_code", "service__name"]
    autocomplete_fields = ["entity"]
    readonly_fields = ["state", "acceptance_sha256", "is_exception", "exception_by", "requested_at",
                       "requested_by", "approved_at", "approved_by", "ended_at", "end_reason"]
    actions = ["approve_selected"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        try:
            adhesion = actions.request_adhesion(
                data["entity"], data["service"], acting_user=request.user,
                acceptance_document=data.get("acceptance_document") or None,
                signed_on=data.get("acceptance_signed_on"),
                exception_justification=data.get("exception_justification", ""),
                notes=data.get("notes", ""))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
            raise
        obj.pk = adhesion.pk
        obj._state.adding = False

    @admin.action(description=_("Aprobar las adhesiones seleccionadas"))
    def approve_selected(self, request, queryset):
        approved = 0
        for adhesion in queryset.filter(state=AdhesionState.REQUESTED).select_related("service"):
            try:
                actions.approve_adhesion(adhesion, acting_user=request.user)
                approved += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(request, f"{adhesion}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        messages.success(request, _("%(count)s adhesiones aprobadas.") % {"count": approved})


class MembershipAdminForm(forms.ModelForm):
    applications = forms.MultipleChoiceField(choices=Application.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             label=_("Aplicaciones concedidas"))

    class Meta:
        model = Membership
        fields = ["user", "entity", "role", "job_title", "applications", "is_active"]

    def clean(self):
        data = super().clean()
        entity = data.get("entity")
        if entity is not None:
            available = actions.entity_applications(entity)
            missing = [Application(a).label for a in data.get("applications", [])
                       if a not in available]
            if missing:
                self.add_error("applications", _("La entidad no está adherida a un servicio que "
                                                 "incluya: %(apps)s.")
                               % {"apps": ", ".join(str(m) for m in missing)})
        return data


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "entity", "role", "is_active", "updated_at"]
    list_filter = ["role", "is_active", "entity__kind", "entity"]
    search_fields = ["user__username", "user__email", "user__last_name", "entity__name"]
    autocomplete_fields = ["user", "entity"]



class UserMembershipInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["entity", "role", "applications", "is_active"]
    autocomplete_fields = ["entity"]


@admin.register(User)
class UserAdmin(SpanishPermissionsMixin, AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff",
                    "is_support_agent", "can_send_communications", "is_active"]
    list_filter = ["is_staff", "is_support_agent", "can_send_communications", "is_active",
                   "memberships__entity"]
    search_fields = ["username", "email", "first_name", "last_name", "nif"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Plataforma provincial"), {"fields": ["nif", "phone", "is_support_agent",
                                                 "can_send_communications"]}),
    ]
    inlines = [UserMembershipInline]


@admin.register(DistributionAddress)
class DistributionAddressAdmin(AuditedAdmin):
    list_display = ["email", "entity", "label", "is_active"]
    list_filter = ["is_active", "entity__kind", "entity__comarca"]
    search_fields = ["email", "entity__name", "label"]
    autocomplete_fields = ["entity"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["entity", "email", "state", "smtp_response", "sent_at"]
    readonly_fields = fields


@admin.register(Communication)
class CommunicationAdmin(AuditedAdmin):
    list_display = ["subject", "sender", "created_at"]
    search_fields = ["subject", "body"]
    readonly_fields = ["subject", "body", "sender", "kinds", "comarcas", "mancomunidad", "service",
                       "job", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request) -> bool:
        return False
